// The `policies` list of the `tail_sampling` processor: one entry per policy, with the
// Collector's keys. Parsing validates everything a policy needs (names, sub-keys, regular
// expressions, OTTL conditions, composite budgets) so building the evaluators cannot fail.
// Compiled parts (regexes, OTTL trees) are immutable and shared by copies of the config.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_node.h"
#include "ottl/condition.h"
#include "processors/attributes/re2_pattern.h"

namespace spanflow::processors::tail_sampling {

enum class PolicyType {
  kAlwaysSample,
  kLatency,
  kNumericAttribute,
  kProbabilistic,
  kStatusCode,
  kStringAttribute,
  kRateLimiting,
  kBytesLimiting,
  kSpanCount,
  kBooleanAttribute,
  kTraceState,
  kTraceFlags,
  kOttlCondition,
  kAnd,
  kDrop,
  kComposite,
};

// The YAML spelling ("always_sample", ...).
std::string_view to_string(PolicyType type);

struct LatencyConfig {
  std::int64_t threshold_ms = 0;
  std::int64_t upper_threshold_ms = 0;  // 0: no upper bound
};

struct NumericAttributeConfig {
  std::string key;
  std::int64_t min_value = 0;  // 0: unbounded below (as in the Collector)
  std::int64_t max_value = 0;  // 0: unbounded above
  bool invert_match = false;
};

struct ProbabilisticConfig {
  std::string hash_salt;  // "" means the Collector's "default-hash-seed"
  double sampling_percentage = 0;
};

struct StatusCodeConfig {
  std::vector<int> codes;  // otlp::Status::StatusCode values
};

struct StringAttributeConfig {
  std::string key;
  std::vector<std::string> values;
  bool enabled_regex_matching = false;
  int cache_max_size = 128;
  bool invert_match = false;
  std::vector<attributes::Re2Pattern> patterns;  // compiled `values` when regex matching is on
};

struct RateLimitingConfig {
  std::int64_t spans_per_second = 0;
  std::int64_t burst_capacity = 0;  // 0: 2 x spans_per_second
};

struct BytesLimitingConfig {
  std::int64_t bytes_per_second = 0;
  std::int64_t burst_capacity = 0;  // 0: 2 x bytes_per_second
};

struct SpanCountConfig {
  int min_spans = 0;
  int max_spans = 0;  // 0: no upper bound
};

struct BooleanAttributeConfig {
  std::string key;
  bool value = false;
  bool invert_match = false;
};

struct TraceStateConfig {
  std::string key;
  std::vector<std::string> values;
};

enum class OttlErrorMode { kPropagate, kIgnore, kSilent };

struct OttlConditionConfig {
  OttlErrorMode error_mode = OttlErrorMode::kPropagate;
  std::vector<ottl::Condition> span;
  std::vector<ottl::Condition> spanevent;
};

struct RateAllocation {
  std::string policy;
  std::int64_t percent = 0;  // 0: an equal share (max_total / number of sub-policies)
};

struct CompositeConfig {
  std::int64_t max_total_spans_per_second = 0;
  std::vector<std::string> policy_order;  // validated; sub-policies run in list order
  std::vector<RateAllocation> rate_allocation;
};

struct PolicyConfig {
  std::string name;
  PolicyType type = PolicyType::kAlwaysSample;
  LatencyConfig latency;
  NumericAttributeConfig numeric_attribute;
  ProbabilisticConfig probabilistic;
  StatusCodeConfig status_code;
  StringAttributeConfig string_attribute;
  RateLimitingConfig rate_limiting;
  BytesLimitingConfig bytes_limiting;
  SpanCountConfig span_count;
  BooleanAttributeConfig boolean_attribute;
  TraceStateConfig trace_state;
  OttlConditionConfig ottl_condition;
  CompositeConfig composite;
  // and_sub_policy, drop_sub_policy or composite_sub_policy.
  std::vector<PolicyConfig> sub_policies;
};

// Parses the `policies` list at `node` (errors go to node.errors()): every policy needs a
// unique non-empty name and a known type with its settings.
std::vector<PolicyConfig> parse_policies(config::ConfigNode& node);

namespace detail {
// Where a policy sits decides which types it may have: and/drop take only leaf policies;
// composite takes leaves and `and`; the top level takes everything.
enum class Level { kTop, kCompositeSub, kAndSub };

// One list entry (its name is read even when the rest is invalid); false when it is
// unusable (no valid type).
bool parse_policy(config::ConfigNode& node, Level level, PolicyConfig& out);
// The settings map of a leaf type (`latency:`, `probabilistic:`, ...).
void parse_settings(config::ConfigNode& settings, PolicyConfig& out);
// The `composite:` map (sub-policies parsed with parse_policy).
void parse_composite(config::ConfigNode& settings, PolicyConfig& out);
}  // namespace detail

}  // namespace spanflow::processors::tail_sampling
