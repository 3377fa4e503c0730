#include <condition_variable>
#include <mutex>

#include "core/otlp_wire.h"
#include "exporters/common/request_queue.h"

namespace spanflow::exporters {

namespace {

// The queue's records live in the RecordLog only; this class adds the capacity, blocking and
// wake-ups. Offers hold the lock across the (fsynced) append so that the capacity check and
// the append are one step.
class PersistentQueue final : public RequestQueue {
 public:
  PersistentQueue(const QueueConfig& config, std::unique_ptr<RecordLog> log, telemetry::Gauge& size,
                  std::function<void(const std::string&)> on_error)
      : config_(config), log_(std::move(log)), gauge_(size), on_error_(std::move(on_error)) {
    publish();
  }

  Offer offer(TraceBatch&& batch, std::string& error) override {
    std::string data;
    batch.append_wire(data);
    const std::uint64_t size = config_.sizer == "bytes"   ? data.size()
                               : config_.sizer == "items" ? batch.span_count()
                                                          : 1;
    const auto capacity = static_cast<std::uint64_t>(config_.queue_size);
    if (size > capacity) return Offer::kTooLarge;
    const auto spans = static_cast<std::uint32_t>(batch.span_count());
    std::unique_lock lock(mu_);
    for (;;) {
      if (closed_) return Offer::kClosed;
      if (used() + size <= capacity) break;
      if (!config_.block_on_overflow) return Offer::kFull;
      room_.wait(lock);
    }
    if (!log_->append(data, spans, error)) return Offer::kFailed;
    publish();
    ready_.notify_one();
    return Offer::kOk;
  }

  std::optional<QueuedRequest> take() override {
    for (;;) {
      std::string error;
      std::optional<RecordLog::Record> record;
      {
        std::unique_lock lock(mu_);
        for (;;) {
          if (closed_) return std::nullopt;
          record = log_->next(error);
          if (record || !error.empty()) break;
          ready_.wait(lock);
        }
        publish();
        room_.notify_all();
      }
      if (!record) {
        on_error_(error);
        continue;
      }
      // Sent as stored: decoded only if the sender reads spans.
      const std::optional<WireScan> scan = scan_export_request(record->data);
      if (!scan) {
        log_->ack(record->index);
        on_error_("persistent queue record " + std::to_string(record->index) +
                  " is not an ExportTraceServiceRequest; skipped");
        continue;
      }
      QueuedRequest request;
      request.batch = TraceBatch::from_wire(std::move(record->data), scan->spans);
      request.spans = record->weight;
      request.log_index = record->index;
      request.redelivered = record->redelivered;
      return request;
    }
  }

  void done(const QueuedRequest& request) override {
    if (request.log_index) log_->ack(*request.log_index);
  }

  void close() override {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

  QueueTotals waiting() const override {
    const RecordLog::Waiting w = log_->waiting();
    return {w.records, w.weight};
  }

  bool durable() const override { return true; }

 private:
  std::uint64_t used() const {
    const RecordLog::Waiting w = log_->waiting();
    return config_.sizer == "bytes" ? w.bytes : config_.sizer == "items" ? w.weight : w.records;
  }
  void publish() { gauge_.set(static_cast<std::int64_t>(used())); }

  const QueueConfig config_;
  std::unique_ptr<RecordLog> log_;
  telemetry::Gauge& gauge_;
  std::function<void(const std::string&)> on_error_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable room_;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<RequestQueue> make_persistent_queue(
    const QueueConfig& config, std::unique_ptr<RecordLog> log, telemetry::Gauge& size,
    std::function<void(const std::string&)> on_error) {
  return std::make_unique<PersistentQueue>(config, std::move(log), size, std::move(on_error));
}

}  // namespace spanflow::exporters
