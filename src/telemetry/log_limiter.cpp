#include "telemetry/log_limiter.h"

namespace spanflow::telemetry {

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

void LimitedLog::emit(const std::string& message, std::uint64_t suppressed) {
  if (suppressed == 0) {
    logger_->log(level_, "{}", message);
  } else {
    logger_->log(level_, "{} ({} similar messages suppressed in the last {}s)", message, suppressed,
                 std::chrono::duration_cast<std::chrono::seconds>(limiter_.interval()).count());
  }
}

}  // namespace spanflow::telemetry
