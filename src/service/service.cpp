#include "service/service.h"

#include "telemetry/process_metrics.h"

namespace spanflow::service {

namespace {
std::vector<std::pair<ComponentId, std::unique_ptr<Extension>>> make_extensions(
    const ServiceConfig& config, const std::shared_ptr<spdlog::logger>& logger,
    telemetry::Metrics& metrics) {
  std::vector<std::pair<ComponentId, std::unique_ptr<Extension>>> out;
  for (const auto& id : config.service_extensions) {
    const auto& section = config.extensions.at(id);
    const auto& factory = static_cast<const ExtensionFactory&>(*section.factory);
    out.emplace_back(id, factory.create(CreateSettings{id, logger, &metrics}, *section.config));
  }
  return out;
}
}  // namespace

Service::Service(const ServiceConfig& config, std::shared_ptr<spdlog::logger> logger)
    : logger_(logger),
      shutdown_timeout_(config.shutdown_timeout),
      metrics_config_(config.metrics),
      extensions_(make_extensions(config, logger, metrics_)),
      graph_(config, logger, metrics_) {}

Service::~Service() {
  shutdown();
}

void Service::start() {
  try {
    if (metrics_config_.enabled()) start_metrics_server();
    for (; extensions_started_ < extensions_.size(); ++extensions_started_) {
      extensions_[extensions_started_].second->start(*this);
    }
    graph_.start(*this);
  } catch (...) {
    shutdown();
    throw;
  }
  ready_.store(true, std::memory_order_release);
  logger_->info("everything is ready; begin running and processing data");
}

void Service::shutdown() {
  ready_.store(false, std::memory_order_release);
  const Deadline deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(shutdown_timeout_);
  graph_.shutdown(deadline);
  while (extensions_started_ > 0) {
    extensions_[--extensions_started_].second->shutdown(deadline);
  }
  if (metrics_server_) metrics_server_->stop(deadline);
  metrics_server_.reset();
}

Extension* Service::extension(const ComponentId& id) const {
  for (std::size_t i = 0; i < extensions_started_; ++i) {
    if (extensions_[i].first == id) return extensions_[i].second.get();
  }
  return nullptr;
}

void Service::start_metrics_server() {
  net::HttpServerOptions options{metrics_config_.endpoint, 64 * 1024};
  options.threads = 1;
  const auto started = std::chrono::steady_clock::now();
  metrics_server_ = std::make_unique<net::HttpServer>(
      "telemetry metrics", options,
      [this, started](net::HttpRequest& request) {
        if (request.target() != "/metrics") {
          return net::make_response(request, 404, "404 page not found");
        }
        return net::make_response(
            request, 200, metrics_.prometheus_text() + telemetry::process_metrics_text(started),
            "text/plain; version=0.0.4; charset=utf-8");
      },
      logger_);
  metrics_server_->start();
  logger_->info("telemetry metrics listening endpoint={}:{}", metrics_config_.endpoint.host,
                metrics_server_->port());
}

}  // namespace spanflow::service
