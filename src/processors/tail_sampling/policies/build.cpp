#include "processors/tail_sampling/policies/makers.h"

namespace spanflow::processors::tail_sampling {

std::unique_ptr<Policy> build_policy(const PolicyConfig& config) {
  using namespace policies;
  std::vector<std::unique_ptr<Policy>> subs;
  for (const PolicyConfig& sub : config.sub_policies) subs.push_back(build_policy(sub));
  switch (config.type) {
    case PolicyType::kAlwaysSample:
      return make_always_sample();
    case PolicyType::kLatency:
      return make_latency(config.latency);
    case PolicyType::kNumericAttribute:
      return make_numeric_attribute(config.numeric_attribute);
    case PolicyType::kProbabilistic:
      return make_probabilistic(config.probabilistic);
    case PolicyType::kStatusCode:
      return make_status_code(config.status_code);
    case PolicyType::kStringAttribute:
      return make_string_attribute(config.string_attribute);
    case PolicyType::kRateLimiting:
      return make_rate_limiting(config.rate_limiting);
    case PolicyType::kBytesLimiting:
      return make_bytes_limiting(config.bytes_limiting);
    case PolicyType::kSpanCount:
      return make_span_count(config.span_count);
    case PolicyType::kBooleanAttribute:
      return make_boolean_attribute(config.boolean_attribute);
    case PolicyType::kTraceState:
      return make_trace_state(config.trace_state);
    case PolicyType::kTraceFlags:
      return make_trace_flags();
    case PolicyType::kOttlCondition:
      return make_ottl_condition(config.ottl_condition);
    case PolicyType::kAnd:
      return make_and(std::move(subs));
    case PolicyType::kDrop:
      return make_drop(std::move(subs));
    case PolicyType::kComposite:
      return make_composite(config, std::move(subs));
  }
  return make_always_sample();  // unreachable: every type is handled above
}

}  // namespace spanflow::processors::tail_sampling
