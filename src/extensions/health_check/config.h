// Config of the `health_check` extension.
#pragma once

#include <string>

#include "config/config_node.h"
#include "net/endpoint.h"

namespace spanflow::extensions::health_check {

struct Config {
  net::Endpoint endpoint{"0.0.0.0", 13133};
  std::string path = "/";

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::extensions::health_check
