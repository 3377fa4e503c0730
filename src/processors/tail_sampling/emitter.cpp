#include "processors/tail_sampling/emitter.h"

#include <fmt/format.h>

#include <algorithm>

namespace spanflow::processors::tail_sampling {

namespace {
using SteadyClock = std::chrono::steady_clock;
constexpr auto kFirstRetry = std::chrono::milliseconds(100);
constexpr auto kMaxRetry = std::chrono::seconds(5);
}  // namespace

Emitter::Emitter(TraceConsumer& next, Instruments& metrics, std::shared_ptr<spdlog::logger> logger,
                 std::string processor)
    : next_(next),
      metrics_(metrics),
      logger_(std::move(logger)),
      processor_(std::move(processor)) {}

Emitter::~Emitter() {
  stop(SteadyClock::now());
}

void Emitter::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  sender_ = std::thread([this] { run(); });
}

void Emitter::stop(Deadline deadline) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    deadline_ = deadline;
    if (!started_) {
      // Never started: nothing can be sent; account for what was handed over.
      for (const Item& item : queue_) {
        drop(item, metrics_.dropped_shutdown_deadline, "the processor never started", "");
      }
      queue_.clear();
      queued_bytes_ = 0;
      metrics_.queued_bytes.set(0);
      return;
    }
  }
  wake_.notify_all();
  if (sender_.joinable()) sender_.join();
}

void Emitter::push(TraceBatch&& batch, std::size_t spans, std::uint64_t bytes) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back({std::move(batch), spans, bytes});
    queued_bytes_ += bytes;
    metrics_.queued_bytes.set(static_cast<std::int64_t>(queued_bytes_.load()));
  }
  wake_.notify_one();
}

void Emitter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (!queue_.empty()) {
      Item& item = queue_.front();
      send(item, lock);
      queued_bytes_ -= item.bytes;
      metrics_.queued_bytes.set(static_cast<std::int64_t>(queued_bytes_.load()));
      queue_.pop_front();
      continue;
    }
    if (stopping_) return;
    wake_.wait(lock);
  }
}

void Emitter::send(Item& item, std::unique_lock<std::mutex>& lock) {
  auto delay = std::chrono::duration_cast<SteadyClock::duration>(kFirstRetry);
  for (;;) {
    // Keep a handle so a refused batch can be offered again; the consumer gets a share.
    lock.unlock();
    const ConsumeResult result = next_.consume(item.batch.share());
    lock.lock();
    if (result.is_ok()) {
      metrics_.spans_forwarded.add(item.spans);
      return;
    }
    if (result.kind == ConsumeResult::Kind::kPermanent) {
      drop(item, metrics_.dropped_refused_permanently, "refused permanently", result.message);
      return;
    }
    const auto wait = std::max<SteadyClock::duration>(delay, result.retry_after);
    if (stopping_ && SteadyClock::now() + wait > deadline_) {
      drop(item, metrics_.dropped_shutdown_deadline, "still refused at the shutdown deadline",
           result.message);
      return;
    }
    wake_.wait_for(lock, wait);
    delay = std::min<SteadyClock::duration>(delay * 2, kMaxRetry);
  }
}

void Emitter::drop(const Item& item, telemetry::Counter& counter, const char* reason,
                   const std::string& message) {
  counter.add(item.spans);
  drop_log_.write(fmt::format("processor {} dropped {} sampled spans: {}{}{}", processor_,
                              item.spans, reason, message.empty() ? "" : ": ", message));
}

}  // namespace spanflow::processors::tail_sampling
