#include "exporters/otlp_http/config.h"

namespace spanflow::exporters::otlp_http {

Config Config::parse(config::ConfigNode& node) {
  Config c;
  node.read("endpoint", c.endpoint);
  node.read("traces_endpoint", c.traces_endpoint);
  if (c.endpoint.empty() && c.traces_endpoint.empty()) {
    node.error("at least one of 'endpoint' or 'traces_endpoint' must be set",
               "e.g. endpoint: http://gateway:4318");
  } else {
    std::string error;
    if (auto url = parse_url(traces_url(c.endpoint, c.traces_endpoint), error)) {
      c.url = *url;
    } else {
      node.error_at(c.traces_endpoint.empty() ? "endpoint" : "traces_endpoint", error);
    }
  }
  if (auto tls = node.child("tls"); tls && !tls->is_null()) c.tls = TlsClientConfig::parse(*tls);
  if (auto headers = node.child("headers")) {
    for (auto& [name, value] : headers->entries()) {
      if (auto text = value.as_string()) c.headers[name] = *text;
    }
  }
  std::string compression = c.compression;
  node.read("compression", compression);
  if (compression == "gzip") {
    c.compression = "gzip";
  } else if (compression == "none" || compression.empty()) {
    c.compression = "none";
  } else {
    node.error_at("compression", "\"" + compression + "\" is not supported by spanflow",
                  "use gzip or none");
  }
  node.read_enum("encoding", c.encoding, {"proto", "json"});
  c.delivery = DeliveryConfig::parse(node);
  return c;
}

}  // namespace spanflow::exporters::otlp_http
