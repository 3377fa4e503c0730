// Config of the `otlp` receiver (Collector keys and defaults).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/config_node.h"
#include "net/endpoint.h"
#include "net/tls_server.h"

namespace spanflow::receivers::otlp {

struct GrpcConfig {
  net::Endpoint endpoint{"localhost", 4317};
  std::uint64_t max_recv_msg_size_mib = 4;
  // gRPC 1.51 cannot be told TLS versions: it offers 1.2 and 1.3 whatever the block says, so
  // parse() refuses a min_version of 1.3 and a max_version below 1.3.
  std::optional<net::TlsServerConfig> tls;
};

struct HttpConfig {
  net::Endpoint endpoint{"localhost", 4318};
  std::string traces_url_path = "/v1/traces";
  std::uint64_t max_request_body_size = 20 * 1024 * 1024;  // bytes, before and after decompression
  std::optional<net::TlsServerConfig> tls;
};

struct Config {
  std::optional<GrpcConfig> grpc;  // present in config = enabled
  std::optional<HttpConfig> http;

  static Config parse(config::ConfigNode& node);
};

// Reads an "host:port" key into `out`, with an error naming the expected form.
void read_endpoint(config::ConfigNode& node, std::string_view key, net::Endpoint& out);

}  // namespace spanflow::receivers::otlp
