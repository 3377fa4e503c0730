// insert, update, upsert, delete, extract and convert on span attributes, and action order.
#include <catch.hpp>

#include "unit/processors/attributes/fixture.h"

using namespace spanflow;
using namespace spanflow::testing::attributes;

namespace {

std::string run(const std::string& yaml, const Attributes& attrs) {
  Harness harness(yaml);
  return harness.run_attributes(attrs);
}

Attributes strings(std::initializer_list<std::pair<std::string, std::string>> entries) {
  Attributes attrs;
  for (const auto& [key, value] : entries) put_str(attrs, key, value);
  return attrs;
}

}  // namespace

TEST_CASE("insert adds an attribute the span does not have") {
  CHECK(run("actions: [{key: a, action: insert, value: x}]", strings({{"b", "1"}})) ==
        "b=Str(1), a=Str(x)");
}

TEST_CASE("insert leaves an attribute that already exists as it is") {
  Attributes attrs;
  put_int(attrs, "a", 1);
  CHECK(run("actions: [{key: a, action: insert, value: x}]", attrs) == "a=Int(1)");
}

TEST_CASE("update replaces an existing value, type included, in its position") {
  Attributes attrs = strings({{"a", "old"}, {"b", "1"}});
  CHECK(run("actions: [{key: a, action: update, value: 5}]", attrs) == "a=Int(5), b=Str(1)");
}

TEST_CASE("update does nothing when the attribute is missing") {
  CHECK(run("actions: [{key: a, action: update, value: 5}]", strings({{"b", "1"}})) == "b=Str(1)");
}

TEST_CASE("upsert inserts or updates with the value typed as the Collector types YAML") {
  const std::string yaml = R"(
actions:
  - {key: int, action: upsert, value: 42}
  - {key: negative_hex, action: upsert, value: -0x1F}
  - {key: octal, action: upsert, value: 010}
  - {key: underscores, action: upsert, value: 1_000}
  - {key: double, action: upsert, value: 1.5}
  - {key: exponent, action: upsert, value: 1e3}
  - {key: bool, action: upsert, value: True}
  - {key: quoted_int, action: upsert, value: "42"}
  - {key: quoted_bool, action: upsert, value: 'true'}
  - {key: plain, action: upsert, value: hello world}
  - {key: yes_is_a_string, action: upsert, value: yes}
  - {key: list, action: upsert, value: [1, "two", 3.5, false, ~]}
  - {key: map, action: upsert, value: {k: v, n: 1}}
  - {key: existing, action: upsert, value: 7}
)";
  Attributes attrs = strings({{"existing", "old"}});
  CHECK(run(yaml, attrs) ==
        "existing=Int(7), int=Int(42), negative_hex=Int(-31), octal=Int(8), "
        "underscores=Int(1000), double=Double(1.5), exponent=Double(1000), bool=Bool(true), "
        "quoted_int=Str(42), quoted_bool=Str(true), plain=Str(hello world), "
        "yes_is_a_string=Str(yes), list=Slice[Int(1), Str(two), Double(3.5), Bool(false), "
        "Empty], map=Map{k=Str(v), n=Int(1)}");
}

TEST_CASE("a value from an environment variable is typed after expansion, as in the Collector") {
  Harness harness(R"(
actions:
  - key: plain
    action: upsert
    value: "${env:N}"
  - key: typed
    action: upsert
    value: ${env:N}
)",
                  {{"N", "12"}});
  CHECK(harness.run_attributes({}) == "plain=Str(12), typed=Int(12)");
}

TEST_CASE("from_attribute copies another attribute's value and type") {
  Attributes attrs;
  put_int(attrs, "src", 7);
  CHECK(run("actions: [{key: dst, action: insert, from_attribute: src}]", attrs) ==
        "src=Int(7), dst=Int(7)");
  CHECK(run("actions: [{key: src, action: upsert, from_attribute: src}]", attrs) == "src=Int(7)");
}

TEST_CASE("from_attribute does nothing when the source attribute is missing") {
  const Attributes attrs = strings({{"a", "keep"}});
  CHECK(run("actions: [{key: a, action: upsert, from_attribute: nope}]", attrs) == "a=Str(keep)");
  CHECK(run("actions: [{key: b, action: insert, from_attribute: nope}]", attrs) == "a=Str(keep)");
}

TEST_CASE("from_context resolves to nothing yet, so insert and upsert from it do nothing") {
  const std::string yaml = R"(
actions:
  - {key: tenant, action: insert, from_context: metadata.x-tenant}
  - {key: a, action: upsert, from_context: auth.subject}
)";
  const Loaded loaded = load(yaml);
  CHECK(loaded.ok);
  CHECK(loaded.report.find("warning: processors::attributes::actions[0]::from_context: spanflow "
                           "has no client metadata or auth context yet: from_context resolves "
                           "to nothing, so this action does nothing") != std::string::npos);
  CHECK(run(yaml, strings({{"a", "keep"}})) == "a=Str(keep)");
}

TEST_CASE("delete removes the attribute named by key; the last attribute takes its place") {
  CHECK(run("actions: [{key: b, action: delete}]",
            strings({{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}})) ==
        "a=Str(1), d=Str(4), c=Str(3)");
  CHECK(run("actions: [{key: zz, action: delete}]", strings({{"a", "1"}})) == "a=Str(1)");
}

TEST_CASE("delete by pattern removes every attribute whose name matches anywhere") {
  CHECK(run("actions: [{action: delete, pattern: secret}]",
            strings({{"user.secret", "1"}, {"name", "2"}, {"secret_token", "3"}, {"x", "4"}})) ==
        "x=Str(4), name=Str(2)");
  CHECK(run("actions: [{action: delete, pattern: ^a$}]", strings({{"a", "1"}, {"ab", "2"}})) ==
        "ab=Str(2)");
}

TEST_CASE("delete with key and pattern removes both") {
  CHECK(run("actions: [{key: password, action: delete, pattern: ^db\\.}]",
            strings({{"db.user", "u"}, {"password", "p"}, {"keep", "k"}, {"db.pass", "q"}})) ==
        "keep=Str(k)");
}

TEST_CASE("extract writes each named group as a string attribute and keeps the source") {
  const std::string yaml = R"(
actions:
  - key: http.url
    action: extract
    pattern: ^(?P<http_scheme>https?)://(?P<http_host>[^/]+)(?P<http_path>/[^?]*)
)";
  Attributes attrs = strings({{"http.url", "https://shop.example/cart/42?x=1"}});
  put_int(attrs, "http_host", 1);
  CHECK(run(yaml, attrs) ==
        "http.url=Str(https://shop.example/cart/42?x=1), http_host=Str(shop.example), "
        "http_scheme=Str(https), http_path=Str(/cart/42)");
}

TEST_CASE("extract does nothing when the pattern does not match or the value is not a string") {
  const std::string yaml = "actions: [{key: u, action: extract, pattern: '^(?P<n>[0-9]+)$'}]";
  CHECK(run(yaml, strings({{"u", "12a"}})) == "u=Str(12a)");
  Attributes attrs;
  put_int(attrs, "u", 12);
  CHECK(run(yaml, attrs) == "u=Int(12)");
  CHECK(run(yaml, strings({{"v", "12"}})) == "v=Str(12)");
}

TEST_CASE("extract takes the leftmost match anywhere in the value") {
  CHECK(run("actions: [{key: u, action: extract, pattern: '(?P<digits>[0-9]+)'}]",
            strings({{"u", "ab12cd345"}})) == "u=Str(ab12cd345), digits=Str(12)");
}

TEST_CASE("a named group that takes no part in the match is written as an empty string") {
  CHECK(run("actions: [{key: u, action: extract, pattern: '^(?P<a>x)?(?P<b>y)'}]",
            strings({{"u", "y"}})) == "u=Str(y), a=Str(), b=Str(y)");
}

TEST_CASE("extract may overwrite its own source after the other groups are taken from it") {
  CHECK(run(R"(actions: [{key: url, action: extract, pattern: '^(?<url>[^?]*)\?(?P<query>.*)'}])",
            strings({{"url", "https://a.example/p?q=1&r=2"}})) ==
        "url=Str(https://a.example/p), query=Str(q=1&r=2)");
}

TEST_CASE("extract on a long value neither crashes nor takes quadratic time") {
  // std::regex's default backtracking engine recurses once per character and overflows the
  // stack on values this long; the processor must use the bounded engine.
  const std::string long_url = "https://a.example/" + std::string(500'000, 'x');
  const std::string yaml = R"(
actions:
  - {key: u, action: extract, pattern: '^(?P<base>https?://[^/]+/[^?]*)'}
  - {key: v, action: extract, pattern: '(?P<tail>[^?]*z)'}
)";
  const std::string out = run(yaml, strings({{"u", long_url}, {"v", long_url}}));
  CHECK(out.find("base=Str(" + long_url + ")") != std::string::npos);
  CHECK(out.find("tail=") == std::string::npos);
}

TEST_CASE("convert to int parses strings and truncates doubles; failures leave the value") {
  const std::string yaml = "actions: [{key: v, action: convert, converted_type: int}]";
  const auto one = [&](auto set) {
    Attributes attrs;
    set(put(attrs, "v"));
    return run(yaml, attrs);
  };
  CHECK(one([](auto& v) { v.set_string_value("42"); }) == "v=Int(42)");
  CHECK(one([](auto& v) { v.set_string_value("+7"); }) == "v=Int(7)");
  CHECK(one([](auto& v) { v.set_string_value("-9223372036854775808"); }) ==
        "v=Int(-9223372036854775808)");
  CHECK(one([](auto& v) { v.set_string_value("9223372036854775808"); }) ==
        "v=Str(9223372036854775808)");
  CHECK(one([](auto& v) { v.set_string_value("4.2"); }) == "v=Str(4.2)");
  CHECK(one([](auto& v) { v.set_string_value("12abc"); }) == "v=Str(12abc)");
  CHECK(one([](auto& v) { v.set_string_value(" 1"); }) == "v=Str( 1)");
  CHECK(one([](auto& v) { v.set_double_value(3.99); }) == "v=Int(3)");
  CHECK(one([](auto& v) { v.set_double_value(-3.99); }) == "v=Int(-3)");
  CHECK(one([](auto& v) { v.set_double_value(1e300); }) == "v=Double(1.0000000000000001e+300)");
  CHECK(one([](auto& v) { v.set_bool_value(true); }) == "v=Int(1)");
  CHECK(one([](auto& v) { v.set_int_value(5); }) == "v=Int(5)");
  CHECK(one([](auto& v) { v.mutable_array_value(); }) == "v=Slice[]");
}

TEST_CASE("convert to double parses strings as Go does; failures leave the value") {
  const std::string yaml = "actions: [{key: v, action: convert, converted_type: double}]";
  const auto one = [&](auto set) {
    Attributes attrs;
    set(put(attrs, "v"));
    return run(yaml, attrs);
  };
  CHECK(one([](auto& v) { v.set_string_value("3.25"); }) == "v=Double(3.25)");
  CHECK(one([](auto& v) { v.set_string_value("-1e3"); }) == "v=Double(-1000)");
  CHECK(one([](auto& v) { v.set_string_value("0x1p-2"); }) == "v=Double(0.25)");
  CHECK(one([](auto& v) { v.set_string_value("Infinity"); }) == "v=Double(inf)");
  CHECK(one([](auto& v) { v.set_string_value("1e-400"); }) == "v=Double(0)");
  CHECK(one([](auto& v) { v.set_string_value("1e400"); }) == "v=Str(1e400)");
  CHECK(one([](auto& v) { v.set_string_value("abc"); }) == "v=Str(abc)");
  CHECK(one([](auto& v) { v.set_string_value("+-1"); }) == "v=Str(+-1)");
  CHECK(one([](auto& v) { v.set_int_value(5); }) == "v=Double(5)");
  CHECK(one([](auto& v) { v.set_bool_value(false); }) == "v=Double(0)");
  CHECK(one([](auto& v) { v.set_bytes_value("x"); }) == "v=Bytes(1)");
}

TEST_CASE("convert to string writes the Collector's text of every type") {
  const std::string yaml = "actions: [{key: v, action: convert, converted_type: string}]";
  const auto one = [&](auto set) {
    Attributes attrs;
    set(put(attrs, "v"));
    return run(yaml, attrs);
  };
  CHECK(one([](auto& v) { v.set_int_value(-42); }) == "v=Str(-42)");
  CHECK(one([](auto& v) { v.set_double_value(1.5); }) == "v=Str(1.5)");
  CHECK(one([](auto& v) { v.set_double_value(100); }) == "v=Str(100)");
  CHECK(one([](auto& v) { v.set_double_value(1e21); }) == "v=Str(1e+21)");
  CHECK(one([](auto& v) { v.set_double_value(1e-7); }) == "v=Str(1e-7)");
  CHECK(one([](auto& v) { v.set_double_value(0.000001); }) == "v=Str(0.000001)");
  CHECK(one([](auto& v) { v.set_bool_value(true); }) == "v=Str(true)");
  CHECK(one([](auto& v) { v.set_bytes_value(std::string("\x00\xff\x10", 3)); }) == "v=Str(AP8Q)");
  CHECK(one([](auto& v) { v.set_bytes_value("ab"); }) == "v=Str(YWI=)");
  CHECK(one([](auto&) {}) == "v=Str()");
  CHECK(one([](auto& v) {
          auto* array = v.mutable_array_value();
          array->add_values()->set_string_value("a\"b");
          array->add_values()->set_int_value(7);
          array->add_values()->set_double_value(0.5);
          array->add_values();
        }) == R"(v=Str(["a\"b",7,0.5,null]))");
  CHECK(one([](auto& v) {
          auto* list = v.mutable_kvlist_value();
          auto* b = list->add_values();
          b->set_key("b");
          b->mutable_value()->set_bool_value(false);
          auto* a = list->add_values();
          a->set_key("a");
          a->mutable_value()->set_string_value("<x>&\n");
        }) == R"(v=Str({"a":"\u003cx\u003e\u0026\n","b":false}))");
}

TEST_CASE("actions apply in order, each on the result of the ones before") {
  const std::string yaml = R"(
actions:
  - {key: user, action: insert, from_attribute: enduser.id}
  - {key: enduser.id, action: delete}
  - {key: user, action: convert, converted_type: int}
  - {key: user, action: update, from_attribute: missing}
  - {key: level, action: upsert, value: 1}
  - {key: level, action: convert, converted_type: string}
)";
  CHECK(run(yaml, strings({{"enduser.id", "17"}, {"x", "y"}})) ==
        "user=Int(17), x=Str(y), level=Str(1)");
}
