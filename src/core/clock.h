// Clock: where stateful components read the time, so tests can drive time by hand.
//
// Implementations must be safe to call from any thread. Components take a `const Clock&` that
// outlives them; production code passes Clock::steady().
#pragma once

#include <chrono>

namespace spanflow {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;

  virtual ~Clock() = default;
  virtual time_point now() const = 0;

  // The process's monotonic clock (stateless; one shared immutable instance).
  static const Clock& steady();
};

}  // namespace spanflow
