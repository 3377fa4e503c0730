// RequestQueue: the sending queue behind QueuedExporter (internal to exporters/common), in
// memory or on a storage extension's RecordLog.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/storage.h"
#include "core/trace_batch.h"
#include "exporters/common/delivery_config.h"
#include "telemetry/metrics.h"

namespace spanflow::exporters {

struct QueuedRequest {
  TraceBatch batch;
  std::uint64_t spans = 0;
  std::optional<std::uint64_t> log_index;  // persistent queue: the record to ack
  bool redelivered = false;  // handed to a sender before a restart (possible duplicate)
};

struct QueueTotals {
  std::uint64_t requests = 0;
  std::uint64_t spans = 0;
};

// Thread-safe: offer() from any consume() caller, take() and done() from the consumers.
// The size (in sizer units, published to the size gauge) counts requests not yet taken.
class RequestQueue {
 public:
  enum class Offer { kOk, kFull, kTooLarge, kClosed, kFailed };

  virtual ~RequestQueue() = default;
  // Queues the batch; with block_on_overflow waits for room (until close()). kFailed comes
  // with `error` (a persistent queue could not write).
  virtual Offer offer(TraceBatch&& batch, std::string& error) = 0;
  // The oldest request; blocks while the queue is empty and open. nullopt once closed and
  // nothing more is to be handed out: a memory queue hands out what it still holds first, a
  // persistent queue stops at once (its records wait on disk for the next start).
  virtual std::optional<QueuedRequest> take() = 0;
  // A consumer is finished with a request (delivered or dropped): never handed out again.
  virtual void done(const QueuedRequest& request) = 0;
  // Refuses further offers (kClosed) and wakes every waiter.
  virtual void close() = 0;
  // Requests not yet handed out.
  virtual QueueTotals waiting() const = 0;
  virtual bool durable() const = 0;
};

// The queue's size of a batch in `sizer` units: 1, its spans, or its serialized bytes.
std::uint64_t size_in(const std::string& sizer, const TraceBatch& batch);

std::unique_ptr<RequestQueue> make_memory_queue(const QueueConfig& config, telemetry::Gauge& size);
// `log` is the exporter's RecordLog; records that cannot be decoded are reported through
// `on_error` (with the queue's lock not held) and skipped.
std::unique_ptr<RequestQueue> make_persistent_queue(
    const QueueConfig& config, std::unique_ptr<RecordLog> log, telemetry::Gauge& size,
    std::function<void(const std::string&)> on_error);

}  // namespace spanflow::exporters
