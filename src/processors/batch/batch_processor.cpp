#include "processors/batch/batch_processor.h"

#include <fmt/format.h>

#include <algorithm>

#include "processors/batch/merge.h"

namespace spanflow::processors::batch {

namespace {

using Clock = std::chrono::steady_clock;

const std::vector<double> kSendSizeBuckets = {10,   25,    50,    75,    100,   250,   500,  750,
                                              1000, 2000,  3000,  4000,  5000,  6000,  7000, 8000,
                                              9000, 10000, 20000, 30000, 50000, 100000};

constexpr auto kFirstRetry = std::chrono::milliseconds(100);
constexpr auto kMaxRetry = std::chrono::seconds(5);

}  // namespace

BatchProcessor::BatchProcessor(const CreateSettings& settings, const Config& config,
                               TraceConsumer& next)
    : Processor(next),
      settings_(settings),
      config_(config),
      capacity_(kBufferBatches *
                std::max<std::size_t>(config.send_batch_size, config.send_batch_max_size)),
      send_size_(settings.metrics->histogram("otelcol_processor_batch_batch_send_size",
                                             "Number of spans in each batch sent", kSendSizeBuckets,
                                             {{"processor", settings.id.to_string()}})),
      size_triggers_(
          settings.metrics->counter("otelcol_processor_batch_batch_size_trigger_send_total",
                                    "Batches sent because they reached send_batch_size",
                                    {{"processor", settings.id.to_string()}})),
      timeout_triggers_(settings.metrics->counter(
          "otelcol_processor_batch_timeout_trigger_send_total",
          "Batches sent because the timeout passed", {{"processor", settings.id.to_string()}})),
      dropped_permanent_(settings.metrics->counter(
          "otelcol_processor_dropped_spans_total", "Spans a processor could not pass on",
          {{"processor", settings.id.to_string()}, {"reason", "refused_permanently"}})),
      dropped_shutdown_(settings.metrics->counter(
          "otelcol_processor_dropped_spans_total", "Spans a processor could not pass on",
          {{"processor", settings.id.to_string()}, {"reason", "shutdown_deadline"}})) {}

BatchProcessor::~BatchProcessor() {
  shutdown(Clock::now());
}

void BatchProcessor::start(Host&) {
  std::lock_guard lock(mu_);
  started_ = true;
  if (config_.timeout.count() > 0) worker_ = std::thread([this] { run(); });
}

void BatchProcessor::shutdown(Deadline deadline) {
  {
    std::lock_guard lock(mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
    deadline_ = deadline;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

ConsumeResult BatchProcessor::consume(TraceBatch&& batch) {
  const std::size_t spans = batch.span_count();
  if (spans == 0) return ConsumeResult::ok();
  if (config_.timeout.count() == 0) return send_now(std::move(batch));
  {
    std::lock_guard lock(mu_);
    if (stopping_ || !started_) {
      // The worker is gone or going: pass through on this thread rather than strand data.
      return send_now(std::move(batch));
    }
    if (pending_spans_ + spans > capacity_ && pending_spans_ > 0) return full();
    const bool first = pending_.empty();
    if (first) first_pending_at_ = Clock::now();
    pending_.push_back(std::move(batch));
    pending_spans_ += spans;
    // The worker sleeps without a deadline while the buffer is empty: the first batch must
    // wake it to start the timeout.
    if (!first && pending_spans_ < config_.send_batch_size) return ConsumeResult::ok();
  }
  wake_.notify_one();
  return ConsumeResult::ok();
}

ConsumeResult BatchProcessor::admit(std::uint64_t bytes, Reservations& out) {
  // A full buffer means consume() would refuse any request: say so before the receiver
  // decodes it. (With timeout 0 nothing is buffered.)
  const bool buffering = config_.timeout.count() > 0;
  if (buffering && pending_spans_.load(std::memory_order_relaxed) >= capacity_) return full();
  return next_.admit(bytes, out);
}

ConsumeResult BatchProcessor::full() const {
  return ConsumeResult::retryable("batch processor " + settings_.id.to_string() +
                                      " is full: the next consumer is not taking data fast enough",
                                  std::chrono::seconds(1));
}

ConsumeResult BatchProcessor::send_now(TraceBatch&& batch) {
  ConsumeResult result = ConsumeResult::ok();
  for (auto& part : split(std::move(batch), config_.send_batch_max_size)) {
    send_size_.observe(static_cast<double>(part.span_count()));
    result = combine(std::move(result), next_.consume(std::move(part)));
  }
  return result;
}

void BatchProcessor::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    const bool full = pending_spans_ >= config_.send_batch_size;
    const bool timed_out = !pending_.empty() && Clock::now() >= first_pending_at_ + config_.timeout;
    if (full || timed_out || (stopping_ && !pending_.empty())) {
      // One batch of about send_batch_size spans (whole requests, as the Collector adds
      // them), not everything that piled up while the next consumer was busy: what is left
      // starts the next batch.
      std::size_t count = 0, spans = 0;
      while (count < pending_.size() &&
             (config_.send_batch_size == 0 || spans < config_.send_batch_size)) {
        spans += pending_[count++].span_count();
      }
      std::vector<TraceBatch> taken(std::make_move_iterator(pending_.begin()),
                                    std::make_move_iterator(pending_.begin() + count));
      pending_.erase(pending_.begin(), pending_.begin() + count);
      pending_spans_ -= spans;
      if (!pending_.empty()) first_pending_at_ = Clock::now();
      const Trigger trigger = full        ? Trigger::kSize
                              : timed_out ? Trigger::kTimeout
                                          : Trigger::kShutdown;
      // Merging, splitting and freeing batches (the last handle on a batch may free its
      // arenas: milliseconds for thousands of spans) happen outside the lock, which
      // receivers take in consume().
      lock.unlock();
      std::vector<TraceBatch> parts = split(merge(std::move(taken)), config_.send_batch_max_size);
      lock.lock();
      send(parts, trigger, lock);
      lock.unlock();
      parts.clear();
      lock.lock();
      continue;
    }
    if (stopping_) return;
    if (pending_.empty()) {
      wake_.wait(lock);
    } else {
      wake_.wait_until(lock, first_pending_at_ + config_.timeout);
    }
  }
}

void BatchProcessor::send(std::vector<TraceBatch>& parts, Trigger trigger,
                          std::unique_lock<std::mutex>& lock) {
  if (trigger == Trigger::kSize) size_triggers_.add();
  if (trigger == Trigger::kTimeout) timeout_triggers_.add();
  for (auto& part : parts) {
    const std::size_t spans = part.span_count();
    send_size_.observe(static_cast<double>(spans));
    auto delay = std::chrono::duration_cast<Clock::duration>(kFirstRetry);
    for (;;) {
      // Keep a handle so a refused batch can be offered again; the consumer gets a share.
      lock.unlock();
      const ConsumeResult result = next_.consume(part.share());
      lock.lock();
      if (result.is_ok()) break;
      if (result.kind == ConsumeResult::Kind::kPermanent) {
        drop(spans, "refused permanently", result.message);
        dropped_permanent_.add(spans);
        break;
      }
      const auto wait = std::max<Clock::duration>(delay, result.retry_after);
      if (stopping_ && deadline_ && Clock::now() + wait > *deadline_) {
        drop(spans, "still refused at the shutdown deadline", result.message);
        dropped_shutdown_.add(spans);
        break;
      }
      wake_.wait_for(lock, wait);
      delay = std::min<Clock::duration>(delay * 2, kMaxRetry);
    }
  }
}

void BatchProcessor::drop(std::size_t spans, const char* reason, const std::string& message) {
  drop_log_.write(fmt::format("processor {} dropped {} spans: {}: {}", settings_.id.to_string(),
                              spans, reason, message));
}

}  // namespace spanflow::processors::batch
