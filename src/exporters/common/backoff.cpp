#include "exporters/common/backoff.h"

#include <algorithm>
#include <random>

namespace spanflow::exporters {

JitterSource default_jitter() {
  return [] {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
  };
}

Backoff::Backoff(const RetryConfig& config, JitterSource jitter)
    : config_(config),
      jitter_(std::move(jitter)),
      interval_ns_(static_cast<double>(config.initial_interval.count())) {}

std::chrono::nanoseconds Backoff::next() {
  const double delta = config_.randomization_factor * interval_ns_;
  const double low = interval_ns_ - delta;
  const double u = std::clamp(jitter_(), 0.0, 1.0);
  const auto delay = std::chrono::nanoseconds(static_cast<std::int64_t>(low + u * 2 * delta));
  const double max = static_cast<double>(config_.max_interval.count());
  interval_ns_ = interval_ns_ >= max / config_.multiplier ? max : interval_ns_ * config_.multiplier;
  return delay;
}

}  // namespace spanflow::exporters
