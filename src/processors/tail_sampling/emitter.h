// Emitter: the queue between decisions and the next consumer, with one sending thread.
//
// push() never blocks: decisions (on decision threads, or on a receiver's thread under memory
// pressure) hand sampled traces over and go on. The sender passes each batch on; a batch
// refused for now (retryable) is kept and offered again with backoff (100 ms doubling to 5 s,
// or the consumer's retry hint), in order. A batch refused permanently is dropped, logged and
// counted (reason "refused_permanently"). Queued bytes count against max_memory_mib (the
// TailSampler reads queued_bytes()). stop() sends what is queued, retrying until the deadline;
// whatever is still refused then is dropped, logged and counted (reason "shutdown_deadline").
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/component.h"
#include "processors/tail_sampling/instruments.h"
#include "processors/tail_sampling/tail_sampler.h"
#include "telemetry/log_limiter.h"

namespace spanflow::processors::tail_sampling {

class Emitter final : public Output {
 public:
  Emitter(TraceConsumer& next, Instruments& metrics, std::shared_ptr<spdlog::logger> logger,
          std::string processor);
  ~Emitter() override;

  void start();
  // Drains the queue until `deadline`, then joins the sender. Idempotent.
  void stop(Deadline deadline);

  void push(TraceBatch&& batch, std::size_t spans, std::uint64_t bytes) override;
  std::uint64_t queued_bytes() const override { return queued_bytes_.load(); }

 private:
  struct Item {
    TraceBatch batch;
    std::size_t spans;
    std::uint64_t bytes;
  };
  void run();
  // Sends `item`, retrying refusals; returns when it is passed on or dropped.
  void send(Item& item, std::unique_lock<std::mutex>& lock);
  void drop(const Item& item, telemetry::Counter& counter, const char* reason,
            const std::string& message);

  TraceConsumer& next_;
  Instruments& metrics_;
  std::shared_ptr<spdlog::logger> logger_;
  std::string processor_;
  telemetry::LimitedLog drop_log_{logger_, spdlog::level::err};

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  std::atomic<std::uint64_t> queued_bytes_{0};
  bool started_ = false;
  bool stopping_ = false;
  Deadline deadline_{};
  std::thread sender_;
};

}  // namespace spanflow::processors::tail_sampling
