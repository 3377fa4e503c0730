// The Collector's decision precedence over a set of policies (drop first, inverted vetoes,
// first sampler named), composite budgets, and the per-policy metrics.
#include <catch.hpp>

#include "fixture.h"
#include "support/spans.h"

using namespace spanflow::tail_sampling_test;
using spanflow::otlp::ExportRequest;
using spanflow::otlp::Span;
using Outcome = ts::Verdict::Outcome;

namespace {

struct Rig {
  explicit Rig(const std::string& yaml)
      : config(valid_config(yaml)),
        instruments(metrics, "tail_sampling/x"),
        decider(config, "tail_sampling/x", "x", metrics, instruments.policy_evaluation_errors,
                null_logger()) {}

  ts::Verdict decide(const ExportRequest& spans, std::uint64_t trace = 1) {
    std::uint64_t count = 0;
    for (const auto& rs : spans.resource_spans()) {
      for (const auto& ss : rs.scope_spans()) count += static_cast<std::uint64_t>(ss.spans_size());
    }
    const ts::TraceId id = ts::TraceId::from(spanflow::testing::trace_id(trace));
    return decider.decide({id, spans, count, clock.now()});
  }
  // count_traces_sampled_total for a policy and decision.
  double count(const std::string& policy, const std::string& decision) const {
    const std::string sampled = decision == "sampled" ? "true" : "false";
    return metrics.value("otelcol_processor_tail_sampling_count_traces_sampled_total",
                         {{"processor", "tail_sampling/x"},
                          {"policy", "x." + policy},
                          {"sampled", sampled},
                          {"decision", decision}});
  }
  double global(const std::string& decision) const {
    const std::string sampled = decision == "sampled" ? "true" : "false";
    return metrics.value(
        "otelcol_processor_tail_sampling_global_count_traces_sampled_total",
        {{"processor", "tail_sampling/x"}, {"sampled", sampled}, {"decision", decision}});
  }

  spanflow::telemetry::Metrics metrics;
  spanflow::testing::ManualClock clock;
  ts::Config config;
  ts::Instruments instruments;
  ts::Decider decider;
};

Span error_span(std::uint64_t trace = 1, std::uint64_t id = 1) {
  Span s = make_span(trace, id);
  set_status(s, 2);
  return s;
}

Span tagged(const std::string& tier) {
  Span s = make_span(1, 1);
  add_string(s, "tier", tier);
  return s;
}

}  // namespace

TEST_CASE("any sampling policy samples the trace and is named as the one that did") {
  Rig rig(R"(policies:
  - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
  - {name: all, type: always_sample}
  - {name: gold, type: string_attribute, string_attribute: {key: tier, values: [gold]}}
)");
  const ts::Verdict v = rig.decide(request_of({make_span(1, 1)}));
  CHECK(v.outcome == Outcome::kSampled);
  CHECK(rig.decider.policy_name(v.policy) == "all");
  CHECK(rig.decide(request_of({error_span()})).policy == 0);
  // Every policy was evaluated and counted (no sample_on_first_match).
  CHECK(rig.count("errors", "not_sampled") == 1);
  CHECK(rig.count("errors", "sampled") == 1);
  CHECK(rig.count("all", "sampled") == 2);
  CHECK(rig.count("gold", "not_sampled") == 2);
  CHECK(rig.global("sampled") == 2);
}

TEST_CASE("no sampling policy means not sampled") {
  Rig rig("policies: [{name: errors, type: status_code, status_code: {status_codes: [ERROR]}}]\n");
  CHECK(rig.decide(request_of({make_span(1, 1)})).outcome == Outcome::kNotSampled);
  CHECK(rig.global("not_sampled") == 1);
}

TEST_CASE("a drop policy wins over every sampler and is evaluated first") {
  Rig rig(R"(policies:
  - {name: all, type: always_sample}
  - name: no-health
    type: drop
    drop:
      drop_sub_policy:
        - {type: string_attribute, string_attribute: {key: tier, values: [health]}}
)");
  const ts::Verdict v = rig.decide(request_of({tagged("health")}));
  CHECK(v.outcome == Outcome::kDropped);
  CHECK(rig.decider.policy_name(v.policy) == "no-health");
  CHECK(rig.count("no-health", "dropped") == 1);
  CHECK(rig.count("all", "sampled") == 0);  // evaluation stopped at the drop
  CHECK(rig.global("dropped") == 1);
  CHECK(rig.decide(request_of({tagged("gold")})).outcome == Outcome::kSampled);
  CHECK(rig.count("no-health", "not_sampled") == 1);
}

TEST_CASE("an inverted non-match vetoes any sampler") {
  Rig rig(R"(policies:
  - {name: all, type: always_sample}
  - {name: not-free, type: string_attribute, string_attribute: {key: tier, values: [free], invert_match: true}}
)");
  CHECK(rig.decide(request_of({tagged("free")})).outcome == Outcome::kNotSampled);
  const ts::Verdict gold = rig.decide(request_of({tagged("gold")}));
  CHECK(gold.outcome == Outcome::kSampled);
  CHECK(rig.decider.policy_name(gold.policy) == "all");  // Sampled outranks InvertSampled
}

TEST_CASE("an inverted match samples only when no other policy said not sampled") {
  Rig alone(R"(policies:
  - {name: not-free, type: string_attribute, string_attribute: {key: tier, values: [free], invert_match: true}}
)");
  const ts::Verdict v = alone.decide(request_of({tagged("gold")}));
  CHECK(v.outcome == Outcome::kSampled);
  CHECK(alone.decider.policy_name(v.policy) == "not-free");
  CHECK(alone.count("not-free", "sampled") == 1);

  Rig with_other(R"(policies:
  - {name: not-free, type: string_attribute, string_attribute: {key: tier, values: [free], invert_match: true}}
  - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
)");
  CHECK(with_other.decide(request_of({tagged("gold")})).outcome == Outcome::kNotSampled);
}

TEST_CASE("sample_on_first_match stops at the first sampler") {
  Rig rig(R"(sample_on_first_match: true
policies:
  - {name: first, type: always_sample}
  - {name: second, type: always_sample}
)");
  CHECK(rig.decider.policy_name(rig.decide(request_of({make_span(1, 1)})).policy) == "first");
  CHECK(rig.count("second", "sampled") == 0);
}

TEST_CASE("a failing policy is counted and ignored") {
  Rig rig(R"(policies:
  - {name: broken, type: ottl_condition, ottl_condition: {span: ['Len(attributes["missing"]) > 0']}}
  - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
)");
  CHECK(rig.decide(request_of({error_span()})).outcome == Outcome::kSampled);
  CHECK(rig.decide(request_of({make_span(1, 1)})).outcome == Outcome::kNotSampled);
  CHECK(rig.instruments.policy_evaluation_errors.value() == 2);
  CHECK(rig.count("broken", "not_sampled") == 0);

  Rig ignoring(R"(policies:
  - {name: lenient, type: ottl_condition, ottl_condition: {error_mode: ignore, span: ['Len(attributes["missing"]) > 0', 'name == "op-1"']}}
)");
  CHECK(ignoring.decide(request_of({make_span(1, 1)})).outcome == Outcome::kSampled);
  CHECK(ignoring.instruments.policy_evaluation_errors.value() == 0);
}

TEST_CASE("composite: the first sampling sub-policy decides within its per-second budget") {
  Rig rig(R"(policies:
  - name: budget
    type: composite
    composite:
      max_total_spans_per_second: 10
      composite_sub_policy:
        - {name: errors, type: status_code, status_code: {status_codes: [ERROR]}}
        - {name: rest, type: always_sample}
      rate_allocation:
        - {policy: errors, percent: 50}
        - {policy: rest, percent: 50}
)");
  const ExportRequest two_errors = request_of({error_span(1, 1), error_span(1, 2)});
  const ExportRequest two_plain = request_of({make_span(1, 1), make_span(1, 2)});
  // errors: 5 spans per second; 2 + 2 fit, a third trace of 2 does not, and does not fall
  // through to `rest` although `rest` would sample it.
  CHECK(rig.decide(two_errors).outcome == Outcome::kSampled);
  const ts::Verdict second = rig.decide(two_errors);
  CHECK(second.outcome == Outcome::kSampled);
  REQUIRE(second.sub_policy != nullptr);
  CHECK(*second.sub_policy == "errors");
  CHECK(rig.decide(two_errors).outcome == Outcome::kNotSampled);
  // `rest` has its own 5.
  CHECK(rig.decide(two_plain).outcome == Outcome::kSampled);
  CHECK(rig.decide(two_plain).outcome == Outcome::kSampled);
  CHECK(rig.decide(two_plain).outcome == Outcome::kNotSampled);
  // A new second restores the budgets.
  rig.clock.advance(1s);
  CHECK(rig.decide(two_errors).outcome == Outcome::kSampled);
  CHECK(*rig.decide(two_plain).sub_policy == "rest");
}

TEST_CASE("composite: percent 0 is an equal share, no entry is no budget, total caps all") {
  Rig rig(R"(policies:
  - name: budget
    type: composite
    composite:
      max_total_spans_per_second: 12
      composite_sub_policy:
        - {name: gold, type: string_attribute, string_attribute: {key: tier, values: [gold]}}
        - {name: silver, type: string_attribute, string_attribute: {key: tier, values: [silver]}}
        - {name: unlisted, type: string_attribute, string_attribute: {key: tier, values: [bronze]}}
        - {name: rest, type: always_sample}
      rate_allocation:
        - {policy: gold, percent: 100}
        - {policy: silver, percent: 0}
        - {policy: rest, percent: 0}
)");
  const auto trace = [](const std::string& tier, int spans) {
    std::vector<Span> out;
    for (int i = 0; i < spans; ++i) out.push_back(tagged(tier));
    return request_of(out);
  };
  // silver: 12 / 4 sub-policies = 3 per second.
  CHECK(rig.decide(trace("silver", 3)).outcome == Outcome::kSampled);
  CHECK(rig.decide(trace("silver", 1)).outcome == Outcome::kNotSampled);
  // bronze matches `unlisted` first, which has no budget: never sampled, no fall-through.
  CHECK(rig.decide(trace("bronze", 1)).outcome == Outcome::kNotSampled);
  // gold may take 12 alone, but 3 of the 12 are spent: the total stops it at 9.
  CHECK(rig.decide(trace("gold", 10)).outcome == Outcome::kNotSampled);
  CHECK(rig.decide(trace("gold", 9)).outcome == Outcome::kSampled);
  CHECK(rig.decide(trace("other", 1)).outcome == Outcome::kNotSampled);
}

TEST_CASE("composite takes and sub-policies") {
  Rig rig(R"(policies:
  - name: budget
    type: composite
    composite:
      max_total_spans_per_second: 100
      composite_sub_policy:
        - name: gold-errors
          type: and
          and:
            and_sub_policy:
              - {type: status_code, status_code: {status_codes: [ERROR]}}
              - {type: string_attribute, string_attribute: {key: tier, values: [gold]}}
      rate_allocation: [{policy: gold-errors, percent: 100}]
)");
  Span s = tagged("gold");
  CHECK(rig.decide(request_of({s})).outcome == Outcome::kNotSampled);
  set_status(s, 2);
  CHECK(rig.decide(request_of({s})).outcome == Outcome::kSampled);
}
