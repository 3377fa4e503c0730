// Every registered component passes the lifecycle contract: shutdown without start, start and
// shutdown twice (idempotent), consume between, each shutdown within its deadline.
#include <spdlog/sinks/null_sink.h>

#include <catch.hpp>

#include "config/yaml_document.h"
#include "service/registry.h"
#include "support/spans.h"
#include "support/temp_dir.h"
#include "support/trace_sink.h"

using namespace spanflow;

namespace {

class TestHost final : public Host {
 public:
  bool pipelines_ready() const override { return true; }
};

// The smallest valid settings of each type (port 0 so nothing collides).
std::string minimal_config(std::string_view type, const testing::TempDir& dir) {
  if (type == "otlp") {
    return "protocols: {grpc: {endpoint: '127.0.0.1:0'}, http: {endpoint: '127.0.0.1:0'}}";
  }
  if (type == "file") return "path: " + dir.file("out.jsonl");
  if (type == "health_check") return "endpoint: '127.0.0.1:0'";
  if (type == "memory_limiter") return "{check_interval: 1s, limit_mib: 100000}";
  if (type == "attributes") return "actions: [{key: password, action: delete}]";
  // Nothing listens on port 1: the batch is queued, fails, and is dropped at shutdown.
  if (type == "otlp_grpc") return "{endpoint: '127.0.0.1:1', tls: {insecure: true}}";
  if (type == "otlp_http") return "endpoint: 'http://127.0.0.1:1'";
  if (type == "jaeger") return "{endpoint: '127.0.0.1:1', tls: {insecure: true}}";
  if (type == "googlecloudpubsub") {
    return "{project: p, topic: projects/p/topics/abc, endpoint: '127.0.0.1:1', insecure: true}";
  }
  if (type == "file_storage") return "directory: " + dir.path().string();
  if (type == "tail_sampling") return "policies: [{name: all, type: always_sample}]";
  return "{}";
}

std::unique_ptr<ComponentConfig> parse(const Factory& factory, const std::string& yaml) {
  config::ConfigErrors errors;
  const auto value = config::parse_yaml(yaml, "test.yaml", config::process_environment(), errors);
  config::ConfigNode node(value, std::string(factory.type()), errors);
  auto parsed = factory.parse(node);
  INFO(errors.report());
  REQUIRE_FALSE(errors.has_errors());
  return parsed;
}

// Shutdown may use its whole deadline (an exporter retries queued data until then) but must
// return shortly after it.
constexpr auto kShutdownBudget = std::chrono::seconds(1);
constexpr auto kSlack = std::chrono::milliseconds(500);

Deadline soon() {
  return std::chrono::steady_clock::now() + kShutdownBudget;
}

}  // namespace

TEST_CASE("every component type passes the lifecycle contract") {
  const auto registry = service::Registry::builtin();
  auto logger =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  for (const auto kind : {ComponentKind::kReceiver, ComponentKind::kProcessor,
                          ComponentKind::kExporter, ComponentKind::kExtension}) {
    for (const auto& type : registry.types(kind)) {
      DYNAMIC_SECTION(to_string(kind) << " " << type) {
        testing::TempDir dir;
        const Factory& factory = *registry.find(kind, type);
        const auto config = parse(factory, minimal_config(factory.type(), dir));
        telemetry::Metrics metrics;
        const CreateSettings settings{ComponentId{type, ""}, logger, &metrics};
        testing::TraceSink sink;
        TestHost host;
        const auto make = [&]() -> std::unique_ptr<Component> {
          switch (kind) {
            case ComponentKind::kReceiver:
              return static_cast<const ReceiverFactory&>(factory).create(settings, *config, sink);
            case ComponentKind::kProcessor:
              return static_cast<const ProcessorFactory&>(factory).create(settings, *config, sink);
            case ComponentKind::kExporter:
              return static_cast<const ExporterFactory&>(factory).create(settings, *config);
            case ComponentKind::kExtension:
              return static_cast<const ExtensionFactory&>(factory).create(settings, *config);
          }
          return nullptr;
        };
        // Shutdown without start.
        make()->shutdown(soon());
        // Start, consume, shutdown twice.
        auto component = make();
        component->start(host);
        if (auto* consumer = dynamic_cast<TraceConsumer*>(component.get())) {
          TraceBatch batch;
          batch.mutable_request() = testing::make_request(3);
          CHECK(consumer->consume(std::move(batch)).is_ok());
        }
        const auto before = std::chrono::steady_clock::now();
        component->shutdown(soon());
        component->shutdown(soon());
        CHECK(std::chrono::steady_clock::now() - before < kShutdownBudget + kSlack);
      }
    }
  }
}
