// Factories: how the service turns a config section into a component.
//
// A component folder declares `struct Config { ...; static Config parse(config::ConfigNode&); }`
// and one factory deriving from ReceiverFactoryFor<Config> (or the processor/exporter/extension
// variant) that implements type() and make(). Parsing records every error in the node's
// ConfigErrors; it never throws.
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string_view>
#include <vector>

#include "config/config_node.h"
#include "core/component.h"
#include "telemetry/metrics.h"

namespace spanflow {

enum class ComponentKind { kReceiver, kProcessor, kExporter, kExtension };
std::string_view to_string(ComponentKind kind);

// What a component gets besides its config: injected dependencies, never read from globals.
struct CreateSettings {
  ComponentId id;
  std::shared_ptr<spdlog::logger> logger;
  telemetry::Metrics* metrics = nullptr;  // outlives every component; never null in the daemon
};

// A parsed, validated config of some component type.
struct ComponentConfig {
  virtual ~ComponentConfig() = default;
  // Extensions the component needs running (an exporter's persistent queue storage); the
  // service config checks that they are defined and enabled.
  virtual std::vector<ComponentId> required_extensions() const { return {}; }
};

class Factory {
 public:
  virtual ~Factory() = default;
  virtual ComponentKind kind() const = 0;
  virtual std::string_view type() const = 0;
  virtual std::unique_ptr<ComponentConfig> parse(config::ConfigNode& node) const = 0;
};

class ReceiverFactory : public Factory {
 public:
  ComponentKind kind() const override { return ComponentKind::kReceiver; }
  virtual std::unique_ptr<Receiver> create(const CreateSettings& settings,
                                           const ComponentConfig& config,
                                           TraceConsumer& next) const = 0;
};

class ProcessorFactory : public Factory {
 public:
  ComponentKind kind() const override { return ComponentKind::kProcessor; }
  virtual std::unique_ptr<Processor> create(const CreateSettings& settings,
                                            const ComponentConfig& config,
                                            TraceConsumer& next) const = 0;
};

class ExporterFactory : public Factory {
 public:
  ComponentKind kind() const override { return ComponentKind::kExporter; }
  virtual std::unique_ptr<Exporter> create(const CreateSettings& settings,
                                           const ComponentConfig& config) const = 0;
};

class ExtensionFactory : public Factory {
 public:
  ComponentKind kind() const override { return ComponentKind::kExtension; }
  virtual std::unique_ptr<Extension> create(const CreateSettings& settings,
                                            const ComponentConfig& config) const = 0;
};

// A Config may declare `std::vector<ComponentId> required_extensions() const`.
template <class Config>
struct TypedConfig final : ComponentConfig {
  explicit TypedConfig(Config c) : value(std::move(c)) {}
  std::vector<ComponentId> required_extensions() const override {
    if constexpr (requires { value.required_extensions(); }) {
      return value.required_extensions();
    } else {
      return {};
    }
  }
  Config value;
};

// The typed layer: parse() calls Config::parse then reports unknown keys; create() hands make()
// the typed config. `Args` are the extra create() arguments of `Base` (a receiver's next consumer).
template <class Base, class Product, class Config, class... Args>
class TypedFactory : public Base {
 public:
  std::unique_ptr<ComponentConfig> parse(config::ConfigNode& node) const override {
    auto parsed = std::make_unique<TypedConfig<Config>>(Config::parse(node));
    node.finish();
    return parsed;
  }
  std::unique_ptr<Product> create(const CreateSettings& settings, const ComponentConfig& config,
                                  Args... args) const override {
    return make(settings, static_cast<const TypedConfig<Config>&>(config).value, args...);
  }

 protected:
  virtual std::unique_ptr<Product> make(const CreateSettings& settings, const Config& config,
                                        Args... args) const = 0;
};

template <class Config>
using ReceiverFactoryFor = TypedFactory<ReceiverFactory, Receiver, Config, TraceConsumer&>;
template <class Config>
using ProcessorFactoryFor = TypedFactory<ProcessorFactory, Processor, Config, TraceConsumer&>;
template <class Config>
using ExporterFactoryFor = TypedFactory<ExporterFactory, Exporter, Config>;
template <class Config>
using ExtensionFactoryFor = TypedFactory<ExtensionFactory, Extension, Config>;

}  // namespace spanflow
