// The constructors build_policy() dispatches to, one per policy type (internal to policies/).
#pragma once

#include <memory>
#include <vector>

#include "processors/tail_sampling/policies/policy.h"

namespace spanflow::processors::tail_sampling::policies {

std::unique_ptr<Policy> make_always_sample();
std::unique_ptr<Policy> make_trace_flags();
std::unique_ptr<Policy> make_status_code(const StatusCodeConfig& config);
std::unique_ptr<Policy> make_span_count(const SpanCountConfig& config);
std::unique_ptr<Policy> make_latency(const LatencyConfig& config);

std::unique_ptr<Policy> make_string_attribute(const StringAttributeConfig& config);
std::unique_ptr<Policy> make_numeric_attribute(const NumericAttributeConfig& config);
std::unique_ptr<Policy> make_boolean_attribute(const BooleanAttributeConfig& config);
std::unique_ptr<Policy> make_trace_state(const TraceStateConfig& config);

std::unique_ptr<Policy> make_probabilistic(const ProbabilisticConfig& config);
std::unique_ptr<Policy> make_rate_limiting(const RateLimitingConfig& config);
std::unique_ptr<Policy> make_bytes_limiting(const BytesLimitingConfig& config);
std::unique_ptr<Policy> make_ottl_condition(const OttlConditionConfig& config);

std::unique_ptr<Policy> make_and(std::vector<std::unique_ptr<Policy>> subs);
std::unique_ptr<Policy> make_drop(std::vector<std::unique_ptr<Policy>> subs);
// `subs` in composite_sub_policy order, named as configured.
std::unique_ptr<Policy> make_composite(const PolicyConfig& config,
                                       std::vector<std::unique_ptr<Policy>> subs);

}  // namespace spanflow::processors::tail_sampling::policies
