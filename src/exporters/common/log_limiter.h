// LogLimiter: keeps a failing exporter from flooding the log. At most one line per interval
// gets through; the next one that does says how many were held back in between.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

namespace spanflow::exporters {

// Thread-safe; lock-free.
class LogLimiter {
 public:
  explicit LogLimiter(std::chrono::nanoseconds interval) : interval_ns_(interval.count()) {}

  // nullopt when this line is to be suppressed (and counts it); otherwise the number of lines
  // suppressed since the last one that was let through.
  std::optional<std::uint64_t> admit();

 private:
  static constexpr std::int64_t kNever = INT64_MIN;
  const std::int64_t interval_ns_;
  std::atomic<std::int64_t> last_ns_{kNever};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace spanflow::exporters
