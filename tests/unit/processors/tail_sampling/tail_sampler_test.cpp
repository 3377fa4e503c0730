// The sharded trace buffer and its decisions, driven by a manual clock: timing to the
// millisecond, merged output, late spans by cached decision, decide-early after the root,
// the byte and trace-count limits (decide now, never lose), and shutdown.
#include <atomic>
#include <catch.hpp>
#include <thread>

#include "fixture.h"

using namespace spanflow::tail_sampling_test;
using spanflow::ConsumeResult;
using spanflow::otlp::Span;

namespace {

const char* const kErrorsOnly = R"(num_shards: 1
decision_wait: 250ms
policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]
)";

Span error_span(std::uint64_t trace, std::uint64_t id, std::uint64_t parent = 0) {
  Span s = make_span(trace, id, parent);
  set_status(s, 2);
  return s;
}

double received(const Harness& h) {
  return h.metric("otelcol_processor_tail_sampling_spans_received_total");
}
double not_sampled(const Harness& h) {
  return h.metric("otelcol_processor_tail_sampling_spans_not_sampled_total");
}

}  // namespace

TEST_CASE("a trace is decided decision_wait after its first span, to the millisecond") {
  Harness h(kErrorsOnly);
  REQUIRE(h.send({error_span(1, 1)}).is_ok());
  h.advance(100ms);
  REQUIRE(h.send({make_span(1, 2, 1)}).is_ok());
  h.advance(149ms);
  CHECK(h.output.batches.empty());
  CHECK(h.sampler.traces_in_memory() == 1);
  h.advance(1ms);
  REQUIRE(h.output.batches.size() == 1);
  CHECK(h.output.spans_by_trace() == std::map<std::uint64_t, std::set<std::uint64_t>>{{1, {1, 2}}});
  CHECK(h.sampler.traces_in_memory() == 0);
  CHECK(h.sampler.buffered_bytes() == 0);
  CHECK(h.metric("otelcol_processor_tail_sampling_sampling_traces_on_memory") == 0);
}

TEST_CASE("a trace's spans leave as one request, one header per resource and scope") {
  Harness h(kErrorsOnly);
  REQUIRE(h.send({error_span(1, 1), make_span(2, 9)}, "checkout").is_ok());
  REQUIRE(h.send({make_span(1, 2, 1)}, "payments").is_ok());
  REQUIRE(h.send({make_span(1, 3, 1)}, "checkout").is_ok());
  h.advance(250ms);
  REQUIRE(h.output.batches.size() == 1);
  const auto& request = h.output.batches[0].request();
  REQUIRE(request.resource_spans_size() == 2);
  CHECK(request.resource_spans(0).resource().attributes(0).value().string_value() == "checkout");
  REQUIRE(request.resource_spans(0).scope_spans_size() == 1);
  CHECK(request.resource_spans(0).scope_spans(0).scope().name() == "test.scope");
  CHECK(request.resource_spans(0).scope_spans(0).spans_size() == 2);
  CHECK(request.resource_spans(1).resource().attributes(0).value().string_value() == "payments");
  CHECK(request.resource_spans(1).scope_spans(0).spans_size() == 1);
  CHECK(not_sampled(h) == 1);  // trace 2
}

TEST_CASE("late spans follow the cached decision at once, never a second decision") {
  Harness h(std::string(kErrorsOnly) + "explain: true\n");
  REQUIRE(h.send({error_span(1, 1), make_span(2, 1)}).is_ok());
  h.advance(250ms);
  REQUIRE(h.output.spans == 1);
  h.clock.advance(3s);
  REQUIRE(h.send({make_span(1, 2, 1), make_span(2, 2, 1), make_span(1, 3, 1)}).is_ok());
  // Forwarded without waiting for any timer.
  REQUIRE(h.output.batches.size() == 2);
  CHECK(h.output.spans_by_trace() ==
        std::map<std::uint64_t, std::set<std::uint64_t>>{{1, {1, 2, 3}}});
  for (const Span& s : h.output.all_spans()) {
    bool named = false;
    for (const auto& kv : s.attributes()) {
      named = named || (kv.key() == "tailsampling.policy" && kv.value().string_value() == "errors");
    }
    CHECK(named);
  }
  const auto& late = h.output.batches[1].request().resource_spans(0).scope_spans(0).spans(0);
  CHECK(late.attributes(late.attributes_size() - 1).key() == "tailsampling.cached_decision");
  CHECK(h.sampler.traces_in_memory() == 0);
  CHECK(h.metric("otelcol_processor_tail_sampling_new_trace_id_received_total") == 2);
  CHECK(h.metric("otelcol_processor_tail_sampling_early_releases_from_cache_decision_total",
                 {{"sampled", "true"}}) == 2);
  CHECK(h.metric("otelcol_processor_tail_sampling_early_releases_from_cache_decision_total",
                 {{"sampled", "false"}}) == 1);
  CHECK(not_sampled(h) == 2);
  CHECK(h.instruments.late_span_age.sum() == Approx(9.0));  // three spans, 3 s after deciding
  h.advance(1h);
  CHECK(h.output.batches.size() == 2);  // nothing decided twice
}

TEST_CASE("without decision caches a late span starts a new trace (the Collector's behaviour)") {
  Harness h(std::string(kErrorsOnly) +
            "decision_cache: {sampled_cache_size: 0, non_sampled_cache_size: 0}\n");
  REQUIRE(h.send({error_span(1, 1)}).is_ok());
  h.advance(250ms);
  REQUIRE(h.send({make_span(1, 2, 1)}).is_ok());
  CHECK(h.sampler.traces_in_memory() == 1);
  h.advance(250ms);
  CHECK(h.output.spans == 1);  // the late span, alone, was not sampled
  CHECK(not_sampled(h) == 1);
}

TEST_CASE("once the root span is in and the trace is quiet, it is decided early") {
  Harness h(R"(num_shards: 1
decision_wait: 10s
decision_wait_after_root_received: 200ms
policies: [{name: all, type: always_sample}]
)");
  REQUIRE(h.send({make_span(1, 2, 1), make_span(2, 2, 1)}).is_ok());
  h.advance(50ms);
  REQUIRE(h.send({make_span(1, 1)}).is_ok());  // the root: due at 250 ms
  h.advance(100ms);
  REQUIRE(h.send({make_span(1, 3, 1)}).is_ok());  // not quiet yet: due at 350 ms
  h.advance(199ms);
  CHECK(h.output.batches.empty());
  h.advance(1ms);
  REQUIRE(h.output.batches.size() == 1);
  CHECK(h.output.spans_by_trace().at(1) == std::set<std::uint64_t>{1, 2, 3});
  CHECK(h.metric("otelcol_processor_tail_sampling_decided_early_total") == 1);
  // Trace 2 never got its root: it waits the full decision_wait.
  h.advance(9s);
  CHECK(h.output.batches.size() == 1);
  h.advance(650ms);
  CHECK(h.output.batches.size() == 2);
  CHECK(h.metric("otelcol_processor_tail_sampling_decided_early_total") == 1);
}

TEST_CASE("an all-zero parent span id marks a root span") {
  Harness h(R"(num_shards: 1
decision_wait: 10s
decision_wait_after_root_received: 100ms
policies: [{name: all, type: always_sample}]
)");
  Span root = make_span(1, 1);
  root.set_parent_span_id(std::string(8, '\0'));
  REQUIRE(h.send({root}).is_ok());
  h.advance(100ms);
  CHECK(h.output.batches.size() == 1);
}

TEST_CASE("over max_memory_mib the oldest traces are decided now, and nothing is lost") {
  Harness h(R"(num_shards: 1
decision_wait: 30s
max_memory_mib: 1
policies: [{name: odd, type: numeric_attribute, numeric_attribute: {key: odd, min_value: 1}}]
)");
  const std::string payload(2000, 'x');
  std::uint64_t sent = 0;
  for (std::uint64_t t = 1; t <= 200; ++t) {
    std::vector<Span> spans;
    for (std::uint64_t s = 1; s <= 4; ++s) {
      Span span = make_span(t, s, s == 1 ? 0 : 1);
      add_string(span, "payload", payload);
      add_int(span, "odd", static_cast<std::int64_t>(t % 2));
      spans.push_back(span);
    }
    REQUIRE(h.send(spans).is_ok());
    sent += spans.size();
    CHECK(h.sampler.buffered_bytes() <= 1024 * 1024);
  }
  const double pressure =
      h.metric("otelcol_processor_tail_sampling_decided_on_memory_pressure_total");
  CHECK(pressure > 50);
  CHECK(h.sampler.traces_in_memory() + static_cast<std::size_t>(pressure) == 200);
  // The oldest went first, decided on what they had: odd traces kept whole, even ones not.
  const auto kept = h.output.spans_by_trace();
  CHECK(kept.contains(1));
  CHECK_FALSE(kept.contains(2));
  CHECK(kept.at(1).size() == 4);
  CHECK_FALSE(kept.contains(199));  // the newest are still waiting
  CHECK(received(h) == static_cast<double>(sent));
  h.sampler.decide_all();
  CHECK(static_cast<double>(h.output.spans) + not_sampled(h) == static_cast<double>(sent));
  CHECK(h.output.spans_by_trace().size() == 100);
}

TEST_CASE("num_traces bounds the traces held the same way") {
  Harness h(R"(num_shards: 1
num_traces: 3
decision_wait: 1s
policies: [{name: all, type: always_sample}]
)");
  for (std::uint64_t t = 1; t <= 5; ++t) REQUIRE(h.send({make_span(t, 1)}).is_ok());
  CHECK(h.sampler.traces_in_memory() == 3);
  CHECK(h.metric("otelcol_processor_tail_sampling_decided_on_trace_limit_total") == 2);
  CHECK(h.metric("otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total") == 0);
  const auto kept = h.output.spans_by_trace();
  CHECK(kept.size() == 2);
  CHECK(kept.contains(1));
  CHECK(kept.contains(2));
}

TEST_CASE("block_on_overflow refuses new data instead of deciding early") {
  Harness h(R"(num_shards: 1
num_traces: 2
decision_wait: 1s
block_on_overflow: true
policies: [{name: all, type: always_sample}]
)");
  REQUIRE(h.send({make_span(1, 1)}).is_ok());
  REQUIRE(h.send({make_span(2, 1)}).is_ok());
  const ConsumeResult refused = h.send({make_span(3, 1)});
  CHECK(refused.kind == ConsumeResult::Kind::kRetryable);
  CHECK(refused.retry_after > 0s);
  CHECK(h.metric("otelcol_processor_tail_sampling_spans_refused_total") == 1);
  CHECK(received(h) == 2);
  CHECK(h.metric("otelcol_processor_tail_sampling_decided_on_trace_limit_total") == 0);
  h.advance(1s);
  CHECK(h.send({make_span(3, 1)}).is_ok());
}

TEST_CASE("sampled data the next consumer has not taken counts against the budget") {
  Harness h(R"(num_shards: 1
max_memory_mib: 1
policies: [{name: all, type: always_sample}]
)");
  h.output.queued = 1024 * 1024;
  const ConsumeResult refused = h.send({make_span(1, 1)});
  CHECK(refused.kind == ConsumeResult::Kind::kRetryable);
  CHECK(received(h) == 0);
  // With half the budget queued, buffering is limited to the other half.
  h.output.queued = 512 * 1024;
  const std::string payload(4000, 'x');
  for (std::uint64_t t = 1; t <= 300; ++t) {
    Span span = make_span(t, 1);
    add_string(span, "payload", payload);
    REQUIRE(h.send({span}).is_ok());
  }
  CHECK(h.sampler.buffered_bytes() <= 512 * 1024);
  CHECK(h.metric("otelcol_processor_tail_sampling_decided_on_memory_pressure_total") > 0);
}

TEST_CASE("a trace over maximum_trace_size_bytes is not sampled at once, and stays so") {
  Harness h(R"(num_shards: 1
maximum_trace_size_bytes: 1000
policies: [{name: all, type: always_sample}]
)");
  Span big = make_span(1, 1);
  add_string(big, "payload", std::string(600, 'x'));
  REQUIRE(h.send({big, make_span(2, 1)}).is_ok());
  CHECK(h.sampler.traces_in_memory() == 2);
  big.set_span_id(spanflow::testing::span_id(2));
  REQUIRE(h.send({big}).is_ok());
  CHECK(h.sampler.traces_in_memory() == 1);
  CHECK(h.metric("otelcol_processor_tail_sampling_traces_dropped_too_large_total") == 1);
  CHECK(h.metric("otelcol_processor_dropped_spans_total", {{"reason", "maximum_trace_size"}}) == 2);
  REQUIRE(h.send({make_span(1, 3, 1)}).is_ok());  // late: follows "not sampled"
  CHECK(not_sampled(h) == 1);
  h.advance(30s);
  CHECK(h.output.spans_by_trace() == std::map<std::uint64_t, std::set<std::uint64_t>>{{2, {1}}});
}

TEST_CASE("explain names the policy, and the composite sub-policy, on every kept span") {
  Harness h(R"(num_shards: 1
decision_wait: 1s
explain: true
policies:
  - name: budget
    type: composite
    composite:
      max_total_spans_per_second: 100
      composite_sub_policy: [{name: everything, type: always_sample}]
      rate_allocation: [{policy: everything, percent: 100}]
)");
  REQUIRE(h.send({make_span(1, 1), make_span(1, 2, 1)}).is_ok());
  h.advance(1s);
  const auto spans = h.output.all_spans();
  REQUIRE(spans.size() == 2);
  for (const Span& s : spans) {
    std::map<std::string, std::string> attributes;
    for (const auto& kv : s.attributes()) attributes[kv.key()] = kv.value().string_value();
    CHECK(attributes["tailsampling.policy"] == "budget");
    CHECK(attributes["tailsampling.composite_policy"] == "everything");
  }
}

TEST_CASE("shutdown decides every pending trace on what it has, or drops and counts them") {
  SECTION("flush") {
    Harness h(R"(decision_wait: 1h
policies: [{name: all, type: always_sample}]
)");
    for (std::uint64_t t = 1; t <= 50; ++t)
      REQUIRE(h.send({make_span(t, 1), make_span(t, 2, 1)}).is_ok());
    h.sampler.decide_all();
    CHECK(h.output.spans == 100);
    CHECK(h.output.spans_by_trace().size() == 50);
    CHECK(h.metric("otelcol_processor_tail_sampling_decided_on_shutdown_total") == 50);
    CHECK(h.sampler.traces_in_memory() == 0);
  }
  SECTION("drop") {
    Harness h(R"(decision_wait: 1h
policies: [{name: all, type: always_sample}]
)");
    for (std::uint64_t t = 1; t <= 50; ++t)
      REQUIRE(h.send({make_span(t, 1), make_span(t, 2, 1)}).is_ok());
    CHECK(h.sampler.drop_all() == 100);
    CHECK(h.output.spans == 0);
    CHECK(h.metric("otelcol_processor_dropped_spans_total", {{"reason", "pending_on_shutdown"}}) ==
          100);
    CHECK(h.sampler.buffered_bytes() == 0);
  }
}

TEST_CASE("traces spread over shards, each decided by its own timers") {
  Harness h(R"(num_shards: 4
decision_wait: 100ms
policies: [{name: all, type: always_sample}]
)");
  std::set<std::size_t> shards;
  for (std::uint64_t t = 1; t <= 64; ++t) {
    REQUIRE(h.send({make_span(t, 1)}).is_ok());
    shards.insert(h.sampler.shard_of(ts::TraceId::from(spanflow::testing::trace_id(t))));
  }
  CHECK(shards.size() == 4);
  h.advance(100ms);
  CHECK(h.output.spans_by_trace().size() == 64);
}

TEST_CASE("spans racing their trace's decision follow it: no trace is ever split") {
  // The decision needs the error span (the first one sent); the other spans arrive from
  // another thread while the trace is buffered, being decided, or decided (cached). Whatever
  // the interleaving, odd traces come out whole and even ones not at all.
  Harness h(R"(num_shards: 2
decision_wait: 1ms
policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]
)");
  constexpr std::uint64_t kTraces = 3000;
  std::atomic<bool> done{false};
  std::thread decider([&] {
    while (!done) {
      h.clock.advance(1ms);
      for (std::size_t s = 0; s < h.sampler.shard_count(); ++s) {
        h.sampler.decide_due(s, h.clock.now());
      }
    }
  });
  for (std::uint64_t t = 1; t <= kTraces; ++t) {
    Span first = make_span(t, 1);
    if (t % 2 == 1) set_status(first, 2);
    REQUIRE(h.send({first}).is_ok());
    REQUIRE(h.send({make_span(t, 2, 1)}).is_ok());
    REQUIRE(h.send({make_span(t, 3, 1), make_span(t, 4, 1)}).is_ok());
  }
  done = true;
  decider.join();
  h.sampler.decide_all();
  const auto kept = h.output.spans_by_trace();
  CHECK(kept.size() == kTraces / 2);
  for (std::uint64_t t = 1; t <= kTraces; ++t) {
    INFO("trace " << t);
    if (t % 2 == 1) {
      REQUIRE(kept.contains(t));
      CHECK(kept.at(t) == std::set<std::uint64_t>{1, 2, 3, 4});
    } else {
      CHECK_FALSE(kept.contains(t));
    }
  }
  CHECK(static_cast<double>(h.output.spans) + not_sampled(h) == received(h));
  CHECK(h.metric("otelcol_processor_tail_sampling_new_trace_id_received_total") == kTraces);
}
