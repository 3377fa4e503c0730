// The `tail_sampling` processor: whole-trace sampling decisions after decision_wait, with the
// Collector's config and policy semantics, in bounded memory (see tail_sampler.h).
//
// Threads: consume() runs on receiver threads and takes one shard lock at a time. A few
// decision threads (one per group of shards) sleep until the earliest decision time of their
// shards, to the millisecond, and decide what is due. One sender thread passes sampled traces
// to the next consumer (emitter.h). consume() answers ok once spans are buffered (or passed
// on or dropped by a cached decision); it refuses (retryable) only when full, see
// tail_sampler.h. Shutdown stops the decision threads, then decides every pending trace and
// sends it (default) or, with drop_pending_traces_on_shutdown, drops them and logs how many;
// sending retries until the deadline.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/component.h"
#include "core/factory.h"
#include "processors/tail_sampling/config.h"
#include "processors/tail_sampling/decider.h"
#include "processors/tail_sampling/emitter.h"
#include "processors/tail_sampling/instruments.h"
#include "processors/tail_sampling/tail_sampler.h"

namespace spanflow::processors::tail_sampling {

class TailSamplingProcessor final : public Processor {
 public:
  // `clock` outlives the processor; tests may pass their own.
  TailSamplingProcessor(const CreateSettings& settings, const Config& config, TraceConsumer& next,
                        const Clock& clock = Clock::steady());
  ~TailSamplingProcessor() override;

  void start(Host& host) override;
  void shutdown(Deadline deadline) override;
  ConsumeResult consume(TraceBatch&& batch) override;
  // Buffering decouples this stage from the next one's load: admission is not forwarded.
  ConsumeResult admit(std::uint64_t, Reservations&) override { return ConsumeResult::ok(); }

  const TailSampler& sampler() const { return sampler_; }

 private:
  struct Worker {
    std::mutex mu;
    std::condition_variable cv;
    // When the worker plans to wake (clock ticks); max while it is deciding.
    std::atomic<Clock::duration::rep> wake_at{Clock::duration::max().count()};
    bool pending = false;  // a shard got an earlier deadline while the worker was busy
    std::thread thread;
  };

  void run(std::size_t worker);
  void wake(std::size_t shard, Clock::time_point due);

  CreateSettings settings_;
  Config config_;
  const Clock& clock_;
  Instruments metrics_;
  Decider decider_;
  Emitter emitter_;
  TailSampler sampler_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stopping_{false};
  std::mutex lifecycle_mu_;
  bool shut_down_ = false;
};

}  // namespace spanflow::processors::tail_sampling
