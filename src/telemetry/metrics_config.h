// service.telemetry.metrics: where the self-metrics are served (Prometheus pull).
#pragma once

#include <string>

#include "config/config_node.h"
#include "net/endpoint.h"

namespace spanflow::telemetry {

struct MetricsConfig {
  std::string level = "normal";               // none | basic | normal | detailed
  net::Endpoint endpoint{"127.0.0.1", 8888};  // served at /metrics

  bool enabled() const { return level != "none"; }
  // Accepts the Collector's `readers: [{pull: {exporter: {prometheus: {host, port}}}}]` and
  // the older `address: host:port`.
  static MetricsConfig parse(config::ConfigNode& node);
};

}  // namespace spanflow::telemetry
