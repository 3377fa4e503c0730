#include "core/heap_trim.h"

#include <algorithm>
#include <catch.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "telemetry/process_metrics.h"

using namespace std::chrono_literals;

TEST_CASE("HeapTrimmer trims once enough was freed, at most once per interval") {
  spanflow::HeapTrimmer trimmer(1000, 50ms);
  CHECK_FALSE(trimmer.freed(600));   // 600 < 1000
  CHECK(trimmer.freed(600));         // 1200: due, and no trim yet
  CHECK_FALSE(trimmer.freed(5000));  // enough bytes, but within the interval
  std::this_thread::sleep_for(60ms);
  CHECK(trimmer.freed(1));  // the 5000 still count
  std::this_thread::sleep_for(60ms);
  CHECK_FALSE(trimmer.freed(10));  // the count restarted after the trim
}

TEST_CASE("trim_heap gives memory freed by another thread back to the OS") {
  constexpr std::size_t kBlocks = 4096;
  constexpr std::size_t kBlock = 16 * 1024;  // below the mmap threshold: heap chunks
  std::vector<std::unique_ptr<char[]>> blocks;
  // Allocated on another thread (its own malloc arena), touched, then freed with a live
  // block after each run so the arena's top cannot shrink by itself.
  std::thread([&] {
    for (std::size_t i = 0; i < kBlocks; ++i) {
      blocks.push_back(std::make_unique_for_overwrite<char[]>(kBlock));
      std::fill_n(blocks.back().get(), kBlock, 'x');
    }
  }).join();
  for (std::size_t i = 0; i + 1 < kBlocks; ++i) blocks[i].reset();
  const auto before = static_cast<double>(spanflow::telemetry::process_rss_bytes());
  spanflow::trim_heap();
  const auto after = static_cast<double>(spanflow::telemetry::process_rss_bytes());
  INFO("RSS before " << before / 1e6 << " MB, after " << after / 1e6 << " MB");
  CHECK(before - after > 0.5 * kBlocks * kBlock);
}
