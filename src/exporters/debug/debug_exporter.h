// The `debug` exporter: writes what it receives to the daemon's log.
// consume() may be called concurrently; it only reads the batch.
#pragma once

#include "core/component.h"
#include "core/factory.h"
#include "exporters/common/exporter_telemetry.h"
#include "exporters/debug/config.h"

namespace spanflow::exporters::debug {

class DebugExporter final : public Exporter {
 public:
  DebugExporter(const CreateSettings& settings, const Config& config)
      : settings_(settings), config_(config), telemetry_(settings) {}

  void start(Host&) override {}
  void shutdown(Deadline) override {}
  ConsumeResult consume(TraceBatch&& batch) override;

 private:
  CreateSettings settings_;
  Config config_;
  ExporterTelemetry telemetry_;
};

}  // namespace spanflow::exporters::debug
