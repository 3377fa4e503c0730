#include "extensions/health_check/health_check.h"

#include <spdlog/sinks/null_sink.h>

#include <atomic>
#include <catch.hpp>

#include "support/http_client.h"

using namespace spanflow;
using spanflow::extensions::health_check::Config;
using spanflow::extensions::health_check::HealthCheck;

namespace {

class FlagHost final : public Host {
 public:
  bool pipelines_ready() const override { return ready; }
  std::atomic<bool> ready{false};
};

}  // namespace

TEST_CASE("the health check answers 503 until the pipelines run and again when they stop") {
  telemetry::Metrics metrics;
  auto logger =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  CreateSettings settings{ComponentId{"health_check", ""}, logger, &metrics};
  Config config;
  config.endpoint = *net::Endpoint::parse("127.0.0.1:0");
  config.path = "/health/status";
  FlagHost host;
  HealthCheck health(settings, config);
  health.start(host);
  const auto port = health.port();
  testing::HttpClient client(port);

  auto starting = client.request("GET", "/health/status");
  CHECK(starting.status == 503);
  CHECK(starting.body ==
        R"({"status":"Server not available","upSince":"0001-01-01T00:00:00Z","uptime":""})");

  host.ready = true;
  auto running = client.request("GET", "/health/status");
  CHECK(running.status == 200);
  CHECK(running.header("content-type") == "application/json");
  CHECK(running.body.starts_with(R"({"status":"Server available","upSince":")"));
  CHECK(running.body.find(R"("uptime":")") != std::string::npos);

  host.ready = false;  // stopping
  CHECK(client.request("GET", "/health/status").status == 503);
  CHECK(client.request("GET", "/").status == 404);
  CHECK(client.request("POST", "/health/status").status == 405);
  health.shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(1));
}
