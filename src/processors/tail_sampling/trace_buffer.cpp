#include "processors/tail_sampling/trace_buffer.h"

#include <algorithm>
#include <functional>

namespace spanflow::processors::tail_sampling {

namespace {

// A root span has no parent: an empty or all-zero parent span id.
bool is_root(const otlp::Span& span) {
  const std::string& parent = span.parent_span_id();
  return std::all_of(parent.begin(), parent.end(), [](char c) { return c == 0; });
}

}  // namespace

// The trace record, the map node (key, pointer, next, cached hash) and bucket, two heap/FIFO
// entries, and malloc's per-chunk headers (16 bytes) for the record and the node.
const std::size_t TraceBuffer::kTraceOverhead = sizeof(BufferedTrace) + (sizeof(TraceId) + 24) + 8 +
                                                2 * (sizeof(Timer) + sizeof(Arrival)) + 2 * 16;

TraceBuffer::TraceBuffer(const BufferTiming& timing, std::size_t expected_traces)
    : timing_(timing) {
  traces_.reserve(expected_traces);
}

BufferedTrace* TraceBuffer::find(const TraceId& id) {
  const auto it = traces_.find(id);
  return it == traces_.end() ? nullptr : it->second.get();
}

BufferedTrace& TraceBuffer::create(const TraceId& id, Clock::time_point now) {
  auto trace = std::make_unique<BufferedTrace>();
  BufferedTrace& ref = *trace;
  ref.id = id;
  ref.seq = next_seq_++;
  ref.first_arrival = now;
  ref.last_arrival = now;
  traces_.emplace(id, std::move(trace));
  arrivals_.push_back({id, ref.seq});
  arm(ref, deadline(ref));
  account(ref);
  return ref;
}

bool TraceBuffer::append(BufferedTrace& trace, const SpanSource& source, const otlp::Span& span,
                         Clock::time_point now) {
  trace.data.append(source, span, headers_);
  trace.last_arrival = now;
  account(trace);

  if (trace.root_seen || !is_root(span)) return false;
  trace.root_seen = true;
  if (timing_.wait_after_root.count() <= 0) return false;
  const Clock::time_point due = deadline(trace);
  if (due >= trace.timer_at) return false;
  arm(trace, due);
  return true;
}

std::unique_ptr<BufferedTrace> TraceBuffer::take(const TraceId& id) {
  const auto it = traces_.find(id);
  if (it == traces_.end()) return nullptr;
  std::unique_ptr<BufferedTrace> trace = std::move(it->second);
  traces_.erase(it);
  bytes_ -= trace->accounted_bytes;
  compact();
  return trace;
}

Clock::time_point TraceBuffer::deadline(const BufferedTrace& trace) const {
  const Clock::time_point waited = trace.first_arrival + timing_.decision_wait;
  if (!trace.root_seen || timing_.wait_after_root.count() <= 0) return waited;
  return std::min(waited, trace.last_arrival + timing_.wait_after_root);
}

bool TraceBuffer::early_by_root(const BufferedTrace& trace) const {
  return trace.root_seen && timing_.wait_after_root.count() > 0 &&
         trace.last_arrival + timing_.wait_after_root < trace.first_arrival + timing_.decision_wait;
}

BufferedTrace* TraceBuffer::next_due(Clock::time_point now) {
  while (!timers_.empty() && timers_.front().at <= now) {
    const Timer timer = timers_.front();
    std::pop_heap(timers_.begin(), timers_.end(), std::greater<>());
    timers_.pop_back();
    const auto it = traces_.find(timer.id);
    if (it == traces_.end() || it->second->seq != timer.seq || it->second->timer_at != timer.at) {
      continue;  // stale: decided by another path, or re-armed since
    }
    BufferedTrace& trace = *it->second;
    const Clock::time_point due = deadline(trace);
    if (due > now) {
      arm(trace, due);  // a root-decided trace kept receiving spans: wait for quiet
      continue;
    }
    trace.timer_at = Clock::time_point::max();
    return &trace;
  }
  return nullptr;
}

Clock::time_point TraceBuffer::next_timer() const {
  return timers_.empty() ? Clock::time_point::max() : timers_.front().at;
}

BufferedTrace* TraceBuffer::oldest() {
  while (!arrivals_.empty()) {
    const Arrival& front = arrivals_.front();
    if (live(front.id, front.seq)) return traces_.find(front.id)->second.get();
    arrivals_.pop_front();
  }
  return nullptr;
}

std::vector<std::unique_ptr<BufferedTrace>> TraceBuffer::take_all() {
  std::vector<std::unique_ptr<BufferedTrace>> out;
  out.reserve(traces_.size());
  for (const Arrival& arrival : arrivals_) {
    const auto it = traces_.find(arrival.id);
    if (it == traces_.end() || it->second->seq != arrival.seq) continue;
    out.push_back(std::move(it->second));
    traces_.erase(it);
  }
  traces_.clear();
  timers_.clear();
  arrivals_.clear();
  bytes_ = 0;
  return out;
}

void TraceBuffer::arm(BufferedTrace& trace, Clock::time_point at) {
  trace.timer_at = at;
  timers_.push_back({at, trace.id, trace.seq});
  std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
}

bool TraceBuffer::live(const TraceId& id, std::uint64_t seq) const {
  const auto it = traces_.find(id);
  return it != traces_.end() && it->second->seq == seq;
}

void TraceBuffer::account(BufferedTrace& trace) {
  const std::uint64_t now_bytes = trace.data.memory_bytes() + kTraceOverhead;
  bytes_ = bytes_ - trace.accounted_bytes + now_bytes;
  trace.accounted_bytes = now_bytes;
}

void TraceBuffer::compact() {
  const std::size_t allowed = 2 * traces_.size() + 64;
  if (timers_.size() > allowed) {
    std::erase_if(timers_, [this](const Timer& t) {
      const auto it = traces_.find(t.id);
      return it == traces_.end() || it->second->seq != t.seq || it->second->timer_at != t.at;
    });
    std::make_heap(timers_.begin(), timers_.end(), std::greater<>());
  }
  if (arrivals_.size() > allowed) {
    std::erase_if(arrivals_, [this](const Arrival& a) { return !live(a.id, a.seq); });
  }
}

}  // namespace spanflow::processors::tail_sampling
