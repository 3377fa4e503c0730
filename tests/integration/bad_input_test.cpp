// Bad input gets the right status, and the daemon keeps serving everyone else.
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch.hpp>
#include <condition_variable>
#include <mutex>

#include "codec/gzip.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;
using TraceService = opentelemetry::proto::collector::trace::v1::TraceService;

namespace {

// format json: the exporter reads spans, so the receiver decodes every request; proto: nothing
// reads spans, so the receiver only scans protobuf requests and keeps their bytes.
std::string config(const std::string& path, const std::string& format = "json") {
  return R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0", max_recv_msg_size_mib: 1}
      http: {endpoint: "127.0.0.1:0", max_request_body_size: 100000}
exporters:
  file: {format: )" +
         format + ", path: \"" + path + R"("}
extensions:
  health_check: {endpoint: "127.0.0.1:0"}
service:
  extensions: [health_check]
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)";
}

google::rpc::Status decode_status(const std::string& body) {
  google::rpc::Status status;
  REQUIRE(status.ParseFromString(body));
  return status;
}

// A raw TCP connection to 127.0.0.1:port.
int connect_raw(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

constexpr const char* kExport = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

// One unary call of `method` with `body` as the message's bytes, as they are.
grpc::Status raw_call(std::uint16_t port, const std::string& method, const std::string& body) {
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  grpc::GenericStub generic(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1), response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(&context, method, {}, &request, &response, [&](grpc::Status s) {
    std::lock_guard lock(mu);
    status = std::move(s);
    done = true;
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
  return status;
}

}  // namespace

TEST_CASE("malformed requests get precise statuses and nothing reaches the exporter") {
  const std::string format = GENERATE(as<std::string>(), "json", "proto");
  INFO("file exporter format " << format);
  TempDir out;
  const std::string path = out.file("traces.out");
  Daemon daemon(config(path, format));
  HttpClient http(daemon.http_port());
  const std::string good = make_request(2).SerializeAsString();

  SECTION("garbage protobuf over HTTP is 400 with a google.rpc.Status body") {
    const auto res = http.post("/v1/traces", "\xff\xff\xff\xff garbage", "application/x-protobuf");
    CHECK(res.status == 400);
    CHECK(res.header("content-type") == "application/x-protobuf");
    const auto status = decode_status(res.body);
    CHECK(status.code() == 3);
    CHECK(status.message() == "cannot decode ExportTraceServiceRequest: invalid protobuf");
  }
  SECTION("garbage protobuf over gRPC is INVALID_ARGUMENT") {
    const grpc::Status status = raw_call(daemon.grpc_port(), kExport, "\xff\xff\xff\xff junk");
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  SECTION("a gRPC method the receiver does not serve is UNIMPLEMENTED") {
    const grpc::Status status = raw_call(
        daemon.grpc_port(), "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", "");
    CHECK(status.error_code() == grpc::StatusCode::UNIMPLEMENTED);
  }
  SECTION("invalid JSON is 400 with a JSON Status body") {
    const auto res = http.post("/v1/traces", R"({"resourceSpans":[{)", "application/json");
    CHECK(res.status == 400);
    CHECK(res.header("content-type") == "application/json");
    CHECK(res.body.find(R"("code":3)") != std::string::npos);
    CHECK(res.body.find("cannot decode OTLP/JSON") != std::string::npos);
  }
  SECTION("base64 ids in JSON are 400 and say why") {
    const auto res = http.post(
        "/v1/traces",
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","name":"x"}]}]}]})",
        "application/json");
    CHECK(res.status == 400);
    CHECK(res.body.find("base64") != std::string::npos);
  }
  SECTION("a wrong content type is 415") {
    const auto res = http.post("/v1/traces", good, "text/plain");
    CHECK(res.status == 415);
    CHECK(res.body.find("application/x-protobuf") != std::string::npos);
  }
  SECTION("a body over the limit is 413") {
    const auto res = http.post("/v1/traces", std::string(200000, 'x'), "application/x-protobuf");
    CHECK(res.status == 413);
  }
  SECTION("a gzip body that inflates past the limit is 413") {
    const auto res = http.post("/v1/traces", codec::gzip(std::string(5'000'000, '\0')),
                               "application/x-protobuf", {{"Content-Encoding", "gzip"}});
    CHECK(res.status == 413);
  }
  SECTION("a truncated gzip body is 400") {
    std::string gz = codec::gzip(good);
    gz.resize(gz.size() / 2);
    const auto res =
        http.post("/v1/traces", gz, "application/x-protobuf", {{"Content-Encoding", "gzip"}});
    CHECK(res.status == 400);
    CHECK(decode_status(res.body).message() ==
          "cannot decompress gzip body: truncated gzip stream");
  }
  SECTION("an unknown Content-Encoding is 400") {
    const auto res =
        http.post("/v1/traces", good, "application/x-protobuf", {{"Content-Encoding", "br"}});
    CHECK(res.status == 400);
  }
  SECTION("a wrong path is 404 and a wrong method 405") {
    CHECK(http.post("/v1/metricz", good, "application/x-protobuf").status == 404);
    const auto res = http.request("GET", "/v1/traces");
    CHECK(res.status == 405);
    CHECK(res.header("allow") == "POST");
  }
  SECTION("a gRPC message over max_recv_msg_size_mib is RESOURCE_EXHAUSTED") {
    auto stub = TraceService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(daemon.grpc_port()), grpc::InsecureChannelCredentials()));
    auto request = make_request(1);
    add_attribute(request.mutable_resource_spans(0)->mutable_resource()->mutable_attributes(),
                  "huge", std::string(2 * 1024 * 1024, 'x'));
    grpc::ClientContext context;
    otlp::ExportResponse response;
    CHECK(stub->Export(&context, request, &response).error_code() ==
          grpc::StatusCode::RESOURCE_EXHAUSTED);
  }
  // Whatever happened above, the daemon still serves.
  HttpClient fresh(daemon.http_port());
  CHECK(fresh.post("/v1/traces", good, "application/x-protobuf").status == 200);
  REQUIRE(daemon.stop(SIGTERM) == 0);
  CHECK(span_total(read_requests(path, format)) == 2);
}

TEST_CASE("spans with invalid ids are rejected as a partial success") {
  const std::string format = GENERATE(as<std::string>(), "json", "proto");
  INFO("file exporter format " << format);
  TempDir out;
  const std::string path = out.file("traces.out");
  Daemon daemon(config(path, format));
  auto request = make_request(3);
  request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_trace_id(
      "short");
  HttpClient http(daemon.http_port());
  const auto res = http.post("/v1/traces", request.SerializeAsString(), "application/x-protobuf");
  REQUIRE(res.status == 200);
  otlp::ExportResponse response;
  REQUIRE(response.ParseFromString(res.body));
  CHECK(response.partial_success().rejected_spans() == 1);
  CHECK(response.partial_success().error_message() ==
        "1 spans rejected: trace_id must be 16 bytes, not all zero");
  const auto metrics = HttpClient(daemon.metrics_port()).request("GET", "/metrics").body;
  CHECK(metrics.find("otelcol_receiver_accepted_spans_total{receiver=\"otlp\",transport="
                     "\"http\"} 2\n") != std::string::npos);
  CHECK(metrics.find("otelcol_receiver_refused_spans_total{receiver=\"otlp\",transport="
                     "\"http\"} 1\n") != std::string::npos);
  REQUIRE(daemon.stop(SIGTERM) == 0);
  const auto written = read_requests(path, format);
  CHECK(span_total(written) == 2);
  CHECK(spans_by_id(written).count(span_id(2)) == 0);
}

TEST_CASE("a slow client holding a connection does not stop others being served") {
  TempDir out;
  Daemon daemon(config(out.file("traces.jsonl")));
  // Half a request header, then nothing.
  const int slow = connect_raw(daemon.http_port());
  const std::string partial = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Len";
  REQUIRE(write(slow, partial.data(), partial.size()) == static_cast<ssize_t>(partial.size()));
  // A client that announces a body and sends only part of it.
  const int stalled = connect_raw(daemon.http_port());
  const std::string head =
      "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
      "Content-Length: 1000\r\n\r\nabc";
  REQUIRE(write(stalled, head.data(), head.size()) == static_cast<ssize_t>(head.size()));

  for (int i = 0; i < 20; ++i) {
    HttpClient http(daemon.http_port());
    CHECK(http.post("/v1/traces", make_request(1, 1 + i).SerializeAsString(),
                    "application/x-protobuf")
              .status == 200);
  }
  HttpClient health(daemon.extension_port("health_check"));
  CHECK(health.request("GET", "/").status == 200);
  close(slow);
  close(stalled);
  CHECK(daemon.stop(SIGTERM) == 0);
}

TEST_CASE("the health check reports the pipelines as available while running") {
  TempDir out;
  Daemon daemon(config(out.file("traces.jsonl")));
  HttpClient health(daemon.extension_port("health_check"));
  const auto res = health.request("GET", "/");
  CHECK(res.status == 200);
  CHECK(res.header("content-type") == "application/json");
  CHECK(res.body.find(R"("status":"Server available")") != std::string::npos);
  CHECK(res.body.find(R"("upSince":")") != std::string::npos);
  CHECK(health.request("GET", "/other").status == 404);
  CHECK(daemon.stop(SIGINT) == 0);
}
