#include "exporters/otlp_grpc/config.h"

namespace spanflow::exporters::otlp_grpc {

Config Config::parse(config::ConfigNode& node) {
  Config c;
  c.client = GrpcClientConfig::parse(node);
  if (c.client.compression.empty()) c.client.compression = "gzip";
  c.delivery = DeliveryConfig::parse(node);
  return c;
}

}  // namespace spanflow::exporters::otlp_grpc
