#include "receivers/otlp/config.h"

namespace spanflow::receivers::otlp {

void read_endpoint(config::ConfigNode& node, std::string_view key, net::Endpoint& out) {
  std::string text;
  node.read(key, text);
  if (text.empty()) return;
  if (auto parsed = net::Endpoint::parse(text)) {
    out = *parsed;
  } else {
    node.error_at(
        key, "expected an endpoint as host:port (e.g. \"0.0.0.0:4317\"), found \"" + text + "\"");
  }
}

Config Config::parse(config::ConfigNode& node) {
  Config c;
  auto protocols = node.required_child("protocols");
  if (!protocols) return c;
  if (auto grpc = protocols->child("grpc")) {
    c.grpc.emplace();
    read_endpoint(*grpc, "endpoint", c.grpc->endpoint);
    grpc->read("max_recv_msg_size_mib", c.grpc->max_recv_msg_size_mib);
    if (c.grpc->max_recv_msg_size_mib == 0) c.grpc->max_recv_msg_size_mib = 4;
    grpc->finish();
  }
  if (auto http = protocols->child("http")) {
    c.http.emplace();
    read_endpoint(*http, "endpoint", c.http->endpoint);
    http->read("traces_url_path", c.http->traces_url_path);
    if (c.http->traces_url_path.empty() || c.http->traces_url_path.front() != '/') {
      c.http->traces_url_path = "/" + c.http->traces_url_path;
    }
    http->read("max_request_body_size", c.http->max_request_body_size);
    if (c.http->max_request_body_size == 0) c.http->max_request_body_size = 20 * 1024 * 1024;
    http->finish();
  }
  if (!c.grpc && !c.http) {
    protocols->error("must specify at least one protocol", "add 'grpc:' and/or 'http:'");
  }
  protocols->finish();
  return c;
}

}  // namespace spanflow::receivers::otlp
