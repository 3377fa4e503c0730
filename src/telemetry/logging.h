// The daemon's logger: spdlog to stderr, console or JSON lines (service.telemetry.logs).
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "config/config_node.h"

namespace spanflow::telemetry {

struct LogsConfig {
  std::string level = "info";        // debug | info | warn | error
  std::string encoding = "console";  // console | json

  static LogsConfig parse(config::ConfigNode& node);
};

// A new logger named `name` writing to stderr; owned by the caller, never registered globally.
std::shared_ptr<spdlog::logger> make_logger(const LogsConfig& config,
                                            const std::string& name = "spanflow");

}  // namespace spanflow::telemetry
