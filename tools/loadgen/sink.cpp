#include "sink.h"

#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "config/yaml_document.h"
#include "receivers/otlp/config.h"
#include "receivers/otlp/otlp_receiver.h"

namespace spanflow::loadgen {

namespace {

using Clock = std::chrono::steady_clock;

class Counter final : public TraceConsumer {
 public:
  ConsumeResult consume(TraceBatch&& batch) override {
    spans.fetch_add(static_cast<std::int64_t>(batch.span_count()), std::memory_order_relaxed);
    requests.fetch_add(1, std::memory_order_relaxed);
    return ConsumeResult::ok();
  }
  std::atomic<std::int64_t> spans{0};
  std::atomic<std::int64_t> requests{0};
};

class SinkHost final : public Host {
 public:
  bool pipelines_ready() const override { return true; }
};

}  // namespace

int run_sink(const SinkOptions& o) {
  receivers::otlp::Config config;
  if (!o.grpc_endpoint.empty()) {
    config.grpc.emplace();
    config.grpc->endpoint = *net::Endpoint::parse(o.grpc_endpoint);
    config.grpc->max_recv_msg_size_mib = 64;
  }
  if (!o.http_endpoint.empty()) {
    config.http.emplace();
    config.http->endpoint = *net::Endpoint::parse(o.http_endpoint);
    config.http->max_request_body_size = 64 * 1024 * 1024;
  }
  telemetry::Metrics metrics;
  auto logger =
      std::make_shared<spdlog::logger>("sink", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  Counter counter;
  receivers::otlp::OtlpReceiver receiver(
      CreateSettings{ComponentId{"otlp", "sink"}, logger, &metrics}, config, counter);
  SinkHost host;
  receiver.start(host);
  std::fprintf(stderr, "sink ready\n");

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  const auto start = Clock::now();
  std::int64_t last = 0;
  for (;;) {
    timespec wait{};
    const auto interval = o.report_interval;
    wait.tv_sec = interval.count() / 1000;
    wait.tv_nsec = (interval.count() % 1000) * 1'000'000;
    const int sig = sigtimedwait(&signals, nullptr, &wait);
    const std::int64_t now = counter.spans.load();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::fprintf(stderr, "sink: spans=%lld spans/s=%.0f\n", static_cast<long long>(now),
                 static_cast<double>(now - last) * 1000.0 / static_cast<double>(interval.count()));
    last = now;
    if (sig > 0 ||
        (o.duration.count() > 0 && elapsed * 1000 >= static_cast<double>(o.duration.count()))) {
      break;
    }
  }
  receiver.shutdown(Clock::now() + std::chrono::seconds(5));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("RESULT mode=sink spans=%lld requests=%lld seconds=%.3f\n",
              static_cast<long long>(counter.spans.load()),
              static_cast<long long>(counter.requests.load()), seconds);
  return 0;
}

}  // namespace spanflow::loadgen
