#include "processors/tail_sampling/decision_cache.h"

namespace spanflow::processors::tail_sampling {

std::size_t DecisionCache::slot_of(const TraceId& id) const {
  if (table_.empty()) return kNotFound;
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = home(id);; i = (i + 1) & mask) {
    const std::uint32_t slot = table_[i];
    if (slot == 0) return kNotFound;
    if (ring_[slot - 1].id == id) return i;
  }
}

const DecisionCache::Entry* DecisionCache::find(const TraceId& id) const {
  const std::size_t i = slot_of(id);
  return i == kNotFound ? nullptr : &ring_[table_[i] - 1];
}

void DecisionCache::put(const TraceId& id, std::int32_t policy, Clock::time_point decided_at) {
  if (capacity_ == 0) return;
  if (const std::size_t i = slot_of(id); i != kNotFound) {
    Entry& entry = ring_[table_[i] - 1];
    entry.policy = policy;
    entry.decided_at = decided_at;
    return;
  }
  if (ring_.size() < capacity_) {
    if ((ring_.size() + 1) * 2 > table_.size()) grow_table();
    ring_.push_back({id, decided_at, policy});
    insert_slot(static_cast<std::uint32_t>(ring_.size() - 1));
    return;
  }
  erase_slot(slot_of(ring_[oldest_].id));
  ring_[oldest_] = {id, decided_at, policy};
  insert_slot(static_cast<std::uint32_t>(oldest_));
  oldest_ = (oldest_ + 1) % capacity_;
}

void DecisionCache::insert_slot(std::uint32_t ring_index) {
  const std::size_t mask = table_.size() - 1;
  std::size_t i = home(ring_[ring_index].id);
  while (table_[i] != 0) i = (i + 1) & mask;
  table_[i] = ring_index + 1;
}

void DecisionCache::erase_slot(std::size_t slot) {
  const std::size_t mask = table_.size() - 1;
  std::size_t hole = slot;
  for (std::size_t j = (slot + 1) & mask; table_[j] != 0; j = (j + 1) & mask) {
    const std::size_t k = home(ring_[table_[j] - 1].id);
    // The entry at j may stay if its home lies cyclically in (hole, j].
    const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
    if (stays) continue;
    table_[hole] = table_[j];
    hole = j;
  }
  table_[hole] = 0;
}

void DecisionCache::grow_table() {
  std::size_t size = table_.empty() ? 16 : table_.size() * 2;
  table_.assign(size, 0);
  for (std::size_t r = 0; r < ring_.size(); ++r) insert_slot(static_cast<std::uint32_t>(r));
}

}  // namespace spanflow::processors::tail_sampling
