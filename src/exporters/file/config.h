// Config of the `file` exporter (Collector keys and defaults).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "config/config_node.h"

namespace spanflow::exporters::file {

struct RotationConfig {
  std::uint64_t max_megabytes = 100;
  int max_days = 0;  // 0 = keep regardless of age
  int max_backups = 100;
  bool localtime = false;
};

struct Config {
  std::string path;
  std::string format = "json";  // json: OTLP/JSON, one request per line; proto: length-prefixed
  bool append = false;
  bool create_directory = false;
  std::chrono::nanoseconds flush_interval = std::chrono::seconds(1);
  std::optional<RotationConfig> rotation;  // present in config = enabled

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::exporters::file
