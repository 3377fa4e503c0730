#include "exporters/jaeger/config.h"

namespace spanflow::exporters::jaeger {

Config Config::parse(config::ConfigNode& node) {
  Config c;
  c.client = GrpcClientConfig::parse(node, /*required_endpoint=*/true);
  c.delivery = DeliveryConfig::parse(node);
  check_endpoint(node);
  return c;
}

}  // namespace spanflow::exporters::jaeger
