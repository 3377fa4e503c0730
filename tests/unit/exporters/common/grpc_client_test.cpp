#include "exporters/common/grpc_client.h"

#include <grpcpp/grpcpp.h>

#include <catch.hpp>

#include "config/yaml_document.h"
#include "google/rpc/status.pb.h"

using namespace spanflow;
using namespace spanflow::exporters;
using namespace std::chrono_literals;

namespace {

grpc::Status with_retry_info(grpc::StatusCode code, std::chrono::milliseconds delay) {
  google::rpc::RetryInfo info;
  info.mutable_retry_delay()->set_seconds(delay.count() / 1000);
  info.mutable_retry_delay()->set_nanos(static_cast<int>(delay.count() % 1000) * 1'000'000);
  google::rpc::Status status;
  status.set_code(code);
  status.set_message("slow down");
  status.add_details()->PackFrom(info);
  return {code, "slow down", status.SerializeAsString()};
}

struct Parsed {
  config::ConfigErrors errors;
  config::ConfigValue root;
  GrpcClientConfig config;

  explicit Parsed(const std::string& yaml)
      : root(config::parse_yaml(
            yaml, "c.yaml", [](const std::string&) { return std::optional<std::string>(); },
            errors)) {
    config::ConfigNode node(root, "otlp", errors);
    config = GrpcClientConfig::parse(node);
    node.finish();
  }
};

}  // namespace

TEST_CASE("the OTLP retryable gRPC codes are retryable and the others permanent") {
  using grpc::StatusCode;
  for (const StatusCode code :
       {StatusCode::CANCELLED, StatusCode::DEADLINE_EXCEEDED, StatusCode::ABORTED,
        StatusCode::OUT_OF_RANGE, StatusCode::UNAVAILABLE, StatusCode::DATA_LOSS}) {
    INFO("code " << code);
    CHECK(to_send_result(grpc::Status(code, "x")).kind == SendResult::Kind::kRetryable);
  }
  for (const StatusCode code :
       {StatusCode::UNKNOWN, StatusCode::INVALID_ARGUMENT, StatusCode::NOT_FOUND,
        StatusCode::ALREADY_EXISTS, StatusCode::PERMISSION_DENIED, StatusCode::FAILED_PRECONDITION,
        StatusCode::UNIMPLEMENTED, StatusCode::INTERNAL, StatusCode::UNAUTHENTICATED,
        StatusCode::RESOURCE_EXHAUSTED}) {
    INFO("code " << code);
    CHECK(to_send_result(grpc::Status(code, "x")).kind == SendResult::Kind::kPermanent);
  }
  CHECK(to_send_result(grpc::Status::OK).kind == SendResult::Kind::kOk);
}

TEST_CASE("RetryInfo gives the retry delay and makes RESOURCE_EXHAUSTED retryable") {
  const SendResult unavailable =
      to_send_result(with_retry_info(grpc::StatusCode::UNAVAILABLE, 1500ms));
  CHECK(unavailable.kind == SendResult::Kind::kRetryable);
  CHECK(unavailable.retry_after == 1500ms);
  CHECK(unavailable.message == "rpc error: code = Unavailable desc = slow down");
  const SendResult throttled =
      to_send_result(with_retry_info(grpc::StatusCode::RESOURCE_EXHAUSTED, 3s));
  CHECK(throttled.kind == SendResult::Kind::kRetryable);
  CHECK(throttled.retry_after == 3s);
  CHECK(to_send_result(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x")).retry_after == 0ms);
}

TEST_CASE("the gRPC client block reads endpoint, tls, headers and compression") {
  Parsed p(R"(endpoint: gateway:4317
tls:
  insecure: false
  ca_file: /etc/ca.pem
  cert_file: /etc/cert.pem
  key_file: /etc/key.pem
  server_name_override: gw.example
headers:
  X-Tenant: acme
compression: none
balancer_name: pick_first
keepalive: {time: 30s, timeout: 5s, permit_without_stream: true}
)");
  CHECK(p.errors.report() == "");
  CHECK(p.config.endpoint == "gateway:4317");
  CHECK(p.config.tls.ca_file == "/etc/ca.pem");
  CHECK(p.config.tls.server_name_override == "gw.example");
  CHECK(p.config.headers == std::map<std::string, std::string>{{"x-tenant", "acme"}});
  CHECK(p.config.compression == "none");
  CHECK(p.config.balancer_name == "pick_first");
  REQUIRE(p.config.keepalive);
  CHECK(p.config.keepalive->time == 30s);
}

TEST_CASE("gRPC client mistakes are reported where they are") {
  CHECK(Parsed("tls: {insecure: true}\n").errors.report() ==
        "c.yaml:1:1: error: otlp: missing required key 'endpoint'\n");
  CHECK(Parsed("endpoint: x:1\ncompression: zstd\n").errors.report() ==
        "c.yaml:2:1: error: otlp::compression: \"zstd\" is not supported by spanflow (use gzip "
        "or none)\n");
  CHECK(Parsed("endpoint: x:1\ntls: {cert_file: c.pem}\n").errors.report() ==
        "c.yaml:2:6: error: otlp::tls: cert_file is set without key_file (a client "
        "certificate needs both cert_file and key_file)\n");
  CHECK(Parsed("endpoint: x:1\ntls: {insecure_skip: true}\n").errors.report() ==
        "c.yaml:2:7: error: otlp::tls: unknown key 'insecure_skip'\n");
}

TEST_CASE("a channel is built for every TLS mode and an unreadable file is named") {
  GrpcClientConfig config;
  config.endpoint = "127.0.0.1:1";
  config.tls.insecure = true;
  CHECK(make_channel(config) != nullptr);
  config.tls.insecure = false;
  CHECK(make_channel(config) != nullptr);  // system roots
  config.tls.insecure_skip_verify = true;
  CHECK(make_channel(config) != nullptr);
  config.tls.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(make_channel(config), "tls::ca_file: cannot read /nonexistent/ca.pem");
}
