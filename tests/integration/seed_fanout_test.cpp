// Seed 004's fan-out on the real binary, against real peers: a Jaeger collector (written here
// from Jaeger's IDL) and the Pub/Sub emulator. The emulator is frozen for 20 s mid-stream;
// everything acknowledged before, during and after arrives at both once it is back.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <catch.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "codec/gzip.h"
#include "jaeger/api_v2/collector.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/pubsub_emulator.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;

namespace {

// Records the span ids of every PostSpans.
class JaegerCollector final : public jaeger::api_v2::CollectorService::Service {
 public:
  JaegerCollector() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~JaegerCollector() override { server_->Shutdown(); }
  int port() const { return port_; }

  grpc::Status PostSpans(grpc::ServerContext*, const jaeger::api_v2::PostSpansRequest* request,
                         jaeger::api_v2::PostSpansResponse*) override {
    std::lock_guard lock(mu_);
    for (const auto& span : request->batch().spans()) span_ids_.insert(span.span_id());
    return grpc::Status::OK;
  }
  std::set<std::string> span_ids() {
    std::lock_guard lock(mu_);
    return span_ids_;
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  std::set<std::string> span_ids_;
};

std::set<std::string> span_ids_in(const std::vector<google::pubsub::v1::ReceivedMessage>& got) {
  std::set<std::string> ids;
  for (const auto& m : got) {
    std::string data = m.message().data();
    if (m.message().attributes().count("content-encoding")) {
      std::string out, error;
      REQUIRE(codec::inflate(data, false, 64 << 20, out, error) == codec::InflateStatus::kOk);
      data = out;
    }
    otlp::ExportRequest request;
    REQUIRE(request.ParseFromString(data));
    for (const auto& rs : request.resource_spans())
      for (const auto& ss : rs.scope_spans())
        for (const auto& s : ss.spans()) ids.insert(s.span_id());
  }
  return ids;
}

}  // namespace

TEST_CASE("the seed fan-out delivers to Jaeger, Pub/Sub and the file through a Pub/Sub outage") {
  if (const auto reason = PubsubEmulator::unavailable_reason()) {
    WARN("SKIPPED: " << *reason);
    return;
  }
  PubsubEmulator emulator;
  emulator.create_topic("projects/dta-cloud-de-dev/topics/otel-traces-test");
  emulator.create_subscription("projects/dta-cloud-de-dev/subscriptions/bigquery",
                               "projects/dta-cloud-de-dev/topics/otel-traces-test");
  JaegerCollector jaeger;
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  // The seed pipeline of config/examples/seed-004-fanout.yaml, on free ports, with short
  // retries so the test does not wait out the production backoff.
  Daemon daemon(R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
processors:
  memory_limiter: {check_interval: 1s, limit_mib: 512, spike_limit_mib: 128}
  attributes:
    actions:
      - {key: user.id, action: hash}
      - {key: patient.id, action: delete}
      - {key: password, action: delete}
  filter:
    traces:
      span:
        - 'attributes["http.route"] == "/health"'
  probabilistic_sampler:
    sampling_percentage: ${TRACE_SAMPLING_RATE}
  batch: {timeout: 200ms, send_batch_size: 1024}
exporters:
  jaeger:
    endpoint: ${JAEGER_ENDPOINT}
    tls: {insecure: true}
  googlepubsub:
    project: ${PROJECT_ID}
    topic: otel-traces-${ENVIRONMENT}
    compression: gzip
    timeout: 2s
    retry_on_failure: {initial_interval: 500ms, max_interval: 2s, max_elapsed_time: 0}
  file: {path: ")" + path +
                    R"("}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, attributes, filter, probabilistic_sampler, batch]
      exporters: [jaeger, googlepubsub, file]
)",
                {{"TRACE_SAMPLING_RATE", "100"},
                 {"JAEGER_ENDPOINT", "127.0.0.1:" + std::to_string(jaeger.port())},
                 {"PROJECT_ID", "dta-cloud-de-dev"},
                 {"ENVIRONMENT", "test"},
                 {"PUBSUB_EMULATOR_HOST", emulator.endpoint()}});
  auto stub = opentelemetry::proto::collector::trace::v1::TraceService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(daemon.grpc_port()), grpc::InsecureChannelCredentials()));
  std::set<std::string> acked;
  auto send = [&](int first, int count) {
    for (int i = first; i < first + count; ++i) {
      const auto request = make_request(20, 1000ULL * static_cast<std::uint64_t>(i + 1));
      grpc::ClientContext context;
      otlp::ExportResponse response;
      REQUIRE(stub->Export(&context, request, &response).ok());
      for (const auto& s : request.resource_spans(0).scope_spans(0).spans())
        acked.insert(s.span_id());
    }
  };
  const auto subscription = "projects/dta-cloud-de-dev/subscriptions/bigquery";
  send(0, 10);  // before
  auto received = span_ids_in(emulator.pull(subscription, 10, std::chrono::seconds(20)));
  emulator.pause();
  send(10, 10);  // during: acknowledged while Pub/Sub does not answer
  std::this_thread::sleep_for(std::chrono::seconds(20));
  emulator.resume();
  send(20, 10);  // after
  for (int round = 0; round < 10 && received.size() < acked.size(); ++round) {
    const auto more = span_ids_in(emulator.pull(subscription, 100, std::chrono::seconds(5)));
    received.insert(more.begin(), more.end());
  }
  REQUIRE(daemon.stop(SIGTERM) == 0);
  CHECK(acked.size() == 600);
  CHECK(received == acked);
  CHECK(jaeger.span_ids() == acked);
  CHECK(spans_by_id(read_json_lines(path)).size() == acked.size());
}
