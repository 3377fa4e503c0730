// ExporterTelemetry: one exporter's metrics (the Collector's names, label `exporter`) and its
// rate-limited log lines (internal to exporters/common).
//
// A dead backend must not flood the log: per kind of line, at most one per kLogInterval, and
// the next one says how many were held back. Retry notices have their own budget so that they
// cannot hide the lines about lost data. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/factory.h"
#include "exporters/common/delivery_config.h"
#include "telemetry/log_limiter.h"
#include "telemetry/metrics.h"

namespace spanflow::exporters {

class ExporterTelemetry {
 public:
  static constexpr auto kLogInterval = telemetry::LimitedLog::kDefaultInterval;

  // Registers the counters, and the queue gauges when `queue` is enabled (the capacity is set
  // here). Without a Metrics in `settings`, instruments live in a private registry.
  ExporterTelemetry(const CreateSettings& settings, const QueueConfig& queue);
  // For an exporter without a sending queue (file, debug): counters and logs only.
  explicit ExporterTelemetry(const CreateSettings& settings)
      : ExporterTelemetry(settings, no_queue()) {}

  // Transient trouble (a retry, a full queue): warn.
  void retry(const std::string& message) { retry_log_.write(message); }
  // Data dropped or refused for good, storage failures: error.
  void loss(const std::string& message) { loss_log_.write(message); }
  spdlog::logger& logger() const { return *logger_; }

 private:
  static QueueConfig no_queue() {
    QueueConfig q;
    q.enabled = false;
    return q;
  }

  // Declared (so initialized) before the instruments registered in them.
  std::unique_ptr<telemetry::Metrics> own_metrics_;
  telemetry::Metrics& metrics_;
  telemetry::Labels labels_;

 public:
  telemetry::Counter& sent;
  telemetry::Counter& send_failed;
  telemetry::Counter& enqueue_failed;
  telemetry::Gauge* queue_size = nullptr;     // null with the queue disabled
  telemetry::Counter* redelivered = nullptr;  // null without a persistent queue

 private:
  std::shared_ptr<spdlog::logger> logger_;
  telemetry::LimitedLog retry_log_{logger_, spdlog::level::warn};
  telemetry::LimitedLog loss_log_{logger_, spdlog::level::err};
};

}  // namespace spanflow::exporters
