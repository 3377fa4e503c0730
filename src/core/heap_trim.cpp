#include "core/heap_trim.h"

#include <malloc.h>

namespace spanflow {

void trim_heap() {
  malloc_trim(0);
}

bool HeapTrimmer::freed(std::uint64_t bytes) {
  if (freed_.fetch_add(bytes, std::memory_order_relaxed) + bytes < min_bytes_) return false;
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  auto last = last_trim_.load(std::memory_order_relaxed);
  if (now - last < min_interval_.count()) return false;
  if (!last_trim_.compare_exchange_strong(last, now, std::memory_order_relaxed)) return false;
  freed_.store(0, std::memory_order_relaxed);
  trim_heap();
  return true;
}

}  // namespace spanflow
