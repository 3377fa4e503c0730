// Backpressure from a stage that cannot take more: the batch processor's buffer is full
// because its exporter's backend is down, so receivers refuse before decoding (gRPC
// UNAVAILABLE, HTTP 503, with retry hints), and the refused spans are still counted.
#include <grpcpp/grpcpp.h>

#include <catch.hpp>
#include <map>

#include "codec/gzip.h"
#include "codec/otlp_json.h"
#include "support/daemon.h"
#include "support/http_client.h"
#include "support/metrics_page.h"
#include "support/otlp_grpc_client.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;

TEST_CASE("a full batch buffer refuses before decoding, and the refused spans are counted") {
  // The exporter's backend is down and its queue is off: the batch worker keeps retrying its
  // first batch, and the buffer fills at 10 x send_batch_size = 100 spans.
  Daemon daemon(R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
      http: {endpoint: "127.0.0.1:0"}
processors:
  memory_limiter: {check_interval: 1s, limit_mib: 4000, spike_limit_mib: 800}
  attributes: {actions: [{key: user.id, action: hash}]}
  batch: {send_batch_size: 10, timeout: 10ms}
exporters:
  otlp/dead:
    endpoint: "127.0.0.1:1"
    tls: {insecure: true}
    sending_queue: {enabled: false}
    retry_on_failure: {initial_interval: 50ms, max_elapsed_time: 0s}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, attributes, batch]
      exporters: [otlp/dead]
)");
  auto stub = grpc_stub(daemon.grpc_port());
  HttpClient http(daemon.http_port());
  constexpr int kSpans = 10;
  int sent = 0, accepted = 0, refused_grpc = 0, refused_http = 0;
  std::string message;
  for (int i = 0; i < 40; ++i) {
    const otlp::ExportRequest request = make_request(kSpans, 1 + kSpans * i);
    sent += kSpans;
    if (i % 2 == 0) {
      const grpc::Status status = grpc_export(*stub, request);
      if (status.ok()) accepted += kSpans;
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
        refused_grpc += kSpans;
        message = status.error_message();
      }
    } else {
      // Over HTTP: plain protobuf, gzip'd protobuf and OTLP/JSON in turn.
      std::string body = request.SerializeAsString();
      std::string type = "application/x-protobuf";
      std::map<std::string, std::string> headers;
      if (i % 6 == 3) {
        body = codec::gzip(body);
        headers["Content-Encoding"] = "gzip";
      } else if (i % 6 == 5) {
        body.clear();
        codec::encode_trace_request(request, body);
        type = "application/json";
      }
      const auto reply = http.post("/v1/traces", body, type, headers);
      if (reply.status == 200) accepted += kSpans;
      if (reply.status == 503) {
        refused_http += kSpans;
        CHECK(reply.header("retry-after") == "1");
      }
    }
  }
  CHECK(accepted <= 110);  // the buffer's 100 spans, and the batch being retried
  CHECK(refused_grpc >= 100);
  CHECK(refused_http >= 100);
  CHECK(accepted + refused_grpc + refused_http == sent);
  CHECK(message ==
        "batch processor batch is full: the next consumer is not taking data fast "
        "enough");
  // Refused at admission, before decoding (JSON is decoded only to count), yet counted span
  // for span whatever the encoding.
  const std::string page = scrape(daemon);
  CHECK(metric(page, receiver_spans("accepted", "grpc")) +
            metric(page, receiver_spans("accepted", "http")) ==
        accepted);
  CHECK(metric(page, receiver_spans("refused", "grpc")) == refused_grpc);
  CHECK(metric(page, receiver_spans("refused", "http")) == refused_http);
  // The processors before the batch saw only what was admitted: nothing was decoded in vain.
  CHECK(metric(page, processor_items("incoming", "attributes")) == accepted);
  // Nothing was refused for memory.
  CHECK(metric(page,
               "otelcol_processor_memory_limiter_refused_requests_total{processor="
               "\"memory_limiter\"}") == 0);
}
