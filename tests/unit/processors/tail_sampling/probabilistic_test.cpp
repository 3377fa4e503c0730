// The probabilistic policy against vectors computed independently from the Collector's Go
// source (tests/testdata/tail_sampling/generate_vectors.py): FNV-1a 64 over salt and trace
// id, keep iff hash <= floor(ratio * (2^64 - 1)).
#include "processors/tail_sampling/policies/probabilistic.h"

#include <catch.hpp>
#include <string>

#include "fixture.h"

using namespace spanflow::tail_sampling_test;
namespace policies = spanflow::processors::tail_sampling::policies;

namespace {

struct ThresholdVector {
  double percentage;
  std::uint64_t go;
  std::uint64_t floor;
};

struct DecisionVector {
  const char* salt;
  const char* trace_id_hex;
  std::uint64_t hash;
  double percentage;
  bool kept;
};

constexpr ThresholdVector kThresholds[] = {
#include "testdata/tail_sampling/threshold_vectors.inc"
};

constexpr DecisionVector kDecisions[] = {
#include "testdata/tail_sampling/decision_vectors.inc"
};

ts::TraceId from_hex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return ts::TraceId::from(bytes);
}

}  // namespace

TEST_CASE("the keep threshold is floor(ratio * (2^64-1)), as Go's big.Float computes it") {
  for (const ThresholdVector& v : kThresholds) {
    INFO("sampling_percentage " << v.percentage);
    CHECK(v.go == v.floor);
    CHECK(policies::keep_threshold(v.percentage) == v.go);
  }
}

TEST_CASE("the trace hash is FNV-1a 64 over the salt (default-hash-seed) and the trace id") {
  for (const DecisionVector& v : kDecisions) {
    const std::string salt = *v.salt ? v.salt : std::string(policies::kDefaultHashSalt);
    INFO("salt '" << salt << "' trace " << v.trace_id_hex);
    CHECK(policies::trace_hash(salt, from_hex(v.trace_id_hex)) == v.hash);
  }
}

TEST_CASE("the probabilistic policy keeps exactly the vectors' traces") {
  int kept = 0;
  for (const DecisionVector& v : kDecisions) {
    INFO("salt '" << v.salt << "' trace " << v.trace_id_hex << " at " << v.percentage << "%");
    ts::PolicyConfig config;
    config.type = ts::PolicyType::kProbabilistic;
    config.probabilistic.hash_salt = v.salt;
    config.probabilistic.sampling_percentage = v.percentage;
    const auto policy = ts::build_policy(config);
    const ts::TraceId id = from_hex(v.trace_id_hex);
    const spanflow::otlp::ExportRequest empty;
    ts::Evaluation out;
    const ts::Decision d = policy->evaluate({id, empty, 1, {}}, out);
    CHECK((d == ts::Decision::kSampled) == v.kept);
    kept += v.kept ? 1 : 0;
  }
  CHECK(kept > 50);  // the vectors exercise both outcomes
}

TEST_CASE("probabilistic policies with one salt keep nested sets of traces") {
  for (std::uint64_t t = 1; t <= 2000; ++t) {
    const ts::TraceId id = ts::TraceId::from(spanflow::testing::trace_id(t));
    const std::uint64_t h = policies::trace_hash(policies::kDefaultHashSalt, id);
    if (h <= policies::keep_threshold(10)) CHECK(h <= policies::keep_threshold(30));
    if (h <= policies::keep_threshold(30)) CHECK(h <= policies::keep_threshold(50));
  }
}
