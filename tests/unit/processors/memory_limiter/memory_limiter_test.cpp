#include "processors/memory_limiter/memory_limiter.h"

#include <spdlog/sinks/null_sink.h>

#include <catch.hpp>
#include <filesystem>
#include <fstream>

#include "config/yaml_document.h"
#include "support/spans.h"
#include "support/temp_dir.h"
#include "support/trace_sink.h"

using namespace spanflow;
using namespace spanflow::processors::memory_limiter;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

class NoHost final : public Host {
 public:
  bool pipelines_ready() const override { return true; }
};

// Lets everything through and keeps nothing, so reservations are released at once.
class Discard final : public TraceConsumer {
 public:
  ConsumeResult consume(TraceBatch&&) override { return ConsumeResult::ok(); }
};

struct Fixture {
  telemetry::Metrics metrics;
  NoHost host;
  std::atomic<std::uint64_t> rss{0};
  CreateSettings settings{
      ComponentId{"memory_limiter", ""},
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()),
      &metrics};
  MemoryLimiter::RssReader reader() {
    return [this] { return rss.load(); };
  }
};

Config config_mib(std::uint32_t limit, std::uint32_t spike) {
  Config c;
  c.check_interval = std::chrono::hours(1);  // checks are driven by the test
  c.limit_mib = limit;
  c.spike_limit_mib = spike;
  return c;
}

std::string parse_errors(const std::string& yaml) {
  config::ConfigErrors errors;
  const auto value = config::parse_yaml(yaml, "m.yaml", config::process_environment(), errors);
  config::ConfigNode node(value, "processors::memory_limiter", errors);
  Config::parse(node);
  return errors.report();
}

TraceBatch batch_of(int spans) {
  TraceBatch batch;
  batch.mutable_request() = testing::make_request(spans);
  return batch;
}

}  // namespace

TEST_CASE("memory limits follow the Collector: soft = hard - spike, spike defaults to 20%") {
  CHECK(limits_for(config_mib(512, 128), 0).hard == 512 * kMiB);
  CHECK(limits_for(config_mib(512, 128), 0).soft == 384 * kMiB);
  CHECK(limits_for(config_mib(100, 0), 0).soft == 80 * kMiB);
  Config pct;
  pct.limit_percentage = 50;
  CHECK(limits_for(pct, 1000 * kMiB).hard == 500 * kMiB);
  CHECK(limits_for(pct, 1000 * kMiB).soft == 400 * kMiB);
  pct.spike_limit_percentage = 10;
  CHECK(limits_for(pct, 1000 * kMiB).soft == 400 * kMiB);
  Config both = config_mib(256, 0);
  both.limit_percentage = 90;
  CHECK(limits_for(both, 1000 * kMiB).hard == 256 * kMiB);  // limit_mib wins
}

TEST_CASE("total memory is the cgroup limit when set, else physical memory") {
  testing::TempDir root;
  std::filesystem::create_directories(root.path() / "sys/fs/cgroup/memory");
  std::filesystem::create_directories(root.path() / "proc");
  std::ofstream(root.path() / "proc/meminfo") << "MemTotal:       24576000 kB\nMemFree: 1 kB\n";
  CHECK(total_memory(root.path().string()) == 24576000ULL * 1024);
  std::ofstream(root.path() / "sys/fs/cgroup/memory.max") << "max\n";
  CHECK(total_memory(root.path().string()) == 24576000ULL * 1024);
  std::ofstream(root.path() / "sys/fs/cgroup/memory/memory.limit_in_bytes") << "536870912\n";
  CHECK(total_memory(root.path().string()) == 536870912ULL);
  std::ofstream(root.path() / "sys/fs/cgroup/memory.max") << "268435456\n";
  CHECK(total_memory(root.path().string()) == 268435456ULL);
}

TEST_CASE("memory_limiter config errors are the Collector's") {
  CHECK(parse_errors("limit_mib: 100\n") ==
        "m.yaml:1:1: error: processors::memory_limiter: missing required key 'check_interval'\n");
  CHECK(parse_errors("check_interval: 1s\n") ==
        "m.yaml:1:1: error: processors::memory_limiter: 'limit_mib' or 'limit_percentage' must "
        "be greater than zero\n");
  CHECK(parse_errors("check_interval: 0s\nlimit_mib: 10\n") ==
        "m.yaml:1:1: error: processors::memory_limiter::check_interval: check_interval must be "
        "greater than zero (the Collector recommends 1s)\n");
  CHECK(parse_errors("check_interval: 1s\nlimit_mib: 100\nspike_limit_mib: 100\n") ==
        "m.yaml:3:1: error: processors::memory_limiter::spike_limit_mib: 'spike_limit_mib' (100) "
        "must be smaller than 'limit_mib' (100)\n");
  CHECK(parse_errors("check_interval: 1s\nlimit_percentage: 101\n")
            .find("'limit_percentage' must be at most 100") != std::string::npos);
  CHECK(parse_errors("check_interval: 1s\nlimit_mib: 512\nspike_limit_mib: 128\n") == "");
}

TEST_CASE("admission reserves until the budget is spent, and a released batch frees room") {
  Fixture f;
  Discard next;
  f.rss = 0;
  MemoryLimiter limiter(f.settings, config_mib(20, 10), next, f.reader());  // budget 10 MiB
  limiter.start(f.host);
  REQUIRE(limiter.budget().capacity() == 10 * kMiB);
  Reservations held;
  CHECK(limiter.admit(6 * kMiB, held).is_ok());
  const ConsumeResult refused = limiter.admit(6 * kMiB, held);
  CHECK(refused.kind == ConsumeResult::Kind::kRetryable);
  CHECK(refused.message == "data refused due to high memory usage");
  CHECK(refused.retry_after == std::chrono::seconds(10));  // check_interval, at most 10 s
  CHECK(held.size() == 1);
  {
    TraceBatch batch = batch_of(3);
    batch.hold(std::move(held));
    CHECK(limiter.budget().used() == 6 * kMiB);
    CHECK(limiter.consume(std::move(batch)).is_ok());  // Discard drops it: bytes come back
  }
  CHECK(limiter.budget().used() == 0);
  CHECK(limiter.admit(6 * kMiB, held).is_ok());
  CHECK(f.metrics.value("otelcol_processor_memory_limiter_refused_requests_total",
                        {{"processor", "memory_limiter"}}) == 1);
  CHECK(f.metrics.value("otelcol_processor_memory_limiter_accepted_spans_total",
                        {{"processor", "memory_limiter"}}) == 3);
  limiter.shutdown(std::chrono::steady_clock::now());
}

TEST_CASE("admission asks the next stage too, and holds nothing when it refuses") {
  class Full final : public TraceConsumer {
   public:
    ConsumeResult consume(TraceBatch&&) override { return ConsumeResult::ok(); }
    ConsumeResult admit(std::uint64_t, Reservations&) override {
      return ConsumeResult::retryable("downstream is full", std::chrono::seconds(3));
    }
  };
  Fixture f;
  Full next;
  f.rss = 0;
  MemoryLimiter limiter(f.settings, config_mib(20, 10), next, f.reader());
  limiter.start(f.host);
  Reservations held;
  const ConsumeResult refused = limiter.admit(6 * kMiB, held);
  CHECK(refused.message == "downstream is full");
  CHECK(refused.retry_after == std::chrono::seconds(3));
  CHECK(held.empty());
  CHECK(limiter.budget().used() == 0);
  // Not a memory refusal: the limiter's own counter stays at zero.
  CHECK(f.metrics.value("otelcol_processor_memory_limiter_refused_requests_total",
                        {{"processor", "memory_limiter"}}) == 0);
  limiter.shutdown(std::chrono::steady_clock::now());
}

TEST_CASE("RSS at or over the soft limit refuses everything until it falls back") {
  Fixture f;
  testing::TraceSink sink;
  f.rss = 5 * kMiB;
  MemoryLimiter limiter(f.settings, config_mib(100, 20), sink, f.reader());
  limiter.start(f.host);
  CHECK(limiter.budget().capacity() == 75 * kMiB);  // soft 80 - baseline 5
  CHECK(limiter.consume(batch_of(2)).is_ok());
  f.rss = 80 * kMiB;
  limiter.check();
  CHECK(limiter.refusing());
  const ConsumeResult r = limiter.consume(batch_of(4));
  CHECK(r.kind == ConsumeResult::Kind::kRetryable);
  Reservations held;
  CHECK_FALSE(limiter.admit(1, held).is_ok());
  CHECK(f.metrics.value("otelcol_processor_memory_limiter_refused_spans_total",
                        {{"processor", "memory_limiter"}}) == 4);
  f.rss = 79 * kMiB;
  limiter.check();
  CHECK_FALSE(limiter.refusing());
  CHECK(limiter.consume(batch_of(1)).is_ok());
  CHECK(sink.span_count() == 3);
  limiter.shutdown(std::chrono::steady_clock::now());
}

TEST_CASE("a batch that skipped admission is reserved at consume and refused when it cannot fit") {
  Fixture f;
  testing::TraceSink sink;  // keeps batches: their reservations stay held
  MemoryLimiter limiter(f.settings, config_mib(2, 1), sink, f.reader());  // budget 1 MiB
  limiter.start(f.host);
  CHECK(limiter.consume(batch_of(10)).is_ok());
  CHECK(limiter.budget().used() > 0);
  ConsumeResult last = ConsumeResult::ok();
  for (int i = 0; i < 10000 && last.is_ok(); ++i) last = limiter.consume(batch_of(50));
  CHECK(last.kind == ConsumeResult::Kind::kRetryable);
  CHECK(limiter.budget().used() <= limiter.budget().capacity());
  limiter.shutdown(std::chrono::steady_clock::now());
}

TEST_CASE("memory_limiter accounts bytes and reads spans only if its next stage does") {
  Fixture f;
  testing::TraceSink sink;
  MemoryLimiter limiter(f.settings, config_mib(100, 20), sink, f.reader());
  CHECK(limiter.reads_spans());
  sink.set_reads_spans(false);
  CHECK_FALSE(limiter.reads_spans());
}
