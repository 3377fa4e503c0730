// The gRPC client settings network exporters share (the Collector's configgrpc client
// block) and the channel built from them.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/config_node.h"

namespace grpc {
class Channel;
}

namespace spanflow::exporters {

struct TlsClientConfig {
  bool insecure = false;  // plaintext, no TLS at all
  bool insecure_skip_verify = false;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name_override;

  static TlsClientConfig parse(config::ConfigNode& node);
};

struct GrpcClientConfig {
  std::string endpoint;  // host:port (a dns:/// target is accepted)
  TlsClientConfig tls;
  std::map<std::string, std::string> headers;   // sent as metadata with every call
  std::string compression;                      // "", none, gzip
  bool use_google_default_credentials = false;  // Pub/Sub in production

  // Reads endpoint (required unless `required_endpoint` is false), tls, headers, compression.
  static GrpcClientConfig parse(config::ConfigNode& node, bool required_endpoint = true);
};

// A channel for the config; throws std::runtime_error naming the file when a TLS file cannot
// be read.
std::shared_ptr<grpc::Channel> make_channel(const GrpcClientConfig& config);

}  // namespace spanflow::exporters
