// Reading spanflow's self-metrics (Prometheus text) in integration tests.
#pragma once

#include <chrono>
#include <string>

#include "support/daemon.h"

namespace spanflow::testing {

// GET /metrics on the daemon's telemetry endpoint.
std::string scrape(const Daemon& daemon);

// The value of one series ("name{labels}" exactly as exposed) in a page, or -1 when absent.
double metric(const std::string& page, const std::string& series);

// Series names of the Collector-compatible counters, labels as spanflow exposes them.
// receiver_spans("accepted", "grpc") is otelcol_receiver_accepted_spans_total{receiver="otlp",
// transport="grpc"}; processor_items("incoming", "batch") is
// otelcol_processor_incoming_items_total{otel_signal="traces",processor="batch"};
// exporter_series("sent_spans_total", "file") is
// otelcol_exporter_sent_spans_total{exporter="file"}.
std::string receiver_spans(const std::string& outcome, const std::string& transport,
                           const std::string& receiver = "otlp");
std::string processor_items(const std::string& direction, const std::string& processor);
std::string exporter_series(const std::string& name, const std::string& exporter);

// Scrapes until `series` reaches at least `value` (counters only grow) or `timeout` passes;
// returns the last value seen.
double await_metric(const Daemon& daemon, const std::string& series, double value,
                    std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace spanflow::testing
