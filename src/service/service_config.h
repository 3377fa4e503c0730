// ServiceConfig: the whole config file, each component section parsed by its factory, and
// the cross-checks between sections (pipelines naming defined components, unused ones).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config_value.h"
#include "core/factory.h"
#include "service/registry.h"
#include "telemetry/logging.h"
#include "telemetry/metrics_config.h"

namespace spanflow::service {

struct ComponentSection {
  ComponentId id;
  const Factory* factory = nullptr;
  std::unique_ptr<ComponentConfig> config;
};

struct PipelineConfig {
  std::string name;  // "traces" or "traces/<name>"
  std::vector<ComponentId> receivers;
  std::vector<ComponentId> processors;
  std::vector<ComponentId> exporters;
};

struct ServiceConfig {
  std::map<ComponentId, ComponentSection> receivers;
  std::map<ComponentId, ComponentSection> processors;
  std::map<ComponentId, ComponentSection> exporters;
  std::map<ComponentId, ComponentSection> extensions;
  std::vector<ComponentId> service_extensions;  // started in this order
  std::vector<PipelineConfig> pipelines;
  telemetry::LogsConfig logs;
  telemetry::MetricsConfig metrics;
  std::chrono::nanoseconds shutdown_timeout = std::chrono::seconds(10);
};

// Parses and validates `root`; every problem goes to `errors`. The result is only usable when
// errors.has_errors() is false.
ServiceConfig parse_service_config(const config::ConfigValue& root, const Registry& registry,
                                   config::ConfigErrors& errors);

}  // namespace spanflow::service
