// Per-span decisions in every mode: tracestate rules, errors and fail_closed, sampling.priority.
#include "processors/probabilistic_sampler/sampler.h"

#include <catch.hpp>
#include <string>

#include "unit/processors/probabilistic_sampler/helpers.h"

using namespace spanflow;
using namespace spanflow::processors::probabilistic_sampler;
using spanflow::testing::sampler::make_config;
using spanflow::testing::sampler::make_span;
using spanflow::testing::sampler::trace_id_from_hex;

namespace {

struct ConsistentVector {
  const char* mode;
  bool fail_closed;
  const char* percentage;
  const char* trace_state;
  bool kept;
  const char* result;
};
const ConsistentVector kConsistentVectors[] = {
#include "testdata/probabilistic_sampler/consistent_vectors.inc"
};

// Trace id whose low 56 bits (the W3C randomness) are 0x80000000000000: kept at 50%.
const std::string kHalfId = trace_id_from_hex("11111111111111118080000000000000");
// Low 56 bits 0x7fffffffffffff: dropped at 50%.
const std::string kBelowHalfId = trace_id_from_hex("1111111111111111ff7fffffffffffff");
const std::string kZeroId(16, '\0');
// hash_seed 0: this trace hashes into bucket 141 (kept at 10%, below 1638).
const std::string kHashKeptId = trace_id_from_hex("4bf92f3577b34da6a3ce929d0e0e4736");

struct Result {
  Decision decision;
  std::string trace_state;  // the rewritten tracestate, or the arriving one
};

Result run(const Config& config, const otlp::Span& span) {
  Scratch scratch;
  const Decision d = Sampler(config).decide(span, scratch);
  return {d, d.rewrite ? std::string(scratch.text.view()) : span.trace_state()};
}

otlp::Span with_priority(otlp::Span span, const otlp::AnyValue& value) {
  auto* kv = span.add_attributes();
  kv->set_key("sampling.priority");
  *kv->mutable_value() = value;
  return span;
}
otlp::AnyValue int_value(std::int64_t v) {
  otlp::AnyValue value;
  value.set_int_value(v);
  return value;
}
otlp::AnyValue double_value(double v) {
  otlp::AnyValue value;
  value.set_double_value(v);
  return value;
}
otlp::AnyValue string_value(const std::string& v) {
  otlp::AnyValue value;
  value.set_string_value(v);
  return value;
}

}  // namespace

TEST_CASE("proportional and equalizing decide and rewrite th as the Collector does") {
  int kept = 0;
  for (const ConsistentVector& v : kConsistentVectors) {
    INFO(v.mode << " fail_closed=" << v.fail_closed << " " << v.percentage << "% "
                << v.trace_state);
    const Mode mode =
        std::string(v.mode) == "proportional" ? Mode::kProportional : Mode::kEqualizing;
    const Result r =
        run(make_config(v.percentage, mode, 0, v.fail_closed), make_span(kHalfId, v.trace_state));
    REQUIRE(r.decision.keep == v.kept);
    CHECK(r.decision.policy == Policy::kSamplingRandomness);
    if (v.kept) {
      ++kept;
      CHECK(r.trace_state == v.result);
    }
  }
  CHECK(kept > 50);
}

TEST_CASE("without rv, proportional sampling reads the trace id's low 56 bits") {
  const Config half = make_config("50", Mode::kProportional);
  const Result kept = run(half, make_span(kHalfId));
  CHECK(kept.decision.keep);
  CHECK(kept.decision.policy == Policy::kTraceIdW3c);
  CHECK(kept.trace_state == "ot=th:8");
  CHECK_FALSE(run(half, make_span(kBelowHalfId)).decision.keep);
  // Randomness from the trace id is not written as rv.
  CHECK(run(make_config("25", Mode::kEqualizing),
            make_span(trace_id_from_hex("0000000000000000ffc0000000000000")))
            .trace_state == "ot=th:c");
}

TEST_CASE("downstream samplers only raise an arriving threshold") {
  // Arrived at 25% (th:c); this stage at 50%.
  const std::string id = trace_id_from_hex("0000000000000000fff0000000000000");
  SECTION("proportional multiplies: 25% x 50% = 12.5%") {
    CHECK(run(make_config("50", Mode::kProportional), make_span(id, "ot=th:c")).trace_state ==
          "ot=th:e");
  }
  SECTION("equalizing keeps the lower arriving probability") {
    CHECK(run(make_config("50", Mode::kEqualizing), make_span(id, "ot=th:c")).trace_state ==
          "ot=th:c");
  }
  SECTION("equalizing lowers a higher arriving probability to its own") {
    CHECK(run(make_config("25", Mode::kEqualizing), make_span(id, "ot=th:8")).trace_state ==
          "ot=th:c");
  }
}

TEST_CASE("other vendors' entries and other ot keys survive every mode") {
  const std::string arriving = "congo=t61rcWkgMzE,ot=xy:z1,rojo=00f067aa0ba902b7";
  SECTION("hash_seed") {
    const Result r = run(make_config("10"), make_span(kHashKeptId, arriving));
    REQUIRE(r.decision.keep);
    CHECK(r.trace_state.starts_with("ot=rv:"));
    CHECK(r.trace_state.ends_with(";th:e668;xy:z1,congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"));
  }
  SECTION("proportional") {
    const Result r = run(make_config("50", Mode::kProportional), make_span(kHalfId, arriving));
    REQUIRE(r.decision.keep);
    CHECK(r.trace_state == "ot=th:8;xy:z1,congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
  }
}

TEST_CASE("hash_seed refuses spans that already carry rv or th") {
  for (const std::string arriving : {"ot=rv:ffffffffffffff", "ot=th:0", "x=1,ot=th:8"}) {
    INFO(arriving);
    const Result closed = run(make_config("100"), make_span(kHashKeptId, arriving));
    CHECK_FALSE(closed.decision.keep);
    CHECK(closed.decision.error != SamplingError::kNone);
    CHECK(closed.decision.policy == Policy::kTraceIdHash);
    const Result open =
        run(make_config("100", Mode::kHashSeed, 0, false), make_span(kHashKeptId, arriving));
    CHECK(open.decision.keep);
    CHECK_FALSE(open.decision.rewrite);  // passed through untouched
  }
}

TEST_CASE("an unparseable tracestate is an error in every mode") {
  for (const Mode mode : {Mode::kHashSeed, Mode::kProportional, Mode::kEqualizing}) {
    INFO(to_string(mode));
    const otlp::Span span = make_span(kHalfId, "ot=rv:nothex");
    const Result closed = run(make_config("100", mode), span);
    CHECK_FALSE(closed.decision.keep);
    CHECK(closed.decision.error == SamplingError::kInvalidTraceState);
    const Result open = run(make_config("100", mode, 0, false), span);
    CHECK(open.decision.keep);
    CHECK(open.trace_state == "ot=rv:nothex");
  }
  // The trace id no longer counts once the tracestate is broken.
  CHECK(run(make_config("100", Mode::kProportional), make_span(kHalfId, "Bad=1")).decision.policy ==
        Policy::kMissingRandomness);
}

TEST_CASE("an all-zero trace id is missing randomness") {
  for (const Mode mode : {Mode::kHashSeed, Mode::kProportional, Mode::kEqualizing}) {
    INFO(to_string(mode));
    const Result closed = run(make_config("100", mode), make_span(kZeroId));
    CHECK_FALSE(closed.decision.keep);
    CHECK(closed.decision.error == SamplingError::kMissingRandomness);
    CHECK(closed.decision.policy == Policy::kMissingRandomness);
    const Result open = run(make_config("100", mode, 0, false), make_span(kZeroId));
    CHECK(open.decision.keep);
    CHECK(open.trace_state == "ot=th:0");  // kept at an unknown probability: always
  }
  // An explicit rv stands in for the trace id.
  const Result rv =
      run(make_config("50", Mode::kProportional), make_span(kZeroId, "ot=rv:80000000000000"));
  CHECK(rv.decision.keep);
  CHECK(rv.trace_state == "ot=rv:80000000000000;th:8");
}

TEST_CASE("an arriving th equal to the randomness is consistent") {
  const Result r =
      run(make_config("100", Mode::kProportional), make_span(kZeroId, "ot=rv:80000000000000;th:8"));
  CHECK(r.decision.keep);
  CHECK(r.decision.error == SamplingError::kNone);
  CHECK(r.trace_state == "ot=rv:80000000000000;th:8");
}

TEST_CASE("an arriving th above the randomness is inconsistent and erased") {
  // rv 0x7f... < th 8: the span should not have been kept upstream.
  const std::string arriving = "ot=rv:7fffffffffffff;th:8,v=1";
  const Result closed = run(make_config("100", Mode::kProportional), make_span(kHalfId, arriving));
  CHECK_FALSE(closed.decision.keep);
  CHECK(closed.decision.error == SamplingError::kInconsistentThreshold);
  const Result open =
      run(make_config("100", Mode::kEqualizing, 0, false), make_span(kHalfId, arriving));
  CHECK(open.decision.keep);
  CHECK(open.trace_state == "ot=rv:7fffffffffffff;th:0,v=1");
}

TEST_CASE("sampling.priority overrides the probabilistic decision") {
  const otlp::Span kept_span = make_span(kHashKeptId);
  const otlp::Span dropped_span = make_span(trace_id_from_hex("00000000000000000000000000000001"));
  REQUIRE(run(make_config("10"), kept_span).decision.keep);
  REQUIRE_FALSE(run(make_config("10"), dropped_span).decision.keep);

  SECTION("zero drops") {
    for (const otlp::AnyValue& zero :
         {int_value(0), double_value(0.0), double_value(-0.0), string_value("0"),
          string_value("0.0"), string_value("-0"), string_value("1e-400")}) {
      INFO(zero.ShortDebugString());
      const Result r = run(make_config("100"), with_priority(kept_span, zero));
      CHECK_FALSE(r.decision.keep);
      CHECK(r.decision.policy == Policy::kSamplingPriority);
    }
  }
  SECTION("above zero keeps, recording th:0") {
    for (const otlp::AnyValue& positive :
         {int_value(1), int_value(5), double_value(0.5), string_value("1"), string_value("+2"),
          string_value("1e3"), string_value("0x1p-2"), string_value("Inf")}) {
      INFO(positive.ShortDebugString());
      const Result r = run(make_config("10"), with_priority(dropped_span, positive));
      CHECK(r.decision.keep);
      CHECK(r.decision.policy == Policy::kSamplingPriority);
      CHECK(r.trace_state.starts_with("ot=rv:"));
      CHECK(r.trace_state.ends_with(";th:0"));
    }
  }
  SECTION("negative, unparseable or other types are ignored") {
    otlp::AnyValue flag;
    flag.set_bool_value(true);
    for (const otlp::AnyValue& ignored :
         {int_value(-1), double_value(-0.5), string_value("-1"), string_value("abc"),
          string_value(" 1"), string_value("1e400"), string_value("NaN"), string_value("0x1"),
          string_value("--1"), string_value(""), flag}) {
      INFO(ignored.ShortDebugString());
      CHECK(run(make_config("10"), with_priority(kept_span, ignored)).decision.keep);
      CHECK_FALSE(run(make_config("10"), with_priority(dropped_span, ignored)).decision.keep);
      CHECK(run(make_config("10"), with_priority(kept_span, ignored)).decision.policy ==
            Policy::kTraceIdHash);
    }
  }
  SECTION("the first sampling.priority attribute counts") {
    otlp::Span span = with_priority(with_priority(kept_span, int_value(0)), int_value(1));
    CHECK_FALSE(run(make_config("100"), span).decision.keep);
  }
  SECTION("priority keeps a span fail_closed would drop, leaving it untouched") {
    const otlp::Span span = with_priority(make_span(kHashKeptId, "ot=th:8"), int_value(1));
    const Result r = run(make_config("100"), span);
    CHECK(r.decision.keep);
    CHECK(r.decision.error == SamplingError::kThresholdInUse);
    CHECK(r.trace_state == "ot=th:8");
  }
  SECTION("priority keeps at 0%, and in proportional mode") {
    const Result zero = run(make_config("0"), with_priority(kept_span, int_value(1)));
    CHECK(zero.decision.keep);
    CHECK(zero.trace_state == "ot=th:0");
    // An inconsistent th is erased; the priority keeps the span anyway, at th:0.
    const Result proportional =
        run(make_config("1", Mode::kProportional),
            with_priority(make_span(kBelowHalfId, "ot=th:8"), int_value(1)));
    CHECK(proportional.decision.keep);
    CHECK(proportional.decision.error == SamplingError::kInconsistentThreshold);
    CHECK(proportional.trace_state == "ot=th:0");
    const Result consistent = run(make_config("1", Mode::kProportional),
                                  with_priority(make_span(kHalfId, "ot=th:8"), int_value(1)));
    CHECK(consistent.decision.keep);
    CHECK(consistent.trace_state == "ot=th:8");  // th:0 would lower it: kept as it came
  }
}

TEST_CASE("0% keeps nothing and 100% everything, in every mode") {
  for (const Mode mode : {Mode::kHashSeed, Mode::kProportional, Mode::kEqualizing}) {
    INFO(to_string(mode));
    for (const std::string& id : {kHalfId, kBelowHalfId, kHashKeptId}) {
      const Result none = run(make_config("0", mode), make_span(id));
      CHECK_FALSE(none.decision.keep);
      CHECK(none.decision.policy == Policy::kSamplingPriority);  // the Collector's label
      const Result all = run(make_config("100", mode), make_span(id));
      CHECK(all.decision.keep);
      CHECK(all.trace_state.ends_with("th:0"));
    }
  }
  CHECK_FALSE(run(make_config("0.0061"), make_span(kHashKeptId)).decision.keep);
}

TEST_CASE("spans of one trace get the same decision whatever else differs") {
  for (const Mode mode : {Mode::kHashSeed, Mode::kProportional}) {
    const Config config = make_config("33.3", mode, 7);
    Scratch scratch;
    const Sampler sampler(config);
    for (int t = 0; t < 200; ++t) {
      const std::string id = trace_id_from_hex("abcdef0123456789abcdef01234567" +
                                               std::string(1, "0123456789abcdef"[t % 16]) +
                                               std::string(1, "0123456789abcdef"[t / 16 % 16]));
      otlp::Span a = make_span(id, "vendor=1");
      otlp::Span b = make_span(id);
      b.set_span_id("zzzzzzzz");
      b.set_name("other");
      CHECK(sampler.decide(a, scratch).keep == sampler.decide(b, scratch).keep);
    }
  }
}
