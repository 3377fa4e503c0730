#include "processors/probabilistic_sampler/probabilistic_sampler.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spanflow::processors::probabilistic_sampler {

namespace {

constexpr const char* kSampledMetric =
    "otelcol_processor_probabilistic_sampler_count_traces_sampled_total";

// What to do with one span, in request order; a rewrite's tracestate is texts[begin, end).
struct SpanPlan {
  bool keep = false;
  bool rewrite = false;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// Everything decided about a batch before it is touched.
struct BatchPlan {
  std::vector<SpanPlan> spans;
  std::string texts;
  std::size_t kept = 0;
  bool changed = false;  // a span dropped or rewritten, or an empty scope or resource to prune
  std::array<std::array<std::uint64_t, 2>, kPolicyCount> tally{};
  std::size_t errors = 0;
  SamplingError last_error = SamplingError::kNone;
};

void decide_all(const Sampler& sampler, const otlp::ExportRequest& request, std::size_t spans,
                BatchPlan& plan) {
  Scratch scratch;
  plan.spans.reserve(spans);
  for (const otlp::ResourceSpans& rs : request.resource_spans()) {
    if (rs.scope_spans().empty()) plan.changed = true;
    for (const otlp::ScopeSpans& ss : rs.scope_spans()) {
      if (ss.spans().empty()) plan.changed = true;
      for (const otlp::Span& span : ss.spans()) {
        const Decision d = sampler.decide(span, scratch);
        ++plan.tally[static_cast<std::size_t>(d.policy)][d.keep ? 1 : 0];
        if (d.error != SamplingError::kNone) {
          ++plan.errors;
          plan.last_error = d.error;
        }
        SpanPlan& p = plan.spans.emplace_back();
        p.keep = d.keep;
        if (!d.keep) {
          plan.changed = true;
          continue;
        }
        ++plan.kept;
        if (d.rewrite) {
          plan.changed = true;
          p.rewrite = true;
          p.begin = static_cast<std::uint32_t>(plan.texts.size());
          plan.texts.append(scratch.text.view());
          p.end = static_cast<std::uint32_t>(plan.texts.size());
        }
      }
    }
  }
}

// Moves the kept elements of `items` to the front, in order, and drops the rest.
template <class Item, class Keep>
void compact(google::protobuf::RepeatedPtrField<Item>& items, Keep keep) {
  int out = 0;
  for (int i = 0; i < items.size(); ++i) {
    if (!keep(*items.Mutable(i))) continue;
    if (out != i) items.SwapElements(out, i);
    ++out;
  }
  items.DeleteSubrange(out, items.size() - out);
}

void apply(const BatchPlan& plan, otlp::ExportRequest& request) {
  std::size_t next = 0;
  compact(*request.mutable_resource_spans(), [&](otlp::ResourceSpans& rs) {
    compact(*rs.mutable_scope_spans(), [&](otlp::ScopeSpans& ss) {
      compact(*ss.mutable_spans(), [&](otlp::Span& span) {
        const SpanPlan& p = plan.spans[next++];
        if (p.rewrite) span.set_trace_state(plan.texts.data() + p.begin, p.end - p.begin);
        return p.keep;
      });
      return !ss.spans().empty();
    });
    return !rs.scope_spans().empty();
  });
}

}  // namespace

ProbabilisticSampler::ProbabilisticSampler(const CreateSettings& settings, const Config& config,
                                           TraceConsumer& next)
    : Processor(next), settings_(settings), sampler_(config) {
  if (settings_.metrics == nullptr) return;
  for (std::size_t policy = 0; policy < kPolicyCount; ++policy) {
    for (const bool sampled : {false, true}) {
      sampled_[policy][sampled ? 1 : 0] = &settings_.metrics->counter(
          kSampledMetric, "Count of spans that were sampled or not",
          {{"policy", std::string(to_string(static_cast<Policy>(policy)))},
           {"sampled", sampled ? "true" : "false"}});
    }
  }
}

ConsumeResult ProbabilisticSampler::consume(TraceBatch&& batch) {
  BatchPlan plan;
  decide_all(sampler_, batch.request(), batch.span_count(), plan);

  for (std::size_t policy = 0; policy < kPolicyCount; ++policy) {
    for (std::size_t sampled = 0; sampled < 2; ++sampled) {
      telemetry::Counter* counter = sampled_[policy][sampled];
      if (counter != nullptr && plan.tally[policy][sampled] > 0) {
        counter->add(plan.tally[policy][sampled]);
      }
    }
  }
  if (plan.errors > 0 && settings_.logger) {
    settings_.logger->debug(
        "{}: {} of {} spans could not be sampled normally (fail_closed "
        "decides): {}",
        settings_.id.to_string(), plan.errors, plan.spans.size(), to_string(plan.last_error));
  }

  if (plan.kept == 0) return ConsumeResult::ok();  // sampled out: nothing to forward
  if (plan.changed) apply(plan, batch.mutable_request());
  return next_.consume(std::move(batch));
}

}  // namespace spanflow::processors::probabilistic_sampler
