#include "config/yaml_document.h"

#include <unistd.h>

#include <catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace fs = std::filesystem;
using spanflow::config::ConfigErrors;
using spanflow::config::ConfigValue;
using spanflow::config::Environment;
using spanflow::config::Mark;
using Kind = spanflow::config::ConfigValue::Kind;

namespace {

Environment env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

struct Expansion {
  std::string text;
  std::string report;
};

Expansion expand(std::string_view text, std::map<std::string, std::string> vars = {}) {
  ConfigErrors errors;
  std::string out =
      spanflow::config::expand_env(text, Mark{"c.yaml", 3, 7}, "a::b", env_of(vars), errors);
  return {out, errors.report()};
}

struct Parsed {
  ConfigErrors errors;
  ConfigValue root;
  explicit Parsed(std::string_view yaml, std::map<std::string, std::string> vars = {})
      : root(spanflow::config::parse_yaml(yaml, "c.yaml", env_of(std::move(vars)), errors)) {}
};

std::string at(const Mark& mark) {
  return mark.file + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.col);
}

// A scratch directory for config files, removed with its contents.
class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() /
              ("spanflow-config-" + tag + "-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, std::string_view text) const {
    const fs::path file = path_ / name;
    std::ofstream(file) << text;
    return file.string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

}  // namespace

// --- environment expansion ----------------------------------------------------------------------

TEST_CASE("${VAR} and ${env:VAR} both expand to the variable's value") {
  CHECK(expand("${PORT}", {{"PORT", "4317"}}).text == "4317");
  CHECK(expand("${env:PORT}", {{"PORT", "4317"}}).text == "4317");
  CHECK(expand("${env:PORT}", {{"PORT", "4317"}}).report.empty());
}

TEST_CASE("a default applies when the variable is unset") {
  const Expansion e = expand("${env:ENDPOINT:-localhost:4317}");
  CHECK(e.text == "localhost:4317");
  CHECK(e.report.empty());
  CHECK(expand("${env:ENDPOINT:-}").text.empty());
  CHECK(expand("${env:ENDPOINT:-fallback}", {{"ENDPOINT", "collector:4317"}}).text ==
        "collector:4317");
}

TEST_CASE("a set but empty variable is used as is, not replaced by its default") {
  // The Collector's envprovider applies the default only when the variable is unset.
  const Expansion e = expand("[${env:LEVEL:-info}]", {{"LEVEL", ""}});
  CHECK(e.text == "[]");
  CHECK(e.report.empty());
}

TEST_CASE("$$ is a literal dollar sign and escapes a reference") {
  CHECK(expand("price: $$5").text == "price: $5");
  CHECK(expand("$${env:HOME}", {{"HOME", "/root"}}).text == "${env:HOME}");
  CHECK(expand("$$$${X}", {{"X", "x"}}).text == "$${X}");
  CHECK(expand("$$${X}", {{"X", "x"}}).text == "$x");
}

TEST_CASE("a bare $VAR and a lone dollar sign are left untouched") {
  const Expansion e = expand("$HOME and $ and $1 and trailing $", {{"HOME", "/root"}});
  CHECK(e.text == "$HOME and $ and $1 and trailing $");
  CHECK(e.report.empty());
}

TEST_CASE("references are expanded inside longer values") {
  const Expansion e =
      expand("otel-traces-${ENVIRONMENT}-${env:REGION:-eu}", {{"ENVIRONMENT", "prod"}});
  CHECK(e.text == "otel-traces-prod-eu");
  CHECK(e.report.empty());
}

TEST_CASE("an unset variable without a default is an error naming the variable") {
  const Expansion e = expand("http://${env:COLLECTOR_HOST}:4318");
  CHECK(e.text == "http://${env:COLLECTOR_HOST}:4318");
  CHECK(e.report ==
        "c.yaml:3:7: error: a::b: environment variable 'COLLECTOR_HOST' is not set "
        "(set it, or give a default: ${env:COLLECTOR_HOST:-value})\n");
}

TEST_CASE("an unset variable in a document is reported at its value with the key path") {
  const Parsed p(R"(receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:${OTLP_PORT}
)");
  CHECK(p.errors.report() ==
        "c.yaml:5:19: error: receivers::otlp::protocols::grpc::endpoint: environment variable "
        "'OTLP_PORT' is not set (set it, or give a default: ${env:OTLP_PORT:-value})\n");
}

TEST_CASE("an unterminated reference is an error explaining the expected form") {
  const Expansion e = expand("${env:PORT", {{"PORT", "1"}});
  CHECK(e.text == "${env:PORT");
  CHECK(e.report ==
        "c.yaml:3:7: error: a::b: unterminated '${' in \"${env:PORT\": expected ${VAR}, "
        "${env:VAR} or ${env:VAR:-default}, where VAR matches [a-zA-Z_][a-zA-Z0-9_]* "
        "(write $$ for a literal '$')\n");
}

TEST_CASE("an invalid variable name is an error explaining the expected form") {
  for (const char* text : {"${1PORT}", "${env:MY-PORT}", "${}", "${env:}"}) {
    const Expansion e = expand(text);
    CHECK(e.text == text);
    CHECK(e.report == "c.yaml:3:7: error: a::b: invalid environment variable reference '" +
                          std::string(text) +
                          "': expected ${VAR}, ${env:VAR} or ${env:VAR:-default}, where VAR "
                          "matches [a-zA-Z_][a-zA-Z0-9_]* (write $$ for a literal '$')\n");
  }
}

TEST_CASE("a reference with another scheme than env is an error") {
  const Expansion e = expand("${file:/etc/secret}");
  CHECK(e.text == "${file:/etc/secret}");
  CHECK(e.report ==
        "c.yaml:3:7: error: a::b: unsupported reference '${file:/etc/secret}': only environment "
        "variables can be referenced, expected ${VAR}, ${env:VAR} or ${env:VAR:-default}, where "
        "VAR matches [a-zA-Z_][a-zA-Z0-9_]* (write $$ for a literal '$')\n");
}

TEST_CASE("a default that holds another reference is an error") {
  const Expansion e = expand("${env:A:-${env:B}}");
  CHECK(e.report ==
        "c.yaml:3:7: error: a::b: the default value in '${env:A:-${env:B}' contains '$'; nested "
        "references are not supported\n");
}

TEST_CASE("a variable's value is never parsed as YAML structure") {
  const Parsed p("exporters: ${EXPORTERS}\nlist: ${LIST}\n",
                 {{"EXPORTERS", "otlp:\n  endpoint: x"}, {"LIST", "[a, b]"}});
  REQUIRE(p.errors.report().empty());
  const ConfigValue* exporters = p.root.find("exporters");
  REQUIRE(exporters != nullptr);
  CHECK(exporters->kind == Kind::kScalar);
  CHECK(exporters->scalar == "otlp:\n  endpoint: x");
  CHECK(p.root.find("list")->scalar == "[a, b]");
}

TEST_CASE("map keys are not expanded") {
  const Parsed p("${KEY}: 1\n", {{"KEY", "k"}});
  CHECK(p.errors.report().empty());
  REQUIRE(p.root.map.size() == 1);
  CHECK(p.root.map[0].key == "${KEY}");
}

// --- parsing ------------------------------------------------------------------------------------

TEST_CASE("parse_yaml builds a tree with 1-based marks on values and keys") {
  const Parsed p(R"(service:
  pipelines:
    traces:
      receivers: [otlp, "jaeger"]
      exporters:
        - debug
)");
  REQUIRE(p.errors.report().empty());
  CHECK(p.root.kind == Kind::kMap);
  CHECK(at(p.root.mark) == "c.yaml:1:1");
  const ConfigValue& traces = *p.root.find("service")->find("pipelines")->find("traces");
  REQUIRE(traces.kind == Kind::kMap);
  REQUIRE(traces.map.size() == 2);
  CHECK(traces.map[0].key == "receivers");
  CHECK(at(traces.map[0].key_mark) == "c.yaml:4:7");
  const ConfigValue& receivers = traces.map[0].value;
  CHECK(receivers.kind == Kind::kSequence);
  CHECK(at(receivers.mark) == "c.yaml:4:18");
  REQUIRE(receivers.seq.size() == 2);
  CHECK(receivers.seq[0].scalar == "otlp");
  CHECK(receivers.seq[1].scalar == "jaeger");
  CHECK(at(receivers.seq[1].mark) == "c.yaml:4:25");
  const ConfigValue& exporters = traces.map[1].value;
  REQUIRE(exporters.seq.size() == 1);
  CHECK(exporters.seq[0].kind == Kind::kScalar);
  CHECK(at(exporters.seq[0].mark) == "c.yaml:6:11");
}

TEST_CASE("map entries keep document order") {
  const Parsed p("zeta: 1\nalpha: 2\nmid: 3\n");
  REQUIRE(p.root.map.size() == 3);
  CHECK(p.root.map[0].key == "zeta");
  CHECK(p.root.map[1].key == "alpha");
  CHECK(p.root.map[2].key == "mid");
}

TEST_CASE("~, null and an empty value are null but a quoted null is a string") {
  const Parsed p("a: ~\nb: null\nc:\nd: \"null\"\ne: ''\n");
  REQUIRE(p.errors.report().empty());
  CHECK(p.root.find("a")->kind == Kind::kNull);
  CHECK(p.root.find("b")->kind == Kind::kNull);
  CHECK(p.root.find("c")->kind == Kind::kNull);
  CHECK(at(p.root.find("c")->mark) == "c.yaml:3:1");
  CHECK(p.root.find("d")->kind == Kind::kScalar);
  CHECK(p.root.find("d")->scalar == "null");
  CHECK(p.root.find("e")->kind == Kind::kScalar);
  CHECK(p.root.find("e")->scalar.empty());
}

TEST_CASE("an empty document is null") {
  for (const char* text : {"", "# just a comment\n", "---\n"}) {
    const Parsed p(text);
    CHECK(p.root.kind == Kind::kNull);
    CHECK(p.errors.report().empty());
  }
}

TEST_CASE("a YAML syntax error is reported at its location and yields null") {
  const Parsed p("receivers:\n  otlp:\n    protocols: 1\n   grpc: 2\n");
  CHECK(p.root.kind == Kind::kNull);
  CHECK(p.errors.report() == "c.yaml:4:4: error: invalid YAML: end of map not found\n");
}

TEST_CASE("an unclosed flow list is a YAML syntax error") {
  const Parsed p("receivers: [otlp, jaeger\nexporters: [debug]\n");
  CHECK(p.errors.report() == "c.yaml:2:10: error: invalid YAML: end of sequence flow not found\n");
}

TEST_CASE("a duplicate key is an error at the second occurrence") {
  const Parsed p("processors:\n  batch:\n    timeout: 1s\n    timeout: 2s\n");
  CHECK(p.errors.report() ==
        "c.yaml:4:5: error: processors::batch: duplicate key 'timeout' "
        "(first defined at line 3, column 5)\n");
  CHECK(p.root.find("processors")->find("batch")->find("timeout")->scalar == "1s");
}

TEST_CASE("a map used as a key is an error") {
  const Parsed p("? {a: 1}\n: value\n");
  CHECK(p.errors.report() == "c.yaml:1:3: error: expected a string as map key, found a map\n");
}

// --- merging and files --------------------------------------------------------------------------

TEST_CASE("merging merges maps key by key and replaces lists and scalars") {
  Parsed base(R"(exporters:
  otlp:
    endpoint: a:4317
    headers: {x: "1"}
service:
  pipelines:
    traces:
      receivers: [otlp, zipkin]
)");
  Parsed overlay(R"(exporters:
  otlp:
    headers: {y: "2"}
  debug: {}
service:
  pipelines:
    traces:
      receivers: [jaeger]
)");
  spanflow::config::merge_into(base.root, std::move(overlay.root));
  const ConfigValue& otlp = *base.root.find("exporters")->find("otlp");
  CHECK(otlp.find("endpoint")->scalar == "a:4317");
  const ConfigValue& headers = *otlp.find("headers");
  REQUIRE(headers.map.size() == 2);
  CHECK(headers.find("x")->scalar == "1");
  CHECK(headers.find("y")->scalar == "2");
  CHECK(base.root.find("exporters")->find("debug")->kind == Kind::kMap);
  const ConfigValue& receivers =
      *base.root.find("service")->find("pipelines")->find("traces")->find("receivers");
  REQUIRE(receivers.seq.size() == 1);
  CHECK(receivers.seq[0].scalar == "jaeger");
}

TEST_CASE("merging a scalar or null over a map replaces it") {
  Parsed base("a: {b: 1}\nc: {d: 1}\n");
  Parsed overlay("a: text\nc: ~\n");
  spanflow::config::merge_into(base.root, std::move(overlay.root));
  CHECK(base.root.find("a")->scalar == "text");
  CHECK(base.root.find("c")->kind == Kind::kNull);
}

TEST_CASE("load_files merges the files in order and keeps each value's own file and line") {
  const TempDir dir("merge");
  const std::string first =
      dir.write("base.yaml", "processors:\n  batch:\n    timeout: 1s\n    send_batch_size: 100\n");
  const std::string second = dir.write("prod.yaml", "processors:\n  batch:\n    timeout: 5s\n");
  ConfigErrors errors;
  const ConfigValue root = spanflow::config::load_files({first, second}, env_of({}), errors);
  CHECK(errors.report().empty());
  const ConfigValue& batch = *root.find("processors")->find("batch");
  CHECK(batch.find("timeout")->scalar == "5s");
  CHECK(at(batch.find("timeout")->mark) == second + ":3:14");
  CHECK(batch.find("send_batch_size")->scalar == "100");
  CHECK(at(batch.find("send_batch_size")->mark) == first + ":4:22");
}

TEST_CASE("load_files expands environment variables in every file") {
  const TempDir dir("env");
  const std::string file = dir.write("c.yaml", "endpoint: ${HOST}:${env:PORT:-4317}\n");
  ConfigErrors errors;
  const ConfigValue root = spanflow::config::load_files({file}, env_of({{"HOST", "h"}}), errors);
  CHECK(errors.report().empty());
  CHECK(root.find("endpoint")->scalar == "h:4317");
}

TEST_CASE("a missing config file is an error naming the file") {
  const TempDir dir("missing");
  const std::string present = dir.write("present.yaml", "a: 1\n");
  const std::string missing = dir.path("missing.yaml");
  ConfigErrors errors;
  const ConfigValue root = spanflow::config::load_files({present, missing}, env_of({}), errors);
  CHECK(errors.report() ==
        missing + ": error: cannot read config file: No such file or directory\n");
  CHECK(root.find("a")->scalar == "1");
}

TEST_CASE("an empty config file leaves the merged config unchanged") {
  const TempDir dir("empty");
  const std::string full = dir.write("full.yaml", "a: 1\n");
  const std::string empty = dir.write("empty.yaml", "");
  ConfigErrors errors;
  const ConfigValue root = spanflow::config::load_files({full, empty}, env_of({}), errors);
  CHECK(errors.report().empty());
  REQUIRE(root.kind == Kind::kMap);
  CHECK(root.find("a")->scalar == "1");
}

TEST_CASE(
    "quoted, block and !!str scalars are string-typed; plain ones leave typing to the reader") {
  ConfigErrors errors;
  const ConfigValue v = spanflow::config::parse_yaml(
      "plain: 42\ndouble: \"42\"\nsingle: '42'\nblock: |\n  42\ntagged: !!str 42\nenv: ${env:N}\n",
      "c.yaml", env_of({{"N", "7"}}), errors);
  REQUIRE_FALSE(errors.has_errors());
  CHECK_FALSE(v.find("plain")->string_typed);
  CHECK(v.find("double")->string_typed);
  CHECK(v.find("single")->string_typed);
  CHECK(v.find("block")->string_typed);
  CHECK(v.find("tagged")->string_typed);
  CHECK_FALSE(v.find("env")->string_typed);
  CHECK(v.find("env")->scalar == "7");
}
