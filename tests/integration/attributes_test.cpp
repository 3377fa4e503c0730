// The real binary with seed 004's masking actions in otlp -> [attributes] -> file: user.id is
// replaced by its SHA-256 hex, patient.id and password are gone, everything else is as sent.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <catch.hpp>

#include "codec/otlp_json.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;
using TraceService = opentelemetry::proto::collector::trace::v1::TraceService;

namespace {

// processors::attributes exactly as tests/testdata/seeds/004-tracing.yaml has it.
std::string seed_004_config(const std::string& path) {
  return R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
      http: {endpoint: "127.0.0.1:0"}
processors:
  attributes:
    actions:
      - key: "user.id"
        action: hash
      - key: "patient.id"
        action: delete
      - key: "password"
        action: delete
exporters:
  file: {path: ")" +
         path + R"(", flush_interval: 50ms}
service:
  pipelines:
    traces: {receivers: [otlp], processors: [attributes], exporters: [file]}
)";
}

// Spans with the sensitive attributes among ordinary ones of every type.
otlp::ExportRequest sensitive_request(std::uint64_t first_id) {
  otlp::ExportRequest request = make_request(2, first_id);
  for (auto& span : *request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()) {
    auto* attrs = span.mutable_attributes();
    add_attribute(attrs, "user.id", "u-12345");
    add_attribute(attrs, "patient.id", "P-0042");
    add_attribute(attrs, "password", "hunter2");
    add_attribute(attrs, "db.system", "postgresql");
    auto* retries = attrs->Add();
    retries->set_key("retries");
    retries->mutable_value()->set_int_value(3);
  }
  return request;
}

std::map<std::string, std::string> text_attributes(const otlp::Span& span) {
  std::map<std::string, std::string> out;
  for (const auto& kv : span.attributes()) {
    const auto& v = kv.value();
    out[kv.key()] = v.has_int_value() ? "int:" + std::to_string(v.int_value()) : v.string_value();
  }
  return out;
}

}  // namespace

TEST_CASE("seed 004's attributes actions mask spans sent over gRPC and HTTP in the real binary") {
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(seed_004_config(path));

  const otlp::ExportRequest over_grpc = sensitive_request(1);
  auto stub = TraceService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(daemon.grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  otlp::ExportResponse response;
  REQUIRE(stub->Export(&context, over_grpc, &response).ok());

  std::string json;
  codec::encode_trace_request(sensitive_request(10), json);
  HttpClient http(daemon.http_port());
  REQUIRE(http.post("/v1/traces", json, "application/json").status == 200);

  REQUIRE(daemon.stop(SIGTERM) == 0);
  const auto spans = spans_by_id(read_json_lines(path));
  REQUIRE(spans.size() == 4);
  // hashlib.sha256(b"u-12345").hexdigest()
  const std::map<std::string, std::string> expected{
      {"http.route", "/api/items"},
      {"http.status_code", "int:200"},
      {"user.id", "f2b8b5e3c365ba7745a6a1d8d453c3ed8de8ab36535d614b183d8e479c1fe7d3"},
      {"db.system", "postgresql"},
      {"retries", "int:3"},
  };
  for (const auto& [id, record] : spans) {
    INFO("span " << record.span.name());
    CHECK(text_attributes(record.span) == expected);
    CHECK(record.resource.attributes(0).value().string_value() == "checkout");
  }
}
