#include "processors/tail_sampling/tail_sampler.h"

#include <algorithm>

#include "processors/tail_sampling/late_batch.h"

namespace spanflow::processors::tail_sampling {

namespace {

// Traces claimed per lock hold in decide_due(), so receivers are not held up for long.
constexpr std::size_t kChunk = 256;
// A decided trace is decoded into a request that grows from a small block (most are small).
constexpr ArenaSizing kDecodedArena{4 * 1024, 256 * 1024};

std::size_t per_shard(std::uint64_t total, std::size_t shards) {
  return static_cast<std::size_t>((total + shards - 1) / shards);
}

}  // namespace

struct TailSampler::Shard {
  Shard(const BufferTiming& timing, std::size_t expected, std::size_t sampled_size,
        std::size_t not_sampled_size)
      : buffer(timing, expected), sampled(sampled_size), not_sampled(not_sampled_size) {}

  std::mutex mu;
  TraceBuffer buffer;
  DecisionCache sampled;
  DecisionCache not_sampled;
  // Traces being decided, with the spans that arrived for them meanwhile (null: none yet).
  std::unordered_map<TraceId, std::unique_ptr<TraceData>, TraceIdHash> deciding;
  // Mirrors of the buffer's size, readable without the lock (block_on_overflow, gauges).
  std::atomic<std::size_t> traces{0};
  std::atomic<std::uint64_t> bytes{0};
};

struct TailSampler::Claim {
  std::unique_ptr<BufferedTrace> trace;
  Trigger trigger;
  bool early = false;  // decided by the root-span rule
  TraceBatch batch{kDecodedArena};
  std::uint64_t spans = 0;
  Verdict verdict;
};

TailSampler::TailSampler(const Config& config, const Clock& clock, Decider& decider,
                         Instruments& metrics, Output& output,
                         std::shared_ptr<spdlog::logger> logger, std::string processor)
    : config_(config),
      clock_(clock),
      decider_(decider),
      metrics_(metrics),
      output_(output),
      logger_(std::move(logger)),
      processor_(std::move(processor)) {
  const std::size_t n = config.shard_count();
  trace_limit_ = std::max<std::uint64_t>(1, per_shard(config.num_traces, n));
  BufferTiming timing;
  timing.decision_wait = std::chrono::duration_cast<Clock::duration>(config.decision_wait);
  timing.wait_after_root =
      std::chrono::duration_cast<Clock::duration>(config.decision_wait_after_root_received);
  const auto wait_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(config.decision_wait).count() + 1;
  const std::size_t expected = std::min<std::uint64_t>(
      trace_limit_,
      per_shard(config.expected_new_traces_per_sec * static_cast<std::uint64_t>(wait_seconds), n));
  for (std::size_t i = 0; i < n; ++i) {
    shards_.push_back(std::make_unique<Shard>(
        timing, expected, per_shard(config.decision_cache.sampled_cache_size, n),
        per_shard(config.decision_cache.non_sampled_cache_size, n)));
  }
}

TailSampler::~TailSampler() = default;

ConsumeResult TailSampler::consume(const otlp::ExportRequest& request) {
  const std::size_t total = count_spans(request);
  if (total == 0) return ConsumeResult::ok();
  if (output_.queued_bytes() >= config_.max_memory_bytes()) {
    metrics_.spans_refused.add(total);
    return ConsumeResult::retryable(processor_ +
                                        ": sampled traces fill max_memory_mib while the next "
                                        "consumer is not taking them",
                                    std::chrono::seconds(1));
  }

  // Route every span to its shard, with its resource and scope encoded once.
  struct Routed {
    std::uint32_t source;
    const otlp::Span* span;
    TraceId id;
  };
  std::vector<SpanSource> sources;
  std::vector<std::vector<Routed>> routed(shards_.size());
  for (const otlp::ResourceSpans& rs : request.resource_spans()) {
    for (const otlp::ScopeSpans& ss : rs.scope_spans()) {
      if (ss.spans().empty()) continue;
      sources.push_back(SpanSource::of(rs, ss));
      const auto source = static_cast<std::uint32_t>(sources.size() - 1);
      for (const otlp::Span& span : ss.spans()) {
        const TraceId id = TraceId::from(span.trace_id());
        routed[shard_of(id)].push_back({source, &span, id});
      }
    }
  }
  if (config_.block_on_overflow) {
    for (std::size_t s = 0; s < shards_.size(); ++s) {
      if (!routed[s].empty() && over_limits(*shards_[s])) {
        metrics_.spans_refused.add(total);
        return ConsumeResult::retryable(
            processor_ + ": num_traces or max_memory_mib reached (block_on_overflow)",
            std::chrono::seconds(1));
      }
    }
  }
  metrics_.spans_received.add(total);

  const Clock::time_point now = clock_.now();
  LateBatch late;
  std::vector<Claim> claims;
  std::vector<Clock::time_point> wakes;
  for (std::size_t s = 0; s < shards_.size(); ++s) {
    if (routed[s].empty()) continue;
    Shard& shard = *shards_[s];
    wakes.clear();
    {
      std::lock_guard lock(shard.mu);
      for (const Routed& r : routed[s]) {
        const SpanSource& source = sources[r.source];
        if (const DecisionCache::Entry* kept = shard.sampled.find(r.id)) {
          metrics_.late_span_age.observe(
              std::chrono::duration<double>(now - kept->decided_at).count());
          metrics_.early_releases_sampled.add();
          const std::string* policy =
              config_.explain && kept->policy >= 0 ? &decider_.policy_name(kept->policy) : nullptr;
          late.add(*r.span, source, policy);
          continue;
        }
        if (const DecisionCache::Entry* gone = shard.not_sampled.find(r.id)) {
          metrics_.late_span_age.observe(
              std::chrono::duration<double>(now - gone->decided_at).count());
          metrics_.early_releases_not_sampled.add();
          metrics_.spans_not_sampled.add();
          continue;
        }
        if (const auto it = shard.deciding.find(r.id); it != shard.deciding.end()) {
          if (!it->second) it->second = std::make_unique<TraceData>();
          it->second->append(source, *r.span, shard.buffer.headers());
          continue;
        }
        BufferedTrace* trace = shard.buffer.find(r.id);
        if (trace == nullptr) {
          const Clock::time_point next = shard.buffer.next_timer();
          trace = &shard.buffer.create(r.id, now);
          metrics_.new_trace_id_received.add();
          if (trace->timer_at < next) wakes.push_back(trace->timer_at);
        }
        if (shard.buffer.append(*trace, source, *r.span, now)) wakes.push_back(trace->timer_at);
        if (config_.maximum_trace_size_bytes > 0 &&
            trace->data.encoded_bytes() > config_.maximum_trace_size_bytes) {
          // Not sampled at once, without policies (as the Collector); later spans follow.
          const std::unique_ptr<BufferedTrace> big = shard.buffer.take(r.id);
          shard.not_sampled.put(r.id, -1, now);
          metrics_.traces_dropped_too_large.add();
          metrics_.dropped_too_large.add(big->data.spans());
          logger_->debug("{}: a trace of {} spans exceeds maximum_trace_size_bytes", processor_,
                         big->data.spans());
        }
      }
      if (!config_.block_on_overflow) enforce_limits(shard, claims);
      sync(shard);
    }
    if (wake_) {
      for (const Clock::time_point due : wakes) wake_(s, due);
    }
    if (!claims.empty()) decide(shard, claims, now);
  }
  if (const std::size_t spans = late.spans(); spans > 0) {
    TraceBatch batch = std::move(*late.take());
    const std::uint64_t bytes = batch.arena_bytes();
    output_.push(std::move(batch), spans, bytes);
  }
  return ConsumeResult::ok();
}

std::uint64_t TailSampler::byte_limit() const {
  const std::uint64_t budget = config_.max_memory_bytes();
  const std::uint64_t queued = output_.queued_bytes();
  return (budget > queued ? budget - queued : 0) / shards_.size();
}

bool TailSampler::over_limits(const Shard& shard) const {
  return shard.traces.load(std::memory_order_relaxed) >= trace_limit_ ||
         shard.bytes.load(std::memory_order_relaxed) >= byte_limit();
}

void TailSampler::enforce_limits(Shard& shard, std::vector<Claim>& claims) {
  for (;;) {
    const bool too_many = shard.buffer.size() > trace_limit_;
    if (!too_many && shard.buffer.bytes() <= byte_limit()) return;
    BufferedTrace* oldest = shard.buffer.oldest();
    if (oldest == nullptr) return;
    claim(shard, shard.buffer.take(oldest->id), too_many ? Trigger::kTraceLimit : Trigger::kMemory,
          claims);
  }
}

void TailSampler::claim(Shard& shard, std::unique_ptr<BufferedTrace> trace, Trigger trigger,
                        std::vector<Claim>& claims) {
  shard.deciding.emplace(trace->id, nullptr);
  Claim& c = claims.emplace_back();
  c.early = trigger == Trigger::kWait && shard.buffer.early_by_root(*trace);
  c.trigger = trigger;
  c.trace = std::move(trace);
}

void TailSampler::evaluate(std::vector<Claim>& claims, Clock::time_point now) {
  for (Claim& c : claims) {
    c.spans = c.trace->data.spans();
    if (!c.trace->data.decode(c.batch.mutable_request())) {
      logger_->error("{}: a buffered trace did not decode; deciding on what did", processor_);
    }
    c.trace->data = TraceData();  // the decoded copy is the one kept
    const TraceView view{c.trace->id, c.batch.request(), c.spans, now};
    c.verdict = decider_.decide(view);
  }
}

void TailSampler::finalize(Shard& shard, std::vector<Claim>& claims, Clock::time_point now) {
  for (Claim& c : claims) {
    switch (c.trigger) {
      case Trigger::kWait:
        if (c.early) metrics_.decided_early.add();
        break;
      case Trigger::kMemory:
        metrics_.decided_on_memory_pressure.add();
        break;
      case Trigger::kTraceLimit:
        metrics_.decided_on_trace_limit.add();
        break;
      case Trigger::kShutdown:
        metrics_.decided_on_shutdown.add();
        break;
    }
    const TraceId& id = c.trace->id;
    std::unique_ptr<TraceData> meanwhile;
    if (const auto it = shard.deciding.find(id); it != shard.deciding.end()) {
      meanwhile = std::move(it->second);
      shard.deciding.erase(it);
    }
    if (c.verdict.sampled()) {
      shard.sampled.put(id, c.verdict.policy, now);
      if (meanwhile) {
        meanwhile->decode(c.batch.mutable_request());
        c.spans += meanwhile->spans();
      }
    } else {
      shard.not_sampled.put(id, -1, now);
      metrics_.spans_not_sampled.add(c.spans + (meanwhile ? meanwhile->spans() : 0));
    }
  }
  if (shard.buffer.size() == 0 || shard.buffer.headers().size() > 2 * shard.buffer.size() + 16) {
    shard.buffer.sweep_headers();
  }
  sync(shard);
}

void TailSampler::emit(std::vector<Claim>& claims) {
  for (Claim& c : claims) {
    if (!c.verdict.sampled()) continue;
    if (config_.explain && c.verdict.policy >= 0) {
      otlp::ExportRequest& request = c.batch.mutable_request();
      set_attribute_on_spans(request, "tailsampling.policy",
                             decider_.policy_name(c.verdict.policy));
      if (c.verdict.sub_policy != nullptr) {
        set_attribute_on_spans(request, "tailsampling.composite_policy", *c.verdict.sub_policy);
      }
    }
    const std::uint64_t bytes = c.batch.arena_bytes();
    output_.push(std::move(c.batch), c.spans, bytes);
  }
  claims.clear();
}

void TailSampler::decide(Shard& shard, std::vector<Claim>& claims, Clock::time_point now) {
  std::uint64_t freed_under_pressure = 0;
  for (const Claim& c : claims) {
    if (c.trigger == Trigger::kMemory) freed_under_pressure += c.trace->accounted_bytes;
  }
  evaluate(claims, now);
  {
    std::lock_guard lock(shard.mu);
    finalize(shard, claims, now);
  }
  emit(claims);
  // The buffer is at its budget and just freed traces other threads' arenas may not reuse.
  if (freed_under_pressure > 0) trimmer_.freed(freed_under_pressure);
}

Clock::time_point TailSampler::decide_due(std::size_t index, Clock::time_point now) {
  const auto started = std::chrono::steady_clock::now();
  Shard& shard = *shards_[index];
  std::vector<Claim> claims;
  Clock::time_point next;
  {
    std::lock_guard lock(shard.mu);
    for (std::size_t n = 0; n < kChunk; ++n) {
      BufferedTrace* due = shard.buffer.next_due(now);
      if (due == nullptr) break;
      claim(shard, shard.buffer.take(due->id), Trigger::kWait, claims);
    }
    next = claims.size() == kChunk ? now : shard.buffer.next_timer();
    sync(shard);
  }
  if (claims.empty()) return next;
  decide(shard, claims, now);
  metrics_.decision_timer_latency.observe(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
          .count());
  return next;
}

void TailSampler::decide_all() {
  const Clock::time_point now = clock_.now();
  for (const auto& ptr : shards_) {
    Shard& shard = *ptr;
    std::vector<Claim> claims;
    {
      std::lock_guard lock(shard.mu);
      for (auto& trace : shard.buffer.take_all()) {
        claim(shard, std::move(trace), Trigger::kShutdown, claims);
      }
      sync(shard);
    }
    if (!claims.empty()) decide(shard, claims, now);
  }
}

std::uint64_t TailSampler::drop_all() {
  std::uint64_t spans = 0;
  for (const auto& ptr : shards_) {
    std::lock_guard lock(ptr->mu);
    for (const auto& trace : ptr->buffer.take_all()) spans += trace->data.spans();
    ptr->buffer.sweep_headers();
    sync(*ptr);
  }
  metrics_.dropped_pending_on_shutdown.add(spans);
  return spans;
}

void TailSampler::sync(Shard& shard) {
  const std::size_t traces = shard.buffer.size();
  const std::uint64_t bytes = shard.buffer.bytes();
  // Unsigned wrap-around makes the deltas come out right in either direction.
  traces_.fetch_add(traces - shard.traces.exchange(traces, std::memory_order_relaxed),
                    std::memory_order_relaxed);
  bytes_.fetch_add(bytes - shard.bytes.exchange(bytes, std::memory_order_relaxed),
                   std::memory_order_relaxed);
  metrics_.traces_on_memory.set(static_cast<std::int64_t>(traces_.load(std::memory_order_relaxed)));
  metrics_.buffered_bytes.set(static_cast<std::int64_t>(bytes_.load(std::memory_order_relaxed)));
}

}  // namespace spanflow::processors::tail_sampling
