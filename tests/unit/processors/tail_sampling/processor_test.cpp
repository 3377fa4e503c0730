// The processor with its threads: decisions on time without a tick, honest retries when the
// next consumer refuses, and shutdown that flushes (or drops and counts) what is pending.
#include <catch.hpp>
#include <thread>

#include "core/factory.h"
#include "fixture.h"
#include "processors/tail_sampling/tail_sampling_processor.h"
#include "support/refusing_consumer.h"
#include "support/trace_sink.h"

using namespace spanflow::tail_sampling_test;
using spanflow::ConsumeResult;
using spanflow::TraceBatch;

namespace {

class NoHost final : public spanflow::Host {
 public:
  bool pipelines_ready() const override { return true; }
};

using Refusing = spanflow::testing::RefusingConsumer;
using spanflow::testing::eventually;

struct Rig {
  Rig(const std::string& yaml, spanflow::TraceConsumer& next)
      : config(valid_config(yaml)),
        settings{spanflow::ComponentId{"tail_sampling", ""}, null_logger(), &metrics},
        processor(settings, config, next) {}

  ConsumeResult send(const std::vector<spanflow::otlp::Span>& spans) {
    TraceBatch batch;
    batch.mutable_request() = request_of(spans);
    return processor.consume(std::move(batch));
  }
  double metric(const std::string& name, spanflow::telemetry::Labels labels = {}) const {
    labels.insert(labels.begin(), {"processor", "tail_sampling"});
    return metrics.value(name, labels);
  }

  spanflow::telemetry::Metrics metrics;
  ts::Config config;
  spanflow::CreateSettings settings;
  NoHost host;
  ts::TailSamplingProcessor processor;
};

spanflow::Deadline in(std::chrono::milliseconds d) {
  return std::chrono::steady_clock::now() + d;
}

}  // namespace

TEST_CASE("a trace is decided decision_wait after its first span, not on a 1-second tick") {
  spanflow::testing::TraceSink sink;
  Rig rig("decision_wait: 120ms\npolicies: [{name: all, type: always_sample}]\n", sink);
  rig.processor.start(rig.host);
  const auto sent = std::chrono::steady_clock::now();
  REQUIRE(rig.send({make_span(1, 1), make_span(1, 2, 1)}).is_ok());
  REQUIRE(eventually([&] { return sink.span_count() == 2; }));
  const auto waited = std::chrono::steady_clock::now() - sent;
  CHECK(waited >= 120ms);
  CHECK(waited < 800ms);
  CHECK(rig.metric("otelcol_processor_tail_sampling_spans_forwarded_total") == 2);
  rig.processor.shutdown(in(1s));
}

TEST_CASE("admission is not the next stage's: the buffer takes spans while the next one is full") {
  class Full final : public spanflow::TraceConsumer {
   public:
    ConsumeResult consume(TraceBatch&&) override { return ConsumeResult::ok(); }
    ConsumeResult admit(std::uint64_t, spanflow::Reservations&) override {
      return ConsumeResult::retryable("full");
    }
  };
  Full next;
  Rig rig("decision_wait: 1s\npolicies: [{name: all, type: always_sample}]\n", next);
  spanflow::Reservations held;
  CHECK(rig.processor.admit(1000, held).is_ok());
  CHECK(held.empty());
}

TEST_CASE("a retryable refusal is retried with backoff until the next consumer takes it") {
  Refusing next(3, false, std::chrono::milliseconds(20));
  Rig rig("decision_wait: 10ms\npolicies: [{name: all, type: always_sample}]\n", next);
  rig.processor.start(rig.host);
  REQUIRE(rig.send({make_span(1, 1)}).is_ok());
  REQUIRE(eventually([&] { return next.spans() == 1; }));
  CHECK(next.calls() == 4);
  CHECK(rig.metric("otelcol_processor_tail_sampling_spans_forwarded_total") == 1);
  CHECK(rig.metric("otelcol_processor_dropped_spans_total", {{"reason", "shutdown_deadline"}}) ==
        0);
  rig.processor.shutdown(in(1s));
}

TEST_CASE("a permanent refusal drops the trace and counts it") {
  Refusing next(-1, true);
  Rig rig("decision_wait: 10ms\npolicies: [{name: all, type: always_sample}]\n", next);
  rig.processor.start(rig.host);
  REQUIRE(rig.send({make_span(1, 1), make_span(1, 2, 1)}).is_ok());
  REQUIRE(eventually([&] {
    return rig.metric("otelcol_processor_dropped_spans_total",
                      {{"reason", "refused_permanently"}}) == 2;
  }));
  rig.processor.shutdown(in(1s));
}

TEST_CASE("shutdown decides and sends every pending trace") {
  spanflow::testing::TraceSink sink;
  Rig rig("decision_wait: 1h\npolicies: [{name: all, type: always_sample}]\n", sink);
  rig.processor.start(rig.host);
  for (std::uint64_t t = 1; t <= 20; ++t) REQUIRE(rig.send({make_span(t, 1)}).is_ok());
  rig.processor.shutdown(in(2s));
  CHECK(sink.span_count() == 20);
  CHECK(rig.metric("otelcol_processor_tail_sampling_decided_on_shutdown_total") == 20);
  CHECK(rig.send({make_span(99, 1)}).kind == ConsumeResult::Kind::kRetryable);
}

TEST_CASE("drop_pending_traces_on_shutdown drops pending traces and counts them") {
  spanflow::testing::TraceSink sink;
  Rig rig(
      "decision_wait: 1h\ndrop_pending_traces_on_shutdown: true\n"
      "policies: [{name: all, type: always_sample}]\n",
      sink);
  rig.processor.start(rig.host);
  for (std::uint64_t t = 1; t <= 20; ++t) REQUIRE(rig.send({make_span(t, 1)}).is_ok());
  rig.processor.shutdown(in(2s));
  CHECK(sink.span_count() == 0);
  CHECK(rig.metric("otelcol_processor_dropped_spans_total", {{"reason", "pending_on_shutdown"}}) ==
        20);
}

TEST_CASE("data still refused at the shutdown deadline is dropped and counted, not lost quietly") {
  Refusing next(-1, false, std::chrono::milliseconds(20));
  Rig rig("decision_wait: 1h\npolicies: [{name: all, type: always_sample}]\n", next);
  rig.processor.start(rig.host);
  REQUIRE(rig.send({make_span(1, 1), make_span(2, 1)}).is_ok());
  const auto started = std::chrono::steady_clock::now();
  rig.processor.shutdown(in(300ms));
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK(rig.metric("otelcol_processor_dropped_spans_total", {{"reason", "shutdown_deadline"}}) ==
        2);
  CHECK(rig.metric("otelcol_processor_tail_sampling_spans_received_total") == 2);
}

TEST_CASE("before start the processor refuses rather than pass spans on undecided") {
  spanflow::testing::TraceSink sink;
  Rig rig("policies: [{name: all, type: always_sample}]\n", sink);
  CHECK(rig.send({make_span(1, 1)}).kind == ConsumeResult::Kind::kRetryable);
}
