// Policies on the spans' own fields: always_sample, trace_flags, status_code, span_count,
// latency.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "processors/tail_sampling/policies/makers.h"
#include "processors/tail_sampling/policies/match.h"

namespace spanflow::processors::tail_sampling::policies {

namespace {

class AlwaysSample final : public Policy {
 public:
  Decision evaluate(const TraceView&, Evaluation&) override { return Decision::kSampled; }
};

// Some span carries the W3C "sampled" trace flag (the low bit of Span.flags).
class TraceFlags final : public Policy {
 public:
  Decision evaluate(const TraceView& trace, Evaluation&) override {
    return any_span(trace.spans, [](const otlp::Span& s) { return (s.flags() & 0x1u) != 0; })
               ? Decision::kSampled
               : Decision::kNotSampled;
  }
};

class StatusCode final : public Policy {
 public:
  explicit StatusCode(const StatusCodeConfig& config) : codes_(config.codes) {}
  Decision evaluate(const TraceView& trace, Evaluation&) override {
    const bool match = any_span(trace.spans, [this](const otlp::Span& s) {
      return std::find(codes_.begin(), codes_.end(), static_cast<int>(s.status().code())) !=
             codes_.end();
    });
    return match ? Decision::kSampled : Decision::kNotSampled;
  }

 private:
  std::vector<int> codes_;
};

// min_spans <= spans, and spans <= max_spans unless max_spans is 0.
class SpanCount final : public Policy {
 public:
  explicit SpanCount(const SpanCountConfig& config) : config_(config) {}
  Decision evaluate(const TraceView& trace, Evaluation&) override {
    const auto count = trace.span_count;
    const auto min = static_cast<std::uint64_t>(config_.min_spans);
    const auto max = static_cast<std::uint64_t>(config_.max_spans);
    const bool match = count >= min && (config_.max_spans == 0 || count <= max);
    return match ? Decision::kSampled : Decision::kNotSampled;
  }

 private:
  SpanCountConfig config_;
};

// Duration = latest end - earliest start over every span, in whole milliseconds (truncated,
// as Go's Duration.Milliseconds). Without an upper bound: sampled when duration >= threshold;
// with one: threshold < duration <= upper. Unlike the Collector, which checks a running
// min/max span by span, the whole trace's duration is used, so the verdict does not depend on
// the order spans arrived in.
class Latency final : public Policy {
 public:
  explicit Latency(const LatencyConfig& config) : config_(config) {}
  Decision evaluate(const TraceView& trace, Evaluation&) override {
    std::uint64_t first = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t last = 0;
    bool any = false;
    any_span(trace.spans, [&](const otlp::Span& s) {
      first = std::min<std::uint64_t>(first, s.start_time_unix_nano());
      last = std::max<std::uint64_t>(last, s.end_time_unix_nano());
      any = true;
      return false;
    });
    if (!any) return Decision::kNotSampled;
    const auto nanos = static_cast<std::int64_t>(last - first);
    const std::int64_t ms = nanos / 1'000'000;
    const bool match = config_.upper_threshold_ms == 0
                           ? ms >= config_.threshold_ms
                           : config_.threshold_ms < ms && ms <= config_.upper_threshold_ms;
    return match ? Decision::kSampled : Decision::kNotSampled;
  }

 private:
  LatencyConfig config_;
};

}  // namespace

std::unique_ptr<Policy> make_always_sample() {
  return std::make_unique<AlwaysSample>();
}
std::unique_ptr<Policy> make_trace_flags() {
  return std::make_unique<TraceFlags>();
}
std::unique_ptr<Policy> make_status_code(const StatusCodeConfig& config) {
  return std::make_unique<StatusCode>(config);
}
std::unique_ptr<Policy> make_span_count(const SpanCountConfig& config) {
  return std::make_unique<SpanCount>(config);
}
std::unique_ptr<Policy> make_latency(const LatencyConfig& config) {
  return std::make_unique<Latency>(config);
}

}  // namespace spanflow::processors::tail_sampling::policies
