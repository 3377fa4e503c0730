// Config of the `debug` exporter (and of the removed `logging` exporter it replaces).
#pragma once

#include <string>

#include "config/config_node.h"

namespace spanflow::exporters::debug {

struct Config {
  std::string verbosity = "basic";  // basic: a line per batch; normal: per span; detailed: all
  int sampling_initial = 2;         // accepted for compatibility; every batch is logged
  int sampling_thereafter = 1;
  bool use_internal_logger = true;

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::exporters::debug
