// TailSampler: the tail_sampling processor's engine, without threads of its own.
//
// Spans are sharded by trace id; each shard has its own lock, TraceBuffer and decision
// caches. consume() copies spans into their traces (or, for a trace already decided, passes
// them on or drops them at once by the cached decision: never a second decision). The
// processor's decision threads call decide_due() per shard; the clock is injected, so tests
// drive time by hand and call decide_due() themselves.
//
// Limits never lose data silently. Each shard may hold num_traces / N traces and
// (max_memory - bytes queued for output) / N bytes; past either, the shard's oldest traces are
// decided at once on the spans they have (counted as decided_on_trace_limit or
// decided_on_memory_pressure). With block_on_overflow, consume() refuses (retryable) instead
// while a shard it maps to is full. A trace over maximum_trace_size_bytes is decided not
// sampled at once and its spans counted as dropped. When sampled data waiting for the next
// consumer fills the whole budget, consume() refuses (retryable).
//
// Decided sampled traces leave through Output::push; their resource and scope headers are
// already merged, and with `explain` every span carries `tailsampling.policy`.
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/clock.h"
#include "core/consumer.h"
#include "core/heap_trim.h"
#include "processors/tail_sampling/config.h"
#include "processors/tail_sampling/decider.h"
#include "processors/tail_sampling/decision_cache.h"
#include "processors/tail_sampling/instruments.h"
#include "processors/tail_sampling/trace_buffer.h"

namespace spanflow::processors::tail_sampling {

// Where sampled data goes.
class Output {
 public:
  virtual ~Output() = default;
  // Takes a sampled trace (or late spans of sampled traces) to pass on; never blocks.
  virtual void push(TraceBatch&& batch, std::size_t spans, std::uint64_t bytes) = 0;
  // Bytes pushed and not yet passed on.
  virtual std::uint64_t queued_bytes() const = 0;
};

class TailSampler {
 public:
  // Called when a shard's next deadline became earlier than any it had (a first trace, or a
  // root span ending a wait early): the decision thread may be sleeping past it.
  using WakeFn = std::function<void(std::size_t shard, Clock::time_point due)>;

  TailSampler(const Config& config, const Clock& clock, Decider& decider, Instruments& metrics,
              Output& output, std::shared_ptr<spdlog::logger> logger, std::string processor);
  ~TailSampler();

  // Set before the first consume().
  void on_earlier_deadline(WakeFn wake) { wake_ = std::move(wake); }

  // Buffers every span of `request` (copied: the request can go once this returns).
  ConsumeResult consume(const otlp::ExportRequest& request);
  // Decides the traces of `shard` due at `now`; returns when the shard's next one is due
  // (time_point::max() for none). Decides at most a chunk per call so ingest is not starved:
  // a returned time <= now means "call again".
  Clock::time_point decide_due(std::size_t shard, Clock::time_point now);
  // Shutdown: decides every buffered trace on what it has.
  void decide_all();
  // Shutdown with drop_pending_traces_on_shutdown: forgets every buffered trace; returns the
  // spans dropped (counted as dropped_spans{reason="pending_on_shutdown"}).
  std::uint64_t drop_all();

  std::size_t shard_count() const { return shards_.size(); }
  std::size_t shard_of(const TraceId& id) const { return id.hash() % shards_.size(); }
  std::size_t traces_in_memory() const { return traces_.load(std::memory_order_relaxed); }
  std::uint64_t buffered_bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  struct Shard;
  struct Claim;
  enum class Trigger { kWait, kMemory, kTraceLimit, kShutdown };

  // Deciding a trace happens in three steps so receivers wait on a shard lock only briefly:
  // claim (under the lock: out of the buffer, its id marked "deciding" so spans arriving
  // meanwhile are held for it), evaluate (no lock: decode, run the policies), finalize (under
  // the lock: remember the decision, apply it to the spans held meanwhile). Then emit.
  void claim(Shard& shard, std::unique_ptr<BufferedTrace> trace, Trigger trigger,
             std::vector<Claim>& claims);
  void evaluate(std::vector<Claim>& claims, Clock::time_point now);
  void finalize(Shard& shard, std::vector<Claim>& claims, Clock::time_point now);
  void emit(std::vector<Claim>& claims);
  // evaluate + finalize + emit, for claims made under `shard`'s lock (now released).
  void decide(Shard& shard, std::vector<Claim>& claims, Clock::time_point now);
  // Claims the shard's oldest traces while it is over its trace or byte limit.
  void enforce_limits(Shard& shard, std::vector<Claim>& claims);
  bool over_limits(const Shard& shard) const;
  std::uint64_t byte_limit() const;
  // Bookkeeping after the shard's buffer changed size.
  void sync(Shard& shard);

  const Config config_;
  const Clock& clock_;
  Decider& decider_;
  Instruments& metrics_;
  Output& output_;
  std::shared_ptr<spdlog::logger> logger_;
  std::string processor_;
  WakeFn wake_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::uint64_t trace_limit_;  // per shard
  std::atomic<std::size_t> traces_{0};
  std::atomic<std::uint64_t> bytes_{0};
  // Under memory pressure, decided traces' memory goes back to the OS (see core/heap_trim.h).
  HeapTrimmer trimmer_{8 << 20, std::chrono::milliseconds(250)};
};

}  // namespace spanflow::processors::tail_sampling
