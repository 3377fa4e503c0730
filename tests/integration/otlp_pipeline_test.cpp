// The real binary: spans in over gRPC, HTTP/protobuf, HTTP/JSON and gzip arrive in the file
// exporter's output field by field; fan-out and fan-in; no acknowledged span lost on SIGTERM.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <catch.hpp>
#include <set>
#include <thread>

#include "codec/gzip.h"
#include "codec/otlp_json.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/otlp_grpc_client.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;
using google::protobuf::util::MessageDifferencer;

namespace {

void check_same_spans(const otlp::ExportRequest& sent, const std::string& path) {
  const auto got = spans_by_id(read_json_lines(path));
  for (const auto& rs : sent.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& span : ss.spans()) {
        INFO("span " << span.name());
        const auto it = got.find(span.span_id());
        REQUIRE(it != got.end());
        std::string diff;
        MessageDifferencer differ;
        differ.ReportDifferencesToString(&diff);
        CHECK(differ.Compare(span, it->second.span));
        CHECK(diff == "");
        CHECK(MessageDifferencer::Equals(rs.resource(), it->second.resource));
        CHECK(MessageDifferencer::Equals(ss.scope(), it->second.scope));
      }
    }
  }
}

}  // namespace

TEST_CASE("spans sent over every OTLP transport arrive in the file exactly as sent") {
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(otlp_to_file_config(path));
  const otlp::ExportRequest rich = rich_request();

  SECTION("gRPC") {
    CHECK(grpc_export(*grpc_stub(daemon.grpc_port()), rich).ok());
  }
  SECTION("gRPC with grpc-encoding gzip from the first call") {
    CHECK(grpc_export(*grpc_stub(daemon.grpc_port(), {.gzip = true}), rich).ok());
  }
  SECTION("HTTP protobuf") {
    HttpClient http(daemon.http_port());
    const auto res = http.post("/v1/traces", rich.SerializeAsString(), "application/x-protobuf");
    CHECK(res.status == 200);
    CHECK(res.header("content-type") == "application/x-protobuf");
    otlp::ExportResponse response;
    CHECK(response.ParseFromString(res.body));
    CHECK_FALSE(response.has_partial_success());
  }
  SECTION("HTTP JSON with a charset parameter, chunked, no Content-Length") {
    std::string json;
    codec::encode_trace_request(rich, json);
    HttpClient http(daemon.http_port());
    const auto res = http.request("POST", "/v1/traces", json,
                                  {{"Content-Type", "application/json; charset=utf-8"}}, true);
    CHECK(res.status == 200);
    CHECK(res.header("content-type") == "application/json");
    CHECK(res.body == "{}");
  }
  SECTION("HTTP protobuf, gzip") {
    HttpClient http(daemon.http_port());
    const auto res = http.post("/v1/traces", codec::gzip(rich.SerializeAsString()),
                               "application/x-protobuf", {{"Content-Encoding", "gzip"}});
    CHECK(res.status == 200);
  }
  SECTION("HTTP JSON, gzip") {
    std::string json;
    codec::encode_trace_request(rich, json);
    HttpClient http(daemon.http_port());
    const auto res = http.post("/v1/traces", codec::gzip(json), "application/json",
                               {{"Content-Encoding", "gzip"}});
    CHECK(res.status == 200);
  }
  REQUIRE(daemon.stop(SIGTERM) == 0);
  check_same_spans(rich, path);
}

TEST_CASE("OTLP/JSON as the OpenTelemetry SDKs send it is accepted") {
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(otlp_to_file_config(path));
  // Unknown fields (schemaUrl inside resource, droppedAttributesCount spelled out), intValue as
  // a number and as a string, no parentSpanId, uppercase hex, flags on span and link.
  const std::string json = R"({"resourceSpans":[{"resource":{"attributes":[
    {"key":"service.name","value":{"stringValue":"sdk-js"}}],"droppedAttributesCount":0,
    "schemaUrl":"ignored"},"scopeSpans":[{"scope":{"name":"@opentelemetry/instrumentation-http",
    "version":"0.52.0"},"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C",
    "spanId":"EEE19B7EC3C1B174","name":"GET /api","kind":2,"startTimeUnixNano":"1544712660000000000",
    "endTimeUnixNano":1544712661000000000,"flags":257,"attributes":[
    {"key":"http.status_code","value":{"intValue":200}},
    {"key":"retries","value":{"intValue":"3"}}],"droppedAttributesCount":0,"events":[],
    "links":[{"traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b175","flags":1}],
    "status":{"code":0},"futureField":{"x":[1,2,{"y":null}]}}]}]}]})";
  HttpClient http(daemon.http_port());
  const auto res = http.post("/v1/traces", json, "application/json");
  REQUIRE(res.status == 200);
  REQUIRE(daemon.stop(SIGTERM) == 0);
  const auto spans = spans_by_id(read_json_lines(path));
  REQUIRE(spans.size() == 1);
  const auto& span = spans.begin()->second.span;
  CHECK(hex(span.trace_id()) == "5b8efff798038103d269b633813fc60c");
  CHECK(hex(span.span_id()) == "eee19b7ec3c1b174");
  CHECK(span.parent_span_id().empty());
  CHECK(span.flags() == 257);
  CHECK(span.start_time_unix_nano() == 1544712660000000000ULL);
  CHECK(span.end_time_unix_nano() == 1544712661000000000ULL);
  CHECK(span.attributes(0).value().int_value() == 200);
  CHECK(span.attributes(1).value().int_value() == 3);
  CHECK(span.links(0).flags() == 1);
  CHECK(spans.begin()->second.resource.attributes(0).value().string_value() == "sdk-js");
}

TEST_CASE("one receiver fans out to two exporters and two receivers fan in to one pipeline") {
  TempDir out;
  const std::string a = out.file("a.jsonl"), b = out.file("b.jsonl");
  Daemon daemon(R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
  otlp/second:
    protocols:
      http: {endpoint: "127.0.0.1:0"}
exporters:
  file/a: {path: ")" +
                a + R"("}
  file/b: {path: ")" +
                b + R"(", format: json}
service:
  pipelines:
    traces: {receivers: [otlp, otlp/second], exporters: [file/a, file/b]}
)");
  const auto first = make_request(3, 1);
  const auto second = make_request(4, 1000);
  REQUIRE(grpc_export(*grpc_stub(daemon.grpc_port()), first).ok());
  HttpClient http(daemon.http_port("otlp/second"));
  REQUIRE(http.post("/v1/traces", second.SerializeAsString(), "application/x-protobuf").status ==
          200);
  const auto metrics = HttpClient(daemon.metrics_port()).request("GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body.find("otelcol_receiver_accepted_spans_total{receiver=\"otlp\",transport="
                          "\"grpc\"} 3\n") != std::string::npos);
  CHECK(metrics.body.find("otelcol_receiver_accepted_spans_total{receiver=\"otlp/second\","
                          "transport=\"http\"} 4\n") != std::string::npos);
  CHECK(metrics.body.find("otelcol_process_memory_rss_bytes ") != std::string::npos);
  REQUIRE(daemon.stop(SIGTERM) == 0);
  for (const auto& path : {a, b}) {
    INFO(path);
    CHECK(span_total(read_json_lines(path)) == 7);
    check_same_spans(first, path);
    check_same_spans(second, path);
  }
}

TEST_CASE("one receiver feeding two pipelines delivers to each pipeline's exporter") {
  TempDir out;
  const std::string a = out.file("a.jsonl"), b = out.file("b.jsonl");
  Daemon daemon(R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
exporters:
  file/a: {path: ")" +
                a + R"("}
  file/b: {path: ")" +
                b + R"("}
service:
  pipelines:
    traces/a: {receivers: [otlp], exporters: [file/a]}
    traces/b: {receivers: [otlp], exporters: [file/b]}
)");
  REQUIRE(grpc_export(*grpc_stub(daemon.grpc_port()), make_request(5)).ok());
  REQUIRE(daemon.stop(SIGTERM) == 0);
  CHECK(span_total(read_json_lines(a)) == 5);
  CHECK(span_total(read_json_lines(b)) == 5);
}

TEST_CASE("SIGTERM during a stream of requests loses no acknowledged span") {
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(otlp_to_file_config(path));
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::set<std::string> acked;
  std::atomic<int> sent{0};
  auto sender = [&](int thread, bool use_grpc) {
    auto stub = grpc_stub(daemon.grpc_port());
    HttpClient http(daemon.http_port());
    for (std::uint64_t i = 0; !stop && i < 100000; ++i) {
      const auto request = make_request(10, (static_cast<std::uint64_t>(thread) << 32) + i * 10);
      bool ok = false;
      try {
        ok = use_grpc
                 ? grpc_export(*stub, request).ok()
                 : http.post("/v1/traces", request.SerializeAsString(), "application/x-protobuf")
                           .status == 200;
      } catch (const std::exception&) {
        ok = false;  // the connection went away: not acknowledged
      }
      if (!ok) {
        if (stop) break;
        continue;
      }
      ++sent;
      std::lock_guard lock(mu);
      for (const auto& rs : request.resource_spans())
        for (const auto& ss : rs.scope_spans())
          for (const auto& s : ss.spans()) acked.insert(s.span_id());
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(sender, t + 1, t % 2 == 0);
  while (sent < 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int code = daemon.stop(SIGTERM);
  stop = true;
  for (auto& t : threads) t.join();
  REQUIRE(code == 0);
  const auto written = spans_by_id(read_json_lines(path));
  std::size_t missing = 0;
  for (const auto& id : acked) missing += written.contains(id) ? 0 : 1;
  INFO("acknowledged " << acked.size() << " spans, written " << written.size());
  CHECK(acked.size() >= 2000);
  CHECK(missing == 0);
}
