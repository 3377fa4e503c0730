// Config of the `file_storage` extension (the Collector contrib's keys).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "config/config_node.h"

namespace spanflow::extensions::file_storage {

struct Config {
  std::string directory;  // required (the Collector defaults to /var/lib/otelcol/file_storage)
  bool create_directory = false;
  unsigned directory_permissions = 0750;  // octal string in YAML; with create_directory
  bool fsync = true;                      // spanflow: fdatasync each append (Collector: false)
  std::chrono::nanoseconds timeout = std::chrono::seconds(1);  // accepted
  std::uint64_t segment_size_mib = 8;                          // spanflow: roll-over size

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::extensions::file_storage
