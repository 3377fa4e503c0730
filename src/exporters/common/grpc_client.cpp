#include "exporters/common/grpc_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "google/rpc/status.pb.h"

namespace spanflow::exporters {

namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string read_pem(const std::string& path, const char* key) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    throw std::runtime_error(std::string("tls::") + key + ": cannot read " + path);
  }
  return text.str();
}

// The gRPC target and whether the endpoint's scheme decided plaintext (true) or TLS (false).
struct Target {
  std::string target;
  std::optional<bool> plaintext;
};

Target parse_target(const std::string& endpoint) {
  if (endpoint.starts_with("http://")) return {endpoint.substr(7), true};
  if (endpoint.starts_with("https://")) return {endpoint.substr(8), false};
  return {endpoint, std::nullopt};
}

std::shared_ptr<grpc::ChannelCredentials> tls_credentials(const TlsClientConfig& tls) {
  const std::string ca = tls.ca_file.empty() ? "" : read_pem(tls.ca_file, "ca_file");
  const std::string cert = tls.cert_file.empty() ? "" : read_pem(tls.cert_file, "cert_file");
  const std::string key = tls.key_file.empty() ? "" : read_pem(tls.key_file, "key_file");
  if (!tls.insecure_skip_verify) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ca;
    options.pem_cert_chain = cert;
    options.pem_private_key = key;
    return grpc::SslCredentials(options);
  }
  // Encrypted but unverified: only gRPC's (experimental) TLS credentials can skip the check.
  namespace ex = grpc::experimental;
  ex::TlsChannelCredentialsOptions options;
  options.set_verify_server_certs(false);
  options.set_check_call_host(false);
  options.set_certificate_verifier(std::make_shared<ex::NoOpCertificateVerifier>());
  std::vector<ex::IdentityKeyCertPair> identity;
  if (!cert.empty()) identity.push_back({key, cert});
  if (!ca.empty() || !identity.empty()) {
    options.set_certificate_provider(
        std::make_shared<ex::StaticDataCertificateProvider>(ca, identity));
    if (!ca.empty()) options.watch_root_certs();
    if (!identity.empty()) options.watch_identity_key_cert_pairs();
  }
  return ex::TlsCredentials(options);
}

// gRPC's code names as Go prints them ("Unavailable"), for log lines users search for.
const char* code_name(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  const auto i = static_cast<std::size_t>(code);
  return i < std::size(kNames) ? kNames[i] : "Unknown";
}

}  // namespace

TlsClientConfig TlsClientConfig::parse(config::ConfigNode& node) {
  TlsClientConfig c;
  node.read("insecure", c.insecure);
  node.read("insecure_skip_verify", c.insecure_skip_verify);
  node.read("ca_file", c.ca_file);
  node.read("cert_file", c.cert_file);
  node.read("key_file", c.key_file);
  node.read("server_name_override", c.server_name_override);
  if (c.cert_file.empty() != c.key_file.empty()) {
    node.error(c.cert_file.empty() ? "key_file is set without cert_file"
                                   : "cert_file is set without key_file",
               "a client certificate needs both cert_file and key_file");
  }
  node.finish();
  return c;
}

GrpcClientConfig GrpcClientConfig::parse(config::ConfigNode& node, bool required_endpoint) {
  GrpcClientConfig c;
  if (required_endpoint) node.require("endpoint");
  node.read("endpoint", c.endpoint);
  if (c.endpoint.empty() && node.has("endpoint")) node.error_at("endpoint", "must not be empty");
  if (auto tls = node.child("tls"); tls && !tls->is_null()) c.tls = TlsClientConfig::parse(*tls);
  if (auto headers = node.child("headers")) {
    for (auto& [name, value] : headers->entries()) {
      if (auto text = value.as_string()) c.headers[lowercase(name)] = *text;
    }
  }
  node.read("compression", c.compression);
  if (c.compression != "" && c.compression != "none" && c.compression != "gzip") {
    const bool known = c.compression == "zstd" || c.compression == "snappy" ||
                       c.compression == "zlib" || c.compression == "deflate";
    node.error_at("compression",
                  known ? "\"" + c.compression + "\" is not supported by spanflow"
                        : "expected \"gzip\" or \"none\", got \"" + c.compression + "\"",
                  "use gzip or none");
  }
  node.read_enum("balancer_name", c.balancer_name, {"round_robin", "pick_first"});
  node.read("authority", c.authority);
  if (auto keepalive = node.child("keepalive"); keepalive && !keepalive->is_null()) {
    KeepaliveClientConfig k;
    keepalive->read("time", k.time);
    keepalive->read("timeout", k.timeout);
    keepalive->read("permit_without_stream", k.permit_without_stream);
    keepalive->finish();
    c.keepalive = k;
  }
  return c;
}

std::shared_ptr<grpc::Channel> make_channel(const GrpcClientConfig& config) {
  const Target target = parse_target(config.endpoint);
  grpc::ChannelArguments args;
  // gRPC waits up to 120 s between reconnects by default; a backend that is back should get
  // data within seconds, not minutes, while calls in between fail fast (and are retried).
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  if (config.compression == "gzip") args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  if (!config.balancer_name.empty()) args.SetLoadBalancingPolicyName(config.balancer_name);
  if (!config.tls.server_name_override.empty()) {
    args.SetSslTargetNameOverride(config.tls.server_name_override);
  }
  if (!config.authority.empty()) args.SetString(GRPC_ARG_DEFAULT_AUTHORITY, config.authority);
  if (config.keepalive && config.keepalive->time.count() > 0) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS,
                static_cast<int>(duration_cast<milliseconds>(config.keepalive->time).count()));
    if (config.keepalive->timeout.count() > 0) {
      args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                  static_cast<int>(duration_cast<milliseconds>(config.keepalive->timeout).count()));
    }
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
                config.keepalive->permit_without_stream ? 1 : 0);
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (config.use_google_default_credentials) {
    credentials = grpc::GoogleDefaultCredentials();
    if (!credentials) throw std::runtime_error("no Google default credentials found");
  } else if (target.plaintext.value_or(config.tls.insecure)) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    credentials = tls_credentials(config.tls);
  }
  return grpc::CreateCustomChannel(target.target, credentials, args);
}

void prepare_call(grpc::ClientContext& context, const GrpcClientConfig& config, Deadline deadline) {
  // ClientContext takes system_clock deadlines; convert the remaining time.
  context.set_deadline(std::chrono::system_clock::now() +
                       (deadline - std::chrono::steady_clock::now()));
  for (const auto& [name, value] : config.headers) context.AddMetadata(name, value);
}

std::string_view grpc_code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

// The RetryInfo among the status details, as a delay rounded up to milliseconds.
std::optional<std::chrono::milliseconds> grpc_retry_delay(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& detail : details.details()) {
    google::rpc::RetryInfo retry;
    if (!detail.Is<google::rpc::RetryInfo>() || !detail.UnpackTo(&retry)) continue;
    // Clamped to a year: a larger hint is as good as "much later" and must not overflow.
    constexpr std::int64_t kMaxSeconds = 365LL * 24 * 3600;
    const std::int64_t seconds =
        std::clamp<std::int64_t>(retry.retry_delay().seconds(), 0, kMaxSeconds);
    const std::int64_t nanos = std::max<std::int64_t>(retry.retry_delay().nanos(), 0);
    return std::chrono::milliseconds(seconds * 1000 + (nanos + 999'999) / 1'000'000);
  }
  return std::nullopt;
}

SendResult to_send_result(const grpc::Status& status) {
  if (status.ok()) return SendResult::ok();
  const std::optional<std::chrono::milliseconds> retry = grpc_retry_delay(status);
  const std::chrono::milliseconds retry_after = retry.value_or(std::chrono::milliseconds(0));
  const bool has_retry_info = retry.has_value();
  std::string message = std::string("rpc error: code = ") + code_name(status.error_code()) +
                        " desc = " + status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      return SendResult::retryable(std::move(message), retry_after);
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      if (has_retry_info) return SendResult::retryable(std::move(message), retry_after);
      return SendResult::permanent(std::move(message));
    default:
      return SendResult::permanent(std::move(message));
  }
}

namespace {

// Runs the call on a completion queue of its own that this thread polls, as gRPC's blocking
// stubs do: no callback threads of gRPC's own take part.
grpc::Status call(grpc::GenericStub& stub, grpc::ClientContext& context, const std::string& method,
                  grpc::ByteBuffer& sent, google::protobuf::MessageLite& response) {
  grpc::CompletionQueue queue;
  grpc::ByteBuffer received;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> rpc =
      stub.PrepareUnaryCall(&context, method, sent, &queue);
  rpc->StartCall();
  rpc->Finish(&received, &status, rpc.get());
  void* tag = nullptr;
  bool ok = false;
  (void)queue.Next(&tag, &ok);  // the one tag: Finish's
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!status.ok()) return status;
  grpc::Slice reply;
  if (!received.DumpToSingleSlice(&reply).ok() ||
      !response.ParseFromArray(reply.begin(), static_cast<int>(reply.size()))) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "the response does not parse");
  }
  return status;
}

std::uint8_t* data_of(grpc::Slice& slice) {
  return const_cast<std::uint8_t*>(slice.begin());
}

// A slice of `bytes` (not copied) that holds `owner` until gRPC lets go of it. gRPC's C
// callback takes the holder back.
grpc::Slice borrowed_slice(std::string_view bytes, const std::shared_ptr<const void>& owner) {
  using Holder = std::shared_ptr<const void>;
  auto holder = std::make_unique<Holder>(owner);
  return grpc::Slice(
      const_cast<char*>(bytes.data()), bytes.size(),
      [](void* held) { std::unique_ptr<Holder>(static_cast<Holder*>(held)).reset(); },
      holder.release());
}

}  // namespace

grpc::Status unary_call(grpc::GenericStub& stub, grpc::ClientContext& context,
                        const std::string& method, const google::protobuf::MessageLite& request,
                        google::protobuf::MessageLite& response) {
  grpc::Slice slice(request.ByteSizeLong());
  request.SerializeWithCachedSizesToArray(data_of(slice));
  grpc::ByteBuffer sent(&slice, 1);
  return call(stub, context, method, sent, response);
}

grpc::Status unary_call(grpc::GenericStub& stub, grpc::ClientContext& context,
                        const std::string& method, const TraceBatch& request,
                        google::protobuf::MessageLite& response) {
  if (request.has_wire()) {
    // The bytes as received, in place: gRPC frames and sends the parts without a copy.
    const TraceBatch::WireParts wire = request.wire_parts();
    std::vector<grpc::Slice> slices;
    slices.reserve(wire.parts.size());
    for (const std::string_view part : wire.parts) {
      slices.push_back(borrowed_slice(part, wire.owner));
    }
    grpc::ByteBuffer sent(slices.data(), slices.size());
    return call(stub, context, method, sent, response);
  }
  return unary_call(stub, context, method, request.request(), response);
}

}  // namespace spanflow::exporters
