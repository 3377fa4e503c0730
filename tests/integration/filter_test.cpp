// The real binary with the seed's filter conditions: spans in over OTLP/HTTP, the file exporter's
// output holds exactly the spans no condition matched, and the drop counter says how many went.
#include <signal.h>

#include <catch.hpp>

#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/spans.h"
#include "support/temp_dir.h"

using namespace spanflow;
using namespace spanflow::testing;

namespace {

std::string filter_config(const std::string& path, const std::string& error_mode) {
  return R"(
receivers:
  otlp:
    protocols:
      http: {endpoint: "127.0.0.1:0"}
processors:
  filter:
    error_mode: )" +
         error_mode + R"(
    traces:
      span:
        - 'attributes["http.route"] == "/health"'
        - 'attributes["grpc.method"] == "Health/Check"'
        - 'duration < 1000000'
      spanevent:
        - 'name == "grpc.message" and span.kind == SPAN_KIND_SERVER'
exporters:
  file: {path: ")" +
         path + R"(", flush_interval: 50ms}
service:
  pipelines:
    traces: {receivers: [otlp], processors: [filter], exporters: [file]}
)";
}

// Spans 1..8, each 1 ms long (so `duration < 1000000` alone does not drop them):
//   1 http.route=/health                 -> dropped
//   2 grpc.method=Health/Check           -> dropped
//   3 999 us long                        -> dropped
//   4 http.route=/healthz                -> kept (equality, not prefix)
//   5 grpc.method=Health/Watch           -> kept
//   6 with a grpc.message and an exception event -> kept, without its grpc.message event
//   7 2 s long                           -> kept
//   8 plain                              -> kept
otlp::ExportRequest seed_traffic() {
  otlp::ExportRequest request = make_request(8, 1, "checkout");
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  const auto set_route = [&](int i, const char* route) {
    spans->Mutable(i)->mutable_attributes()->Mutable(0)->mutable_value()->set_string_value(route);
  };
  set_route(0, "/health");
  add_attribute(spans->Mutable(1)->mutable_attributes(), "grpc.method", "Health/Check");
  spans->Mutable(2)->set_end_time_unix_nano(spans->Get(2).start_time_unix_nano() + 999'000);
  set_route(3, "/healthz");
  add_attribute(spans->Mutable(4)->mutable_attributes(), "grpc.method", "Health/Watch");
  spans->Mutable(5)->add_events()->set_name("grpc.message");
  spans->Mutable(5)->add_events()->set_name("exception");
  spans->Mutable(6)->set_end_time_unix_nano(spans->Get(6).start_time_unix_nano() + 2'000'000'000);
  return request;
}

}  // namespace

TEST_CASE("the filter processor drops health checks and short spans end to end") {
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(filter_config(path, "propagate"));
  HttpClient http(daemon.http_port());
  const otlp::ExportRequest request = seed_traffic();
  REQUIRE(http.post("/v1/traces", request.SerializeAsString(), "application/x-protobuf").status ==
          200);

  // A second request made only of health checks is accepted and leaves nothing to export.
  otlp::ExportRequest health = make_request(3, 100, "prober");
  for (auto& span : *health.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()) {
    span.mutable_attributes(0)->mutable_value()->set_string_value("/health");
  }
  REQUIRE(http.post("/v1/traces", health.SerializeAsString(), "application/x-protobuf").status ==
          200);

  const auto metrics = HttpClient(daemon.metrics_port()).request("GET", "/metrics").body;
  CHECK(metrics.find("otelcol_processor_filter_spans_filtered_total{filter=\"filter\"} 6\n") !=
        std::string::npos);
  REQUIRE(daemon.stop(SIGTERM) == 0);

  const auto requests = read_json_lines(path);
  CHECK(requests.size() == 1);
  const auto spans = spans_by_id(requests);
  std::vector<std::string> kept;
  for (const auto& [id, record] : spans) kept.push_back(record.span.name());
  std::sort(kept.begin(), kept.end());
  CHECK(kept == std::vector<std::string>{"span-4", "span-5", "span-6", "span-7", "span-8"});
  const auto& with_events = spans.at(span_id(6)).span;
  REQUIRE(with_events.events_size() == 1);
  CHECK(with_events.events(0).name() == "exception");
}

TEST_CASE("an invalid filter condition stops the daemon at startup with its position") {
  TempDir dir;
  const std::string config = dir.write("bad.yaml", R"(receivers:
  otlp:
    protocols:
      http: {endpoint: "127.0.0.1:0"}
processors:
  filter:
    traces:
      span:
        - 'attributes["http.route"] == "/health" and (kind == 2'
exporters:
  debug: {}
service:
  pipelines:
    traces: {receivers: [otlp], processors: [filter], exporters: [debug]}
)");
  const CommandResult r = run_spanflow({"validate", "--config", config});
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("bad.yaml:9:11: error: processors::filter::traces::span[0]: syntax error "
                      "at column 53: expected ')', found end of condition") != std::string::npos);
}

TEST_CASE("with error_mode propagate a failing condition refuses the request") {
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  std::string config = filter_config(path, "propagate");
  const std::string marker = "        - 'duration < 1000000'\n";
  config.insert(config.find(marker) + marker.size(),
                "        - 'attributes[\"http.status_code\"] / 0 == 1'\n");
  Daemon daemon(config);
  HttpClient http(daemon.http_port());
  const auto res =
      http.post("/v1/traces", make_request(2, 1).SerializeAsString(), "application/x-protobuf");
  CHECK(res.status == 500);
  REQUIRE(daemon.stop(SIGTERM) == 0);
  CHECK(span_total(read_json_lines(path)) == 0);
}
