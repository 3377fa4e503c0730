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

namespace {

// The protocol's `tls` block; absent or null is plaintext. gRPC 1.51's C++ API has no TLS
// version settings (it always offers 1.2 and 1.3), so versions it would ignore are errors.
std::optional<net::TlsServerConfig> read_tls(config::ConfigNode& protocol, bool grpc) {
  auto node = protocol.child("tls");
  if (!node || node->is_null()) return std::nullopt;
  net::TlsServerConfig tls = net::TlsServerConfig::parse(*node);
  if (!grpc) return tls;
  const std::string hint =
      "gRPC 1.51 always offers TLS 1.2 and 1.3; the http protocol can "
      "enforce it";
  if (tls.min_version == "1.3") {
    node->error_at("min_version", "\"1.3\" cannot be enforced by the gRPC receiver", hint);
  }
  if (!tls.max_version.empty() && tls.max_version != "1.3") {
    node->error_at("max_version",
                   "\"" + tls.max_version + "\" cannot be enforced by the gRPC receiver", hint);
  }
  return tls;
}

}  // namespace

Config Config::parse(config::ConfigNode& node) {
  Config c;
  auto protocols = node.required_child("protocols");
  if (!protocols) return c;
  if (auto grpc = protocols->child("grpc")) {
    c.grpc.emplace();
    read_endpoint(*grpc, "endpoint", c.grpc->endpoint);
    grpc->read("max_recv_msg_size_mib", c.grpc->max_recv_msg_size_mib);
    if (c.grpc->max_recv_msg_size_mib == 0) c.grpc->max_recv_msg_size_mib = 4;
    c.grpc->tls = read_tls(*grpc, true);
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
    c.http->tls = read_tls(*http, false);
    http->finish();
  }
  if (!c.grpc && !c.http) {
    protocols->error("must specify at least one protocol", "add 'grpc:' and/or 'http:'");
  }
  protocols->finish();
  return c;
}

}  // namespace spanflow::receivers::otlp
