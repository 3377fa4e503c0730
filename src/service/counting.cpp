#include "service/counting.h"

namespace spanflow::service {

ConsumeResult CountingEdge::consume(TraceBatch&& batch) {
  const std::uint64_t spans = batch.span_count();
  ConsumeResult result = next_.consume(std::move(batch));
  if (result.is_ok()) {
    for (telemetry::Counter* counter : counters_) counter->add(spans);
  }
  return result;
}

telemetry::Counter& processor_incoming_items(telemetry::Metrics& metrics, const std::string& id) {
  return metrics.counter("otelcol_processor_incoming_items_total",
                         "Number of items passed to the processor.",
                         {{"otel_signal", "traces"}, {"processor", id}});
}

telemetry::Counter& processor_outgoing_items(telemetry::Metrics& metrics, const std::string& id) {
  return metrics.counter("otelcol_processor_outgoing_items_total",
                         "Number of items emitted from the processor.",
                         {{"otel_signal", "traces"}, {"processor", id}});
}

}  // namespace spanflow::service
