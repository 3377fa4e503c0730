// Config of the `health_check` extension.
#pragma once

#include <optional>
#include <string>

#include "config/config_node.h"
#include "net/endpoint.h"
#include "net/tls_server.h"

namespace spanflow::extensions::health_check {

struct Config {
  net::Endpoint endpoint{"0.0.0.0", 13133};
  std::string path = "/";
  std::optional<net::TlsServerConfig> tls;  // HTTPS, as the OTLP receiver's http protocol

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::extensions::health_check
