#include "exporters/common/exporter_telemetry.h"

namespace spanflow::exporters {

ExporterTelemetry::ExporterTelemetry(const CreateSettings& settings, const QueueConfig& queue)
    : own_metrics_(settings.metrics ? nullptr : std::make_unique<telemetry::Metrics>()),
      metrics_(settings.metrics ? *settings.metrics : *own_metrics_),
      labels_{{"exporter", settings.id.to_string()}},
      sent(metrics_.counter("otelcol_exporter_sent_spans_total",
                            "Number of spans successfully sent to destination.", labels_)),
      send_failed(metrics_.counter("otelcol_exporter_send_failed_spans_total",
                                   "Number of spans in failed attempts to send to destination.",
                                   labels_)),
      enqueue_failed(metrics_.counter("otelcol_exporter_enqueue_failed_spans_total",
                                      "Number of spans failed to be added to the sending queue.",
                                      labels_)),
      logger_(settings.logger) {
  if (queue.enabled) {
    queue_size =
        &metrics_.gauge("otelcol_exporter_queue_size",
                        "Current size of the retry queue (in units of the sizer)", labels_);
    metrics_
        .gauge("otelcol_exporter_queue_capacity",
               "Fixed capacity of the retry queue (in units of the sizer)", labels_)
        .set(queue.queue_size);
  }
  if (queue.enabled && queue.storage) {
    redelivered = &metrics_.counter(
        "otelcol_exporter_queue_redelivered_spans_total",
        "Spans sent again after a restart that had been handed to the sender before it "
        "(possible duplicates).",
        labels_);
  }
}

}  // namespace spanflow::exporters
