// Config of the `batch` processor (Collector keys and defaults).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config_node.h"

namespace spanflow::processors::batch {

struct Config {
  std::uint32_t send_batch_size = 8192;                               // spans that trigger a send
  std::chrono::nanoseconds timeout = std::chrono::milliseconds(200);  // 0: send at once
  std::uint32_t send_batch_max_size = 0;  // 0: no cap; else larger batches are split
  std::vector<std::string> metadata_keys;
  std::uint32_t metadata_cardinality_limit = 1000;

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::processors::batch
