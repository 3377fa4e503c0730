// TraceBuffer: one shard's undecided traces, with their decision timers and arrival order.
//
// Each trace keeps its spans in its own TraceBatch (one protobuf arena per trace): a span is
// copied once, under a copy of its resource and scope that every later span with the same
// resource and scope shares, so a decided trace leaves as a ready request with no further
// copy. Memory is accounted from the arena's allocated bytes plus fixed per-trace bookkeeping
// (see kTraceOverhead), which is what `max_memory_mib` bounds.
//
// Timers are a min-heap of (time, trace) with lazy deletion: a trace whose deadline moved
// later is re-armed when its old entry fires; stale entries (traces decided by other paths)
// are skipped and compacted away when they outnumber live ones.
// Not thread-safe: the owning shard's lock guards every call.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/trace_batch.h"
#include "processors/tail_sampling/trace_id.h"

namespace spanflow::processors::tail_sampling {

// Where an incoming span came from: its resource and scope, with keys (hashes of their
// serialized contents) computed once per incoming ResourceSpans / ScopeSpans.
struct SpanSource {
  const otlp::ResourceSpans* resource = nullptr;
  const otlp::ScopeSpans* scope = nullptr;
  std::uint64_t resource_key = 0;
  std::uint64_t scope_key = 0;
};

// Arena blocks of a buffered trace: start small, since most traces are a few KiB.
inline constexpr ArenaSizing kTraceArenaSizing{1024, 64 * 1024};

struct BufferedTrace {
  // A resource/scope pair already copied into `batch`.
  struct Header {
    std::uint64_t resource_key;
    std::uint64_t scope_key;
    otlp::ResourceSpans* resource;
    otlp::ScopeSpans* scope;
  };

  TraceId id;
  std::uint64_t seq = 0;  // tells this trace from an earlier one with the same id
  TraceBatch batch{kTraceArenaSizing};
  std::vector<Header> headers;
  std::uint64_t spans = 0;
  std::uint64_t encoded_bytes = 0;  // OTLP size of the spans (when maximum_trace_size_bytes is set)
  std::uint64_t accounted_bytes = 0;
  Clock::time_point first_arrival;
  Clock::time_point last_arrival;
  Clock::time_point timer_at;  // the live heap entry's time
  bool root_seen = false;
};

struct BufferTiming {
  Clock::duration decision_wait{};
  Clock::duration wait_after_root{};  // 0: off
  bool track_encoded_size = false;
};

class TraceBuffer {
 public:
  // Bookkeeping per trace besides its arena: the trace record, the batch's payload and
  // control block, the map node, and two heap/FIFO entries (stale ones are compacted to at
  // most as many as live ones).
  static const std::size_t kTraceOverhead;

  TraceBuffer(const BufferTiming& timing, std::size_t expected_traces);

  // The trace, or null.
  BufferedTrace* find(const TraceId& id);
  // A new trace first seen at `now`, with its decision timer armed.
  BufferedTrace& create(const TraceId& id, Clock::time_point now);
  // Copies `span` (under `source`'s resource and scope) into the trace; updates accounting.
  // Returns true when the span is a root span (no parent) and moved the deadline earlier,
  // re-arming the timer: the caller wakes the decision thread if that is sooner than planned.
  bool append(BufferedTrace& trace, const SpanSource& source, const otlp::Span& span,
              Clock::time_point now);
  // Removes a trace from the buffer and hands it over.
  std::unique_ptr<BufferedTrace> take(const TraceId& id);

  // When the trace should be decided: decision_wait after its first span, or (once its root
  // span arrived) wait_after_root after its last span if that is sooner.
  Clock::time_point deadline(const BufferedTrace& trace) const;
  // True when that deadline comes from the root-span rule.
  bool early_by_root(const BufferedTrace& trace) const;
  // The next trace due at `now` (its timer consumed), or null.
  BufferedTrace* next_due(Clock::time_point now);
  // When the next timer fires; time_point::max() when none.
  Clock::time_point next_timer() const;
  // The trace that arrived first among those still here, or null.
  BufferedTrace* oldest();

  std::size_t size() const { return traces_.size(); }
  std::uint64_t bytes() const { return bytes_; }
  // Every trace, oldest first, taken out (shutdown).
  std::vector<std::unique_ptr<BufferedTrace>> take_all();

 private:
  struct Timer {
    Clock::time_point at;
    TraceId id;
    std::uint64_t seq;
    bool operator>(const Timer& other) const { return at > other.at; }
  };
  struct Arrival {
    TraceId id;
    std::uint64_t seq;
  };

  void arm(BufferedTrace& trace, Clock::time_point at);
  bool live(const TraceId& id, std::uint64_t seq) const;
  void account(BufferedTrace& trace);
  void compact();

  BufferTiming timing_;
  std::unordered_map<TraceId, std::unique_ptr<BufferedTrace>, TraceIdHash> traces_;
  std::vector<Timer> timers_;  // a min-heap (std::push_heap with std::greater)
  std::deque<Arrival> arrivals_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t bytes_ = 0;
};

}  // namespace spanflow::processors::tail_sampling
