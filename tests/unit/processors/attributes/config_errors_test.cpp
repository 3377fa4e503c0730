// Every config error of the attributes processor, with its position and exact message.
#include <catch.hpp>
#include <map>

#include "unit/processors/attributes/fixture.h"

using namespace spanflow;
using namespace spanflow::testing::attributes;

namespace {

std::string report(const std::string& yaml, const std::map<std::string, std::string>& env = {}) {
  return load(yaml, env).report;
}

constexpr const char* kAt = "test.yaml:";
const std::string kPath = "processors::attributes::actions[0]";

}  // namespace

TEST_CASE("a valid config with every action and actions in any case has no messages") {
  const Loaded loaded = load(R"(actions:
  - {key: a, action: INSERT, value: 1}
  - {key: a, action: Update, from_attribute: b}
  - {key: a, action: upsert, value: [1, 2]}
  - {key: a, action: delete}
  - {action: delete, pattern: '^secret\.'}
  - {key: a, action: hash, pattern: 'token$'}
  - {key: a, action: extract, pattern: '^(?P<x>[a-z]+)/(?<y>\d+)(?:/.*)?$'}
  - {key: a, action: convert, converted_type: double}
include:
  match_type: regexp
  regexp: {cacheenabled: true, cachemaxnumentries: 100}
  services: [a]
  span_names: [b]
  span_kinds: [SERVER]
  attributes: [{key: k, value: v}, {key: present}]
  resources: [{key: r}]
  libraries: [{name: l, version: '1'}]
exclude:
  match_type: strict
  span_kinds: [SPAN_KIND_INTERNAL]
)");
  CHECK(loaded.report == "");
  CHECK(loaded.ok);
}

TEST_CASE("actions are required and may not be empty") {
  CHECK(report("include: {match_type: strict, services: [a]}") ==
        "test.yaml:1:1: error: processors::attributes: missing required key 'actions'\n");
  CHECK(report("actions: []") ==
        "test.yaml:1:10: error: processors::attributes::actions: 'actions' is empty; list at "
        "least one action\n");
}

TEST_CASE("an action needs 'action', a known one, with a did-you-mean") {
  CHECK(report("actions:\n  - key: a\n") ==
        std::string(kAt) + "2:5: error: " + kPath +
            ": missing required key 'action' (one of insert, update, upsert, delete, hash, "
            "extract, convert)\n");
  CHECK(report("actions:\n  - key: a\n    action: inster\n    value: 1\n") ==
        std::string(kAt) + "3:5: error: " + kPath +
            "::action: unknown action \"inster\"; expected insert, update, upsert, delete, hash, "
            "extract or convert (did you mean 'insert'?)\n");
}

TEST_CASE("unknown keys in an action are reported with a did-you-mean") {
  CHECK(report("actions:\n  - key: a\n    action: insert\n    valeu: 1\n    value: 2\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            ": unknown key 'valeu' (did you mean 'value'?)\n");
}

TEST_CASE("insert, update, upsert, extract and convert need a key") {
  for (const std::string action : {"insert", "update", "upsert"}) {
    CHECK(report("actions:\n  - action: " + action + "\n    value: 1\n") ==
          std::string(kAt) + "2:5: error: " + kPath + ": missing required key 'key' (action \"" +
              action + "\" needs the name of the attribute to act on)\n");
  }
  CHECK(report("actions:\n  - action: extract\n    pattern: '(?P<a>x)'\n") ==
        std::string(kAt) + "2:5: error: " + kPath +
            ": missing required key 'key' (action \"extract\" needs the name of the attribute to "
            "act on)\n");
  CHECK(report("actions:\n  - action: convert\n    converted_type: int\n") ==
        std::string(kAt) + "2:5: error: " + kPath +
            ": missing required key 'key' (action \"convert\" needs the name of the attribute to "
            "act on)\n");
}

TEST_CASE("insert, update and upsert need exactly one value source") {
  CHECK(report("actions:\n  - key: a\n    action: upsert\n") ==
        std::string(kAt) + "2:5: error: " + kPath +
            ": action \"upsert\" needs one of \"value\", \"from_attribute\" or \"from_context\"\n");
  CHECK(report("actions:\n  - key: a\n    action: upsert\n    value: ~\n") ==
        std::string(kAt) + "2:5: error: " + kPath +
            ": action \"upsert\" needs one of \"value\", \"from_attribute\" or \"from_context\"\n");
  CHECK(report("actions:\n  - key: a\n    action: insert\n    value: 1\n    from_attribute: b\n"
               "    from_context: c\n") ==
        std::string(kAt) + "2:5: error: " + kPath +
            ": action \"insert\" takes only one of \"value\", \"from_attribute\" or "
            "\"from_context\", found \"value\", \"from_attribute\" and \"from_context\"\n");
}

TEST_CASE("delete and hash need a key, a pattern or both") {
  for (const std::string action : {"delete", "hash"}) {
    CHECK(report("actions:\n  - action: " + action + "\n") ==
          std::string(kAt) + "2:5: error: " + kPath + ": action \"" + action +
              "\" needs \"key\", \"pattern\" or both\n");
  }
}

TEST_CASE("keys an action does not use are errors") {
  CHECK(report("actions:\n  - key: a\n    action: insert\n    value: 1\n    pattern: x\n") ==
        std::string(kAt) + "5:5: error: " + kPath +
            "::pattern: action \"insert\" does not use \"pattern\"\n");
  CHECK(report("actions:\n  - key: a\n    action: hash\n    converted_type: int\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            "::converted_type: action \"hash\" does not use \"converted_type\"\n");
  CHECK(report("actions:\n  - key: a\n    action: delete\n    value: 1\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            "::value: action \"delete\" does not use \"value\"\n");
  CHECK(report("actions:\n  - key: a\n    action: delete\n    hash_key: k\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            "::hash_key: action \"delete\" does not use \"hash_key\"\n");
  CHECK(report("actions:\n  - key: a\n    action: convert\n    converted_type: int\n"
               "    pattern: x\n") ==
        std::string(kAt) + "5:5: error: " + kPath +
            "::pattern: action \"convert\" does not use \"pattern\"\n");
  CHECK(report("actions:\n  - key: a\n    action: extract\n    pattern: (?P<x>.)\n"
               "    from_attribute: b\n") ==
        std::string(kAt) + "5:5: error: " + kPath +
            "::from_attribute: action \"extract\" does not use \"from_attribute\"\n");
}

TEST_CASE("an invalid regular expression is reported with the regex library's reason") {
  // The reason is libstdc++'s (bookworm's g++ 12).
  CHECK(report("actions:\n  - action: delete\n    pattern: 'a(b'\n") ==
        std::string(kAt) + "3:5: error: " + kPath +
            "::pattern: invalid regular expression \"a(b\": Mismatched '(' and ')' in regular "
            "expression\n");
  CHECK(report("actions:\n  - action: delete\n    pattern: '(?s)a.b'\n") ==
        std::string(kAt) + "3:5: error: " + kPath +
            "::pattern: invalid regular expression \"(?s)a.b\": inline flags \"(?s)\" are not "
            "supported; only a leading \"(?i)\" is\n");
  CHECK(report("actions:\n  - action: delete\n    pattern: '*a'\n") ==
        std::string(kAt) + "3:5: error: " + kPath +
            "::pattern: invalid regular expression \"*a\": missing argument to repetition "
            "operator \"*\"\n");
  CHECK(report("actions:\n  - action: delete\n    pattern: 'a|+'\n")
            .find("missing argument to repetition operator \"+\"") != std::string::npos);
  CHECK(report("actions:\n  - action: delete\n    pattern: '\\pL'\n").find("is not supported") !=
        std::string::npos);
  CHECK(report("actions:\n  - action: delete\n    pattern: '(a)\\1'\n")
            .find("invalid regular expression \"(a)\\1\": ") != std::string::npos);
}

TEST_CASE("extract needs a pattern whose capture groups are all named") {
  CHECK(report("actions:\n  - key: u\n    action: extract\n") ==
        std::string(kAt) + "2:5: error: " + kPath +
            ": action \"extract\" needs \"pattern\", a regular expression with named capture "
            "groups\n");
  CHECK(report("actions:\n  - key: \"http.url\"\n    action: extract\n"
               "    pattern: \"^(https?://[^/]+/[^?]*)\"\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            "::pattern: extract pattern \"^(https?://[^/]+/[^?]*)\" has no named capture groups; "
            "name the part to keep, e.g. \"^(?P<http_url_base>https?://[^/]+/[^?]*)\"\n");
  CHECK(report("actions:\n  - key: db.name\n    action: extract\n    pattern: '^[a-z]+'\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            "::pattern: extract pattern \"^[a-z]+\" has no named capture groups; name the part to "
            "keep, e.g. \"(?P<db_name_base>^[a-z]+)\"\n");
  CHECK(report("actions:\n  - key: u\n    action: extract\n    pattern: '(?P<a>x)(y)'\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            "::pattern: extract pattern \"(?P<a>x)(y)\" has an unnamed capture group; name it "
            "(\"(?P<name>...)\") or make it non-capturing (\"(?:...)\")\n");
  CHECK(report("actions:\n  - key: u\n    action: extract\n    pattern: '(?P<a.b>x)'\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            "::pattern: invalid regular expression \"(?P<a.b>x)\": invalid capture group name "
            "\"a.b\": use letters, digits and '_'\n");
  CHECK(report("actions:\n  - key: u\n    action: extract\n    pattern: '(?P<a>x)(?P<a>y)'\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            "::pattern: invalid regular expression \"(?P<a>x)(?P<a>y)\": duplicate capture group "
            "name \"a\"\n");
}

TEST_CASE("convert needs a converted_type of int, double or string") {
  CHECK(report("actions:\n  - key: a\n    action: convert\n") ==
        std::string(kAt) + "2:5: error: " + kPath +
            ": action \"convert\" needs \"converted_type\": \"int\", \"double\" or \"string\"\n");
  CHECK(report("actions:\n  - key: a\n    action: convert\n    converted_type: doubel\n") ==
        std::string(kAt) + "4:5: error: " + kPath +
            "::converted_type: expected \"int\", \"double\" or \"string\", found \"doubel\" (did "
            "you mean 'double'?)\n");
}

TEST_CASE("an empty hash_key is refused rather than silently weakening the hash") {
  CHECK(
      report("actions:\n  - key: a\n    action: hash\n    hash_key: \"${env:K}\"\n", {{"K", ""}}) ==
      std::string(kAt) + "4:5: error: " + kPath +
          "::hash_key: \"hash_key\" is empty; set a secret (e.g. \"${env:ATTRIBUTES_HASH_KEY}\") "
          "or remove the key for plain SHA-256\n");
}

TEST_CASE("include and exclude blocks are validated like the Collector's match properties") {
  CHECK(report("actions: [{key: a, action: delete}]\ninclude:\n  services: [a]\n") ==
        "test.yaml:3:3: error: processors::attributes::include: missing required key "
        "'match_type' (use \"strict\" or \"regexp\")\n");
  CHECK(report("actions: [{key: a, action: delete}]\ninclude:\n  match_type: regex\n"
               "  services: [a]\n") ==
        "test.yaml:3:15: error: processors::attributes::include::match_type: expected one of "
        "\"strict\" or \"regexp\", found \"regex\" (did you mean 'regexp'?)\n");
  CHECK(report("actions: [{key: a, action: delete}]\nexclude:\n  match_type: strict\n") ==
        "test.yaml:3:3: error: processors::attributes::exclude: nothing to match: set at least "
        "one of services, span_names, span_kinds, attributes, resources or libraries\n");
  CHECK(report("actions: [{key: a, action: delete}]\nexclude:\n  match_type: strict\n"
               "  span_kinds: [server]\n") ==
        "test.yaml:4:16: error: processors::attributes::exclude::span_kinds[0]: unknown span kind "
        "\"server\"; match_type strict takes SPAN_KIND_CLIENT, SPAN_KIND_CONSUMER, "
        "SPAN_KIND_INTERNAL, SPAN_KIND_PRODUCER or SPAN_KIND_SERVER (did you mean "
        "'SPAN_KIND_SERVER'?)\n");
  CHECK(report("actions: [{key: a, action: delete}]\ninclude:\n  match_type: regexp\n"
               "  span_names: ['(']\n")
            .find("test.yaml:4:16: error: processors::attributes::include::span_names[0]: invalid "
                  "regular expression \"(\": ") == 0);
  CHECK(report("actions: [{key: a, action: delete}]\ninclude:\n  match_type: regexp\n"
               "  attributes: [{key: code, value: 200}]\n") ==
        "test.yaml:4:35: error: processors::attributes::include::attributes[0]::value: match_type "
        "regexp needs a string pattern for \"code\", found Int 200 (quote it to match the value's "
        "text)\n");
  CHECK(report("actions: [{key: a, action: delete}]\ninclude:\n  match_type: strict\n"
               "  attributes: [{value: 1}]\n") ==
        "test.yaml:4:16: error: processors::attributes::include::attributes[0]: missing required "
        "key 'key'\n");
  CHECK(report("actions: [{key: a, action: delete}]\ninclude:\n  match_type: strict\n"
               "  span_name: [a]\n  services: [a]\n") ==
        "test.yaml:4:3: error: processors::attributes::include: unknown key 'span_name' (did you "
        "mean 'span_names'?)\n");
}

TEST_CASE("match properties of other signals are accepted with a warning") {
  const Loaded loaded = load(
      "actions: [{key: a, action: delete}]\ninclude:\n  match_type: strict\n"
      "  services: [a]\n  log_bodies: [x]\n");
  CHECK(loaded.ok);
  CHECK(loaded.report ==
        "test.yaml:5:15: warning: processors::attributes::include::log_bodies: 'log_bodies' does "
        "not apply to spans; ignored\n");
}
