#include "exporters/file/file_exporter.h"

#include <spdlog/sinks/null_sink.h>

#include <catch.hpp>
#include <filesystem>
#include <thread>

#include "support/file_output.h"
#include "support/spans.h"
#include "support/temp_dir.h"

using namespace spanflow;
using namespace spanflow::testing;
using exporters::file::Config;
using exporters::file::FileExporter;

namespace {

class NoHost final : public Host {
 public:
  bool pipelines_ready() const override { return true; }
};

CreateSettings settings(telemetry::Metrics& metrics) {
  return {ComponentId{"file", ""},
          std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()),
          &metrics};
}

TraceBatch batch_of(int spans, std::uint64_t first = 1) {
  TraceBatch batch;
  batch.mutable_request() = make_request(spans, first);
  return batch;
}

Deadline soon() {
  return std::chrono::steady_clock::now() + std::chrono::seconds(1);
}

}  // namespace

TEST_CASE("the file exporter writes one OTLP/JSON request per line and flushes on shutdown") {
  TempDir dir;
  Config config;
  config.path = dir.file("out.jsonl");
  config.flush_interval = std::chrono::hours(1);  // only shutdown flushes
  telemetry::Metrics metrics;
  FileExporter exporter(settings(metrics), config);
  NoHost host;
  exporter.start(host);
  CHECK(exporter.consume(batch_of(2)).is_ok());
  CHECK(exporter.consume(batch_of(3, 10)).is_ok());
  exporter.shutdown(soon());
  const auto lines = read_json_lines(config.path);
  REQUIRE(lines.size() == 2);
  CHECK(span_total(lines) == 5);
  CHECK(lines[1].resource_spans(0).scope_spans(0).spans(0).name() == "span-10");
}

TEST_CASE("the flush interval writes buffered data without a shutdown") {
  TempDir dir;
  Config config;
  config.path = dir.file("out.jsonl");
  config.flush_interval = std::chrono::milliseconds(20);
  telemetry::Metrics metrics;
  FileExporter exporter(settings(metrics), config);
  NoHost host;
  exporter.start(host);
  CHECK(exporter.consume(batch_of(1)).is_ok());
  std::size_t lines = 0;
  for (int i = 0; i < 200 && lines == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    lines = read_json_lines(config.path).size();
  }
  CHECK(lines == 1);
  exporter.shutdown(soon());
}

TEST_CASE("proto format writes each request with a 4-byte big-endian length prefix") {
  TempDir dir;
  Config config;
  config.path = dir.file("out.pb");
  config.format = "proto";
  telemetry::Metrics metrics;
  FileExporter exporter(settings(metrics), config);
  NoHost host;
  exporter.start(host);
  const auto request = make_request(4);
  TraceBatch batch;
  batch.mutable_request() = request;
  CHECK(exporter.consume(std::move(batch)).is_ok());
  // A batch still holding the bytes it was received as is written as they are.
  const std::string wire = make_request(2, 50).SerializeAsString() + "\xf8\x01\x07";  // unknown
  CHECK(exporter.consume(TraceBatch::from_wire(wire, 2)).is_ok());
  CHECK_FALSE(exporter.reads_spans());
  exporter.shutdown(soon());
  const std::string data = read_file(config.path);
  REQUIRE(data.size() > 4);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t len = (std::size_t{p[0]} << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
  CHECK(data.substr(4, len) == request.SerializeAsString());
  CHECK(data.substr(8 + len) == wire);
  const auto records = read_proto_records(config.path);
  REQUIRE(records.size() == 2);
  CHECK(span_total(records) == 6);
}

TEST_CASE("rotation moves full files aside and keeps at most max_backups") {
  TempDir dir;
  Config config;
  config.path = dir.file("traces.jsonl");
  config.rotation.emplace();
  config.rotation->max_megabytes = 1;
  config.rotation->max_backups = 2;
  telemetry::Metrics metrics;
  FileExporter exporter(settings(metrics), config);
  NoHost host;
  exporter.start(host);
  // ~6 MiB in total: several rotations.
  for (int i = 0; i < 60; ++i) {
    auto batch = batch_of(1, static_cast<std::uint64_t>(i + 1));
    add_attribute(batch.mutable_request()
                      .mutable_resource_spans(0)
                      ->mutable_scope_spans(0)
                      ->mutable_spans(0)
                      ->mutable_attributes(),
                  "pad", std::string(100 * 1024, 'p'));
    CHECK(exporter.consume(std::move(batch)).is_ok());
  }
  exporter.shutdown(soon());
  std::size_t backups = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const auto name = entry.path().filename().string();
    if (name != "traces.jsonl") {
      ++backups;
      CHECK(name.starts_with("traces-"));
      CHECK(name.ends_with(".jsonl"));
      CHECK(entry.file_size() <= 1024 * 1024 + 200 * 1024);
    }
  }
  CHECK(backups == 2);
  CHECK(std::filesystem::file_size(config.path) <= 1024 * 1024 + 200 * 1024);
}

TEST_CASE("a file that cannot be opened fails start with the path and the reason") {
  Config config;
  config.path = "/nonexistent-dir/spanflow/out.jsonl";
  telemetry::Metrics metrics;
  FileExporter exporter(settings(metrics), config);
  NoHost host;
  CHECK_THROWS_WITH(exporter.start(host),
                    "exporter file: cannot open /nonexistent-dir/spanflow/out.jsonl: No such file "
                    "or directory");
}
