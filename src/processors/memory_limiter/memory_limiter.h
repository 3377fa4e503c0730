// The `memory_limiter` processor: refuses data (retryable, with a retry hint) while the
// process is at or over its soft limit, so receivers answer UNAVAILABLE / 503 + Retry-After.
//
// Beyond the Collector's sampled heap figure, it keeps an admission budget of
// soft limit - (RSS at start): receivers reserve a request's bytes before decoding it
// (TraceConsumer::admit) and the reservation travels with the batch until the data leaves the
// process, so a burst is refused before it is decoded. RSS, read every check_interval, is the
// backstop: at or over the soft limit, everything is refused until it falls below.
// Threads: admit()/consume() from receiver threads (atomics only); one checker thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/component.h"
#include "core/factory.h"
#include "core/memory_budget.h"
#include "processors/memory_limiter/config.h"

namespace spanflow::processors::memory_limiter {

class MemoryLimiter final : public Processor {
 public:
  using RssReader = std::function<std::uint64_t()>;

  MemoryLimiter(const CreateSettings& settings, const Config& config, TraceConsumer& next,
                RssReader rss = {}, std::uint64_t total_memory = 0);
  ~MemoryLimiter() override;

  void start(Host& host) override;
  void shutdown(Deadline deadline) override;
  ConsumeResult consume(TraceBatch&& batch) override;
  ConsumeResult admit(std::uint64_t bytes, Reservations& out) override;
  bool reads_spans() const override { return next_.reads_spans(); }  // it only counts bytes

  const Limits& limits() const { return limits_; }
  const MemoryBudget& budget() const { return budget_; }
  bool refusing() const { return refusing_.load(std::memory_order_relaxed); }
  // One RSS check (the checker thread calls it every check_interval).
  void check();

 private:
  ConsumeResult refusal() const;

  CreateSettings settings_;
  Config config_;
  RssReader rss_;
  Limits limits_;
  MemoryBudget budget_;
  std::atomic<bool> refusing_{false};

  std::mutex mu_;
  std::condition_variable wake_;
  bool running_ = false;
  std::thread checker_;

  telemetry::Counter& accepted_;
  telemetry::Counter& refused_;
  telemetry::Counter& refused_requests_;
  telemetry::Gauge& reserved_bytes_;
};

}  // namespace spanflow::processors::memory_limiter
