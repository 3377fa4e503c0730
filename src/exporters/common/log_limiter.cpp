#include "exporters/common/log_limiter.h"

namespace spanflow::exporters {

std::optional<std::uint64_t> LogLimiter::admit() {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t last = last_ns_.load(std::memory_order_relaxed);
  const bool due = last == kNever || now - last >= interval_ns_;
  if (!due || !last_ns_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  return suppressed_.exchange(0, std::memory_order_relaxed);
}

}  // namespace spanflow::exporters
