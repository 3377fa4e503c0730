// Rate-limited logging: a failing backend or a stream of bad data must not flood the node's
// log. LogLimiter lets at most one line per interval through and counts the rest; LimitedLog
// writes through one and says how many similar lines were held back.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace spanflow::telemetry {

// Thread-safe; lock-free.
class LogLimiter {
 public:
  explicit LogLimiter(std::chrono::nanoseconds interval) : interval_ns_(interval.count()) {}

  // nullopt when this line is to be suppressed (and counts it); otherwise the number of lines
  // suppressed since the last one that was let through.
  std::optional<std::uint64_t> admit();
  std::chrono::nanoseconds interval() const { return std::chrono::nanoseconds(interval_ns_); }

 private:
  static constexpr std::int64_t kNever = INT64_MIN;
  const std::int64_t interval_ns_;
  std::atomic<std::int64_t> last_ns_{kNever};
  std::atomic<std::uint64_t> suppressed_{0};
};

// One kind of repeated line: at most one per interval, the next one let through ends with
// "(N similar messages suppressed in the last Xs)". Thread-safe.
class LimitedLog {
 public:
  static constexpr std::chrono::seconds kDefaultInterval{5};

  LimitedLog(std::shared_ptr<spdlog::logger> logger, spdlog::level::level_enum level,
             std::chrono::nanoseconds interval = kDefaultInterval)
      : logger_(std::move(logger)), level_(level), limiter_(interval) {}

  void write(const std::string& message) {
    write_with([&] { return message; });
  }
  // Builds the message only when it is let through (for lines on the data path).
  template <class MakeMessage>
  void write_with(MakeMessage&& make) {
    if (const std::optional<std::uint64_t> suppressed = limiter_.admit()) {
      emit(make(), *suppressed);
    }
  }

 private:
  void emit(const std::string& message, std::uint64_t suppressed);

  std::shared_ptr<spdlog::logger> logger_;
  spdlog::level::level_enum level_;
  LogLimiter limiter_;
};

}  // namespace spanflow::telemetry
