// ManualClock: a Clock that only moves when a test says so.
#pragma once

#include <atomic>

#include "core/clock.h"

namespace spanflow::testing {

class ManualClock final : public Clock {
 public:
  // Starts at an arbitrary, non-zero time so "zero" never looks like a valid reading.
  ManualClock() : ticks_(std::chrono::duration_cast<duration>(std::chrono::hours(1000)).count()) {}

  time_point now() const override { return time_point(duration(ticks_.load())); }
  void advance(duration by) { ticks_ += by.count(); }

 private:
  std::atomic<duration::rep> ticks_;
};

}  // namespace spanflow::testing
