// check_endpoint() (declared in config.h) lives apart from Config::parse so that it can be
// tested without linking the shared gRPC client and delivery parsers.
#include "exporters/jaeger/config.h"

namespace spanflow::exporters::jaeger {

void check_endpoint(config::ConfigNode& node) {
  using Kind = config::ConfigValue::Kind;
  if (node.kind() != Kind::kMap) return;
  const config::ConfigValue* endpoint = node.value().find("endpoint");
  if (endpoint == nullptr) return;
  if (endpoint->kind == Kind::kNull ||
      (endpoint->kind == Kind::kScalar && endpoint->scalar.empty())) {
    node.error_at("endpoint", "must have a non-empty \"endpoint\"");
  }
}

}  // namespace spanflow::exporters::jaeger
