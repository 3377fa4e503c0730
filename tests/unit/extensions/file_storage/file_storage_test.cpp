// The file_storage extension on its own, and as the persistent queue of a QueuedExporter.
#include "extensions/file_storage/file_storage.h"

#include <catch.hpp>
#include <filesystem>

#include "config/yaml_document.h"
#include "exporters/common/queued_exporter.h"
#include "service/service_config.h"
#include "support/fake_sender.h"
#include "support/temp_dir.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace std::chrono_literals;
using exporters::DeliveryConfig;
using exporters::QueuedExporter;
using exporters::SendResult;
using extensions::file_storage::Config;
using extensions::file_storage::FileStorage;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

// A host whose only extension is `storage` under the id file_storage.
class StorageHost final : public Host {
 public:
  explicit StorageHost(Extension* storage) : storage_(storage) {}
  bool pipelines_ready() const override { return true; }
  Extension* extension(const ComponentId& id) const override {
    return id == ComponentId{"file_storage", ""} ? storage_ : nullptr;
  }

 private:
  Extension* storage_;
};

struct Agent {
  telemetry::Metrics metrics;
  CapturedLog log;
  FakeSender* sender = nullptr;
  std::unique_ptr<QueuedExporter> exporter;

  explicit Agent(const DeliveryConfig& config) {
    auto fake = std::make_unique<FakeSender>();
    sender = fake.get();
    exporter = std::make_unique<QueuedExporter>(
        CreateSettings{ComponentId{"otlp", "gw"}, log.logger, &metrics}, config, std::move(fake),
        [] { return 0.5; });
  }
  double metric(const std::string& name) { return metrics.value(name, {{"exporter", "otlp/gw"}}); }
};

DeliveryConfig persistent_config() {
  DeliveryConfig c;
  c.timeout = 300ms;  // a held (down) backend answers within this
  c.retry_on_failure.initial_interval = 1ms;
  c.retry_on_failure.max_interval = 5ms;
  c.sending_queue.num_consumers = 1;
  c.sending_queue.storage = ComponentId{"file_storage", ""};
  return c;
}

std::string report_of(const std::string& section) {
  config::ConfigErrors errors;
  const auto root = config::parse_yaml(
      "receivers:\n  otlp:\n    protocols: {grpc: }\nexporters:\n  debug:\nextensions:\n"
      "  file_storage:\n" +
          section +
          "service:\n  extensions: [file_storage]\n  pipelines:\n"
          "    traces: {receivers: [otlp], exporters: [debug]}\n",
      "c.yaml", [](const std::string&) { return std::optional<std::string>(); }, errors);
  service::parse_service_config(root, service::Registry::builtin(), errors);
  return errors.report();
}

}  // namespace

TEST_CASE("file_storage requires a directory and reads the Collector's keys") {
  CHECK(report_of("    directory: /tmp/q\n    create_directory: true\n    fsync: false\n"
                  "    directory_permissions: \"0700\"\n    timeout: 2s\n") == "");
  CHECK(report_of("    create_directory: true\n") ==
        "c.yaml:8:5: error: extensions::file_storage: missing required key 'directory' (the "
        "Collector's default is /var/lib/otelcol/file_storage; spanflow asks for it "
        "explicitly)\n");
  CHECK(report_of("    directory: /tmp/q\n    directory_permissions: \"rwx\"\n") ==
        "c.yaml:8:5: warning: extensions::file_storage: directory_permissions only applies with "
        "create_directory: true\n"
        "c.yaml:9:5: error: extensions::file_storage::directory_permissions: expected an octal "
        "mode such as \"0750\", got \"rwx\"\n");
}

TEST_CASE("file_storage refuses a missing directory unless create_directory is set") {
  TempDir dir;
  Config config;
  config.directory = dir.file("a/b");
  CapturedLog log;
  StorageHost none(nullptr);
  FileStorage missing(CreateSettings{ComponentId{"file_storage", ""}, log.logger, nullptr}, config);
  CHECK_THROWS_WITH(missing.start(none), Catch::Contains("does not exist or is not a directory"));
  config.create_directory = true;
  FileStorage created(CreateSettings{ComponentId{"file_storage", ""}, log.logger, nullptr}, config);
  created.start(none);
  CHECK(fs::is_directory(config.directory));
  CHECK_THROWS_WITH(created.open_log("../escape"), Catch::Contains("invalid storage name"));
}

TEST_CASE(
    "a persistent queue keeps what was acknowledged across a restart and counts "
    "redeliveries") {
  TempDir dir;
  Config config;
  config.directory = dir.path().string();
  CapturedLog storage_log;
  FileStorage storage(CreateSettings{ComponentId{"file_storage", ""}, storage_log.logger, nullptr},
                      config);
  StorageHost host(&storage);
  storage.start(host);
  {
    Agent first(persistent_config());
    first.sender->hold();  // the backend is down: the first batch stays in flight
    first.exporter->start(host);
    for (int i = 0; i < 4; ++i) CHECK(first.exporter->consume(batch_of(2, 10 * i + 1)).is_ok());
    REQUIRE(first.sender->await([](auto& s) { return s.attempts_locked() == 1; }));
    CHECK(first.metric("otelcol_exporter_queue_size") == 3);
    first.exporter->shutdown(Clock::now());
    CHECK(first.sender->delivered_spans() == 0);
    CHECK(first.metric("otelcol_exporter_send_failed_spans_total") == 0);  // kept, not dropped
    CHECK(first.log.count("4 requests (8 spans) stay in the persistent queue") == 1);
  }
  {
    Agent second(persistent_config());
    second.exporter->start(host);
    REQUIRE(second.sender->await([](auto& s) { return s.delivered_locked() == 8; }));
    second.exporter->shutdown(Clock::now() + 5s);
    const auto delivered = second.sender->delivered();
    REQUIRE(delivered.size() == 4);
    CHECK(delivered[0].resource_spans(0).scope_spans(0).spans(0).name() == "span-1");
    CHECK(delivered[3].resource_spans(0).scope_spans(0).spans(0).name() == "span-31");
    // Only the batch that was in flight may have reached the backend already.
    CHECK(second.metric("otelcol_exporter_queue_redelivered_spans_total") == 2);
    CHECK(second.metric("otelcol_exporter_sent_spans_total") == 8);
    CHECK(second.log.count("4 requests (8 spans) recovered from the persistent queue") == 1);
  }

  Agent third(persistent_config());  // everything was acked: nothing comes back
  third.exporter->start(host);
  third.exporter->shutdown(Clock::now() + 5s);
  CHECK(third.sender->attempt_count() == 0);
}

TEST_CASE("a persistent queue counts its capacity in the configured sizer") {
  TempDir dir;
  Config config;
  config.directory = dir.path().string();
  CapturedLog storage_log;
  FileStorage storage(CreateSettings{ComponentId{"file_storage", ""}, storage_log.logger, nullptr},
                      config);
  StorageHost host(&storage);
  storage.start(host);
  DeliveryConfig delivery = persistent_config();
  delivery.sending_queue.sizer = "items";
  delivery.sending_queue.queue_size = 5;
  Agent agent(delivery);
  agent.sender->hold();
  agent.exporter->start(host);
  CHECK(agent.exporter->consume(batch_of(1, 1)).is_ok());
  REQUIRE(agent.sender->await([](auto& s) { return s.attempts_locked() == 1; }));
  CHECK(agent.exporter->consume(batch_of(3, 10)).is_ok());
  CHECK(agent.exporter->consume(batch_of(2, 20)).is_ok());
  const ConsumeResult full = agent.exporter->consume(batch_of(1, 30));
  CHECK(full.kind == ConsumeResult::Kind::kRetryable);
  CHECK(agent.metric("otelcol_exporter_enqueue_failed_spans_total") == 1);
  agent.sender->release();
  REQUIRE(agent.sender->await([](auto& s) { return s.delivered_locked() == 6; }));
  agent.exporter->shutdown(Clock::now() + 5s);
}

TEST_CASE(
    "a persistent queue without its storage extension fails to start with a clear "
    "message") {
  Agent agent(persistent_config());
  StorageHost none(nullptr);
  CHECK_THROWS_WITH(agent.exporter->start(none),
                    "exporter otlp/gw: sending_queue::storage: extension file_storage is not "
                    "running; define it under extensions and list it in service::extensions");
}
