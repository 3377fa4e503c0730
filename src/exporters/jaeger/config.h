// Config of the `jaeger` exporter: the removed Collector jaeger exporter's keys. The gRPC client
// block (endpoint, tls, headers, compression) and the delivery keys (timeout, retry_on_failure,
// sending_queue) are the shared ones, with their shared defaults.
#pragma once

#include "config/config_node.h"
#include "exporters/common/delivery_config.h"
#include "exporters/common/grpc_client.h"

namespace spanflow::exporters::jaeger {

struct Config {
  GrpcClientConfig client;  // endpoint: the Jaeger collector's gRPC port, usually host:14250
  DeliveryConfig delivery;

  static Config parse(config::ConfigNode& node);
};

// The exporter's own rule, on top of the shared parsers: an endpoint given empty or null is an
// error, `must have a non-empty "endpoint"` (the Collector's text). A missing endpoint is
// reported by GrpcClientConfig::parse, a wrongly typed one by the typed reader. There is no
// default port: as in the Collector, the endpoint is a gRPC target used as given.
void check_endpoint(config::ConfigNode& node);

}  // namespace spanflow::exporters::jaeger
