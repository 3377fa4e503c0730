// The `batch` processor: gathers spans from many small requests into batches of
// send_batch_size (or whatever arrived within `timeout`), merged by resource and scope.
//
// What the sender's acknowledgement means: with timeout > 0, consume() answers ok once the
// spans are in this processor's buffer; a worker thread sends the batches on. When the next
// consumer refuses a batch (retryable), the worker keeps it and retries with backoff, while
// the buffer fills; once the buffer holds kBufferBatches x send_batch_size spans, consume()
// refuses (retryable) so receivers answer UNAVAILABLE/503 instead of growing memory; while it
// is full, admit() refuses too, so receivers refuse before decoding. A batch
// refused permanently, or still refused when the shutdown deadline passes, is dropped, logged
// and counted in otelcol_processor_dropped_spans_total{reason}. With timeout 0, consume()
// sends on the caller's thread and returns the next consumer's own answer.
// Threads: consume() from any receiver thread (one short lock to append); one worker sends.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/component.h"
#include "core/factory.h"
#include "processors/batch/config.h"
#include "telemetry/log_limiter.h"

namespace spanflow::processors::batch {

class BatchProcessor final : public Processor {
 public:
  static constexpr std::size_t kBufferBatches = 10;

  BatchProcessor(const CreateSettings& settings, const Config& config, TraceConsumer& next);
  ~BatchProcessor() override;

  void start(Host& host) override;
  void shutdown(Deadline deadline) override;
  ConsumeResult consume(TraceBatch&& batch) override;
  ConsumeResult admit(std::uint64_t bytes, Reservations& out) override;
  // Merging concatenates encoded requests; only splitting (send_batch_max_size) decodes.
  bool reads_spans() const override {
    return config_.send_batch_max_size > 0 || next_.reads_spans();
  }

 private:
  ConsumeResult full() const;
  enum class Trigger { kSize, kTimeout, kShutdown };
  void run();
  // Offers each part to the next consumer (retrying refusals); called and returns with `lock`
  // held, releasing it while the consumer works.
  void send(std::vector<TraceBatch>& parts, Trigger trigger, std::unique_lock<std::mutex>& lock);
  ConsumeResult send_now(TraceBatch&& batch);
  void drop(std::size_t spans, const char* reason, const std::string& message);

  CreateSettings settings_;
  telemetry::LimitedLog drop_log_{settings_.logger, spdlog::level::err};
  Config config_;
  std::size_t capacity_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<TraceBatch> pending_;
  std::atomic<std::size_t> pending_spans_ = 0;  // written under mu_; admit() reads it without
  std::chrono::steady_clock::time_point first_pending_at_;
  bool started_ = false;
  bool stopping_ = false;
  std::optional<Deadline> deadline_;
  std::thread worker_;

  telemetry::Histogram& send_size_;
  telemetry::Counter& size_triggers_;
  telemetry::Counter& timeout_triggers_;
  telemetry::Counter& dropped_permanent_;
  telemetry::Counter& dropped_shutdown_;
};

}  // namespace spanflow::processors::batch
