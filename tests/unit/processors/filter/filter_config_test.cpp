// The filter processor's config: keys, defaults, and every validation error at its YAML item.
#include <catch.hpp>

#include "config/yaml_document.h"
#include "processors/filter/config.h"
#include "processors/filter/factory.h"

using spanflow::config::ConfigErrors;
using spanflow::config::ConfigNode;
using spanflow::config::ConfigValue;
using spanflow::processors::filter::Config;
using spanflow::processors::filter::ErrorMode;

namespace {

// `body` is the filter section; its first line is line 3 of c.yaml, indented by four spaces.
struct Parsed {
  ConfigErrors errors;
  Config config;
  std::string report() const { return errors.report(); }
};

Parsed parse(const std::string& body) {
  Parsed out;
  const ConfigValue root = spanflow::config::parse_yaml(
      "processors:\n  filter:\n" + body, "c.yaml",
      [](const std::string&) { return std::optional<std::string>(); }, out.errors);
  ConfigNode top(root, "", out.errors);
  std::optional<ConfigNode> processors = top.child("processors");
  REQUIRE(processors);
  std::optional<ConfigNode> filter = processors->child("filter");
  REQUIRE(filter);
  const auto parsed = spanflow::processors::filter::make_factory()->parse(*filter);
  out.config =
      static_cast<const spanflow::TypedConfig<Config>&>(*parsed).value;  // copies share trees
  return out;
}

}  // namespace

TEST_CASE("the seed conditions parse with the default error mode") {
  const Parsed p = parse(R"(    traces:
      span:
        - 'attributes["http.route"] == "/health"'
        - 'attributes["grpc.method"] == "Health/Check"'
        - 'duration < 1000000'
)");
  CHECK(p.report().empty());
  CHECK(p.config.error_mode == ErrorMode::kPropagate);
  REQUIRE(p.config.span_conditions.size() == 3);
  CHECK(p.config.span_conditions[2].text() == "duration < 1000000");
  CHECK(p.config.spanevent_conditions.empty());
}

TEST_CASE("error_mode and spanevent conditions are read") {
  for (const auto& [text, mode] :
       {std::pair{"propagate", ErrorMode::kPropagate}, std::pair{"ignore", ErrorMode::kIgnore},
        std::pair{"silent", ErrorMode::kSilent}}) {
    const Parsed p = parse(std::string("    error_mode: ") + text + R"(
    traces:
      spanevent: ['name == "grpc.message"']
)");
    CHECK(p.report().empty());
    CHECK(p.config.error_mode == mode);
    REQUIRE(p.config.spanevent_conditions.size() == 1);
    CHECK(p.config.spanevent_conditions[0].kind() == spanflow::ottl::ContextKind::kSpanEvent);
  }
}

TEST_CASE("an invalid condition is reported at its list item with the column in the condition") {
  const Parsed p = parse(R"(    traces:
      span:
        - 'name == "ok"'
        - 'name == "x" and (kind == 1 and'
      spanevent:
        - 'kind == 1'
)");
  CHECK(p.report() ==
        "c.yaml:6:11: error: processors::filter::traces::span[1]: syntax error at column 31: "
        "expected a value, found end of condition\n"
        "c.yaml:8:11: error: processors::filter::traces::spanevent[0]: unknown path at column 1: "
        "'kind' is not a span event field (for the event's span write 'span.kind')\n");
  CHECK(p.config.span_conditions.size() == 1);
}

TEST_CASE("every invalid shape and key of the filter section is an error") {
  SECTION("an unknown error mode") {
    CHECK(parse("    error_mode: ignored\n    traces: {span: ['true']}\n").report() ==
          "c.yaml:3:17: error: processors::filter::error_mode: expected one of \"propagate\", "
          "\"ignore\" or \"silent\", found \"ignored\" (did you mean 'ignore'?)\n");
  }
  SECTION("a condition that is not a string") {
    CHECK(parse("    traces:\n      span:\n        - {name: x}\n").report() ==
          "c.yaml:5:11: error: processors::filter::traces::span[0]: expected a string, found a "
          "map\n");
  }
  SECTION("conditions that are not a list") {
    CHECK(parse("    traces:\n      span: 'name == \"x\"'\n").report() ==
          "c.yaml:4:13: error: processors::filter::traces::span: expected a list, found \"name == "
          "\"x\"\"\n");
  }
  SECTION("an unknown key under traces") {
    CHECK(parse("    traces:\n      span_event: ['true']\n").report() ==
          "c.yaml:3:5: warning: processors::filter: no conditions under 'traces': every span "
          "passes\n"
          "c.yaml:4:7: error: processors::filter::traces: unknown key 'span_event' (did you mean "
          "'spanevent'?)\n");
  }
  SECTION("an unknown key in the section") {
    CHECK(parse("    trace:\n      span: ['true']\n").report() ==
          "c.yaml:3:5: warning: processors::filter: no conditions under 'traces': every span "
          "passes\n"
          "c.yaml:3:5: error: processors::filter: unknown key 'trace' (did you mean 'traces'?)\n");
  }
  SECTION("the legacy spans include/exclude block") {
    CHECK(parse("    spans:\n      include:\n        match_type: strict\n"
                "        services: [health]\n")
              .report() ==
          "c.yaml:3:5: error: processors::filter::spans: the legacy 'spans' include/exclude "
          "matching is not supported; write OTTL conditions under 'traces: span:' instead (e.g. "
          "traces: {span: ['attributes[\"http.route\"] == \"/health\"']})\n"
          "c.yaml:3:5: warning: processors::filter: no conditions under 'traces': every span "
          "passes\n");
  }
}

TEST_CASE("metrics and logs sections are accepted with a warning") {
  const Parsed p = parse(R"(    metrics:
      metric: ['name == "x"']
    logs:
      log_record: ['true']
    traces:
      span: ['true']
)");
  CHECK(p.report() ==
        "c.yaml:4:7: warning: processors::filter::metrics: ignored: spanflow handles traces only\n"
        "c.yaml:6:7: warning: processors::filter::logs: ignored: spanflow handles traces only\n");
  CHECK(p.config.span_conditions.size() == 1);
}

TEST_CASE("a filter without conditions passes everything and says so") {
  CHECK(parse("    error_mode: ignore\n").report() ==
        "c.yaml:3:5: warning: processors::filter: no conditions under 'traces': every span "
        "passes\n");
}
