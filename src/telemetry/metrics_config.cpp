#include "telemetry/metrics_config.h"

namespace spanflow::telemetry {

MetricsConfig MetricsConfig::parse(config::ConfigNode& node) {
  MetricsConfig c;
  node.read_enum("level", c.level, {"none", "basic", "normal", "detailed"});
  std::string address;
  node.read("address", address);
  if (!address.empty()) {
    if (auto parsed = net::Endpoint::parse(address)) {
      c.endpoint = *parsed;
    } else {
      node.error_at("address",
                    "expected host:port (e.g. \"0.0.0.0:8888\"), found \"" + address + "\"");
    }
  }
  if (auto readers = node.child("readers")) {
    for (auto& reader : readers->items()) {
      auto pull = reader.required_child("pull");
      if (!pull) continue;
      auto exporter = pull->required_child("exporter");
      if (exporter) {
        if (auto prometheus = exporter->required_child("prometheus")) {
          prometheus->read("host", c.endpoint.host);
          int port = c.endpoint.port;
          prometheus->read("port", port);
          if (port < 0 || port > 65535) {
            prometheus->error_at("port", "must be between 0 and 65535");
          } else {
            c.endpoint.port = static_cast<std::uint16_t>(port);
          }
          prometheus->finish();
        }
        exporter->finish();
      }
      pull->finish();
      reader.finish();
    }
  }
  return c;
}

}  // namespace spanflow::telemetry
