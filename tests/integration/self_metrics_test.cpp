// Self-metrics after a known workload: exact receiver, processor and exporter counters on
// /metrics, and the accounting identity: every accepted span was exported, dropped with a
// reason (filtered, sampled out, failed to send), or is still in flight.
#include <signal.h>

#include <catch.hpp>

#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/metrics_page.h"
#include "support/otlp_grpc_client.h"
#include "support/spans.h"
#include "support/temp_dir.h"

using namespace spanflow;
using namespace spanflow::testing;

namespace {

constexpr int kRequestsPerTransport = 30;
constexpr int kSpansPerRequest = 10;
constexpr int kHealthPerRequest = 2;  // the first two spans of every request

std::string config(const std::string& path) {
  return R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
      http: {endpoint: "127.0.0.1:0"}
processors:
  memory_limiter: {check_interval: 1s, limit_mib: 4000, spike_limit_mib: 800}
  filter/health:
    traces:
      span: ['attributes["http.route"] == "/health"']
  probabilistic_sampler: {sampling_percentage: 50}
  batch: {timeout: 20ms, send_batch_size: 64}
exporters:
  file: {path: ")" +
         path + R"(", flush_interval: 20ms}
  otlp/dead:
    endpoint: "127.0.0.1:1"
    tls: {insecure: true}
    retry_on_failure: {enabled: false}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, filter/health, probabilistic_sampler, batch]
      exporters: [file, otlp/dead]
)";
}

otlp::ExportRequest request_number(int n) {
  otlp::ExportRequest request =
      make_request(kSpansPerRequest, 1 + static_cast<std::uint64_t>(n) * kSpansPerRequest);
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  for (int i = 0; i < kHealthPerRequest; ++i) {
    spans->Mutable(i)->mutable_attributes(0)->mutable_value()->set_string_value("/health");
  }
  return request;
}

}  // namespace

TEST_CASE("self-metrics count a known workload exactly and every span is accounted for") {
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(config(path));
  auto stub = grpc_stub(daemon.grpc_port());
  HttpClient http(daemon.http_port());
  for (int r = 0; r < kRequestsPerTransport; ++r) {
    REQUIRE(grpc_export(*stub, request_number(2 * r)).ok());
    REQUIRE(http.post("/v1/traces", request_number(2 * r + 1).SerializeAsString(),
                      "application/x-protobuf")
                .status == 200);
  }
  constexpr double kPerTransport = kRequestsPerTransport * kSpansPerRequest;
  constexpr double kAccepted = 2 * kPerTransport;
  constexpr double kFiltered = 2 * kRequestsPerTransport * kHealthPerRequest;

  // The sampler decided synchronously; wait for the batch to leave and both exporters to finish.
  const double sampled =
      metric(scrape(daemon), processor_items("outgoing", "probabilistic_sampler"));
  await_metric(daemon, processor_items("outgoing", "batch"), sampled);
  await_metric(daemon, exporter_series("send_failed_spans_total", "otlp/dead"), sampled);
  await_metric(daemon, exporter_series("sent_spans_total", "file"), sampled);  // once written out
  const std::string page = scrape(daemon);
  INFO(page);

  CHECK(metric(page, receiver_spans("accepted", "grpc")) == kPerTransport);
  CHECK(metric(page, receiver_spans("accepted", "http")) == kPerTransport);
  CHECK(metric(page, receiver_spans("refused", "grpc")) == 0);
  CHECK(metric(page, receiver_spans("refused", "http")) == 0);

  CHECK(metric(page, processor_items("incoming", "memory_limiter")) == kAccepted);
  CHECK(metric(page, processor_items("outgoing", "memory_limiter")) == kAccepted);
  CHECK(
      metric(
          page,
          "otelcol_processor_memory_limiter_accepted_spans_total{processor=\"memory_limiter\"}") ==
      kAccepted);
  CHECK(metric(page, processor_items("incoming", "filter/health")) == kAccepted);
  CHECK(metric(page, processor_items("outgoing", "filter/health")) == kAccepted - kFiltered);
  CHECK(metric(page, "otelcol_processor_filter_spans_filtered_total{filter=\"filter/health\"}") ==
        kFiltered);
  CHECK(metric(page, processor_items("incoming", "probabilistic_sampler")) ==
        kAccepted - kFiltered);
  // Half of the spans, give or take what 480 coin flips do (each span is its own trace).
  CHECK(sampled > 0.3 * (kAccepted - kFiltered));
  CHECK(sampled < 0.7 * (kAccepted - kFiltered));
  CHECK(metric(page, processor_items("incoming", "batch")) == sampled);
  CHECK(metric(page, processor_items("outgoing", "batch")) == sampled);

  CHECK(metric(page, exporter_series("sent_spans_total", "file")) == sampled);
  CHECK(metric(page, exporter_series("send_failed_spans_total", "file")) == 0);
  CHECK(metric(page, exporter_series("sent_spans_total", "otlp/dead")) == 0);
  CHECK(metric(page, exporter_series("send_failed_spans_total", "otlp/dead")) == sampled);
  CHECK(metric(page, exporter_series("enqueue_failed_spans_total", "otlp/dead")) == 0);
  CHECK(metric(page, exporter_series("queue_size", "otlp/dead")) == 0);

  // The identity, per exporter: accepted = exported + dropped (by reason) + in flight.
  const double sampled_out = metric(page, processor_items("incoming", "probabilistic_sampler")) -
                             metric(page, processor_items("outgoing", "probabilistic_sampler"));
  const double in_flight = metric(page, processor_items("incoming", "batch")) -
                           metric(page, processor_items("outgoing", "batch"));
  for (const std::string id : {"file", "otlp/dead"}) {
    INFO(id);
    const double exported = metric(page, exporter_series("sent_spans_total", id));
    const double failed = metric(page, exporter_series("send_failed_spans_total", id)) +
                          metric(page, exporter_series("enqueue_failed_spans_total", id));
    const double queued = id == "file" ? 0 : metric(page, exporter_series("queue_size", id));
    CHECK(kAccepted == exported + failed + kFiltered + sampled_out + in_flight + queued);
  }

  REQUIRE(daemon.stop(SIGTERM) == 0);
  CHECK(static_cast<double>(span_total(read_json_lines(path))) == sampled);
}
