// The persistent sending queue on the real binary: with the backend down an agent acknowledges
// spans only once they are on disk; after SIGKILL and a restart every acknowledged span
// reaches the backend when it comes up (duplicates allowed, and counted).
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch.hpp>
#include <condition_variable>
#include <mutex>
#include <set>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/metrics_page.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace std::chrono_literals;
using TraceService = opentelemetry::proto::collector::trace::v1::TraceService;

namespace {

// A port nothing listens on now: bound to 0, read, closed. The backend binds it later.
std::uint16_t reserve_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Counts every span id it receives (duplicates included).
class CountingTraceService final : public TraceService::Service {
 public:
  grpc::Status Export(grpc::ServerContext*, const otlp::ExportRequest* request,
                      otlp::ExportResponse*) override {
    std::lock_guard lock(mu_);
    for (const auto& rs : request->resource_spans()) {
      for (const auto& ss : rs.scope_spans()) {
        for (const auto& span : ss.spans()) ++seen_[span.span_id()];
      }
    }
    changed_.notify_all();
    return grpc::Status::OK;
  }
  bool await_all(const std::set<std::string>& ids, std::chrono::seconds timeout) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] {
      for (const auto& id : ids) {
        if (!seen_.contains(id)) return false;
      }
      return true;
    });
  }
  std::map<std::string, int> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, int> seen_;
};

}  // namespace

TEST_CASE("after SIGKILL and a restart every span the agent acknowledged reaches the backend") {
  TempDir storage;
  const std::uint16_t backend_port = reserve_port();
  const std::string config = R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
exporters:
  otlp:
    endpoint: 127.0.0.1:)" + std::to_string(backend_port) +
                             R"(
    tls: {insecure: true}
    retry_on_failure: {initial_interval: 50ms, max_interval: 200ms, max_elapsed_time: 0}
    sending_queue: {storage: file_storage/queue, num_consumers: 2}
extensions:
  file_storage/queue: {directory: ")" +
                             storage.path().string() + R"("}
service:
  extensions: [file_storage/queue]
  pipelines:
    traces: {receivers: [otlp], exporters: [otlp]}
)";
  std::set<std::string> acked;
  {
    Daemon agent(config);
    auto stub = TraceService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(agent.grpc_port()), grpc::InsecureChannelCredentials()));
    for (std::uint64_t i = 0; i < 40; ++i) {
      const otlp::ExportRequest request = make_request(5, 1 + i * 5);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + 10s);
      otlp::ExportResponse response;
      if (!stub->Export(&context, request, &response).ok()) continue;
      for (const auto& span : request.resource_spans(0).scope_spans(0).spans()) {
        acked.insert(span.span_id());
      }
    }
    REQUIRE(acked.size() == 200);
    // The consumers have been retrying against the missing backend meanwhile.
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (agent.log().find("retrying in") == std::string::npos &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(10ms);
    }
    REQUIRE(agent.stop(SIGKILL) == 128 + SIGKILL);
  }
  Daemon restarted(config);
  CHECK(restarted.log().find("40 requests (200 spans) recovered from the persistent queue") !=
        std::string::npos);
  CountingTraceService service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(backend_port),
                           grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  REQUIRE(server);
  CHECK(service.await_all(acked, 30s));
  CHECK(await_metric(restarted, exporter_series("sent_spans_total", "otlp"), 200, 10s) == 200);
  const std::string page = scrape(restarted);
  CHECK(metric(page, exporter_series("send_failed_spans_total", "otlp")) == 0);
  // The requests the consumers held when the agent died are sent again: possible duplicates.
  const double redelivered = metric(page, exporter_series("queue_redelivered_spans_total", "otlp"));
  CHECK(redelivered >= 5);
  CHECK(redelivered <= 200);
  std::size_t copies = 0;
  for (const auto& [id, n] : service.seen()) copies += static_cast<std::size_t>(n);
  CHECK(copies >= 200);
  REQUIRE(restarted.stop(SIGTERM) == 0);
  server->Shutdown(std::chrono::system_clock::now() + 1s);

  // Everything was acknowledged by the backend: a third start has nothing left to send.
  Daemon third(config);
  CHECK(third.log().find("recovered from the persistent queue") == std::string::npos);
  REQUIRE(third.stop(SIGTERM) == 0);
}

TEST_CASE("a persistent queue whose storage extension is not enabled is a config error") {
  TempDir storage;
  const auto result = run_spanflow({"validate", "--config",
                                    storage.write("c.yaml", R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
exporters:
  otlp:
    endpoint: 127.0.0.1:1
    tls: {insecure: true}
    sending_queue: {storage: file_storage}
extensions:
  file_storage: {directory: ")" + storage.path().string() +
                                                                R"("}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [otlp]}
)")});
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("error: exporters::otlp: needs extension 'file_storage', which is "
                           "not listed in service::extensions (add it to "
                           "service::extensions)") != std::string::npos);
}
