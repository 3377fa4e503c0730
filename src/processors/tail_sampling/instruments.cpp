#include "processors/tail_sampling/instruments.h"

namespace spanflow::processors::tail_sampling {

namespace {

constexpr const char* kPrefix = "otelcol_processor_tail_sampling_";

telemetry::Counter& dropped(telemetry::Metrics& m, const std::string& processor,
                            const char* reason) {
  return m.counter("otelcol_processor_dropped_spans_total", "Spans a processor could not pass on",
                   {{"processor", processor}, {"reason", reason}});
}

}  // namespace

Instruments::Instruments(telemetry::Metrics& m, const std::string& processor)
    : spans_received(m.counter(std::string(kPrefix) + "spans_received_total",
                               "Spans accepted by the tail sampler", {{"processor", processor}})),
      spans_forwarded(m.counter(std::string(kPrefix) + "spans_forwarded_total",
                                "Spans of sampled traces accepted by the next consumer",
                                {{"processor", processor}})),
      spans_not_sampled(m.counter(std::string(kPrefix) + "spans_not_sampled_total",
                                  "Spans of traces decided not sampled or dropped by a policy",
                                  {{"processor", processor}})),
      spans_refused(m.counter(std::string(kPrefix) + "spans_refused_total",
                              "Spans refused (retryable) because the sampler is full",
                              {{"processor", processor}})),
      dropped_too_large(dropped(m, processor, "maximum_trace_size")),
      dropped_refused_permanently(dropped(m, processor, "refused_permanently")),
      dropped_shutdown_deadline(dropped(m, processor, "shutdown_deadline")),
      dropped_pending_on_shutdown(dropped(m, processor, "pending_on_shutdown")),
      new_trace_id_received(m.counter(std::string(kPrefix) + "new_trace_id_received_total",
                                      "Traces first seen", {{"processor", processor}})),
      traces_dropped_too_large(
          m.counter(std::string(kPrefix) + "traces_dropped_too_large_total",
                    "Traces decided not sampled for exceeding maximum_trace_size_bytes",
                    {{"processor", processor}})),
      decided_early(m.counter(std::string(kPrefix) + "decided_early_total",
                              "Traces decided decision_wait_after_root_received after their root "
                              "span, before decision_wait",
                              {{"processor", processor}})),
      decided_on_memory_pressure(
          m.counter(std::string(kPrefix) + "decided_on_memory_pressure_total",
                    "Oldest traces decided early on what they had because buffered data "
                    "exceeded max_memory_mib",
                    {{"processor", processor}})),
      decided_on_trace_limit(
          m.counter(std::string(kPrefix) + "decided_on_trace_limit_total",
                    "Oldest traces decided early on what they had because num_traces was reached",
                    {{"processor", processor}})),
      decided_on_shutdown(m.counter(std::string(kPrefix) + "decided_on_shutdown_total",
                                    "Traces decided on what they had at shutdown",
                                    {{"processor", processor}})),
      dropped_too_early(m.counter(std::string(kPrefix) + "sampling_trace_dropped_too_early_total",
                                  "Traces evicted before a decision (never, in spanflow)",
                                  {{"processor", processor}})),
      early_releases_sampled(
          m.counter(std::string(kPrefix) + "early_releases_from_cache_decision_total",
                    "Late spans passed on or dropped at once by a cached decision",
                    {{"processor", processor}, {"sampled", "true"}})),
      early_releases_not_sampled(
          m.counter(std::string(kPrefix) + "early_releases_from_cache_decision_total",
                    "Late spans passed on or dropped at once by a cached decision",
                    {{"processor", processor}, {"sampled", "false"}})),
      policy_evaluation_errors(m.counter(
          std::string(kPrefix) + "sampling_policy_evaluation_error_total",
          "Policy evaluations that failed (the policy is ignored)", {{"processor", processor}})),
      traces_on_memory(m.gauge(std::string(kPrefix) + "sampling_traces_on_memory",
                               "Traces buffered and not yet decided", {{"processor", processor}})),
      buffered_bytes(m.gauge(std::string(kPrefix) + "buffered_bytes",
                             "Memory held by undecided traces (arena bytes and bookkeeping)",
                             {{"processor", processor}})),
      queued_bytes(m.gauge(std::string(kPrefix) + "queued_bytes",
                           "Memory held by sampled data waiting for the next consumer",
                           {{"processor", processor}})),
      late_span_age(m.histogram(std::string(kPrefix) + "sampling_late_span_age",
                                "Seconds between a trace's decision and a late span of it",
                                {0, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600},
                                {{"processor", processor}})),
      decision_timer_latency(m.histogram(std::string(kPrefix) + "sampling_decision_timer_latency",
                                         "Milliseconds one decision pass took",
                                         {0.1, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000},
                                         {{"processor", processor}})) {}

}  // namespace spanflow::processors::tail_sampling
