#include "exporters/common/queued_exporter.h"

#include <atomic>
#include <catch.hpp>
#include <future>
#include <thread>

#include "support/fake_sender.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace std::chrono_literals;
using exporters::DeliveryConfig;
using exporters::QueuedExporter;
using exporters::SendResult;
using Clock = std::chrono::steady_clock;

namespace {

class NoHost final : public Host {
 public:
  bool pipelines_ready() const override { return true; }
};

// Fast retries without jitter, so tests run in milliseconds and delays are exact.
DeliveryConfig fast_config() {
  DeliveryConfig c;
  c.timeout = 2s;
  c.retry_on_failure.initial_interval = 1ms;
  c.retry_on_failure.max_interval = 5ms;
  c.retry_on_failure.randomization_factor = 0;
  c.sending_queue.num_consumers = 1;
  return c;
}

// An exporter around a FakeSender it does not own, with its metrics and log.
struct Harness {
  telemetry::Metrics metrics;
  CapturedLog log;
  FakeSender* sender = nullptr;
  NoHost host;
  std::unique_ptr<QueuedExporter> exporter;

  explicit Harness(const DeliveryConfig& config) {
    auto fake = std::make_unique<FakeSender>();
    sender = fake.get();
    exporter = std::make_unique<QueuedExporter>(
        CreateSettings{ComponentId{"otlp", ""}, log.logger, &metrics}, config, std::move(fake),
        [] { return 0.5; });
  }
  void start() { exporter->start(host); }
  void stop(std::chrono::milliseconds grace = 5s) { exporter->shutdown(Clock::now() + grace); }
  double metric(const std::string& name) { return metrics.value(name, {{"exporter", "otlp"}}); }
  double sent() { return metric("otelcol_exporter_sent_spans_total"); }
  double failed() { return metric("otelcol_exporter_send_failed_spans_total"); }
  double enqueue_failed() { return metric("otelcol_exporter_enqueue_failed_spans_total"); }
  double queue_size() { return metric("otelcol_exporter_queue_size"); }
};

template <class F>
bool eventually(F condition) {
  const auto until = Clock::now() + 10s;
  while (!condition()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("a batch refused with retryable errors is retried until it is delivered") {
  Harness h(fast_config());
  h.sender->script({SendResult::retryable("busy"), SendResult::retryable("busy"),
                    SendResult::retryable("busy")});
  h.start();
  CHECK(h.exporter->consume(batch_of(4)).is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.delivered_locked() == 4; }));
  h.stop();
  CHECK(h.sender->attempt_count() == 4);
  CHECK(h.sent() == 4);
  CHECK(h.failed() == 0);
  CHECK(h.metric("otelcol_exporter_queue_capacity") == 1000);
}

TEST_CASE("a permanent error drops the batch at once and counts its spans as failed") {
  Harness h(fast_config());
  h.sender->script({}, SendResult::permanent("HTTP 400: bad span"));
  h.start();
  CHECK(h.exporter->consume(batch_of(3)).is_ok());
  REQUIRE(eventually([&] { return h.failed() == 3; }));
  h.stop();
  CHECK(h.sender->attempt_count() == 1);
  CHECK(h.sent() == 0);
  CHECK(h.log.count("dropping 3 spans (not retryable error): HTTP 400: bad span") == 1);
}

TEST_CASE("a partial success is not retried; the rejected spans count as failed") {
  Harness h(fast_config());
  SendResult partial = SendResult::ok();
  partial.rejected_spans = 2;
  partial.message = "2 spans had no name";
  h.sender->script({partial});
  h.start();
  CHECK(h.exporter->consume(batch_of(5)).is_ok());
  REQUIRE(eventually([&] { return h.sent() == 3; }));
  h.stop();
  CHECK(h.failed() == 2);
  CHECK(h.sender->attempt_count() == 1);
  CHECK(h.log.count("the backend rejected 2 of 5 spans (not retried): 2 spans had no name") == 1);
}

TEST_CASE("the server's retry hint is a floor for the backoff, not a replacement") {
  DeliveryConfig config = fast_config();
  config.retry_on_failure.initial_interval = 150ms;
  config.retry_on_failure.max_interval = 150ms;
  Harness h(config);
  // First a hint longer than the backoff (wins), then a shorter one (the backoff wins).
  h.sender->script({SendResult::retryable("throttled", 400ms), SendResult::retryable("busy", 1ms)});
  h.start();
  CHECK(h.exporter->consume(batch_of(1)).is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.delivered_locked() == 1; }));
  h.stop();
  const auto attempts = h.sender->attempts();
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[1].at - attempts[0].at >= 400ms);
  CHECK(attempts[2].at - attempts[1].at >= 150ms);
}

TEST_CASE("each attempt gets now plus timeout as its deadline") {
  DeliveryConfig config = fast_config();
  config.timeout = 3s;
  Harness h(config);
  h.start();
  const auto before = Clock::now();
  CHECK(h.exporter->consume(batch_of(1)).is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.delivered_locked() == 1; }));
  h.stop();
  const auto attempt = h.sender->attempts().at(0);
  CHECK(attempt.deadline - attempt.at <= 3s);
  CHECK(attempt.deadline - before >= 3s);
}

TEST_CASE("max_elapsed_time gives up on a batch and counts its spans as failed") {
  DeliveryConfig config = fast_config();
  config.retry_on_failure.initial_interval = 20ms;
  config.retry_on_failure.max_interval = 20ms;
  config.retry_on_failure.max_elapsed_time = 100ms;
  Harness h(config);
  h.sender->script({}, SendResult::retryable("down"));
  h.start();
  const auto start = Clock::now();
  CHECK(h.exporter->consume(batch_of(2)).is_ok());
  REQUIRE(eventually([&] { return h.failed() == 2; }));
  const auto gave_up_after = Clock::now() - start;
  const std::size_t attempts = h.sender->attempt_count();
  h.stop();
  CHECK(gave_up_after >= 80ms);
  CHECK(gave_up_after < 2s);
  CHECK(attempts >= 4);
  CHECK(attempts <= 6);
  CHECK(h.sender->attempt_count() == attempts);  // nothing after giving up
  CHECK(h.sent() == 0);
  CHECK(h.log.count("no more retries left after") == 1);
}

TEST_CASE("max_elapsed_time 0 retries for as long as it takes") {
  DeliveryConfig config = fast_config();
  config.retry_on_failure.max_elapsed_time = 0s;
  Harness h(config);
  std::vector<SendResult> failures(200, SendResult::retryable("down"));
  h.sender->script(failures);
  h.start();
  CHECK(h.exporter->consume(batch_of(1)).is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.delivered_locked() == 1; }));
  h.stop();
  CHECK(h.sender->attempt_count() == 201);
  CHECK(h.failed() == 0);
}

TEST_CASE("with retry_on_failure disabled a retryable error drops the batch") {
  DeliveryConfig config = fast_config();
  config.retry_on_failure.enabled = false;
  Harness h(config);
  h.sender->script({SendResult::retryable("down")});
  h.start();
  CHECK(h.exporter->consume(batch_of(2)).is_ok());
  REQUIRE(eventually([&] { return h.failed() == 2; }));
  h.stop();
  CHECK(h.sender->attempt_count() == 1);
}

TEST_CASE("a full queue refuses with a retryable result and a hint, and counts the spans") {
  DeliveryConfig config = fast_config();
  config.sending_queue.queue_size = 2;
  Harness h(config);
  h.sender->hold();
  h.start();
  CHECK(h.exporter->consume(batch_of(1, 1)).is_ok());  // taken by the only consumer
  REQUIRE(h.sender->await([](auto& s) { return s.attempts_locked() == 1; }));
  CHECK(h.exporter->consume(batch_of(1, 2)).is_ok());
  CHECK(h.exporter->consume(batch_of(1, 3)).is_ok());
  CHECK(h.queue_size() == 2);
  const ConsumeResult refused = h.exporter->consume(batch_of(7, 4));
  CHECK(refused.kind == ConsumeResult::Kind::kRetryable);
  CHECK(refused.message == "sending queue is full");
  CHECK(refused.retry_after >= 1s);
  CHECK(h.enqueue_failed() == 7);
  CHECK(h.log.count("sending queue is full (queue_size 2 requests); refusing 7 spans") == 1);
  h.sender->release();
  REQUIRE(h.sender->await([](auto& s) { return s.delivered_locked() == 3; }));
  CHECK(h.queue_size() == 0);
  h.stop();
}

TEST_CASE("the items sizer counts spans against queue_size") {
  DeliveryConfig config = fast_config();
  config.sending_queue.sizer = "items";
  config.sending_queue.queue_size = 10;
  Harness h(config);
  h.sender->hold();
  h.start();
  CHECK(h.exporter->consume(batch_of(1, 1)).is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.attempts_locked() == 1; }));
  CHECK(h.exporter->consume(batch_of(6, 10)).is_ok());
  CHECK(h.exporter->consume(batch_of(4, 20)).is_ok());
  CHECK(h.queue_size() == 10);
  CHECK(h.exporter->consume(batch_of(1, 30)).kind == ConsumeResult::Kind::kRetryable);
  // More spans than the whole queue holds can never fit: permanent.
  const ConsumeResult too_large = h.exporter->consume(batch_of(11, 40));
  CHECK(too_large.kind == ConsumeResult::Kind::kPermanent);
  CHECK(h.enqueue_failed() == 12);
  h.sender->release();
  REQUIRE(h.sender->await([](auto& s) { return s.delivered_locked() == 11; }));
  h.stop();
}

TEST_CASE("the bytes sizer counts serialized request bytes against queue_size") {
  // Span ids 11.., 21.. give names of equal length, so these requests have equal sizes.
  const std::uint64_t two = batch_of(2, 11).request().ByteSizeLong();
  const std::uint64_t one = batch_of(1, 41).request().ByteSizeLong();
  REQUIRE(one < two);
  DeliveryConfig config = fast_config();
  config.sending_queue.sizer = "bytes";
  config.sending_queue.queue_size = static_cast<std::int64_t>(2 * two + one);
  Harness h(config);
  h.sender->hold();
  h.start();
  CHECK(h.exporter->consume(batch_of(2, 1)).is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.attempts_locked() == 1; }));
  CHECK(h.exporter->consume(batch_of(2, 11)).is_ok());
  CHECK(h.exporter->consume(batch_of(2, 21)).is_ok());
  CHECK(h.queue_size() == static_cast<double>(2 * two));
  CHECK(h.exporter->consume(batch_of(2, 31)).kind == ConsumeResult::Kind::kRetryable);
  CHECK(h.exporter->consume(batch_of(1, 41)).is_ok());  // a smaller request still fits
  CHECK(h.queue_size() == static_cast<double>(2 * two + one));
  h.sender->release();
  REQUIRE(h.sender->await([](auto& s) { return s.delivered_locked() == 7; }));
  h.stop();
}

TEST_CASE("block_on_overflow makes consume wait for room instead of refusing") {
  DeliveryConfig config = fast_config();
  config.sending_queue.queue_size = 1;
  config.sending_queue.block_on_overflow = true;
  Harness h(config);
  h.sender->hold();
  h.start();
  CHECK(h.exporter->consume(batch_of(1, 1)).is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.attempts_locked() == 1; }));
  CHECK(h.exporter->consume(batch_of(1, 2)).is_ok());
  auto blocked =
      std::async(std::launch::async, [&] { return h.exporter->consume(batch_of(1, 3)); });
  CHECK(blocked.wait_for(100ms) == std::future_status::timeout);  // still waiting for room
  h.sender->release();
  CHECK(blocked.get().is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.delivered_locked() == 3; }));
  h.stop();
  CHECK(h.enqueue_failed() == 0);
}

TEST_CASE("shutdown sends everything still queued when the backend answers") {
  DeliveryConfig config = fast_config();
  config.sending_queue.num_consumers = 2;
  Harness h(config);
  h.sender->hold();
  h.start();
  for (int i = 0; i < 20; ++i) CHECK(h.exporter->consume(batch_of(1, 100 * i + 1)).is_ok());
  h.sender->release();
  h.stop();  // returns once drained
  CHECK(h.sender->delivered_spans() == 20);
  CHECK(h.sent() == 20);
  CHECK(h.log.count("dropped") == 0);
}

TEST_CASE("shutdown stops retrying at the deadline and reports what is left, with counts") {
  DeliveryConfig config = fast_config();
  config.retry_on_failure.initial_interval = 10s;  // the next retry is past the deadline
  config.retry_on_failure.max_interval = 10s;
  Harness h(config);
  h.sender->script({}, SendResult::retryable("down"));
  h.start();
  for (int i = 0; i < 5; ++i) CHECK(h.exporter->consume(batch_of(2, 100 * i + 1)).is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.attempts_locked() == 1; }));
  const auto start = Clock::now();
  h.stop(300ms);
  CHECK(Clock::now() - start < 2s);
  CHECK(h.failed() == 10);
  CHECK(h.sent() == 0);
  CHECK(h.log.count("5 requests (10 spans) could not be sent by the shutdown deadline and were "
                    "dropped") == 1);
  CHECK(h.exporter->consume(batch_of(1)).kind == ConsumeResult::Kind::kRetryable);
}

TEST_CASE("an attempt in flight at shutdown is bounded by its timeout, then counted as failed") {
  DeliveryConfig config = fast_config();
  config.timeout = 300ms;
  Harness h(config);
  h.sender->hold();  // a backend that never answers
  h.start();
  CHECK(h.exporter->consume(batch_of(1)).is_ok());
  REQUIRE(h.sender->await([](auto& s) { return s.attempts_locked() == 1; }));
  const auto start = Clock::now();
  h.stop(100ms);
  CHECK(Clock::now() - start < 1500ms);
  CHECK(h.failed() == 1);
  CHECK(h.sender->attempt_count() == 1);
}

TEST_CASE("with the queue disabled consume sends on the caller's thread and returns the outcome") {
  DeliveryConfig config = fast_config();
  config.sending_queue.enabled = false;
  Harness h(config);
  h.start();

  h.sender->script({SendResult::retryable("busy"), SendResult::ok()});
  CHECK(h.exporter->consume(batch_of(2)).is_ok());
  CHECK(h.sender->attempt_count() == 2);  // already done when consume returned
  CHECK(h.sent() == 2);

  SendResult partial = SendResult::ok();
  partial.rejected_spans = 1;
  partial.message = "one span too old";
  h.sender->script({partial});
  const ConsumeResult partial_result = h.exporter->consume(batch_of(2));
  CHECK(partial_result.is_ok());
  CHECK(partial_result.rejected_spans == 1);  // the client learns about it
  CHECK(partial_result.message == "one span too old");

  h.sender->script({SendResult::permanent("HTTP 401")});
  const ConsumeResult permanent = h.exporter->consume(batch_of(3));
  CHECK(permanent.kind == ConsumeResult::Kind::kPermanent);
  CHECK(permanent.message == "HTTP 401");
  CHECK(h.failed() == 4);
  h.stop();
  CHECK(h.metric("otelcol_exporter_queue_capacity") == 0);
}

TEST_CASE("with the queue and retries disabled a retryable error is passed back with its hint") {
  DeliveryConfig config = fast_config();
  config.sending_queue.enabled = false;
  config.retry_on_failure.enabled = false;
  Harness h(config);
  h.start();
  h.sender->script({SendResult::retryable("HTTP 503", 7s)});
  const ConsumeResult result = h.exporter->consume(batch_of(1));
  CHECK(result.kind == ConsumeResult::Kind::kRetryable);
  CHECK(result.message == "HTTP 503");
  CHECK(result.retry_after == 7s);
  CHECK(h.sender->attempt_count() == 1);
  h.stop();
}

TEST_CASE("a dead backend logs one line per interval, not one per batch") {
  DeliveryConfig config = fast_config();
  config.sending_queue.num_consumers = 4;
  Harness h(config);
  h.sender->script({}, SendResult::permanent("connection refused"));
  h.start();
  for (int i = 0; i < 200; ++i) CHECK(h.exporter->consume(batch_of(1, i + 1)).is_ok());
  REQUIRE(eventually([&] { return h.failed() == 200; }));
  h.stop();
  CHECK(h.log.count("connection refused") == 1);
}

TEST_CASE("consume before start and after shutdown is refused as retryable") {
  Harness h(fast_config());
  CHECK(h.exporter->consume(batch_of(1)).kind == ConsumeResult::Kind::kRetryable);
  h.start();
  h.stop();
  h.stop();  // idempotent
  const ConsumeResult after = h.exporter->consume(batch_of(1));
  CHECK(after.kind == ConsumeResult::Kind::kRetryable);
  CHECK(after.message == "exporter otlp is not running");
}
