// OTTL conditions as tables: each expression with its result on the fixed span or event
// (ottl_fixture.h), each invalid one with its exact message, each failing one with its error.
#include <atomic>
#include <catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "ottl_fixture.h"

using spanflow::ottl::ContextKind;
using spanflow::testing::evaluate;
using spanflow::testing::OttlFixture;

namespace {

struct Case {
  std::string text;
  const char* expected;  // "true", "false", "error: ..." or "compile error: ..."
};

void check_table(const std::vector<Case>& cases, const spanflow::ottl::EvalContext& ctx,
                 ContextKind kind) {
  for (const Case& c : cases) {
    INFO("condition: " << c.text);
    CHECK(evaluate(c.text, ctx, kind) == c.expected);
  }
}

}  // namespace

TEST_CASE("span paths read every field of the span, its resource and its scope") {
  const OttlFixture f;
  check_table(
      {
          {R"(name == "GET /api/items")", "true"},
          {R"(name != "GET /api/items")", "false"},
          {R"(span.name == "GET /api/items")", "true"},
          {"kind == 2", "true"},
          {R"(status.code == 2 and status.message == "upstream timeout")", "true"},
          {R"(attributes["http.route"] == "/health")", "true"},
          {R"(attributes["grpc.method"] == "Health/Check")", "true"},
          {R"(resource.attributes["service.name"] == "checkout")", "true"},
          {R"(instrumentation_scope.name == "io.opentelemetry.http")", "true"},
          {R"(instrumentation_scope.version == "1.2.3")", "true"},
          {R"(instrumentation_scope.attributes["scope.tier"] == "edge")", "true"},
          {R"(trace_id.string == "5b8efff798038103d269b633813fc60c")", "true"},
          {R"(span_id.string == "eee19b7ec3c1b174")", "true"},
          {R"(parent_span_id.string == "")", "true"},
          {R"(trace_state == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")", "true"},
          {R"(trace_state["congo"] == "t61rcWkgMzE")", "true"},
          {R"(trace_state["absent"] == "")", "true"},
          {"start_time_unix_nano == 1700000000000000000", "true"},
          {"end_time_unix_nano == 1700000001500000000", "true"},
          {"duration == 1500000000", "true"},
          {"duration == end_time_unix_nano - start_time_unix_nano", "true"},
          {"dropped_attributes_count == 3", "true"},
          {"dropped_events_count == 1 and dropped_links_count == 2", "true"},
          {R"(attributes["nested"]["inner"]["deep"] == "x")", "true"},
          {R"(attributes["nested"]["n"] == 1)", "true"},
          {R"(attributes["nested"]["absent"]["x"] == nil)", "true"},
          {R"(attributes["tags"][0] == "a")", "true"},
          {R"(attributes["tags"][2] == 3)", "true"},
      },
      f.context(), ContextKind::kSpan);
}

TEST_CASE("span event paths read the event and, through span., its span") {
  const OttlFixture f;
  check_table(
      {
          {R"(name == "exception")", "true"},
          {R"(spanevent.name == "exception")", "true"},
          {R"(attributes["exception.type"] == "TimeoutError")", "true"},
          {R"(attributes["retry"] + 1 == 3)", "true"},
          {"time_unix_nano - span.start_time_unix_nano == 700000000", "true"},
          {"dropped_attributes_count == 1", "true"},
          {R"(span.name == "GET /api/items")", "true"},
          {R"(span.attributes["http.route"] == "/health")", "true"},
          {"span.kind == SPAN_KIND_SERVER", "true"},
          {R"(span.duration > Duration("1s"))", "true"},
          {R"(span.parent_span_id.string == "")", "true"},
          {R"(resource.attributes["service.name"] == "checkout")", "true"},
          {R"(instrumentation_scope.name == "io.opentelemetry.http")", "true"},
          {R"(IsMatch(name, "^exc"))", "true"},
      },
      f.event_context(), ContextKind::kSpanEvent);
}

TEST_CASE("comparisons follow OTTL's rules for types, nil and ordering") {
  const OttlFixture f;
  check_table(
      {
          // int against float compares as float
          {R"(attributes["http.status_code"] == 503.0)", "true"},
          {R"(attributes["whole"] == 503)", "true"},
          {"1 == 1.0", "true"},
          {"9007199254740993 == 9007199254740992.0", "true"},
          {R"(attributes["ratio"] < 0.5)", "true"},
          {R"(attributes["http.status_code"] >= 500 and attributes["http.status_code"] < 600)",
           "true"},
          // different types are only "not equal"
          {R"(attributes["http.status_code"] == "503")", "false"},
          {R"(attributes["http.status_code"] != "503")", "true"},
          {R"(attributes["http.status_code"] < "600")", "false"},
          {R"(attributes["http.status_code"] > "100")", "false"},
          {"true == 1", "false"},
          {R"("1" != 1)", "true"},
          // nil and missing keys
          {R"(attributes["absent"] == nil)", "true"},
          {R"(attributes["absent"] != nil)", "false"},
          {R"(attributes["http.route"] != nil)", "true"},
          {R"(attributes["unset"] == nil)", "true"},
          {R"(attributes["absent"] < 1)", "false"},
          {R"(attributes["absent"] != 1)", "true"},
          {"nil == nil", "true"},
          {"nil != nil", "false"},
          {"nil <= nil", "true"},
          {"nil < nil", "false"},
          // strings are bytewise
          {R"("abc" < "abd")", "true"},
          {R"("B" < "a")", "true"},
          {R"("abc" < "ab")", "false"},
          {R"("abc" >= "abc")", "true"},
          {R"(attributes["empty"] == "")", "true"},
          // booleans: false < true, as in OTTL
          {R"(attributes["sampled"] == true)", "true"},
          {"false < true", "true"},
          {"true <= false", "false"},
          // arrays, maps and bytes: deep equality; no ordering for arrays and maps
          {R"(attributes["tags"] == attributes["tags"])", "true"},
          {R"(attributes["tags"] < attributes["tags"])", "false"},
          {R"(attributes["tags"] >= attributes["tags"])", "false"},
          {R"(attributes["nested"] == attributes["nested"])", "true"},
          {R"(attributes["nested"] != attributes["tags"])", "true"},
          {R"(attributes["nested"] == nil)", "false"},
          {R"(attributes["payload"] == attributes["payload"])", "true"},
          {R"(attributes["payload"] <= attributes["payload"])", "true"},
          // enum symbols are ints
          {"kind == SPAN_KIND_SERVER", "true"},
          {"kind == SPAN_KIND_CLIENT", "false"},
          {"SPAN_KIND_UNSPECIFIED == 0 and SPAN_KIND_INTERNAL == 1 and SPAN_KIND_CONSUMER == 5",
           "true"},
          {"SPAN_KIND_PRODUCER == 4", "true"},
          {"status.code == STATUS_CODE_ERROR", "true"},
          {"STATUS_CODE_UNSET == 0 and STATUS_CODE_OK == 1", "true"},
      },
      f.context(), ContextKind::kSpan);
}

TEST_CASE("not binds tighter than and, and tighter than or, math tighter than comparison") {
  const OttlFixture f;
  check_table(
      {
          {"true or false and false", "true"},
          {"(true or false) and false", "false"},
          {"false and false or true", "true"},
          {"false and (false or true)", "false"},
          {"not true or true", "true"},
          {"not (true or true)", "false"},
          {"not false and false", "false"},
          {R"(not name == "x")", "true"},
          {"not not true", "true"},
          {"true and not false", "true"},
          {"true", "true"},
          {"false", "false"},
          {"((kind == 2))", "true"},
          {"kind == 2 and (status.code == 1 or status.code == 2)", "true"},
          {"(duration + 1) > 5", "true"},
          {"(1 + 2) * 3 == 9", "true"},
          {"1 + 2 * 3 == 7", "true"},
          {"10 - 2 - 3 == 5", "true"},
          {"24 / 4 / 2 == 3", "true"},
          {"7 / 2 == 3", "true"},
          {"-7 / 2 == -3", "true"},
          {"7 / 2.0 == 3.5", "true"},
          {"1.5 + 1 == 2.5", "true"},
          {"2 * -3 == -6", "true"},
          {"-(1 + 2) == -3", "true"},
          {"-9223372036854775808 < 0", "true"},
          {"9223372036854775807 + 1 < 0", "true"},
          {R"(attributes["ratio"] * 4 == 1)", "true"},
          {"dropped_attributes_count * 2 + 1 == 7", "true"},
          {R"(IsMatch(name, "GET") == true)", "true"},
          {R"(true or Len(attributes["http.status_code"]) > 1)", "true"},
          {R"(false and Len(attributes["http.status_code"]) > 1)", "false"},
      },
      f.context(), ContextKind::kSpan);
}

TEST_CASE("converters convert, match and measure") {
  const OttlFixture f;
  check_table(
      {
          // IsMatch is an unanchored search; anchors are explicit
          {R"(IsMatch(name, "api"))", "true"},
          {R"(IsMatch(name, "^api"))", "false"},
          {R"(IsMatch(name, "items$"))", "true"},
          {R"(IsMatch(name, "^GET /api/[a-z]+$"))", "true"},
          {R"(IsMatch(name, "(?:GET|POST) /api"))", "true"},
          {R"(IsMatch(resource.attributes["k8s.pod.name"], "^probe-"))", "true"},
          {R"(IsMatch(attributes["absent"], ".*"))", "false"},
          {R"(IsMatch(name, "\\(?GET"))", "true"},
          {R"(IsMatch(name, "[(?]|GET"))", "true"},
          {R"~(IsMatch(name, "(?=GET)G(?!x)"))~", "true"},
          {R"(IsMatch(name, "\\d"))", "false"},
          {R"(IsMatch("a\nb", "a.b"))", "false"},
          {R"(IsMatch("a\rb", "a.b"))", "false"},
          {R"(IsMatch("a\nb", "a[\\s\\S]b"))", "true"},
          {R"(IsMatch("a\nb", "^b"))", "false"},
          {R"(IsMatch("a\nb", "a$"))", "false"},
          // non-strings are matched as their string form
          {R"(IsMatch(attributes["http.status_code"], "^5\\d\\d$"))", "true"},
          {R"(IsMatch(attributes["ratio"], "^0\\.25$"))", "true"},
          {R"(IsMatch(attributes["sampled"], "^true$"))", "true"},
          {R"(IsMatch(attributes["payload"], "^01abff$"))", "true"},
          {R"(IsMatch(attributes["tags"], "^\\[\"a\",\"b\",3\\]$"))", "true"},
          {"IsRootSpan()", "true"},
          {R"(HasPrefix(name, "GET "))", "true"},
          {R"(HasPrefix(name, "POST"))", "false"},
          {R"(HasSuffix(name, "items"))", "true"},
          {R"(HasSuffix(name, "item"))", "false"},
          {R"(Len(name) == 14)", "true"},
          {R"(Len("한") == 3)", "true"},
          {R"(Len(attributes["tags"]) == 3)", "true"},
          {R"(Len(attributes["nested"]) == 2)", "true"},
          {R"(Len(attributes["payload"]) == 3)", "true"},
          {R"(Len(attributes["empty"]) == 0)", "true"},
          {R"(Int("42") == 42)", "true"},
          {R"(Int("+42") == 42)", "true"},
          {R"(Int(attributes["text_num"]) + 1 == 43)", "true"},
          {R"(Int("abc") == nil)", "true"},
          {R"(Int("4.2") == nil)", "true"},
          {R"(Int(2.9) == 2)", "true"},
          {R"(Int(-2.9) == -2)", "true"},
          {R"(Int(true) == 1)", "true"},
          {R"(Int(attributes["absent"]) == nil)", "true"},
          {R"(Double("2.5") == 2.5)", "true"},
          {R"(Double(attributes["http.status_code"]) == 503.0)", "true"},
          {R"(Double("x") == nil)", "true"},
          {R"(String(attributes["http.status_code"]) == "503")", "true"},
          {R"(String(attributes["ratio"]) == "0.25")", "true"},
          {R"(String(0.000001) == "0.000001")", "true"},
          {R"(String(0.0000001) == "1e-7")", "true"},
          {R"(String(1e21) == "1e+21")", "true"},
          {R"(String(100000000000000000000.0) == "100000000000000000000")", "true"},
          {R"(String(attributes["nested"]) == "{\"inner\":{\"deep\":\"x\"},\"n\":1}")", "true"},
          {R"(String(attributes["absent"]) == nil)", "true"},
          {R"(Duration("1m30s") == 90000000000)", "true"},
          {R"(Duration("1.5s") == 1500000000)", "true"},
          {R"(Duration("0") == 0)", "true"},
          {R"(duration > Duration("1s"))", "true"},
          {R"(duration < Duration("1.5s"))", "false"},
          {R"(duration >= Duration("1.5s"))", "true"},
      },
      f.context(), ContextKind::kSpan);
}

TEST_CASE("string literals take Go's escapes") {
  const OttlFixture f;
  check_table(
      {
          {R"(attributes["quote"] == "say \"hi\"\\path")", "true"},
          {R"("\x41\101\u00e9\U0001F600" == "AAé😀")", "true"},
          {R"("a\tb" != "a\\tb")", "true"},
          {R"(Len("\n\r\t\a\b\f\v") == 7)", "true"},
          {R"(Len("\\") == 1)", "true"},
      },
      f.context(), ContextKind::kSpan);
}

TEST_CASE("invalid conditions are rejected with the reason and the column") {
  const OttlFixture f;
  const std::string deep = std::string(70, '(') + "true" + std::string(70, ')');
  check_table(
      {
          {"", "compile error: syntax error at column 1: expected a value, found end of condition"},
          {"name == ",
           "compile error: syntax error at column 9: expected a value, found end of condition"},
          {R"(name == "x" and (kind == 1 and)",
           "compile error: syntax error at column 31: expected a value, found end of condition"},
          {R"((name == "x" and kind == 1)",
           "compile error: syntax error at column 27: expected ')', found end of condition"},
          {R"((name == "x" and kind == 1 or)",
           "compile error: syntax error at column 30: expected a value, found end of condition"},
          {R"(name == "x"))",
           "compile error: syntax error at column 12: expected 'and', 'or' or end of condition, "
           "found ')'"},
          {"kind == 1 == 2",
           "compile error: syntax error at column 11: expected 'and', 'or' or end of condition, "
           "found '=='"},
          {"name",
           "compile error: syntax error at column 5: expected a comparison operator (==, !=, <, "
           "<=, >, >=), found end of condition"},
          {"name and true",
           "compile error: syntax error at column 6: expected a comparison operator (==, !=, <, "
           "<=, >, >=), found 'and'"},
          {R"(Len(name))",
           "compile error: syntax error at column 10: expected a comparison operator (==, !=, <, "
           "<=, >, >=), found end of condition"},
          {"not",
           "compile error: syntax error at column 4: expected a value, found end of condition"},
          {R"(name = "x")",
           "compile error: syntax error at column 6: unexpected '=' (compare with '==')"},
          {R"(name == "x" && kind == 1)",
           "compile error: syntax error at column 13: unexpected character '&'"},
          {"!true", "compile error: syntax error at column 1: unexpected '!' (negate with 'not')"},
          {R"(name == "open)", "compile error: syntax error at column 9: unterminated string"},
          {R"(name == "bad \q")",
           "compile error: syntax error at column 14: invalid escape '\\q' in string"},
          {R"(name == "\ud800")",
           "compile error: syntax error at column 10: invalid escape '\\ud800' in string"},
          {"1abc == 1", "compile error: syntax error at column 1: invalid number '1abc'"},
          {"99999999999999999999 == 1",
           "compile error: syntax error at column 1: integer 99999999999999999999 is out of the "
           "64-bit range"},
          {R"(IsMatch(name "x"))",
           "compile error: syntax error at column 14: expected ',' or ')', found \"x\""},
          {R"(attributes["a" == 1)",
           "compile error: syntax error at column 16: expected ']', found '=='"},
          {"attributes[name] == 1",
           "compile error: syntax error at column 12: expected a string or integer key, found "
           "'name'"},
          {"name. == 1",
           "compile error: syntax error at column 7: expected a field name after '.', found '=='"},
          {deep, "compile error: syntax error at column 65: nested too deeply (limit 64)"},
          {"attributes[0] == 1",
           "compile error: syntax error at column 12: 'attributes' must be indexed by a string "
           "key"},
          {R"(name["x"] == 1)",
           "compile error: syntax error at column 6: 'name' cannot be indexed"},
          {R"(trace_state["a"]["b"] == "")",
           "compile error: syntax error at column 18: 'trace_state' takes exactly one key"},
          {"foo == 1", "compile error: unknown path at column 1: 'foo'"},
          {R"(nme == "x")",
           "compile error: unknown path at column 1: 'nme' (did you mean 'name'?)"},
          {"status.cod == 1",
           "compile error: unknown path at column 1: 'status.cod' (did you mean 'status.code'?)"},
          {"trace_id == 1",
           "compile error: unknown path at column 1: 'trace_id' (write 'trace_id.string': ids are "
           "compared as "
           "lowercase hex strings)"},
          {"time_unix_nano > 0",
           "compile error: unknown path at column 1: 'time_unix_nano' is a span event field; use "
           "it in 'traces.spanevent' conditions"},
          {"kind == SPAN_KIND_SERVR",
           "compile error: unknown enum at column 9: 'SPAN_KIND_SERVR' (did you mean "
           "'SPAN_KIND_SERVER'?)"},
          {"Foo(name) == 1",
           "compile error: unknown function at column 1: 'Foo' (spanflow supports IsMatch, "
           "IsRootSpan, HasPrefix, HasSuffix, Len, Int, Double, String, Duration)"},
          {R"(IsMatc(name, "x"))",
           "compile error: unknown function at column 1: 'IsMatc' (did you mean 'IsMatch'?)"},
          {R"(kind == 1 and set(name, "x"))",
           "compile error: unknown function at column 15: 'set' (conditions can call only "
           "converters, whose names are Capitalized)"},
          {"Foo(bar) == 1",
           "compile error: unknown function at column 1: 'Foo' (spanflow supports IsMatch, "
           "IsRootSpan, HasPrefix, HasSuffix, Len, Int, Double, String, Duration)"},
          {"IsMatch(name)",
           "compile error: invalid call at column 1: IsMatch takes 2 arguments (target, pattern), "
           "found 1"},
          {R"(not IsRootSpan(name))",
           "compile error: invalid call at column 5: IsRootSpan takes no arguments, found 1"},
          {"Len() == 1",
           "compile error: invalid call at column 1: Len takes 1 argument (target), found 0"},
          {R"(IsMatch(name, attributes["p"]))",
           "compile error: invalid argument at column 15: IsMatch: the pattern must be a string "
           "literal"},
          {R"(IsMatch(name, "[a-"))",
           "compile error: invalid regex at column 15: \"[a-\": invalid character range"},
          {R"(IsMatch(name, "a)("))",
           "compile error: invalid regex at column 15: \"a)(\": unbalanced '(' and ')'"},
          {R"(IsMatch(name, "(a)\\1"))",
           "compile error: invalid regex at column 15: \"(a)\\1\": back-references are not "
           "supported"},
          {R"(IsMatch(name, "(?i)get"))",
           "compile error: invalid regex at column 15: \"(?i)get\": '(?i' is not supported "
           "(ECMAScript "
           "syntax: no inline flags or named groups)"},
          {R"~(IsMatch(name, "(?P<verb>GET)"))~",
           "compile error: invalid regex at column 15: \"(?P<verb>GET)\": '(?P' is not supported "
           "(ECMAScript syntax: no inline flags or named groups)"},
          {R"(HasPrefix(name, 1))",
           "compile error: invalid argument at column 17: HasPrefix: the prefix must be a string "
           "literal"},
          {R"(HasSuffix(kind, "x"))",
           "compile error: invalid argument at column 11: HasSuffix: expected a string, found an "
           "int"},
          {"Len(kind) == 1",
           "compile error: invalid argument at column 5: Len: expected a string, bytes, an array "
           "or a map, found an int"},
          {"Int(attributes) == 1",
           "compile error: invalid argument at column 5: Int: expected a scalar, found a map"},
          {"Duration(5) == 1",
           "compile error: invalid argument at column 10: Duration: expected a string, found an "
           "int"},
          {R"(Duration("5") > 1)",
           "compile error: invalid expression at column 1: Duration: invalid duration \"5\""},
          {R"(duration > Duration("2 s"))",
           "compile error: invalid expression at column 12: Duration: invalid duration \"2 s\""},
          {"1 / 0 == 1", "compile error: invalid expression at column 1: division by zero"},
          {"1.5 / 0 == 1", "compile error: invalid expression at column 1: division by zero"},
          {R"("a" + 1 == 1)",
           "compile error: type error at column 5: '+' needs numbers, found a string"},
          {"+name == 1",
           "compile error: type error at column 1: unary '+' needs a number, found a string"},
          {"duration * true == 1",
           "compile error: type error at column 10: '*' needs numbers, found a boolean"},
          {R"(-name == 1)",
           "compile error: type error at column 1: unary '-' needs a number, found a string"},
      },
      f.context(), ContextKind::kSpan);
}

TEST_CASE("span-only names are rejected in span event conditions with a pointer to span.") {
  const OttlFixture f;
  check_table(
      {
          {"kind == 1",
           "compile error: unknown path at column 1: 'kind' is not a span event field (for the "
           "event's span write 'span.kind')"},
          {"IsRootSpan()",
           "compile error: unknown function at column 1: 'IsRootSpan' is available only in span "
           "conditions (in 'traces.spanevent' compare span.parent_span_id.string with \"\")"},
          {R"(span.resource.attributes["a"] == 1)",
           "compile error: unknown path at column 1: 'span.resource.attributes' (did you mean "
           "'resource.attributes'?)"},
      },
      f.event_context(), ContextKind::kSpanEvent);
}

TEST_CASE("evaluation errors name what failed") {
  const OttlFixture f;
  check_table(
      {
          {R"(attributes["http.status_code"] / 0 == 1)", "error: division by zero"},
          {R"(attributes["ratio"] / 0 == 1)", "error: division by zero"},
          {R"(attributes["absent"] + 1 > 0)", "error: '+' needs numbers, found nil"},
          {R"(-attributes["http.route"] == 1)", "error: unary '-' needs a number, found a string"},
          {R"(HasPrefix(attributes["absent"], "x"))",
           "error: HasPrefix: expected a string, found nil"},
          {R"(Len(attributes["http.status_code"]) > 1)",
           "error: Len: expected a string, bytes, an array or a map, found an int"},
          {R"(Len(attributes["absent"]) > 1)",
           "error: Len: expected a string, bytes, an array or a map, found nil"},
          {R"(Int(attributes["nested"]) == 1)",
           "error: Int: expected a number, a string or a boolean, found a map"},
          {R"(Int(attributes["ratio"] * 1e30) == 1)",
           "error: Int: 2.5e+29 is out of the int range"},
          {R"(Duration(attributes["http.route"]) > 0)",
           "error: Duration: invalid duration \"/health\""},
          {R"(attributes["tags"][5] == 1)", "error: index 5 out of bounds (array of 3)"},
          {R"(attributes["http.route"]["x"] == 1)", "error: a string cannot be indexed by \"x\""},
          {R"(attributes["nested"][0] == 1)", "error: a map cannot be indexed by 0"},
          {R"(false or Len(attributes["http.status_code"]) > 1)",
           "error: Len: expected a string, bytes, an array or a map, found an int"},
      },
      f.context(), ContextKind::kSpan);
}

TEST_CASE("IsRootSpan and parent_span_id.string follow the parent id") {
  OttlFixture f;
  f.mutable_span().set_parent_span_id(std::string(8, '\0'));
  CHECK(evaluate("IsRootSpan()", f.context()) == "true");
  CHECK(evaluate(R"(parent_span_id.string == "")", f.context()) == "true");
  f.mutable_span().set_parent_span_id("\x01\x02\x03\x04\x05\x06\x07\x08");
  CHECK(evaluate("IsRootSpan()", f.context()) == "false");
  CHECK(evaluate(R"(parent_span_id.string == "0102030405060708")", f.context()) == "true");
}

TEST_CASE("trace_state keys read W3C members; a malformed tracestate reads as nil") {
  OttlFixture f;
  f.mutable_span().set_trace_state(" a=1 ,\tb=two words ,, c=3");
  CHECK(evaluate(R"(trace_state["b"] == "two words")", f.context()) == "true");
  CHECK(evaluate(R"(trace_state["c"] == "3")", f.context()) == "true");
  f.mutable_span().set_trace_state("a=1,not a member");
  CHECK(evaluate(R"(trace_state["a"] == nil)", f.context()) == "true");
  f.mutable_span().set_trace_state("a=1,a=2");
  CHECK(evaluate(R"(trace_state["a"] == nil)", f.context()) == "true");
  f.mutable_span().set_trace_state("");
  CHECK(evaluate(R"(trace_state["a"] == "")", f.context()) == "true");
}

TEST_CASE("IsMatch scans long values in linear time without deep recursion") {
  OttlFixture f;
  auto* kv = f.mutable_span().add_attributes();
  kv->set_key("big");
  kv->mutable_value()->set_string_value(std::string(1 << 20, 'a') + "z");
  CHECK(evaluate(R"(IsMatch(attributes["big"], "a.*z$"))", f.context()) == "true");
  CHECK(evaluate(R"(IsMatch(attributes["big"], "(a|b)*q"))", f.context()) == "false");
}

TEST_CASE("a compiled condition keeps its text and can be copied and reused") {
  const OttlFixture f;
  spanflow::ottl::CompileError error;
  auto condition =
      spanflow::ottl::Condition::compile(R"(name == "GET /api/items")", ContextKind::kSpan, error);
  REQUIRE(condition);
  const spanflow::ottl::Condition copy = *condition;
  condition.reset();
  std::string message;
  CHECK(copy.text() == R"(name == "GET /api/items")");
  CHECK(copy.evaluate(f.context(), message) == spanflow::ottl::Condition::Result::kTrue);
  CHECK(copy.evaluate(f.context(), message) == spanflow::ottl::Condition::Result::kTrue);
}

TEST_CASE("one compiled condition evaluates correctly from several threads at once") {
  const OttlFixture f;
  spanflow::ottl::CompileError error;
  const auto condition = spanflow::ottl::Condition::compile(
      R"(IsMatch(String(attributes["nested"]), "\"deep\":\"x\"") and trace_id.string != "")",
      ContextKind::kSpan, error);
  REQUIRE(condition);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::string message;
      for (int i = 0; i < 2000; ++i) {
        if (condition->evaluate(f.context(), message) != spanflow::ottl::Condition::Result::kTrue) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
}
