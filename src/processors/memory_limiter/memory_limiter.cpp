#include "processors/memory_limiter/memory_limiter.h"

#include <algorithm>

#include "core/heap_trim.h"
#include "telemetry/process_metrics.h"

namespace spanflow::processors::memory_limiter {

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

telemetry::Labels labels(const CreateSettings& s) {
  return {{"processor", s.id.to_string()}};
}

}  // namespace

MemoryLimiter::MemoryLimiter(const CreateSettings& settings, const Config& config,
                             TraceConsumer& next, RssReader rss, std::uint64_t total)
    : Processor(next),
      settings_(settings),
      config_(config),
      rss_(rss ? std::move(rss) : RssReader(telemetry::process_rss_bytes)),
      limits_(limits_for(config, total > 0 ? total : total_memory())),
      budget_(limits_.soft),
      accepted_(settings.metrics->counter("otelcol_processor_memory_limiter_accepted_spans_total",
                                          "Spans the memory limiter let through",
                                          labels(settings))),
      refused_(settings.metrics->counter("otelcol_processor_memory_limiter_refused_spans_total",
                                         "Spans refused because memory was high",
                                         labels(settings))),
      refused_requests_(settings.metrics->counter(
          "otelcol_processor_memory_limiter_refused_requests_total",
          "Requests refused before decoding because memory was high", labels(settings))),
      reserved_bytes_(settings.metrics->gauge("otelcol_processor_memory_limiter_reserved_bytes",
                                              "Bytes of span data admitted and still held",
                                              labels(settings))) {}

MemoryLimiter::~MemoryLimiter() {
  shutdown(std::chrono::steady_clock::now());
}

void MemoryLimiter::start(Host&) {
  // Budget for span data: the soft limit less what the process already uses without any.
  const std::uint64_t baseline = rss_();
  budget_.set_capacity(limits_.soft > baseline ? limits_.soft - baseline : limits_.soft / 10);
  settings_.logger->info(
      "processor {} memory limits hard_mib={} soft_mib={} admission_budget_mib={}",
      settings_.id.to_string(), limits_.hard / kMiB, limits_.soft / kMiB,
      budget_.capacity() / kMiB);
  check();
  std::lock_guard lock(mu_);
  running_ = true;
  checker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (running_) {
      wake_.wait_for(lock, config_.check_interval, [this] { return !running_; });
      if (!running_) break;
      lock.unlock();
      check();
      lock.lock();
    }
  });
}

void MemoryLimiter::shutdown(Deadline) {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    running_ = false;
  }
  wake_.notify_all();
  checker_.join();
}

void MemoryLimiter::check() {
  std::uint64_t rss = rss_();
  if (rss >= limits_.soft) {
    trim_heap();  // give freed memory back to the OS before judging
    rss = rss_();
  }
  reserved_bytes_.set(static_cast<std::int64_t>(budget_.used()));
  const bool over = rss >= limits_.soft;
  if (over != refusing_.exchange(over)) {
    if (over) {
      settings_.logger->warn(
          "processor {}: memory usage is above the soft limit; refusing data rss_mib={} "
          "soft_limit_mib={}",
          settings_.id.to_string(), rss / kMiB, limits_.soft / kMiB);
    } else {
      settings_.logger->info(
          "processor {}: memory usage is back below the soft limit; accepting data rss_mib={}",
          settings_.id.to_string(), rss / kMiB);
    }
  }
}

ConsumeResult MemoryLimiter::refusal() const {
  // Memory is judged again every check_interval: suggest that, within [1 s, 10 s].
  const auto hint = std::clamp<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.check_interval),
      std::chrono::seconds(1), std::chrono::seconds(10));
  return ConsumeResult::retryable("data refused due to high memory usage", hint);
}

ConsumeResult MemoryLimiter::admit(std::uint64_t bytes, Reservations& out) {
  if (!refusing()) {
    if (auto reservation = budget_.try_reserve(bytes)) {
      // The next stage may refuse (a full batch buffer): then nothing is held.
      ConsumeResult next = next_.admit(bytes, out);
      if (next.is_ok()) out.push_back(std::move(*reservation));
      return next;
    }
  }
  refused_requests_.add();
  return refusal();
}

ConsumeResult MemoryLimiter::consume(TraceBatch&& batch) {
  const std::size_t spans = batch.span_count();
  if (refusing()) {
    refused_.add(spans);
    return refusal();
  }
  if (!batch.holds_reservation_of(budget_)) {
    // Data that did not pass admission (e.g. this limiter is not first in the pipeline).
    auto reservation = budget_.try_reserve(batch.arena_bytes());
    if (!reservation) {
      refused_.add(spans);
      return refusal();
    }
    Reservations held;
    held.push_back(std::move(*reservation));
    batch.hold(std::move(held));
  }
  accepted_.add(spans);
  return next_.consume(std::move(batch));
}

}  // namespace spanflow::processors::memory_limiter
