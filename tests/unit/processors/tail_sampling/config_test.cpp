// tail_sampling config: the Collector's keys and defaults, spanflow's additions, and a precise
// error (with file:line:col and a hint where one helps) for every mistake.
#include <catch.hpp>

#include "fixture.h"

using namespace spanflow::tail_sampling_test;
using ts::PolicyType;

namespace {

bool has_line(const std::string& report, const std::string& line) {
  const bool found = report.find(line) != std::string::npos;
  if (!found) UNSCOPED_INFO("report:\n" << report);
  return found;
}

}  // namespace

TEST_CASE("defaults match the Collector's, with decision caches on and a byte budget") {
  const ts::Config c = valid_config("policies: [{name: all, type: always_sample}]\n");
  CHECK(c.decision_wait == 30s);
  CHECK(c.num_traces == 50000);
  CHECK(c.expected_new_traces_per_sec == 0);
  CHECK(c.decision_cache.sampled_cache_size == 100000);
  CHECK(c.decision_cache.non_sampled_cache_size == 100000);
  CHECK_FALSE(c.sample_on_first_match);
  CHECK_FALSE(c.drop_pending_traces_on_shutdown);
  CHECK_FALSE(c.block_on_overflow);
  CHECK(c.maximum_trace_size_bytes == 0);
  CHECK(c.decision_wait_after_root_received == 0s);
  CHECK(c.max_memory_mib == 256);
  CHECK_FALSE(c.explain);
  CHECK(c.shard_count() >= 1);
  REQUIRE(c.policies.size() == 1);
  CHECK(c.policies[0].type == PolicyType::kAlwaysSample);
}

TEST_CASE("every top-level key is read") {
  const ts::Config c = valid_config(R"(decision_wait: 1500ms
num_traces: 10
expected_new_traces_per_sec: 7
decision_cache: {sampled_cache_size: 0, non_sampled_cache_size: 5}
sample_on_first_match: true
drop_pending_traces_on_shutdown: true
block_on_overflow: true
maximum_trace_size_bytes: 4096
decision_wait_after_root_received: 200ms
num_shards: 3
max_memory_mib: 8
explain: true
sampling_strategy: trace-complete
policies: [{name: all, type: always_sample}]
)");
  CHECK(c.decision_wait == 1500ms);
  CHECK(c.num_traces == 10);
  CHECK(c.expected_new_traces_per_sec == 7);
  CHECK(c.decision_cache.sampled_cache_size == 0);
  CHECK(c.decision_cache.non_sampled_cache_size == 5);
  CHECK(c.sample_on_first_match);
  CHECK(c.drop_pending_traces_on_shutdown);
  CHECK(c.block_on_overflow);
  CHECK(c.maximum_trace_size_bytes == 4096);
  CHECK(c.decision_wait_after_root_received == 200ms);
  CHECK(c.shard_count() == 3);
  CHECK(c.max_memory_bytes() == 8u * 1024 * 1024);
  CHECK(c.explain);
}

TEST_CASE("the seed example's policies parse into and/probabilistic trees") {
  const ts::Config c = valid_config(R"(policies:
  - name: errors-50
    type: and
    and:
      and_sub_policy:
        - {name: e, type: status_code, status_code: {status_codes: [ERROR]}}
        - {name: p, type: probabilistic, probabilistic: {sampling_percentage: 50}}
  - name: baseline
    type: probabilistic
    probabilistic: {sampling_percentage: 10, hash_salt: s}
)");
  REQUIRE(c.policies.size() == 2);
  CHECK(c.policies[0].type == PolicyType::kAnd);
  REQUIRE(c.policies[0].sub_policies.size() == 2);
  CHECK(c.policies[0].sub_policies[0].status_code.codes == std::vector<int>{2});
  CHECK(c.policies[0].sub_policies[1].probabilistic.sampling_percentage == 50);
  CHECK(c.policies[1].probabilistic.hash_salt == "s");
}

TEST_CASE("an unknown policy type is an error with a did-you-mean") {
  const std::string r = config_report("policies: [{name: a, type: probabilistc}]\n");
  CHECK(has_line(r,
                 "ts.yaml:1:22: error: tail_sampling::policies[0]::type: unknown policy type "
                 "'probabilistc' (did you mean 'probabilistic'?)"));
}

TEST_CASE("a missing type, name or settings map is an error naming the key") {
  const std::string r = config_report(R"(policies:
  - name: a
  - type: always_sample
  - name: c
    type: latency
)");
  CHECK(has_line(r, "ts.yaml:2:5: error: tail_sampling::policies[0]: missing required key 'type'"));
  CHECK(has_line(r, "ts.yaml:3:5: error: tail_sampling::policies[1]: missing required key 'name'"));
  CHECK(has_line(r,
                 "ts.yaml:4:5: error: tail_sampling::policies[2]: missing key 'latency': a "
                 "'latency' policy reads its settings from it"));
}

TEST_CASE("policy names must be non-empty and unique") {
  const std::string r = config_report(R"(policies:
  - {name: a, type: always_sample}
  - {name: "", type: always_sample}
  - {name: a, type: always_sample}
)");
  CHECK(has_line(r,
                 "ts.yaml:3:6: error: tail_sampling::policies[1]::name: policy name cannot be "
                 "empty"));
  CHECK(has_line(r,
                 "ts.yaml:4:6: error: tail_sampling::policies[2]::name: duplicate policy name "
                 "'a' (first used at ts.yaml:2:5)"));
}

TEST_CASE("missing sub-keys of each policy type are errors") {
  const std::string r = config_report(R"(policies:
  - {name: a, type: numeric_attribute, numeric_attribute: {min_value: 1}}
  - {name: b, type: probabilistic, probabilistic: {hash_salt: x}}
  - {name: c, type: status_code, status_code: {}}
  - {name: d, type: string_attribute, string_attribute: {key: k}}
  - {name: e, type: rate_limiting, rate_limiting: {}}
  - {name: f, type: boolean_attribute, boolean_attribute: {key: k}}
  - {name: g, type: trace_state, trace_state: {values: [x]}}
  - {name: h, type: ottl_condition, ottl_condition: {error_mode: ignore}}
  - {name: i, type: and, and: {}}
  - {name: j, type: composite, composite: {composite_sub_policy: [{name: x, type: always_sample}]}}
)");
  CHECK(has_line(r, "policies[0]::numeric_attribute: missing required key 'key'"));
  CHECK(has_line(r, "policies[1]::probabilistic: missing required key 'sampling_percentage'"));
  CHECK(has_line(r, "policies[2]::status_code: missing required key 'status_codes'"));
  CHECK(has_line(r, "policies[3]::string_attribute: missing required key 'values'"));
  CHECK(has_line(r, "policies[4]::rate_limiting: missing required key 'spans_per_second'"));
  CHECK(has_line(r, "policies[5]::boolean_attribute: missing required key 'value'"));
  CHECK(has_line(r, "policies[6]::trace_state: missing required key 'key'"));
  CHECK(has_line(r, "policies[7]::ottl_condition: expected at least one OTTL condition"));
  CHECK(has_line(r, "policies[8]::and: missing required key 'and_sub_policy'"));
  CHECK(has_line(r, "policies[9]::composite: missing required key 'max_total_spans_per_second'"));
}

TEST_CASE("invalid values are errors at the value") {
  const std::string r = config_report(R"(policies:
  - {name: a, type: status_code, status_code: {status_codes: [Error]}}
  - {name: b, type: string_attribute, string_attribute: {key: k, values: ["(x"], enabled_regex_matching: true}}
  - {name: c, type: ottl_condition, ottl_condition: {span: ['name == ']}}
  - {name: d, type: latency, latency: {threshold_ms: 100, upper_threshold_ms: 100}}
  - {name: e, type: numeric_attribute, numeric_attribute: {key: k, min_value: 5, max_value: 1}}
  - {name: f, type: probabilistic, probabilistic: {sampling_percentage: -1}}
  - {name: g, type: span_count, span_count: {min_spans: 5, max_spans: 2}}
  - {name: h, type: numeric_attribute, numeric_attribute: {key: k}}
)");
  CHECK(has_line(r,
                 "policies[0]::status_code::status_codes: unknown status code \"Error\", "
                 "supported: OK, ERROR, UNSET (did you mean 'ERROR'?)"));
  CHECK(has_line(r, "policies[1]::string_attribute::values: invalid regular expression '(x'"));
  CHECK(has_line(r,
                 "ts.yaml:4:61: error: tail_sampling::policies[2]::ottl_condition::span[0]: "
                 "syntax error at column 9"));
  CHECK(has_line(r, "policies[3]::latency::upper_threshold_ms: must be greater than threshold_ms"));
  CHECK(has_line(r,
                 "policies[4]::numeric_attribute::min_value: min_value (5) must be less than "
                 "or equal to max_value (1)"));
  CHECK(has_line(r, "policies[5]::probabilistic::sampling_percentage: must not be negative"));
  CHECK(has_line(r,
                 "policies[6]::span_count::max_spans: must be 0 (no upper bound) or at least "
                 "min_spans (5)"));
  CHECK(has_line(r, "policies[7]::numeric_attribute: set min_value or max_value"));
}

TEST_CASE("composite rate allocations must name sub-policies and stay within 100%") {
  const std::string r = config_report(R"(policies:
  - name: c
    type: composite
    composite:
      max_total_spans_per_second: 100
      policy_order: [errors, rest]
      composite_sub_policy:
        - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
        - {name: rest, type: always_sample}
        - {name: spare, type: always_sample}
      rate_allocation:
        - {policy: errors, percent: 80}
        - {policy: rset, percent: 30}
        - {policy: errors, percent: 1}
)");
  CHECK(has_line(r,
                 "ts.yaml:13:12: error: tail_sampling::policies[0]::composite::rate_allocation"
                 "[1]::policy: 'rset' is not a composite_sub_policy name (did you mean "
                 "'rest'?)"));
  CHECK(has_line(r, "rate_allocation[2]::policy: 'errors' is allocated twice"));
  CHECK(has_line(r, "composite::rate_allocation: the percentages add up to 111%, more than 100%"));
  CHECK(has_line(r,
                 "warning: tail_sampling::policies[0]::composite: sub-policy 'spare' has no "
                 "rate_allocation entry: it gets no budget and never samples"));
  CHECK(has_line(r,
                 "warning: tail_sampling::policies[0]::composite::policy_order: sub-policies "
                 "are tried in composite_sub_policy order"));
}

TEST_CASE("combinators only nest what the Collector allows") {
  const std::string r = config_report(R"(policies:
  - name: a
    type: and
    and:
      and_sub_policy:
        - {name: x, type: composite, composite: {}}
  - name: c
    type: composite
    composite:
      max_total_spans_per_second: 10
      composite_sub_policy:
        - {name: d, type: drop, drop: {drop_sub_policy: [{type: always_sample}]}}
        - name: ok
          type: and
          and: {and_sub_policy: [{type: always_sample}]}
      rate_allocation: [{policy: ok, percent: 50}, {policy: d, percent: 50}]
)");
  CHECK(has_line(r,
                 "policies[0]::and::and_sub_policy[0]::type: a 'composite' policy cannot be "
                 "used in and_sub_policy / drop_sub_policy"));
  CHECK(has_line(r,
                 "policies[1]::composite::composite_sub_policy[0]::type: a 'drop' policy "
                 "cannot be used in composite_sub_policy"));
  CHECK(r.find("composite_sub_policy[1]") == std::string::npos);
}

TEST_CASE("unknown keys get a did-you-mean, other types' settings a warning") {
  const std::string r = config_report(R"(decsion_wait: 5s
policies:
  - name: a
    type: latency
    latency: {threshold_ms: 5, upper_treshold_ms: 9}
    probabilistic: {sampling_percentage: 5}
)");
  CHECK(has_line(r,
                 "ts.yaml:1:1: error: tail_sampling: unknown key 'decsion_wait' (did you mean "
                 "'decision_wait'?)"));
  CHECK(has_line(r,
                 "policies[0]::latency: unknown key 'upper_treshold_ms' (did you mean "
                 "'upper_threshold_ms'?)"));
  CHECK(has_line(r,
                 "warning: tail_sampling::policies[0]::probabilistic: ignored: this policy's "
                 "type is 'latency'"));
}

TEST_CASE("top-level limits are checked") {
  const std::string r = config_report(R"(decision_wait: 0s
num_traces: 0
max_memory_mib: 0
num_shards: 300
sampling_strategy: span-ingest
policies: []
)");
  CHECK(has_line(r, "tail_sampling::decision_wait: must be greater than 0"));
  CHECK(has_line(r, "tail_sampling::num_traces: must be greater than 0"));
  CHECK(has_line(r, "tail_sampling::max_memory_mib: must be greater than 0"));
  CHECK(has_line(r, "tail_sampling::num_shards: must be at most 256"));
  CHECK(has_line(r, "tail_sampling::sampling_strategy: 'span-ingest' is not supported"));
  CHECK(has_line(r, "tail_sampling::policies: must list at least one policy"));
  CHECK(has_line(config_report("decision_wait: 1s\n"),
                 "tail_sampling: missing required key 'policies'"));
}

TEST_CASE("unanchored regular expressions are warned about") {
  const std::string r = config_report(R"(policies:
  - {name: a, type: string_attribute, string_attribute: {key: k, values: ["^/a$", "b"], enabled_regex_matching: true}}
)");
  CHECK(has_line(r,
                 "warning: tail_sampling::policies[0]::string_attribute::values: regular "
                 "expressions match anywhere in the value (unanchored"));
  CHECK(config_report(R"(policies:
  - {name: a, type: string_attribute, string_attribute: {key: k, values: ["^/a$"], enabled_regex_matching: true}}
)")
            .empty());
}
