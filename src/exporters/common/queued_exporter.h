// QueuedExporter: the Collector's exporterhelper for spanflow. Wraps a Sender with the
// sending queue (in memory or persistent via a file_storage extension), num_consumers worker
// threads, retries with exponential backoff and jitter (honouring the server's retry hint),
// the per-attempt timeout, and the exporter metrics.
//
// What consume() answering ok means: with the queue enabled, the batch is in the queue (in
// memory, or fsynced to disk with a persistent queue); it will be delivered, or dropped and
// counted (otelcol_exporter_send_failed_spans_total) when a permanent error or
// max_elapsed_time says so. A full queue answers retryable (receivers: UNAVAILABLE/503 + hint)
// unless block_on_overflow. With the queue disabled, consume() sends on the caller's thread
// and returns the final outcome.
#pragma once

#include <memory>

#include "core/component.h"
#include "core/factory.h"
#include "exporters/common/delivery_config.h"
#include "exporters/common/sender.h"

namespace spanflow::exporters {

class QueuedExporter final : public Exporter {
 public:
  QueuedExporter(const CreateSettings& settings, const DeliveryConfig& config,
                 std::unique_ptr<Sender> sender);
  ~QueuedExporter() override;

  void start(Host& host) override;
  // Stops taking data, drains the queue until the deadline, reports what was left (a
  // persistent queue keeps it for the next start).
  void shutdown(Deadline deadline) override;
  ConsumeResult consume(TraceBatch&& batch) override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spanflow::exporters
