// Flooding the daemon past its memory limit: requests are refused with a retry hint before
// they are decoded, RSS stays under limit_mib, and every acknowledged span is delivered.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <catch.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/metrics_page.h"
#include "support/otlp_grpc_client.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;

namespace {}  // namespace

TEST_CASE("a flood past the memory limit is refused with a retry hint and loses nothing") {
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  // The batch processor holds everything until shutdown: the exporter drains nothing while the
  // flood lasts, so memory can only be bounded by refusing.
  Daemon daemon(R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
      http: {endpoint: "127.0.0.1:0"}
processors:
  memory_limiter: {check_interval: 100ms, limit_mib: 96, spike_limit_mib: 32}
  batch: {send_batch_size: 10000000, timeout: 60s}
exporters:
  file: {path: ")" +
                path + R"("}
service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [file]
)");
  std::mutex mu;
  std::set<std::string> acked;
  std::atomic<int> refused_http{0}, refused_grpc{0}, retry_after_ok{0}, retry_info_ok{0};
  std::atomic<std::uint64_t> peak_rss{0};
  auto sender = [&](int thread) {
    auto stub = grpc_stub(daemon.grpc_port());
    HttpClient http(daemon.http_port());
    for (int i = 0; i < 400; ++i) {
      const auto request =
          make_request(500, (static_cast<std::uint64_t>(thread) << 40) + 1000ULL * i);
      bool ok = false;
      if (i % 2 == 0) {
        const auto res =
            http.post("/v1/traces", request.SerializeAsString(), "application/x-protobuf");
        ok = res.status == 200;
        if (res.status == 503) {
          ++refused_http;
          if (std::stoi(res.header("retry-after")) >= 1) ++retry_after_ok;
        }
      } else {
        grpc::ClientContext context;
        otlp::ExportResponse response;
        const auto status = stub->Export(&context, request, &response);
        ok = status.ok();
        if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
          ++refused_grpc;
          google::rpc::Status details;
          google::rpc::RetryInfo retry;
          if (details.ParseFromString(status.error_details()) && details.details_size() == 1 &&
              details.details(0).UnpackTo(&retry) && retry.retry_delay().seconds() >= 1) {
            ++retry_info_ok;
          }
        }
      }
      if (!ok) continue;
      std::lock_guard lock(mu);
      for (const auto& s : request.resource_spans(0).scope_spans(0).spans()) {
        acked.insert(s.span_id());
      }
    }
  };
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    HttpClient metrics(daemon.metrics_port());
    while (!done) {
      const auto rss =
          metric(metrics.request("GET", "/metrics").body, "otelcol_process_memory_rss_bytes");
      peak_rss = std::max<std::uint64_t>(peak_rss, static_cast<std::uint64_t>(rss));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(sender, t + 1);
  for (auto& t : threads) t.join();
  done = true;
  watcher.join();

  const auto text = HttpClient(daemon.metrics_port()).request("GET", "/metrics").body;
  INFO("acked spans " << acked.size() << ", peak RSS MiB " << peak_rss / (1024 * 1024));
  CHECK(refused_http > 0);
  CHECK(refused_grpc > 0);
  CHECK(retry_after_ok == refused_http);
  CHECK(retry_info_ok == refused_grpc);
  CHECK(acked.size() > 10000);
  CHECK(peak_rss < 96ULL * 1024 * 1024);
  CHECK(metric(text,
               "otelcol_processor_memory_limiter_refused_requests_total{processor="
               "\"memory_limiter\"}") > 0);

  REQUIRE(daemon.stop(SIGTERM) == 0);
  const auto written = spans_by_id(read_json_lines(path));
  std::size_t missing = 0;
  for (const auto& id : acked) missing += written.contains(id) ? 0 : 1;
  CHECK(missing == 0);
  CHECK(written.size() == acked.size());
}
