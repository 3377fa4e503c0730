#include "service/service.h"

namespace spanflow::service {

namespace {
std::vector<std::pair<ComponentId, std::unique_ptr<Extension>>> make_extensions(
    const ServiceConfig& config, const std::shared_ptr<spdlog::logger>& logger) {
  std::vector<std::pair<ComponentId, std::unique_ptr<Extension>>> out;
  for (const auto& id : config.service_extensions) {
    const auto& section = config.extensions.at(id);
    const auto& factory = static_cast<const ExtensionFactory&>(*section.factory);
    out.emplace_back(id, factory.create(CreateSettings{id, logger}, *section.config));
  }
  return out;
}
}  // namespace

Service::Service(const ServiceConfig& config, std::shared_ptr<spdlog::logger> logger)
    : logger_(logger),
      shutdown_timeout_(config.shutdown_timeout),
      extensions_(make_extensions(config, logger)),
      graph_(config, logger) {}

Service::~Service() {
  shutdown();
}

void Service::start() {
  try {
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
}

}  // namespace spanflow::service
