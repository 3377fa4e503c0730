// The gRPC client settings network exporters share (the Collector's configgrpc client
// block), the channel built from them, and the OTLP reading of a call's status.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/config_node.h"
#include "core/component.h"
#include "exporters/common/sender.h"

namespace grpc {
class Channel;
class ClientContext;
class Status;
template <class RequestType, class ResponseType>
class TemplatedGenericStub;
class ByteBuffer;
using GenericStub = TemplatedGenericStub<ByteBuffer, ByteBuffer>;
}  // namespace grpc

namespace google::protobuf {
class MessageLite;
}  // namespace google::protobuf

namespace spanflow::exporters {

struct TlsClientConfig {
  bool insecure = false;  // plaintext, no TLS at all
  bool insecure_skip_verify = false;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name_override;

  // Reads the `tls` block (and reports its unknown keys).
  static TlsClientConfig parse(config::ConfigNode& node);
};

struct KeepaliveClientConfig {
  std::chrono::nanoseconds time{0};     // ping after this long without activity; 0 = off
  std::chrono::nanoseconds timeout{0};  // wait this long for the ping's answer; 0 = gRPC's 20 s
  bool permit_without_stream = false;
};

struct GrpcClientConfig {
  // host:port; "http://" forces plaintext and "https://" forces TLS (the scheme is stripped),
  // other gRPC targets (dns:///host:port, unix:path) are passed on as they are.
  std::string endpoint;
  TlsClientConfig tls;
  std::map<std::string, std::string> headers;   // sent as metadata with every call
  std::string compression;                      // "", none, gzip
  bool use_google_default_credentials = false;  // Pub/Sub in production
  std::string balancer_name = "round_robin";    // round_robin | pick_first
  std::string authority;                        // overrides the :authority header
  std::optional<KeepaliveClientConfig> keepalive;

  // Reads endpoint (required unless `required_endpoint` is false), tls, headers, compression,
  // balancer_name, authority, keepalive. Header names are lowercased (gRPC metadata).
  static GrpcClientConfig parse(config::ConfigNode& node, bool required_endpoint = true);
};

// A channel for the config (it connects lazily); throws std::runtime_error naming the file
// when a TLS file cannot be read.
std::shared_ptr<grpc::Channel> make_channel(const GrpcClientConfig& config);

// One blocking unary call of `method` ("/package.Service/Method") with `request` serialized
// exactly once, straight into the slice gRPC sends (its protobuf path sizes every message
// twice). `response` is parsed from the reply; a reply that does not parse is INTERNAL.
grpc::Status unary_call(grpc::GenericStub& stub, grpc::ClientContext& context,
                        const std::string& method, const google::protobuf::MessageLite& request,
                        google::protobuf::MessageLite& response);
// The same with a batch's request: when the batch still holds its encoding, its bytes are sent
// as received, without a copy (the slices keep the payload alive, TraceBatch::wire_parts).
grpc::Status unary_call(grpc::GenericStub& stub, grpc::ClientContext& context,
                        const std::string& method, const TraceBatch& request,
                        google::protobuf::MessageLite& response);

// Sets the attempt's deadline and the configured headers on a call.
void prepare_call(grpc::ClientContext& context, const GrpcClientConfig& config, Deadline deadline);

// The OTLP specification's reading of a failed call: CANCELLED, DEADLINE_EXCEEDED, ABORTED,
// OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are retryable, RESOURCE_EXHAUSTED only when the
// status carries a google.rpc.RetryInfo; everything else is permanent. A RetryInfo delay
// becomes SendResult::retry_after. OK maps to SendResult::ok().
// The canonical name of a gRPC code ("UNAVAILABLE", "INVALID_ARGUMENT", ...).
std::string_view grpc_code_name(grpc::StatusCode code);
// The google.rpc.RetryInfo delay among a status's details, rounded up to milliseconds and
// clamped to a year; nullopt when there is none.
std::optional<std::chrono::milliseconds> grpc_retry_delay(const grpc::Status& status);

SendResult to_send_result(const grpc::Status& status);

}  // namespace spanflow::exporters
