#include "exporters/file/file_exporter.h"

#include <fcntl.h>
#include <spdlog/sinks/null_sink.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <catch.hpp>
#include <filesystem>
#include <thread>
#include <vector>

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

// A one-span batch carrying `bytes` of padding in an attribute.
TraceBatch padded_batch(std::uint64_t id, std::size_t bytes) {
  auto batch = batch_of(1, id);
  add_attribute(batch.mutable_request()
                    .mutable_resource_spans(0)
                    ->mutable_scope_spans(0)
                    ->mutable_spans(0)
                    ->mutable_attributes(),
                "pad", std::string(bytes, 'p'));
  return batch;
}

// How many of the pages in [0, length) of the file are in the page cache.
std::size_t resident_pages(const std::string& path, std::size_t length) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  void* map = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  REQUIRE(map != MAP_FAILED);
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in_core((length + page - 1) / page);
  const int rc = ::mincore(map, length, in_core.data());
  ::munmap(map, length);
  REQUIRE(rc == 0);
  return static_cast<std::size_t>(
      std::count_if(in_core.begin(), in_core.end(), [](unsigned char c) { return c & 1; }));
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

TEST_CASE("written pages leave the page cache once on disk, the data intact") {
  TempDir dir;
  Config config;
  config.path = dir.file("traces.pb");
  config.format = "proto";
  config.flush_interval = std::chrono::hours(1);
  struct statfs fs {};
  REQUIRE(::statfs(dir.path().c_str(), &fs) == 0);
  if (fs.f_type == 0x01021994) {  // TMPFS_MAGIC: the file's pages are its only copy
    WARN("the temporary directory is on tmpfs; nothing to release");
    return;
  }
  telemetry::Metrics metrics;
  FileExporter exporter(settings(metrics), config);
  NoHost host;
  exporter.start(host);
  constexpr std::size_t kMiB = 1024 * 1024;
  // 34 MiB: the first window (32 MiB) is handed to writeback...
  std::uint64_t id = 1;
  for (; id <= 34; ++id) REQUIRE(exporter.consume(padded_batch(id, kMiB)).is_ok());
  {
    const int fd = ::open(config.path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CHECK(::fsync(fd) == 0);  // ...and is on disk (clean) before the next window is written
    ::close(fd);
  }
  CHECK(resident_pages(config.path, 32 * kMiB) > 0);
  // Another 34 MiB: the second window goes to writeback and the first leaves the cache.
  for (; id <= 68; ++id) REQUIRE(exporter.consume(padded_batch(id, kMiB)).is_ok());
  CHECK(resident_pages(config.path, 32 * kMiB) == 0);
  CHECK(resident_pages(config.path, 64 * kMiB) > 0);  // the newest pages stay until on disk
  exporter.shutdown(soon());
  const auto records = read_proto_records(config.path);
  REQUIRE(records.size() == 68);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& span = records[i].resource_spans(0).scope_spans(0).spans(0);
    CHECK(span.name() == "span-" + std::to_string(i + 1));
  }
}
