// DecisionCache: the trace ids of recent decisions (one cache for sampled, one for not
// sampled), so late spans follow their trace's decision instead of starting a new trace.
//
// A fixed-capacity FIFO: when full, the oldest decision is forgotten first. Entries sit in a
// ring (32 bytes each) indexed by an open-addressing table of 32-bit slots (linear probing,
// backward-shift deletion, load <= 1/2), so an entry costs about 40-48 bytes and lookups never
// allocate. Capacity 0 turns the cache off. Not thread-safe: the owning shard's lock guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/clock.h"
#include "processors/tail_sampling/trace_id.h"

namespace spanflow::processors::tail_sampling {

class DecisionCache {
 public:
  struct Entry {
    TraceId id;
    Clock::time_point decided_at;
    std::int32_t policy = -1;  // the policy that sampled the trace, -1 for none
  };

  explicit DecisionCache(std::size_t capacity) : capacity_(capacity) {}

  // Remembers a decision (updating one already there); forgets the oldest when full.
  void put(const TraceId& id, std::int32_t policy, Clock::time_point decided_at);
  const Entry* find(const TraceId& id) const;

  std::size_t size() const { return ring_.size(); }
  std::size_t capacity() const { return capacity_; }
  // Heap bytes held by the ring and the index.
  std::size_t memory_bytes() const {
    return ring_.capacity() * sizeof(Entry) + table_.capacity() * sizeof(std::uint32_t);
  }

 private:
  std::size_t home(const TraceId& id) const { return id.hash() & (table_.size() - 1); }
  std::size_t slot_of(const TraceId& id) const;  // table index holding id, or npos
  void insert_slot(std::uint32_t ring_index);
  void erase_slot(std::size_t slot);
  void grow_table();

  static constexpr std::size_t kNotFound = static_cast<std::size_t>(-1);
  std::size_t capacity_;
  std::vector<Entry> ring_;
  std::size_t oldest_ = 0;            // ring index of the oldest entry once the ring is full
  std::vector<std::uint32_t> table_;  // ring index + 1; 0 = empty
};

}  // namespace spanflow::processors::tail_sampling
