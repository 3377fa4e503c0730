// CountingEdge: the edge into and out of a processor, counting the spans that cross it
// (otelcol_processor_incoming_items_total / outgoing_items_total). One cached span count and
// a relaxed atomic add per counter per batch; nothing per span.
#pragma once

#include <vector>

#include "core/consumer.h"
#include "telemetry/metrics.h"

namespace spanflow::service {

class CountingEdge final : public TraceConsumer {
 public:
  CountingEdge(TraceConsumer& next, std::vector<telemetry::Counter*> counters)
      : next_(next), counters_(std::move(counters)) {}

  // Counts the batch's spans once `next` has taken them (ok); a refused batch is not counted,
  // its sender retries it and counts it then.
  ConsumeResult consume(TraceBatch&& batch) override;
  ConsumeResult admit(std::uint64_t bytes, Reservations& out) override {
    return next_.admit(bytes, out);
  }
  bool reads_spans() const override { return next_.reads_spans(); }

 private:
  TraceConsumer& next_;
  std::vector<telemetry::Counter*> counters_;
};

// The Collector's per-processor item counters for traces.
telemetry::Counter& processor_incoming_items(telemetry::Metrics& metrics, const std::string& id);
telemetry::Counter& processor_outgoing_items(telemetry::Metrics& metrics, const std::string& id);

}  // namespace spanflow::service
