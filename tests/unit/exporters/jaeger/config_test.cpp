// The jaeger exporter's own config rule (the shared gRPC client and delivery keys are tested
// with their parsers).
#include "exporters/jaeger/config.h"

#include <catch.hpp>
#include <optional>
#include <string>

#include "config/yaml_document.h"

using spanflow::config::ConfigErrors;
using spanflow::config::ConfigNode;
using spanflow::config::ConfigValue;

namespace {

// The report of check_endpoint() on `body`, the exporter's section at line 3 of c.yaml.
std::string check(const std::string& body) {
  ConfigErrors errors;
  const ConfigValue root = spanflow::config::parse_yaml(
      "exporters:\n  jaeger:\n" + body, "c.yaml",
      [](const std::string&) { return std::optional<std::string>(); }, errors);
  ConfigNode top(root, "", errors);
  std::optional<ConfigNode> exporters = top.child("exporters");
  REQUIRE(exporters);
  std::optional<ConfigNode> jaeger = exporters->child("jaeger");
  REQUIRE(jaeger);
  spanflow::exporters::jaeger::check_endpoint(*jaeger);
  return errors.report();
}

}  // namespace

TEST_CASE("an empty or null jaeger endpoint is the Collector's error") {
  CHECK(check("    endpoint: \"\"\n") ==
        "c.yaml:3:5: error: exporters::jaeger::endpoint: must have a non-empty \"endpoint\"\n");
  CHECK(check("    endpoint:\n") ==
        "c.yaml:3:5: error: exporters::jaeger::endpoint: must have a non-empty \"endpoint\"\n");
}

TEST_CASE("a jaeger endpoint with or without a port is left to gRPC, as in the Collector") {
  CHECK(check("    endpoint: jaeger:14250\n").empty());
  CHECK(check("    endpoint: jaeger\n").empty());
  CHECK(check("    timeout: 1s\n").empty());    // missing: GrpcClientConfig::parse reports it
  CHECK(check("    endpoint: [a]\n").empty());  // wrong type: the typed reader reports it
}
