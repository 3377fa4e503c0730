// Backoff: the retry delays of retry_on_failure (exponential, with jitter), as the
// Collector computes them (cenkalti/backoff's ExponentialBackOff).
#pragma once

#include <chrono>
#include <functional>

#include "exporters/common/delivery_config.h"

namespace spanflow::exporters {

// A uniform random number in [0, 1). Injected so tests can fix the jitter.
using JitterSource = std::function<double()>;

// A thread-safe JitterSource backed by a per-thread generator.
JitterSource default_jitter();

// One retry sequence; not thread-safe (each delivery has its own).
class Backoff {
 public:
  Backoff(const RetryConfig& config, JitterSource jitter);

  // The delay before the next attempt: the current interval randomized to
  // interval * (1 ± randomization_factor); then the interval grows by `multiplier` up to
  // `max_interval`.
  std::chrono::nanoseconds next();

 private:
  RetryConfig config_;
  JitterSource jitter_;
  double interval_ns_;
};

}  // namespace spanflow::exporters
