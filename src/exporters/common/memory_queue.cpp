#include <condition_variable>
#include <deque>
#include <mutex>

#include "exporters/common/request_queue.h"

namespace spanflow::exporters {

std::uint64_t size_in(const std::string& sizer, const TraceBatch& batch) {
  if (sizer == "items") return batch.span_count();
  if (sizer == "bytes") return batch.wire_size();
  return 1;
}

namespace {

class MemoryQueue final : public RequestQueue {
 public:
  MemoryQueue(const QueueConfig& config, telemetry::Gauge& size) : config_(config), gauge_(size) {}

  Offer offer(TraceBatch&& batch, std::string&) override {
    const std::uint64_t size = size_in(config_.sizer, batch);
    const auto capacity = static_cast<std::uint64_t>(config_.queue_size);
    if (size > capacity) return Offer::kTooLarge;
    std::unique_lock lock(mu_);
    for (;;) {
      if (closed_) return Offer::kClosed;
      if (used_ + size <= capacity) break;
      if (!config_.block_on_overflow) return Offer::kFull;
      room_.wait(lock);
    }
    const std::uint64_t spans = batch.span_count();
    entries_.push_back(Entry{std::move(batch), size, spans});
    used_ += size;
    spans_ += spans;
    gauge_.set(static_cast<std::int64_t>(used_));
    ready_.notify_one();
    return Offer::kOk;
  }

  std::optional<QueuedRequest> take() override {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [this] { return closed_ || !entries_.empty(); });
    if (entries_.empty()) return std::nullopt;
    Entry entry = std::move(entries_.front());
    entries_.pop_front();
    used_ -= entry.size;
    spans_ -= entry.spans;
    gauge_.set(static_cast<std::int64_t>(used_));
    room_.notify_all();  // sizes differ: every blocked offer re-checks
    return QueuedRequest{std::move(entry.batch), entry.spans, std::nullopt, false};
  }

  void done(const QueuedRequest&) override {}

  void close() override {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

  QueueTotals waiting() const override {
    std::lock_guard lock(mu_);
    return {entries_.size(), spans_};
  }

  bool durable() const override { return false; }

 private:
  struct Entry {
    TraceBatch batch;
    std::uint64_t size;
    std::uint64_t spans;
  };

  const QueueConfig config_;
  telemetry::Gauge& gauge_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::deque<Entry> entries_;
  std::uint64_t used_ = 0;
  std::uint64_t spans_ = 0;
  bool closed_ = false;
};

}  // namespace

std::unique_ptr<RequestQueue> make_memory_queue(const QueueConfig& config, telemetry::Gauge& size) {
  return std::make_unique<MemoryQueue>(config, size);
}

}  // namespace spanflow::exporters
