// The otlp_grpc and otlp_http exporters on the real binary: an agent daemon chained to a
// gateway daemon, and an agent against backends written here that refuse, throttle and
// reject, checking what arrives, the retry timing and the exporter metrics.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spdlog/sinks/null_sink.h>

#include <catch.hpp>
#include <condition_variable>
#include <mutex>
#include <regex>

#include "codec/gzip.h"
#include "codec/otlp_json.h"
#include "google/rpc/status.pb.h"
#include "net/http_server.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/metrics_page.h"
#include "support/otlp_grpc_client.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace std::chrono_literals;
using google::protobuf::util::MessageDifferencer;
using Clock = std::chrono::steady_clock;

namespace {

std::shared_ptr<spdlog::logger> quiet_logger() {
  return std::make_shared<spdlog::logger>("backend",
                                          std::make_shared<spdlog::sinks::null_sink_mt>());
}

// An agent: OTLP/gRPC in, the given exporter section (named `id`) out.
std::string agent_config(const std::string& id, const std::string& exporter) {
  return R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
exporters:
  )" + id +
         ":\n" + exporter + R"(
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [)" +
         id + "]}\n";
}

double exporter_metric(const Daemon& daemon, const std::string& name, const std::string& id) {
  return metric(scrape(daemon), exporter_series(name, id));
}

// Every span of `sent` is in `got` with the same fields, resource and scope; else what differs.
std::string differences(const otlp::ExportRequest& sent,
                        const std::map<std::string, SpanRecord>& got) {
  std::string out;
  for (const auto& rs : sent.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& span : ss.spans()) {
        const auto it = got.find(span.span_id());
        if (it == got.end()) {
          out += "missing span " + span.name() + "\n";
          continue;
        }
        MessageDifferencer differ;
        std::string diff;
        differ.ReportDifferencesToString(&diff);
        if (!differ.Compare(span, it->second.span)) out += span.name() + ": " + diff;
        if (!MessageDifferencer::Equals(rs.resource(), it->second.resource)) {
          out += span.name() + ": resource differs\n";
        }
        if (!MessageDifferencer::Equals(ss.scope(), it->second.scope)) {
          out += span.name() + ": scope differs\n";
        }
      }
    }
  }
  return out;
}

// A TraceService that fails the first `failures` calls with `failure`, then keeps requests.
class ScriptedTraceService final : public TraceService::Service {
 public:
  ScriptedTraceService(int failures, grpc::Status failure)
      : failures_(failures), failure_(std::move(failure)) {}

  grpc::Status Export(grpc::ServerContext* context, const otlp::ExportRequest* request,
                      otlp::ExportResponse*) override {
    std::lock_guard lock(mu_);
    calls_.push_back(Clock::now());
    const auto tenant = context->client_metadata().find("x-tenant");
    if (tenant != context->client_metadata().end()) {
      tenant_ = std::string(tenant->second.data(), tenant->second.size());
    }
    changed_.notify_all();
    if (static_cast<int>(calls_.size()) <= failures_) return failure_;
    received_.push_back(*request);
    return grpc::Status::OK;
  }

  template <class F>
  bool await(F condition, std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return condition(); });
  }
  std::size_t spans_locked() const {
    std::size_t n = 0;
    for (const auto& r : received_) n += count_spans(r);
    return n;
  }
  std::vector<Clock::time_point> calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::size_t call_count_locked() const { return calls_.size(); }
  std::string tenant() {
    std::lock_guard lock(mu_);
    return tenant_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int failures_;
  grpc::Status failure_;
  std::vector<Clock::time_point> calls_;
  std::vector<otlp::ExportRequest> received_;
  std::string tenant_;
};

struct GrpcBackend {
  explicit GrpcBackend(ScriptedTraceService& service) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
    REQUIRE(server);
  }
  ~GrpcBackend() { server->Shutdown(std::chrono::system_clock::now() + 1s); }
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

grpc::Status unavailable_with_retry_info(std::chrono::milliseconds delay) {
  google::rpc::RetryInfo info;
  info.mutable_retry_delay()->set_seconds(delay.count() / 1000);
  info.mutable_retry_delay()->set_nanos(static_cast<int>(delay.count() % 1000) * 1'000'000);
  google::rpc::Status status;
  status.set_code(grpc::StatusCode::UNAVAILABLE);
  status.set_message("overloaded");
  status.add_details()->PackFrom(info);
  return {grpc::StatusCode::UNAVAILABLE, "overloaded", status.SerializeAsString()};
}

}  // namespace

TEST_CASE("spans sent through an agent's OTLP exporter arrive at the gateway exactly as sent") {
  TempDir out;
  const std::string path = out.file("gateway.jsonl");
  Daemon gateway(otlp_to_file_config(path));
  const std::string grpc_endpoint = "127.0.0.1:" + std::to_string(gateway.grpc_port());
  const std::string http_base = "http://127.0.0.1:" + std::to_string(gateway.http_port());
  std::string id, section;
  SECTION("otlp_grpc, gzip by default") {
    id = "otlp_grpc";
    section = "    endpoint: " + grpc_endpoint + "\n    tls: {insecure: true}\n";
  }
  SECTION("otlp (the alias), no compression") {
    id = "otlp/gateway";
    section = "    endpoint: " + grpc_endpoint + "\n    tls: {insecure: true}\n" +
              "    compression: none\n";
  }
  SECTION("otlp_http, protobuf and gzip by default") {
    id = "otlp_http";
    section = "    endpoint: " + http_base + "\n";
  }
  SECTION("otlphttp (the alias), JSON to a traces_endpoint") {
    id = "otlphttp";
    section = "    traces_endpoint: " + http_base + "/v1/traces\n    encoding: json\n";
  }
  SECTION("otlp_http without a sending queue, JSON, no compression") {
    id = "otlp_http";
    section = "    endpoint: " + http_base + "\n    encoding: json\n    compression: none\n" +
              "    sending_queue: {enabled: false}\n";
  }
  Daemon agent(agent_config(id, section));
  const otlp::ExportRequest rich = rich_request();
  const otlp::ExportRequest plain = make_request(50, 1000, "frontend");
  REQUIRE(grpc_export(*grpc_stub(agent.grpc_port()), rich).ok());
  REQUIRE(grpc_export(*grpc_stub(agent.grpc_port()), plain).ok());
  // A clean stop drains the agent's queue into the gateway; the gateway's stop flushes the file.
  REQUIRE(agent.stop(SIGTERM) == 0);
  REQUIRE(gateway.stop(SIGTERM) == 0);
  const auto got = spans_by_id(read_json_lines(path));
  CHECK(got.size() == 52);
  CHECK(differences(rich, got) == "");
  CHECK(differences(plain, got) == "");
}

TEST_CASE("the exporter metrics count what an agent sent to the gateway") {
  TempDir out;
  Daemon gateway(R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
exporters:
  file: {path: ")" +
                 out.file("g.jsonl") + R"("}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)");
  Daemon agent(
      agent_config("otlp", "    endpoint: 127.0.0.1:" + std::to_string(gateway.grpc_port()) +
                               "\n    tls: {insecure: true}\n"));
  for (int i = 0; i < 4; ++i)
    REQUIRE(grpc_export(*grpc_stub(agent.grpc_port()), make_request(5, 100 * i + 1)).ok());
  await_metric(agent, exporter_series("sent_spans_total", "otlp"), 20);
  CHECK(exporter_metric(agent, "sent_spans_total", "otlp") == 20);
  CHECK(exporter_metric(agent, "send_failed_spans_total", "otlp") == 0);
  CHECK(exporter_metric(agent, "enqueue_failed_spans_total", "otlp") == 0);
  CHECK(exporter_metric(agent, "queue_capacity", "otlp") == 1000);
  CHECK(exporter_metric(agent, "queue_size", "otlp") == 0);
}

TEST_CASE("UNAVAILABLE with RetryInfo is retried after the server's delay until it succeeds") {
  ScriptedTraceService service(3, unavailable_with_retry_info(300ms));
  GrpcBackend backend(service);
  Daemon agent(agent_config("otlp", "    endpoint: 127.0.0.1:" + std::to_string(backend.port) +
                                        R"(
    tls: {insecure: true}
    headers: {X-Tenant: acme}
    retry_on_failure: {initial_interval: 10ms, max_interval: 20ms}
)"));
  REQUIRE(grpc_export(*grpc_stub(agent.grpc_port()), make_request(5)).ok());
  REQUIRE(service.await([&] { return service.spans_locked() == 5; }));
  const auto calls = service.calls();
  REQUIRE(calls.size() == 4);
  for (std::size_t i = 1; i < calls.size(); ++i) {
    INFO("call " << i);
    CHECK(calls[i] - calls[i - 1] >= 300ms);  // the hint, not the 10 ms backoff
  }
  CHECK(service.tenant() == "acme");
  CHECK(await_metric(agent, exporter_series("sent_spans_total", "otlp"), 5) == 5);
  CHECK(exporter_metric(agent, "send_failed_spans_total", "otlp") == 0);
  REQUIRE(agent.stop(SIGTERM) == 0);
  CHECK(agent.log().find("retrying in 0.3s") != std::string::npos);
}

TEST_CASE("a permanent gRPC error drops the batch after one call and counts it") {
  ScriptedTraceService service(1000, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad"));
  GrpcBackend backend(service);
  Daemon agent(agent_config("otlp", "    endpoint: 127.0.0.1:" + std::to_string(backend.port) +
                                        "\n    tls: {insecure: true}\n"));
  REQUIRE(grpc_export(*grpc_stub(agent.grpc_port()), make_request(3)).ok());
  await_metric(agent, exporter_series("send_failed_spans_total", "otlp"), 3);
  CHECK(exporter_metric(agent, "send_failed_spans_total", "otlp") == 3);
  REQUIRE(agent.stop(SIGTERM) == 0);
  CHECK(service.calls().size() == 1);
  CHECK(agent.log().find("dropping 3 spans (not retryable error): rpc error: code = "
                         "InvalidArgument desc = bad") != std::string::npos);
}

TEST_CASE(
    "OTLP/HTTP: 503 with Retry-After is honoured, a partial success is counted, the "
    "request is gzip protobuf") {
  std::mutex mu;
  std::vector<Clock::time_point> calls;
  std::vector<std::map<std::string, std::string>> headers;
  otlp::ExportRequest received;
  const auto logger = quiet_logger();
  net::HttpServer backend(
      "backend", net::HttpServerOptions{net::Endpoint{"127.0.0.1", 0}},
      [&](net::HttpRequest& request) {
        std::lock_guard lock(mu);
        calls.push_back(Clock::now());
        auto& seen = headers.emplace_back();
        for (const auto& field : request) {
          seen[std::string(field.name_string())] = std::string(field.value());
        }
        seen["target"] = std::string(request.target());
        if (calls.size() <= 2) {
          auto response = net::make_response(request, 503, "busy");
          response.set(boost::beast::http::field::retry_after, "1");
          return response;
        }
        std::string body, error;
        CHECK(codec::inflate(request.body(), false, 1 << 24, body, error) ==
              codec::InflateStatus::kOk);
        CHECK(received.ParseFromString(body));
        otlp::ExportResponse reply;
        reply.mutable_partial_success()->set_rejected_spans(1);
        reply.mutable_partial_success()->set_error_message("one span too old");
        return net::make_response(request, 200, reply.SerializeAsString(),
                                  "application/x-protobuf");
      },
      logger);
  backend.start();
  Daemon agent(agent_config("otlp_http",
                            "    endpoint: http://127.0.0.1:" + std::to_string(backend.port()) + R"(
    headers: {X-Tenant: acme}
    retry_on_failure: {initial_interval: 10ms, max_interval: 20ms}
)"));
  REQUIRE(grpc_export(*grpc_stub(agent.grpc_port()), make_request(4)).ok());
  CHECK(await_metric(agent, exporter_series("send_failed_spans_total", "otlp_http"), 1) == 1);
  CHECK(exporter_metric(agent, "sent_spans_total", "otlp_http") == 3);
  REQUIRE(agent.stop(SIGTERM) == 0);
  backend.stop(Clock::now() + 1s);
  std::lock_guard lock(mu);
  REQUIRE(calls.size() == 3);
  CHECK(calls[1] - calls[0] >= 1s);
  CHECK(calls[2] - calls[1] >= 1s);
  CHECK(count_spans(received) == 4);
  const auto& last = headers.back();
  CHECK(last.at("target") == "/v1/traces");
  CHECK(last.at("Content-Type") == "application/x-protobuf");
  CHECK(last.at("Content-Encoding") == "gzip");
  CHECK(last.at("X-Tenant") == "acme");
  CHECK(last.at("User-Agent").starts_with("spanflow/"));
  CHECK(agent.log().find("the backend rejected 1 of 4 spans (not retried): one span too old") !=
        std::string::npos);
}

TEST_CASE("OTLP/HTTP: a 400 is permanent and its Status message is reported") {
  std::atomic<int> calls{0};
  net::HttpServer backend(
      "backend", net::HttpServerOptions{net::Endpoint{"127.0.0.1", 0}},
      [&](net::HttpRequest& request) {
        ++calls;
        std::string body;
        google::rpc::Status status;
        status.set_code(3);
        status.set_message("span 7 has no trace id");
        codec::encode_status(status, body);
        return net::make_response(request, 400, body, "application/json");
      },
      quiet_logger());
  backend.start();
  Daemon agent(
      agent_config("otlp_http", "    endpoint: http://127.0.0.1:" + std::to_string(backend.port()) +
                                    "\n    encoding: json\n"));
  REQUIRE(grpc_export(*grpc_stub(agent.grpc_port()), make_request(2)).ok());
  await_metric(agent, exporter_series("send_failed_spans_total", "otlp_http"), 2);
  REQUIRE(agent.stop(SIGTERM) == 0);
  backend.stop(Clock::now() + 1s);
  CHECK(calls == 1);
  CHECK(agent.log().find("dropping 2 spans (not retryable error): HTTP 400: span 7 has no trace "
                         "id") != std::string::npos);
}
