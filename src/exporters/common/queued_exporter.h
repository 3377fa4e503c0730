// QueuedExporter: the Collector's exporterhelper for spanflow. Wraps a Sender with the
// sending queue (in memory or persistent via a file_storage extension), num_consumers worker
// threads, retries with exponential backoff and jitter (honouring the server's retry hint as
// a floor), the per-attempt timeout, and the exporter metrics.
//
// What consume() answering ok means: with the queue enabled, the batch is in the queue (in
// memory, or appended and fsynced to disk with a persistent queue); it will be delivered, or
// dropped and counted (otelcol_exporter_send_failed_spans_total) when a permanent error or
// max_elapsed_time says so. A full queue answers retryable (receivers: UNAVAILABLE/503 + hint)
// unless block_on_overflow. With the queue disabled, consume() sends on the caller's thread
// (retrying there) and returns the final outcome.
//
// Shutdown: a memory queue is drained until the deadline (what is left then is dropped,
// counted and logged); a persistent queue stops handing out records at once, lets attempts in
// flight finish by the deadline and keeps everything unsent on disk for the next start.
// Threads: consume() from any thread; num_consumers threads call Sender::send().
#pragma once

#include <memory>

#include "core/component.h"
#include "core/factory.h"
#include "exporters/common/backoff.h"
#include "exporters/common/delivery_config.h"
#include "exporters/common/sender.h"

namespace spanflow::exporters {

class QueuedExporter final : public Exporter {
 public:
  // `jitter` feeds the backoff randomization (tests inject a fixed one).
  QueuedExporter(const CreateSettings& settings, const DeliveryConfig& config,
                 std::unique_ptr<Sender> sender, JitterSource jitter = default_jitter());
  ~QueuedExporter() override;

  // Starts the sender, opens the persistent queue (through Host::extension) and the consumers;
  // throws std::runtime_error when the storage extension is missing or the queue cannot open.
  void start(Host& host) override;
  void shutdown(Deadline deadline) override;
  ConsumeResult consume(TraceBatch&& batch) override;
  bool reads_spans() const override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spanflow::exporters
