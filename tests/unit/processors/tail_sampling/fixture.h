// Shared helpers for the tail_sampling unit tests: configs from YAML, spans and traces, and a
// TailSampler harness driven by a manual clock (no threads, no sleeps).
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "config/config_error.h"
#include "core/otlp.h"
#include "processors/tail_sampling/config.h"
#include "processors/tail_sampling/decider.h"
#include "processors/tail_sampling/instruments.h"
#include "processors/tail_sampling/tail_sampler.h"
#include "support/manual_clock.h"
#include "support/spans.h"
#include "telemetry/metrics.h"

namespace spanflow::tail_sampling_test {

using namespace std::chrono_literals;
namespace ts = spanflow::processors::tail_sampling;

// Parses `yaml` (the processor's section, unindented) as file "ts.yaml"; errors and warnings
// go to `errors`.
ts::Config parse_config(const std::string& yaml, config::ConfigErrors& errors);
// Parses a config that must be valid (fails the test otherwise).
ts::Config valid_config(const std::string& yaml);
// The errors and warnings of `yaml`, one per line.
std::string config_report(const std::string& yaml);

std::shared_ptr<spdlog::logger> null_logger();

// A span of trace `trace` with id `span`; `parent` 0 makes it a root span. Times are ms after
// a fixed epoch.
otlp::Span make_span(std::uint64_t trace, std::uint64_t span, std::uint64_t parent = 0,
                     std::int64_t start_ms = 0, std::int64_t end_ms = 10);
void set_status(otlp::Span& span, int code);
void add_string(otlp::Span& span, const std::string& key, const std::string& value);
void add_int(otlp::Span& span, const std::string& key, std::int64_t value);
void add_bool(otlp::Span& span, const std::string& key, bool value);
// One resource (service.name = service) with one scope holding `spans`.
otlp::ExportRequest request_of(const std::vector<otlp::Span>& spans,
                               const std::string& service = "checkout");

// Evaluates a built policy (from the first policy of `yaml`'s `policies`) on `spans`.
ts::Decision evaluate(const std::string& policy_yaml, const otlp::ExportRequest& spans,
                      std::uint64_t trace = 1);

// Collects what the sampler emits (thread-safe push); queued_bytes() is what the test sets.
class CapturingOutput final : public ts::Output {
 public:
  void push(TraceBatch&& batch, std::size_t spans, std::uint64_t) override {
    std::lock_guard lock(mu);
    batches.push_back(std::move(batch));
    this->spans += spans;
  }
  std::uint64_t queued_bytes() const override { return queued; }

  // Span ids (as numbers from make_span) of every emitted span, by trace number.
  std::map<std::uint64_t, std::set<std::uint64_t>> spans_by_trace() const;
  // Every emitted span.
  std::vector<otlp::Span> all_spans() const;

  std::mutex mu;
  std::vector<TraceBatch> batches;
  std::size_t spans = 0;
  std::atomic<std::uint64_t> queued{0};
};

// A TailSampler with a manual clock and captured output.
struct Harness {
  explicit Harness(const std::string& yaml);

  ConsumeResult send(const std::vector<otlp::Span>& spans,
                     const std::string& service = "checkout") {
    return sampler.consume(request_of(spans, service));
  }
  // Advances the clock and runs decide_due() on every shard until nothing more is due.
  void advance(Clock::duration by);
  double metric(const std::string& name, telemetry::Labels labels = {}) const;

  telemetry::Metrics metrics;
  testing::ManualClock clock;
  ts::Config config;
  std::shared_ptr<spdlog::logger> logger;
  ts::Instruments instruments;
  ts::Decider decider;
  CapturingOutput output;
  ts::TailSampler sampler;
};

// The trace number make_span encoded in a trace id.
std::uint64_t trace_number(const std::string& trace_id);
std::uint64_t span_number(const std::string& span_id);

}  // namespace spanflow::tail_sampling_test
