// Config of the `memory_limiter` processor (Collector keys; limits in MiB or percent).
#pragma once

#include <chrono>
#include <cstdint>

#include "config/config_node.h"

namespace spanflow::processors::memory_limiter {

struct Config {
  std::chrono::nanoseconds check_interval{0};  // required, > 0
  std::uint32_t limit_mib = 0;
  std::uint32_t spike_limit_mib = 0;  // default: 20% of limit_mib
  std::uint32_t limit_percentage = 0;
  std::uint32_t spike_limit_percentage = 0;  // default: 20% of limit_percentage

  static Config parse(config::ConfigNode& node);
};

// The hard and soft limits in bytes for a machine (or cgroup) with `total_memory` bytes.
struct Limits {
  std::uint64_t hard = 0;
  std::uint64_t soft = 0;
};
Limits limits_for(const Config& config, std::uint64_t total_memory);

// The memory this process may use: the cgroup v2 or v1 limit when one is set, else physical
// memory. `root` is the filesystem root to read from (tests pass a fake one).
std::uint64_t total_memory(const std::string& root = "/");

}  // namespace spanflow::processors::memory_limiter
