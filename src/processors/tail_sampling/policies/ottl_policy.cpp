// ottl_condition: sampled when any `span` condition holds for some span, or any `spanevent`
// condition for some event (conditions compiled once at config load, shared by src/ottl/ with
// the filter processor). An evaluation error is the policy's error (counted, policy ignored)
// with error_mode propagate; with ignore or silent the condition counts as false.
#include "processors/tail_sampling/policies/makers.h"

namespace spanflow::processors::tail_sampling::policies {

namespace {

class OttlCondition final : public Policy {
 public:
  explicit OttlCondition(const OttlConditionConfig& config) : config_(config) {}

  Decision evaluate(const TraceView& trace, Evaluation& out) override {
    for (const otlp::ResourceSpans& rs : trace.spans.resource_spans()) {
      for (const otlp::ScopeSpans& ss : rs.scope_spans()) {
        ottl::EvalContext ctx{&rs.resource(), &ss.scope(), nullptr, nullptr};
        for (const otlp::Span& span : ss.spans()) {
          ctx.span = &span;
          ctx.event = nullptr;
          if (const Decision d = any_holds(config_.span, ctx, out); d != Decision::kNotSampled) {
            return d;
          }
          if (config_.spanevent.empty()) continue;
          for (const ottl::SpanEvent& event : span.events()) {
            ctx.event = &event;
            if (const Decision d = any_holds(config_.spanevent, ctx, out);
                d != Decision::kNotSampled) {
              return d;
            }
          }
        }
      }
    }
    return Decision::kNotSampled;
  }

 private:
  Decision any_holds(const std::vector<ottl::Condition>& conditions, const ottl::EvalContext& ctx,
                     Evaluation& out) const {
    for (const ottl::Condition& condition : conditions) {
      std::string error;
      switch (condition.evaluate(ctx, error)) {
        case ottl::Condition::Result::kTrue:
          return Decision::kSampled;
        case ottl::Condition::Result::kFalse:
          break;
        case ottl::Condition::Result::kError:
          if (config_.error_mode == OttlErrorMode::kPropagate) {
            out.error = "condition '" + condition.text() + "' failed: " + error;
            return Decision::kError;
          }
          break;
      }
    }
    return Decision::kNotSampled;
  }

  OttlConditionConfig config_;
};

}  // namespace

std::unique_ptr<Policy> make_ottl_condition(const OttlConditionConfig& config) {
  return std::make_unique<OttlCondition>(config);
}

}  // namespace spanflow::processors::tail_sampling::policies
