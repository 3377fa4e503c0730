// rate_limiting and bytes_limiting: token buckets (golang.org/x/time/rate semantics, as the
// Collector uses): `rate` tokens per second refill continuously up to `burst`; the bucket
// starts full; a trace costing n tokens passes iff n <= burst and n tokens are there, and then
// takes them. A refused trace takes nothing.
#include <algorithm>
#include <mutex>

#include "processors/tail_sampling/policies/makers.h"

namespace spanflow::processors::tail_sampling::policies {

namespace {

class TokenBucket {
 public:
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  // Thread-safe.
  bool take(double n, Clock::time_point now) {
    std::lock_guard lock(mu_);
    if (n > burst_) return false;
    double tokens = tokens_;
    if (started_ && now > last_) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens = std::min(burst_, tokens + elapsed * rate_);
    }
    if (tokens < n) return false;
    tokens_ = tokens - n;
    last_ = started_ ? std::max(last_, now) : now;
    started_ = true;
    return true;
  }

 private:
  std::mutex mu_;
  const double rate_;
  const double burst_;
  double tokens_;
  Clock::time_point last_{};
  bool started_ = false;
};

double burst_or_double(std::int64_t burst, std::int64_t rate) {
  return static_cast<double>(burst > 0 ? burst : 2 * rate);
}

class RateLimiting final : public Policy {
 public:
  explicit RateLimiting(const RateLimitingConfig& config)
      : bucket_(static_cast<double>(config.spans_per_second),
                burst_or_double(config.burst_capacity, config.spans_per_second)) {}

  Decision evaluate(const TraceView& trace, Evaluation&) override {
    return bucket_.take(static_cast<double>(trace.span_count), trace.now) ? Decision::kSampled
                                                                          : Decision::kNotSampled;
  }

 private:
  TokenBucket bucket_;
};

// Costs the trace's OTLP protobuf size (ExportTraceServiceRequest of its spans).
class BytesLimiting final : public Policy {
 public:
  explicit BytesLimiting(const BytesLimitingConfig& config)
      : bucket_(static_cast<double>(config.bytes_per_second),
                burst_or_double(config.burst_capacity, config.bytes_per_second)) {}

  Decision evaluate(const TraceView& trace, Evaluation&) override {
    const auto bytes = static_cast<double>(trace.spans.ByteSizeLong());
    return bucket_.take(bytes, trace.now) ? Decision::kSampled : Decision::kNotSampled;
  }

 private:
  TokenBucket bucket_;
};

}  // namespace

std::unique_ptr<Policy> make_rate_limiting(const RateLimitingConfig& config) {
  return std::make_unique<RateLimiting>(config);
}
std::unique_ptr<Policy> make_bytes_limiting(const BytesLimitingConfig& config) {
  return std::make_unique<BytesLimiting>(config);
}

}  // namespace spanflow::processors::tail_sampling::policies
