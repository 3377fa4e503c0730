#include <spdlog/sinks/null_sink.h>

#include <catch.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "config/yaml_document.h"
#include "processors/batch/batch_processor.h"
#include "processors/batch/merge.h"
#include "support/refusing_consumer.h"
#include "support/spans.h"
#include "support/trace_sink.h"

using namespace spanflow;
using namespace spanflow::processors::batch;
using spanflow::testing::make_request;
using spanflow::testing::TraceSink;

namespace {

class NoHost final : public Host {
 public:
  bool pipelines_ready() const override { return true; }
};

TraceBatch batch_of(int spans, std::uint64_t first = 1, const std::string& service = "checkout") {
  TraceBatch batch;
  batch.mutable_request() = make_request(spans, first, service);
  return batch;
}

struct Fixture {
  telemetry::Metrics metrics;
  NoHost host;
  CreateSettings settings{
      ComponentId{"batch", ""},
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()),
      &metrics};
};

using Refusing = spanflow::testing::RefusingConsumer;
using spanflow::testing::eventually;

Deadline in(std::chrono::milliseconds d) {
  return std::chrono::steady_clock::now() + d;
}

// A batch config whose timeout never fires during a test: only the size triggers a send.
Config size_triggered(std::uint32_t send_batch_size = Config{}.send_batch_size) {
  Config config;
  config.send_batch_size = send_batch_size;
  config.timeout = std::chrono::hours(1);
  return config;
}

}  // namespace

TEST_CASE("merging appends every ResourceSpans in order, as the Collector's batch processor") {
  std::vector<TraceBatch> batches;
  batches.push_back(batch_of(2, 1, "checkout"));
  batches.push_back(batch_of(3, 10, "checkout"));
  batches.push_back(batch_of(1, 20, "payments"));
  const TraceBatch merged = merge(std::move(batches));
  const auto& request = merged.request();
  REQUIRE(request.resource_spans_size() == 3);
  CHECK(request.resource_spans(0).scope_spans(0).spans_size() == 2);
  CHECK(request.resource_spans(1).scope_spans(0).spans(0).name() == "span-10");
  CHECK(request.resource_spans(2).resource().attributes(0).value().string_value() == "payments");
  CHECK(request.resource_spans(2).scope_spans(0).scope().name() == "spanflow.test");
  CHECK(merged.span_count() == 6);
}

TEST_CASE("merging encoded batches concatenates their bytes without decoding them") {
  std::vector<TraceBatch> batches;
  std::string expected;
  for (const auto& [spans, first] : {std::pair{2, 1}, std::pair{3, 10}}) {
    const std::string wire = make_request(spans, first, "checkout").SerializeAsString();
    expected += wire;
    batches.push_back(TraceBatch::from_wire(wire, static_cast<std::size_t>(spans)));
  }
  batches.push_back(batch_of(1, 20, "payments"));  // decoded, then encoded by the exporter
  SECTION("all encoded") {
    batches.pop_back();
    const TraceBatch merged = merge(std::move(batches));
    CHECK(merged.has_wire());
    CHECK(merged.span_count() == 5);
    std::string wire;
    merged.append_wire(wire);
    CHECK(wire == expected);
    REQUIRE(merged.request().resource_spans_size() == 2);
    CHECK(merged.request().resource_spans(1).scope_spans(0).spans(2).name() == "span-12");
  }
  SECTION("one decoded: merged as messages") {
    const TraceBatch merged = merge(std::move(batches));
    CHECK_FALSE(merged.has_wire());
    CHECK(merged.span_count() == 6);
    REQUIRE(merged.request().resource_spans_size() == 3);
    CHECK(merged.request().resource_spans(1).scope_spans(0).spans(2).name() == "span-12");
  }
}

TEST_CASE("splitting cuts a batch into parts of at most max spans, keeping headers and order") {
  std::vector<TraceBatch> batches;
  batches.push_back(batch_of(6, 1, "a"));
  batches.push_back(batch_of(4, 100, "b"));
  auto parts = split(merge(std::move(batches)), 3);
  REQUIRE(parts.size() == 4);
  std::vector<std::string> names;
  for (const auto& part : parts) {
    CHECK(part.span_count() <= 3);
    for (const auto& rs : part.request().resource_spans()) {
      CHECK(rs.resource().attributes_size() == 1);
      for (const auto& ss : rs.scope_spans()) {
        CHECK(ss.scope().name() == "spanflow.test");
        for (const auto& s : ss.spans()) names.push_back(s.name());
      }
    }
  }
  CHECK(names == std::vector<std::string>{"span-1", "span-2", "span-3", "span-4", "span-5",
                                          "span-6", "span-100", "span-101", "span-102",
                                          "span-103"});
  CHECK(split(batch_of(3), 3).size() == 1);
  CHECK(split(batch_of(30), 0).size() == 1);
}

TEST_CASE("merging moves the spans of unshared batches and copies those a sibling shares") {
  TraceBatch shared = batch_of(2, 1, "checkout");
  const TraceBatch sibling = shared.share();
  TraceBatch own = batch_of(3, 10, "checkout");
  const std::size_t own_bytes = own.arena_bytes();
  std::vector<TraceBatch> batches;
  batches.push_back(std::move(shared));
  batches.push_back(std::move(own));
  TraceBatch merged = merge(std::move(batches));
  batches.clear();  // the sources' handles are gone; the moved spans live on in `merged`

  // The sibling still reads its two spans, untouched.
  REQUIRE(sibling.span_count() == 2);
  CHECK(sibling.request().resource_spans(0).scope_spans(0).spans(1).name() == "span-2");
  const auto& copied = merged.request().resource_spans(0);
  const auto& moved = merged.request().resource_spans(1);
  REQUIRE(copied.scope_spans(0).spans_size() == 2);
  REQUIRE(moved.scope_spans(0).spans_size() == 3);
  CHECK(moved.scope_spans(0).spans(2).name() == "span-12");
  CHECK(moved.scope_spans(0).spans(2).attributes(0).value().string_value() == "/api/items");
  // The moved messages stay on their own arena, which the merged batch keeps alive and counts.
  CHECK(moved.GetArena() != copied.GetArena());
  CHECK(merged.arena_bytes() >= own_bytes);
  // Still a normal batch: changing it, and copying it once shared, work.
  merged.mutable_request()
      .mutable_resource_spans(1)
      ->mutable_scope_spans(0)
      ->mutable_spans(2)
      ->set_name("renamed");
  const TraceBatch again = merged.share();
  merged.mutable_request();  // copy-on-write of a request with messages on several arenas
  CHECK(again.request().resource_spans(1).scope_spans(0).spans(2).name() == "renamed");
  CHECK(merged.request().resource_spans(1).scope_spans(0).spans(2).name() == "renamed");
}

TEST_CASE("split parts outlive the batch they were cut from") {
  std::vector<TraceBatch> parts = split(batch_of(7, 1, "a"), 3);
  REQUIRE(parts.size() == 3);
  CHECK(parts[2].request().resource_spans(0).scope_spans(0).spans(0).name() == "span-7");
  CHECK(parts[1].request().resource_spans(0).resource().attributes(0).value().string_value() ==
        "a");
  TraceBatch shared = batch_of(4, 1, "b");
  const TraceBatch sibling = shared.share();
  parts = split(std::move(shared), 3);
  REQUIRE(parts.size() == 2);
  CHECK(sibling.span_count() == 4);
  CHECK(parts[1].request().resource_spans(0).scope_spans(0).spans(0).name() == "span-4");
}

TEST_CASE("reaching send_batch_size sends one merged batch without waiting for the timeout") {
  Fixture f;
  TraceSink sink;
  const Config config = size_triggered(10);
  BatchProcessor batch(f.settings, config, sink);
  batch.start(f.host);
  CHECK(batch.consume(batch_of(4, 1)).is_ok());
  CHECK(batch.consume(batch_of(4, 10)).is_ok());
  CHECK(sink.batches().empty());
  CHECK(batch.consume(batch_of(4, 20)).is_ok());
  REQUIRE(eventually([&] { return sink.span_count() == 12; }));
  CHECK(sink.batches().size() == 1);
  CHECK(f.metrics.value("otelcol_processor_batch_batch_size_trigger_send_total",
                        {{"processor", "batch"}}) == 1);
  batch.shutdown(in(std::chrono::seconds(1)));
}

TEST_CASE("what piles up behind a busy consumer leaves in batches of send_batch_size") {
  // A next stage that holds the first batch until released, then records batch sizes.
  class Gate final : public TraceConsumer {
   public:
    ConsumeResult consume(TraceBatch&& batch) override {
      std::unique_lock lock(mu_);
      sizes_.push_back(batch.span_count());
      changed_.notify_all();
      changed_.wait(lock, [&] { return open_; });
      return ConsumeResult::ok();
    }
    void open() {
      std::lock_guard lock(mu_);
      open_ = true;
      changed_.notify_all();
    }
    std::vector<std::size_t> sizes() {
      std::lock_guard lock(mu_);
      return sizes_;
    }

   private:
    std::mutex mu_;
    std::condition_variable changed_;
    bool open_ = false;
    std::vector<std::size_t> sizes_;
  };
  Fixture f;
  Gate gate;
  const Config config = size_triggered(10);
  BatchProcessor batch(f.settings, config, gate);
  batch.start(f.host);
  CHECK(batch.consume(batch_of(4, 1)).is_ok());
  CHECK(batch.consume(batch_of(8, 10)).is_ok());  // 12: sent, and held by the gate
  REQUIRE(eventually([&] { return gate.sizes().size() == 1; }));
  for (int i = 0; i < 5; ++i) CHECK(batch.consume(batch_of(4, 100 + 10 * i)).is_ok());  // 20
  gate.open();
  REQUIRE(eventually([&] { return gate.sizes().size() == 2; }));
  batch.shutdown(in(std::chrono::seconds(5)));
  CHECK(gate.sizes() == std::vector<std::size_t>{12, 12, 8});
}

TEST_CASE("the timeout sends a partial batch") {
  Fixture f;
  TraceSink sink;
  Config config;
  config.send_batch_size = 1000;
  config.timeout = std::chrono::milliseconds(20);
  BatchProcessor batch(f.settings, config, sink);
  batch.start(f.host);
  CHECK(batch.consume(batch_of(5)).is_ok());
  REQUIRE(eventually([&] { return sink.span_count() == 5; }));
  CHECK(f.metrics.value("otelcol_processor_batch_timeout_trigger_send_total",
                        {{"processor", "batch"}}) == 1);
  batch.shutdown(in(std::chrono::seconds(1)));
}

TEST_CASE("timeout 0 sends on the caller's thread, split by send_batch_max_size") {
  Fixture f;
  TraceSink sink;
  Config config;
  config.send_batch_size = 5;
  config.send_batch_max_size = 5;
  config.timeout = std::chrono::nanoseconds(0);
  BatchProcessor batch(f.settings, config, sink);
  batch.start(f.host);
  CHECK(batch.consume(batch_of(12)).is_ok());
  REQUIRE(sink.batches().size() == 3);
  CHECK(sink.batches()[0].span_count() == 5);
  CHECK(sink.batches()[2].span_count() == 2);
  sink.answer(ConsumeResult::retryable("full"));
  CHECK(batch.consume(batch_of(1)).kind == ConsumeResult::Kind::kRetryable);
  batch.shutdown(in(std::chrono::seconds(1)));
}

TEST_CASE("shutdown sends everything still buffered") {
  Fixture f;
  TraceSink sink;
  const Config config = size_triggered();
  BatchProcessor batch(f.settings, config, sink);
  batch.start(f.host);
  for (int i = 0; i < 7; ++i) CHECK(batch.consume(batch_of(3, 10 * i + 1)).is_ok());
  CHECK(sink.batches().empty());
  batch.shutdown(in(std::chrono::seconds(1)));
  CHECK(sink.span_count() == 21);
  CHECK(sink.batches().size() == 1);
}

TEST_CASE("a batch refused for now is retried until it is taken, not lost") {
  Fixture f;
  Refusing next(3, false);
  const Config config = size_triggered(4);
  BatchProcessor batch(f.settings, config, next);
  batch.start(f.host);
  CHECK(batch.consume(batch_of(4)).is_ok());
  REQUIRE(eventually([&] { return next.spans() == 4; }));
  CHECK(next.calls() == 4);
  batch.shutdown(in(std::chrono::seconds(1)));
}

TEST_CASE("with room in the buffer, admission is the next stage's") {
  class Gate final : public TraceConsumer {
   public:
    ConsumeResult consume(TraceBatch&&) override { return ConsumeResult::ok(); }
    ConsumeResult admit(std::uint64_t bytes, Reservations&) override {
      asked = bytes;
      return ConsumeResult::retryable("closed");
    }
    std::uint64_t asked = 0;
  };
  Fixture f;
  Gate next;
  const Config config = size_triggered();
  BatchProcessor batch(f.settings, config, next);
  batch.start(f.host);
  Reservations held;
  CHECK(batch.admit(1000, held).message == "closed");
  CHECK(next.asked == 1000);
  batch.shutdown(in(std::chrono::seconds(1)));
}

TEST_CASE("while the next consumer refuses, a full buffer refuses new data with a retry hint") {
  Fixture f;
  Refusing next(-1, false);  // refuses forever
  const Config config = size_triggered(10);
  BatchProcessor batch(f.settings, config, next);
  batch.start(f.host);
  ConsumeResult result;
  int accepted = 0;
  for (int i = 0; i < 1000 && result.is_ok(); ++i) {
    result = batch.consume(batch_of(10, 10 * static_cast<std::uint64_t>(i) + 1));
    if (result.is_ok()) ++accepted;
  }
  CHECK(result.kind == ConsumeResult::Kind::kRetryable);
  CHECK(result.retry_after == std::chrono::seconds(1));
  CHECK(accepted * 10 <= static_cast<int>(BatchProcessor::kBufferBatches * 10) + 10);
  // Full, it refuses at admission too: receivers answer before decoding the next request.
  Reservations held;
  const ConsumeResult admission = batch.admit(1000, held);
  CHECK(admission.kind == ConsumeResult::Kind::kRetryable);
  CHECK(admission.message == result.message);
  CHECK(held.empty());
  // At the shutdown deadline what is still refused is dropped and counted, never silently.
  const auto before = std::chrono::steady_clock::now();
  batch.shutdown(in(std::chrono::milliseconds(300)));
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(2));
  CHECK(f.metrics.value("otelcol_processor_dropped_spans_total",
                        {{"processor", "batch"}, {"reason", "shutdown_deadline"}}) ==
        accepted * 10);
}

TEST_CASE("a batch refused permanently is dropped and counted") {
  Fixture f;
  Refusing next(1, true);
  const Config config = size_triggered(3);
  BatchProcessor batch(f.settings, config, next);
  batch.start(f.host);
  CHECK(batch.consume(batch_of(3)).is_ok());
  REQUIRE(eventually([&] { return next.calls() == 1; }));
  batch.shutdown(in(std::chrono::seconds(1)));
  CHECK(f.metrics.value("otelcol_processor_dropped_spans_total",
                        {{"processor", "batch"}, {"reason", "refused_permanently"}}) == 3);
}

TEST_CASE("batch config has the Collector's defaults and checks max against size") {
  config::ConfigErrors errors;
  SECTION("defaults") {
    const auto value = config::parse_yaml("{}", "b.yaml", config::process_environment(), errors);
    config::ConfigNode node(value, "processors::batch", errors);
    const Config c = Config::parse(node);
    CHECK(c.send_batch_size == 8192);
    CHECK(c.timeout == std::chrono::milliseconds(200));
    CHECK(c.send_batch_max_size == 0);
    CHECK(c.metadata_cardinality_limit == 1000);
    CHECK_FALSE(errors.has_errors());
  }
  SECTION("max below size") {
    const auto value = config::parse_yaml("send_batch_size: 2048\nsend_batch_max_size: 1024\n",
                                          "b.yaml", config::process_environment(), errors);
    config::ConfigNode node(value, "processors::batch", errors);
    Config::parse(node);
    CHECK(errors.report() ==
          "b.yaml:2:1: error: processors::batch::send_batch_max_size: send_batch_max_size (1024) "
          "must be greater or equal to send_batch_size (2048)\n");
  }
}

TEST_CASE("batch reads spans only to split them, or when its next stage does") {
  Fixture f;
  TraceSink next;
  next.set_reads_spans(false);
  CHECK_FALSE(BatchProcessor(f.settings, size_triggered(), next).reads_spans());
  Config splitting = size_triggered(100);
  splitting.send_batch_max_size = 200;
  CHECK(BatchProcessor(f.settings, splitting, next).reads_spans());
  next.set_reads_spans(true);
  CHECK(BatchProcessor(f.settings, size_triggered(), next).reads_spans());
}

TEST_CASE("encoded requests leave the batch processor as one encoded request") {
  Fixture f;
  TraceSink sink;
  sink.set_reads_spans(false);
  BatchProcessor batch(f.settings, size_triggered(10), sink);
  batch.start(f.host);
  std::string expected;
  for (std::uint64_t first : {1, 100}) {
    const std::string wire = make_request(5, first).SerializeAsString();
    expected += wire;
    REQUIRE(batch.consume(TraceBatch::from_wire(wire, 5)).is_ok());
  }
  REQUIRE(eventually([&] { return sink.span_count() == 10; }));
  batch.shutdown(in(std::chrono::seconds(1)));
  REQUIRE(sink.batches().size() == 1);
  const TraceBatch& sent = sink.batches().front();
  CHECK(sent.has_wire());
  std::string wire;
  sent.append_wire(wire);
  CHECK(wire == expected);
}
