// Service: owns the extensions and the pipeline graph of one validated config, and reports
// readiness to the health check.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <memory>
#include <vector>

#include "net/http_server.h"
#include "service/graph.h"
#include "service/service_config.h"

namespace spanflow::service {

class Service final : public Host {
 public:
  // Creates every component; throws std::runtime_error when one cannot be created.
  Service(const ServiceConfig& config, std::shared_ptr<spdlog::logger> logger);
  ~Service() override;

  // Extensions first, then the graph; ready once all started. Throws when one cannot start.
  void start();
  // Not ready, then the graph (receivers first), then extensions, within shutdown_timeout.
  // Idempotent.
  void shutdown();

  bool pipelines_ready() const override { return ready_.load(std::memory_order_acquire); }
  Extension* extension(const ComponentId& id) const override;
  const telemetry::Metrics& metrics() const { return metrics_; }

 private:
  void start_metrics_server();

  std::shared_ptr<spdlog::logger> logger_;
  std::chrono::nanoseconds shutdown_timeout_;
  telemetry::Metrics metrics_;
  telemetry::MetricsConfig metrics_config_;
  std::unique_ptr<net::HttpServer> metrics_server_;
  std::vector<std::pair<ComponentId, std::unique_ptr<Extension>>> extensions_;
  std::size_t extensions_started_ = 0;
  Graph graph_;
  std::atomic<bool> ready_{false};
};

}  // namespace spanflow::service
