#include "exporters/googlecloudpubsub/config.h"

#include <catch.hpp>
#include <map>
#include <optional>
#include <string>

#include "config/yaml_document.h"

using namespace spanflow;
using namespace spanflow::exporters::googlecloudpubsub;
using Catch::Contains;

namespace {

struct Parsed {
  Config config;
  std::string report;
  bool has_errors = false;
};

config::Environment env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// Parses `section` (the YAML under `exporters: googlecloudpubsub:`) as the typed factory does.
Parsed parse(const std::string& section) {
  config::ConfigErrors errors;
  const config::ConfigValue root = config::parse_yaml(section, "c.yaml", env_of({}), errors);
  config::ConfigNode node(root, "exporters::googlecloudpubsub", errors);
  Parsed out{Config::parse(node), "", false};
  node.finish();
  out.report = errors.report();
  out.has_errors = errors.has_errors();
  return out;
}

}  // namespace

TEST_CASE("googlecloudpubsub config: defaults are the Collector's") {
  const Parsed p = parse("topic: projects/my-project/topics/otlp-traces\n");
  CHECK(p.report == "");
  CHECK(p.config.topic == "projects/my-project/topics/otlp-traces");
  CHECK(p.config.project == "");
  CHECK(p.config.endpoint == "");
  CHECK_FALSE(p.config.insecure);
  CHECK_FALSE(p.config.gzip);
  CHECK(p.config.watermark.behavior == WatermarkBehavior::kCurrent);
  CHECK(p.config.watermark.allowed_drift == std::chrono::nanoseconds(0));
  CHECK_FALSE(p.config.ordering.enabled);
  CHECK(p.config.attributes.empty());
  CHECK(p.config.delivery.timeout == std::chrono::seconds(12));
  CHECK(p.config.delivery.sending_queue.enabled);
  CHECK(p.config.delivery.retry_on_failure.enabled);
  CHECK(p.config.user_agent == "spanflow {{version}}");
}

TEST_CASE("googlecloudpubsub config: every key is read") {
  const Parsed p = parse(R"(
project: my-project
topic: projects/my-project/topics/otlp-traces
endpoint: localhost:8085
insecure: true
user_agent: custom {{version}}
universe_domain: example.com
compression: gzip
watermark: {behavior: earliest, allowed_drift: 1h}
ordering: {enabled: true, from_resource_attribute: tenant.id, remove_resource_attribute: true}
traces: {attributes: {team: payments, ce-type: custom.type}}
timeout: 3s
)");
  CHECK(p.report == "");
  CHECK(p.config.project == "my-project");
  CHECK(p.config.endpoint == "localhost:8085");
  CHECK(p.config.insecure);
  CHECK(p.config.user_agent == "custom {{version}}");
  CHECK(p.config.universe_domain == "example.com");
  CHECK(p.config.gzip);
  CHECK(p.config.watermark.behavior == WatermarkBehavior::kEarliest);
  CHECK(p.config.watermark.allowed_drift == std::chrono::hours(1));
  CHECK(p.config.ordering.enabled);
  CHECK(p.config.ordering.from_resource_attribute == "tenant.id");
  CHECK(p.config.ordering.remove_resource_attribute);
  CHECK(p.config.attributes ==
        std::map<std::string, std::string>{{"team", "payments"}, {"ce-type", "custom.type"}});
  CHECK(p.config.delivery.timeout == std::chrono::seconds(3));
}

TEST_CASE("googlecloudpubsub config: the topic is required and validated precisely") {
  CHECK_THAT(parse("project: p\n").report,
             Contains("exporters::googlecloudpubsub: missing required key 'topic'"));

  const std::map<std::string, std::string> cases{
      {"my-topic",
       "topic 'my-topic' is a bare name but 'project' is not set (set 'project', or "
       "use 'projects/<project_id>/topics/"},
      {"projects/p/subscriptions/s", "is not a valid format"},
      {"projects//topics/abc", "the project id is empty"},
      {"projects/My-Project/topics/abc", "the project id must start with a lowercase letter"},
      {"projects/my_project/topics/abc",
       "the project id may only hold lowercase letters, digits and '-'"},
      {"projects/example:/topics/abc", "the project id ends with ':'"},
      {"projects/p/topics/", "the topic name must be 3 to 255 characters long"},
      {"projects/p/topics/t1", "the topic name must be 3 to 255 characters long"},
      {"projects/p/topics/1abc", "the topic name must start with a letter"},
      {"projects/p/topics/googtraces", "the topic name must not start with 'goog'"},
      {"projects/p/topics/a/b/c", "the topic name may not hold '/'"},
  };
  for (const auto& [topic, message] : cases) {
    INFO(topic);
    const Parsed p = parse("topic: \"" + topic + "\"\n");
    CHECK(p.has_errors);
    CHECK_THAT(p.report, Contains("c.yaml:1:1: error: exporters::googlecloudpubsub::topic: "));
    CHECK_THAT(p.report, Contains(message));
  }
  for (const char* ok :
       {"projects/p/topics/abc", "projects/example:my-project/topics/a.b~c+d%e_f-g",
        "projects/p1/topics/Traces"}) {
    INFO(ok);
    CHECK(parse(std::string("topic: \"") + ok + "\"\n").report == "");
  }
  CHECK(parse("topic: projects/p/topics/" + std::string(255, 'a') + "\n").report == "");
  // Seed configs give a bare topic name and the project separately.
  const Parsed bare = parse("project: dta-cloud-de-dev\ntopic: otel-traces-dev\n");
  CHECK(bare.report == "");
  CHECK(bare.config.topic == "projects/dta-cloud-de-dev/topics/otel-traces-dev");
  CHECK(parse("topic: projects/p/topics/" + std::string(256, 'a') + "\n").has_errors);
}

TEST_CASE("googlecloudpubsub config: invalid values are errors with their position") {
  const std::string topic = "topic: projects/p/topics/traces\n";
  CHECK_THAT(parse(topic + "compression: zstd\n").report,
             Contains("c.yaml:2:1: error: exporters::googlecloudpubsub::compression: "
                      "compression 'zstd' is not supported (supported: gzip"));
  CHECK(parse(topic + "compression: none\n").report == "");
  CHECK_THAT(parse(topic + "watermark: {behavior: latest}\n").report,
             Contains("exporters::googlecloudpubsub::watermark::behavior"));
  CHECK_THAT(parse(topic + "watermark: {allowed_drift: -1s}\n").report,
             Contains("allowed_drift: expected a non-negative duration"));
  CHECK_THAT(parse(topic + "watermark: {allow_drift: 1s}\n").report,
             Contains("unknown key 'allow_drift' (did you mean 'allowed_drift'?)"));
  CHECK_THAT(parse(topic + "ordering: {enabled: true}\n").report,
             Contains("'from_resource_attribute' is required if ordering is enabled"));
  CHECK(parse(topic + "ordering: {enabled: false}\n").report == "");
  CHECK_THAT(parse(topic + "endpoint: localhost\n").report,
             Contains("endpoint: 'localhost' is not host:port"));
  CHECK_THAT(parse(topic + "traces: {encoding: otlp_json}\n").report,
             Contains("encoding extensions are not supported by spanflow"));
  CHECK_THAT(parse(topic + "topik: x\n").report, Contains("unknown key 'topik'"));

  const Parsed insecure = parse(topic + "insecure: true\n");
  CHECK_FALSE(insecure.has_errors);
  CHECK_THAT(insecure.report, Contains("warning: exporters::googlecloudpubsub: 'insecure' has no "
                                       "effect without 'endpoint'"));
  const Parsed logs = parse(topic + "logs: {attributes: {a: b}}\n");
  CHECK_FALSE(logs.has_errors);
  CHECK_THAT(logs.report, Contains("'logs' is ignored: spanflow exports traces only"));
}

TEST_CASE("googlecloudpubsub config: where it connects") {
  Config config;
  config.topic = "projects/p/topics/traces";

  SECTION("production: pubsub.googleapis.com:443 over TLS with Google credentials") {
    const Connection c = resolve_connection(config, env_of({}));
    CHECK(c.target == "pubsub.googleapis.com:443");
    CHECK_FALSE(c.plaintext);
    CHECK_FALSE(c.emulator);
    config.universe_domain = "example.eu";
    CHECK(resolve_connection(config, env_of({})).target == "pubsub.example.eu:443");
  }
  SECTION("PUBSUB_EMULATOR_HOST: plaintext, no credentials") {
    const Connection c =
        resolve_connection(config, env_of({{"PUBSUB_EMULATOR_HOST", "localhost:8085"}}));
    CHECK(c.target == "localhost:8085");
    CHECK(c.plaintext);
    CHECK(c.emulator);
    CHECK(resolve_connection(config, env_of({{"PUBSUB_EMULATOR_HOST", ""}})).target ==
          "pubsub.googleapis.com:443");
  }
  SECTION("an explicit endpoint wins over PUBSUB_EMULATOR_HOST") {
    config.endpoint = "pubsub.internal:8443";
    const auto env = env_of({{"PUBSUB_EMULATOR_HOST", "localhost:8085"}});
    Connection c = resolve_connection(config, env);
    CHECK(c.target == "pubsub.internal:8443");
    CHECK_FALSE(c.plaintext);
    CHECK_FALSE(c.emulator);
    config.insecure = true;
    c = resolve_connection(config, env);
    CHECK(c.plaintext);
  }
}
