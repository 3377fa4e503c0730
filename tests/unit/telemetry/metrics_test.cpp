#include "telemetry/metrics.h"

#include <catch.hpp>

using spanflow::telemetry::Metrics;

TEST_CASE("counters and gauges render in the Prometheus text format, sorted by name") {
  Metrics metrics;
  auto& grpc = metrics.counter("otelcol_receiver_accepted_spans_total", "Accepted spans",
                               {{"receiver", "otlp"}, {"transport", "grpc"}});
  auto& http = metrics.counter("otelcol_receiver_accepted_spans_total", "Accepted spans",
                               {{"receiver", "otlp"}, {"transport", "http"}});
  auto& queue = metrics.gauge("otelcol_exporter_queue_size", "Queue size", {{"exporter", "a\"b"}});
  grpc.add(3);
  http.add();
  queue.set(-2);
  CHECK(metrics.prometheus_text() ==
        "# HELP otelcol_exporter_queue_size Queue size\n"
        "# TYPE otelcol_exporter_queue_size gauge\n"
        "otelcol_exporter_queue_size{exporter=\"a\\\"b\"} -2\n"
        "# HELP otelcol_receiver_accepted_spans_total Accepted spans\n"
        "# TYPE otelcol_receiver_accepted_spans_total counter\n"
        "otelcol_receiver_accepted_spans_total{receiver=\"otlp\",transport=\"grpc\"} 3\n"
        "otelcol_receiver_accepted_spans_total{receiver=\"otlp\",transport=\"http\"} 1\n");
}

TEST_CASE("registering the same series twice returns the same instrument") {
  Metrics metrics;
  auto& a = metrics.counter("c_total", "h", {{"k", "v"}});
  auto& b = metrics.counter("c_total", "h", {{"k", "v"}});
  CHECK(&a == &b);
  a.add(2);
  CHECK(metrics.value("c_total", {{"k", "v"}}) == 2);
  CHECK(metrics.value("missing_total") == 0);
}

TEST_CASE("a name cannot be both a counter and a gauge") {
  Metrics metrics;
  metrics.counter("x_total", "h");
  CHECK_THROWS_AS(metrics.gauge("x_total", "h"), std::logic_error);
}

TEST_CASE("histograms render cumulative buckets, sum and count") {
  Metrics metrics;
  auto& h = metrics.histogram("otelcol_processor_batch_batch_send_size", "Batch sizes", {10, 100},
                              {{"processor", "batch"}});
  h.observe(5);
  h.observe(10);
  h.observe(50);
  h.observe(1000);
  CHECK(metrics.prometheus_text() ==
        "# HELP otelcol_processor_batch_batch_send_size Batch sizes\n"
        "# TYPE otelcol_processor_batch_batch_send_size histogram\n"
        "otelcol_processor_batch_batch_send_size_bucket{processor=\"batch\",le=\"10\"} 2\n"
        "otelcol_processor_batch_batch_send_size_bucket{processor=\"batch\",le=\"100\"} 3\n"
        "otelcol_processor_batch_batch_send_size_bucket{processor=\"batch\",le=\"+Inf\"} 4\n"
        "otelcol_processor_batch_batch_send_size_sum{processor=\"batch\"} 1065\n"
        "otelcol_processor_batch_batch_send_size_count{processor=\"batch\"} 4\n");
}
