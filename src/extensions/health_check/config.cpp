#include "extensions/health_check/config.h"

namespace spanflow::extensions::health_check {

Config Config::parse(config::ConfigNode& node) {
  Config c;
  std::string endpoint;
  node.read("endpoint", endpoint);
  if (!endpoint.empty()) {
    if (auto parsed = net::Endpoint::parse(endpoint)) {
      c.endpoint = *parsed;
    } else {
      node.error_at("endpoint",
                    "expected an endpoint as host:port (e.g. \"0.0.0.0:13133\"), "
                    "found \"" +
                        endpoint + "\"");
    }
  }
  node.read("path", c.path);
  if (c.path.empty() || c.path.front() != '/') c.path = "/" + c.path;
  if (auto tls = node.child("tls"); tls && !tls->is_null())
    c.tls = net::TlsServerConfig::parse(*tls);
  return c;
}

}  // namespace spanflow::extensions::health_check
