#include "processors/tail_sampling/tail_sampling_processor.h"

#include <algorithm>

namespace spanflow::processors::tail_sampling {

namespace {

// Decision threads: one per shard up to a small pool (shards are split between them).
std::size_t worker_count(std::size_t shards) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min(shards, std::clamp<std::size_t>(cores / 2, 1, 4));
}

}  // namespace

TailSamplingProcessor::TailSamplingProcessor(const CreateSettings& settings, const Config& config,
                                             TraceConsumer& next, const Clock& clock)
    : Processor(next),
      settings_(settings),
      config_(config),
      clock_(clock),
      metrics_(*settings.metrics, settings.id.to_string()),
      decider_(config, settings.id.to_string(), settings.id.name, *settings.metrics,
               metrics_.policy_evaluation_errors, settings.logger),
      emitter_(next, metrics_, settings.logger, settings.id.to_string()),
      sampler_(config, clock, decider_, metrics_, emitter_, settings.logger,
               settings.id.to_string()) {
  for (std::size_t i = 0; i < worker_count(sampler_.shard_count()); ++i) {
    workers_.push_back(std::make_unique<Worker>());
  }
  sampler_.on_earlier_deadline(
      [this](std::size_t shard, Clock::time_point due) { wake(shard, due); });
}

TailSamplingProcessor::~TailSamplingProcessor() {
  shutdown(std::chrono::steady_clock::now());
}

void TailSamplingProcessor::start(Host&) {
  std::lock_guard lock(lifecycle_mu_);
  if (running_ || shut_down_) return;
  emitter_.start();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    workers_[i]->thread = std::thread([this, i] { run(i); });
  }
  running_ = true;
  settings_.logger->info(
      "processor {}: {} shards, {} decision threads, decision_wait {} ms, max_memory_mib {}",
      settings_.id.to_string(), sampler_.shard_count(), workers_.size(),
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.decision_wait).count(),
      config_.max_memory_mib);
}

void TailSamplingProcessor::shutdown(Deadline deadline) {
  std::lock_guard lock(lifecycle_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  stopping_ = true;
  for (const auto& worker : workers_) {
    {
      std::lock_guard worker_lock(worker->mu);
      worker->pending = true;
    }
    worker->cv.notify_all();
  }
  for (const auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  const std::size_t pending = sampler_.traces_in_memory();
  if (config_.drop_pending_traces_on_shutdown) {
    const std::uint64_t spans = sampler_.drop_all();
    if (pending > 0) {
      settings_.logger->warn(
          "processor {} dropped {} undecided traces ({} spans) at shutdown "
          "(drop_pending_traces_on_shutdown)",
          settings_.id.to_string(), pending, spans);
    }
  } else {
    sampler_.decide_all();
    if (pending > 0) {
      settings_.logger->info("processor {} decided {} pending traces at shutdown",
                             settings_.id.to_string(), pending);
    }
  }
  // Receivers stop before processors, so nothing should have arrived since; if a straggler
  // did, it is counted rather than forgotten.
  if (const std::size_t late = sampler_.traces_in_memory(); late > 0) {
    const std::uint64_t spans = sampler_.drop_all();
    settings_.logger->warn("processor {} dropped {} traces ({} spans) that arrived during shutdown",
                           settings_.id.to_string(), late, spans);
  }
  emitter_.stop(deadline);
  running_ = false;
}

ConsumeResult TailSamplingProcessor::consume(TraceBatch&& batch) {
  if (!running_ || stopping_) {
    // Passing spans on undecided would break sampling; the sender retries elsewhere or later.
    return ConsumeResult::retryable(settings_.id.to_string() + " is not running");
  }
  return sampler_.consume(batch.request());
}

void TailSamplingProcessor::wake(std::size_t shard, Clock::time_point due) {
  Worker& worker = *workers_[shard % workers_.size()];
  if (due.time_since_epoch().count() >= worker.wake_at.load(std::memory_order_acquire)) return;
  {
    std::lock_guard lock(worker.mu);
    worker.pending = true;
  }
  worker.cv.notify_one();
}

void TailSamplingProcessor::run(std::size_t index) {
  Worker& worker = *workers_[index];
  const std::size_t stride = workers_.size();
  for (;;) {
    const Clock::time_point now = clock_.now();
    Clock::time_point next = Clock::time_point::max();
    for (std::size_t shard = index; shard < sampler_.shard_count(); shard += stride) {
      next = std::min(next, sampler_.decide_due(shard, now));
    }
    std::unique_lock lock(worker.mu);
    if (stopping_) return;
    if (worker.pending) {
      worker.pending = false;
      continue;
    }
    if (next <= clock_.now()) continue;
    worker.wake_at.store(next.time_since_epoch().count(), std::memory_order_release);
    const Clock::duration wait =
        next == Clock::time_point::max()
            ? std::chrono::duration_cast<Clock::duration>(std::chrono::hours(1))
            : next - clock_.now();
    worker.cv.wait_for(lock, wait, [&] { return worker.pending || stopping_.load(); });
    worker.pending = false;
    // While deciding, any new earlier deadline must raise `pending`.
    worker.wake_at.store(Clock::duration::max().count(), std::memory_order_release);
  }
}

}  // namespace spanflow::processors::tail_sampling
