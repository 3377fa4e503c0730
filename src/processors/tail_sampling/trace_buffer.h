// TraceBuffer: one shard's undecided traces, with their decision timers and arrival order.
//
// Spans are kept encoded (trace_data.h); memory is accounted from the heap the trace's
// buffers hold, the shard's pooled headers, and fixed per-trace bookkeeping (kTraceOverhead),
// which is what `max_memory_mib` bounds.
//
// Timers are a min-heap of (time, trace) with lazy deletion: a trace whose deadline moved
// later is re-armed when its old entry fires; stale entries (traces decided by other paths)
// are skipped, and compacted away when they outnumber live ones.
// Not thread-safe: the owning shard's lock guards every call.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "processors/tail_sampling/trace_data.h"
#include "processors/tail_sampling/trace_id.h"

namespace spanflow::processors::tail_sampling {

struct BufferedTrace {
  TraceId id;
  std::uint64_t seq = 0;  // tells this trace from an earlier one with the same id
  TraceData data;
  std::uint64_t accounted_bytes = 0;
  Clock::time_point first_arrival;
  Clock::time_point last_arrival;
  Clock::time_point timer_at;  // the live heap entry's time
  bool root_seen = false;
};

struct BufferTiming {
  Clock::duration decision_wait{};
  Clock::duration wait_after_root{};  // 0: off
};

class TraceBuffer {
 public:
  // Bookkeeping per trace besides its span bytes: the record, the map node and bucket, and two
  // heap/FIFO entries (stale ones are compacted to at most as many as live ones).
  static const std::size_t kTraceOverhead;

  TraceBuffer(const BufferTiming& timing, std::size_t expected_traces);

  // The trace, or null.
  BufferedTrace* find(const TraceId& id);
  // A new trace first seen at `now`, with its decision timer armed.
  BufferedTrace& create(const TraceId& id, Clock::time_point now);
  // Appends `span` to the trace; updates accounting. Returns true when the span is the root
  // span (no parent) and moved the deadline earlier, re-arming the timer: the caller wakes the
  // decision thread if that is sooner than it planned.
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
  std::uint64_t bytes() const { return bytes_ + headers_.bytes(); }
  // Every trace, oldest first, taken out (shutdown).
  std::vector<std::unique_ptr<BufferedTrace>> take_all();
  // The shard's pooled resource and scope headers (for spans held outside the buffer).
  HeaderPool& headers() { return headers_; }
  // Forgets pooled headers no trace holds any more (call after traces were released).
  void sweep_headers() { headers_.sweep(); }

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
  HeaderPool headers_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t bytes_ = 0;  // accounted bytes of the traces
};

}  // namespace spanflow::processors::tail_sampling
