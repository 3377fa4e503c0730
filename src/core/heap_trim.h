// Giving freed heap memory back to the operating system.
//
// glibc's malloc keeps one arena per thread that allocated (up to 8 per core). Memory freed
// in bulk (a tail-sampling buffer deciding traces under memory pressure) goes back to the
// arenas of the threads that allocated it, while the next allocations come from whichever
// thread receives the next request, so resident memory can grow to the sum of the arenas'
// high-water marks. malloc_trim() returns the free pages of every arena to the OS; it walks
// all free chunks under each arena's lock, so it is rate-limited rather than called per free.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace spanflow {

// Returns every arena's free pages to the OS now.
void trim_heap();

// Calls trim_heap() after at least `min_bytes` were freed since the last trim, at most once
// per `min_interval`. Thread-safe; the thread that crosses both thresholds trims.
class HeapTrimmer {
 public:
  HeapTrimmer(std::uint64_t min_bytes, std::chrono::milliseconds min_interval)
      : min_bytes_(min_bytes), min_interval_(min_interval) {}

  // Records `bytes` freed; trims when due. True if this call trimmed.
  bool freed(std::uint64_t bytes);

 private:
  const std::uint64_t min_bytes_;
  const std::chrono::steady_clock::duration min_interval_;
  std::atomic<std::uint64_t> freed_{0};
  std::atomic<std::chrono::steady_clock::rep> last_trim_{0};
};

}  // namespace spanflow
