// Config of the `tail_sampling` processor: the Collector's keys and defaults, plus spanflow's
// byte budget (`max_memory_mib`) and `explain`. docs/configuration.md documents every key.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "config/config_node.h"
#include "processors/tail_sampling/policy_config.h"

namespace spanflow::processors::tail_sampling {

struct DecisionCacheConfig {
  // Remembered decisions, so late spans follow them. On by default (the Collector's default,
  // 0, turns them off; an explicit 0 still does).
  static constexpr std::uint64_t kDefaultSize = 100'000;
  std::uint64_t sampled_cache_size = kDefaultSize;
  std::uint64_t non_sampled_cache_size = kDefaultSize;
};

struct Config {
  std::chrono::nanoseconds decision_wait = std::chrono::seconds(30);
  std::uint64_t num_traces = 50'000;
  std::uint64_t expected_new_traces_per_sec = 0;
  DecisionCacheConfig decision_cache;
  bool sample_on_first_match = false;
  bool drop_pending_traces_on_shutdown = false;
  bool block_on_overflow = false;
  std::uint64_t maximum_trace_size_bytes = 0;                     // 0: no limit
  std::chrono::nanoseconds decision_wait_after_root_received{0};  // 0: off
  std::uint32_t num_shards = 0;                                   // 0: one per core
  std::uint64_t max_memory_mib = 256;                             // buffered span data
  bool explain = false;  // `tailsampling.policy` on kept spans
  std::vector<PolicyConfig> policies;

  static Config parse(config::ConfigNode& node);

  // num_shards, or one per core (at most 64) when it is 0.
  std::size_t shard_count() const;
  std::uint64_t max_memory_bytes() const { return max_memory_mib * 1024 * 1024; }
};

}  // namespace spanflow::processors::tail_sampling
