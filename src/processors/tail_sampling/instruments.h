// The tail_sampling processor's self-metrics, registered once per processor instance.
// Names follow the Collector's (`otelcol_processor_tail_sampling_*`) where it has one; every
// series carries `processor` (the component id). Span accounting holds at all times:
//   spans_received = spans_forwarded + spans_not_sampled + dropped_spans (all reasons)
//                    + spans still buffered or queued.
#pragma once

#include <string>

#include "telemetry/metrics.h"

namespace spanflow::processors::tail_sampling {

struct Instruments {
  Instruments(telemetry::Metrics& metrics, const std::string& processor);

  // Spans in, and where they went.
  telemetry::Counter& spans_received;     // accepted by consume()
  telemetry::Counter& spans_forwarded;    // accepted by the next consumer
  telemetry::Counter& spans_not_sampled;  // decided not sampled or dropped by policy (late too)
  telemetry::Counter& spans_refused;      // refused (retryable) by consume(): not accepted
  telemetry::Counter& dropped_too_large;  // otelcol_processor_dropped_spans_total{reason=...}
  telemetry::Counter& dropped_refused_permanently;
  telemetry::Counter& dropped_shutdown_deadline;
  telemetry::Counter& dropped_pending_on_shutdown;

  // Traces and decisions.
  telemetry::Counter& new_trace_id_received;
  telemetry::Counter& traces_dropped_too_large;
  telemetry::Counter& decided_early;               // root span seen, then quiet
  telemetry::Counter& decided_on_memory_pressure;  // over max_memory_mib
  telemetry::Counter& decided_on_trace_limit;      // over num_traces
  telemetry::Counter& decided_on_shutdown;
  telemetry::Counter& dropped_too_early;       // the Collector's eviction counter: always 0 here
  telemetry::Counter& early_releases_sampled;  // late spans forwarded by cached decision
  telemetry::Counter& early_releases_not_sampled;  // late spans dropped by cached decision
  telemetry::Counter& policy_evaluation_errors;
  telemetry::Gauge& traces_on_memory;
  telemetry::Gauge& buffered_bytes;              // accounted bytes of undecided traces
  telemetry::Gauge& queued_bytes;                // sampled data waiting for the next consumer
  telemetry::Histogram& late_span_age;           // seconds since the decision
  telemetry::Histogram& decision_timer_latency;  // ms per decision pass
};

}  // namespace spanflow::processors::tail_sampling
