// Config of the `otlp_grpc` exporter (alias `otlp`): the Collector's keys and defaults.
#pragma once

#include "config/config_node.h"
#include "exporters/common/delivery_config.h"
#include "exporters/common/grpc_client.h"

namespace spanflow::exporters::otlp_grpc {

struct Config {
  GrpcClientConfig client;  // compression defaults to gzip
  DeliveryConfig delivery;

  std::vector<ComponentId> required_extensions() const { return delivery.required_extensions(); }

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::exporters::otlp_grpc
