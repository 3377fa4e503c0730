// hash_seed decisions and OTEP 235 threshold encodings against vectors computed independently
// (tests/testdata/probabilistic_sampler/generate_vectors.py models the Collector's Go code).
#include "processors/probabilistic_sampler/threshold.h"

#include <catch.hpp>
#include <map>
#include <string>
#include <utility>

#include "processors/probabilistic_sampler/sampler.h"
#include "unit/processors/probabilistic_sampler/helpers.h"

using namespace spanflow::processors::probabilistic_sampler;
using spanflow::testing::sampler::make_config;
using spanflow::testing::sampler::make_span;
using spanflow::testing::sampler::trace_id_from_hex;

namespace {

struct HashSeedVector {
  const char* trace_id;
  std::uint32_t seed;
  const char* percentage;
  bool kept;
  const char* trace_state;
};
const HashSeedVector kHashSeedVectors[] = {
#include "testdata/probabilistic_sampler/hash_seed_vectors.inc"
};

struct ThresholdVector {
  double probability;
  int precision;
  const char* th;
};
const ThresholdVector kThresholdVectors[] = {
#include "testdata/probabilistic_sampler/threshold_vectors.inc"
};

std::string th(double probability, int precision) {
  const auto threshold = probability_to_threshold(probability, precision);
  REQUIRE(threshold);
  return std::string(encode_threshold(*threshold).view());
}

}  // namespace

TEST_CASE("hash_seed keeps exactly the spans the Collector keeps, with its rv and th") {
  std::map<std::pair<std::uint32_t, std::string>, Sampler> samplers;
  Scratch scratch;
  int kept = 0;
  for (const HashSeedVector& v : kHashSeedVectors) {
    INFO("trace " << v.trace_id << " seed " << v.seed << " percentage " << v.percentage);
    const auto key = std::pair{v.seed, std::string(v.percentage)};
    auto it = samplers.find(key);
    if (it == samplers.end()) {
      it = samplers.emplace(key, Sampler(make_config(v.percentage, Mode::kHashSeed, v.seed))).first;
    }
    const Decision d = it->second.decide(make_span(trace_id_from_hex(v.trace_id)), scratch);
    REQUIRE(d.keep == v.kept);
    if (v.kept) {
      ++kept;
      CHECK(d.policy == Policy::kTraceIdHash);
      CHECK(d.rewrite);
      CHECK(scratch.text.view() == v.trace_state);
    }
  }
  CHECK(kept > 100);  // the table exercises both outcomes
}

TEST_CASE("the hash_seed rate is the Collector's float32 product, truncated") {
  CHECK(hash_seed_rate(0.0f) == 0);
  CHECK(hash_seed_rate(0.0061f) == 0);  // 0.99942 -> 0: rounds to zero, never samples
  CHECK(hash_seed_rate(0.0062f) == 1);
  CHECK(hash_seed_rate(10.0f) == 1638);  // 9.9976%
  CHECK(hash_seed_rate(25.0f) == 4096);
  CHECK(hash_seed_rate(99.99f) == 16382);
  CHECK(hash_seed_rate(100.0f) == 16384);  // 16383.9996 rounds up to 16384 in float32
  CHECK(hash_seed_rate(150.0f) == 16384);
  CHECK(hash_seed_rate(-1.0f) == 0);
}

TEST_CASE("hash_seed thresholds encode as the Collector writes them") {
  CHECK(encode_threshold(hash_seed_threshold(hash_seed_rate(10.0f))).view() == "e668");
  CHECK(encode_threshold(hash_seed_threshold(hash_seed_rate(25.0f))).view() == "c");
  CHECK(encode_threshold(hash_seed_threshold(hash_seed_rate(50.0f))).view() == "8");
  CHECK(encode_threshold(hash_seed_threshold(hash_seed_rate(100.0f))).view() == "0");
}

TEST_CASE("hash_seed randomness puts the inverted bucket in the top 14 bits") {
  // bucket 0 (most likely kept) has the largest randomness; the low 14 bits are the bucket.
  CHECK(hash_seed_randomness(0) >> 42 == 0x3fff);
  CHECK(hash_seed_randomness(0x3fff) >> 42 == 0);
  CHECK((hash_seed_randomness(0x12345678) & 0x3fff) == (0x12345678 & 0x3fff));
  for (const std::uint32_t rate : {1u, 1638u, 8192u, 16383u}) {
    for (const std::uint32_t bucket : {0u, rate - 1, rate, 16383u}) {
      INFO("rate " << rate << " bucket " << bucket);
      const std::uint32_t hash = 0xabcd0000u | bucket;
      CHECK((hash_seed_randomness(hash) >= hash_seed_threshold(rate)) == (bucket < rate));
    }
  }
}

TEST_CASE("thresholds are rounded with the Collector's precision rules") {
  for (const ThresholdVector& v : kThresholdVectors) {
    INFO("p " << v.probability << " precision " << v.precision);
    CHECK(th(v.probability, v.precision) == v.th);
  }
}

TEST_CASE("the specification's example thresholds hold") {
  CHECK(th(1.0, 4) == "0");
  CHECK(th(0.5, 4) == "8");
  CHECK(th(0.25, 4) == "c");
  CHECK(th(0.125, 4) == "e");
  CHECK(th(0.1, 4) == "e666");
  // 1%: leading f's earn a digit, so precision 3, 4, 5 write 4, 5, 6 digits.
  CHECK(th(0.01, 3) == "fd71");
  CHECK(th(0.01, 4) == "fd70a");
  CHECK(th(0.01, 5) == "fd70a4");
  CHECK(th(0.001, 4) == "ffbe77");
  CHECK(th(1.0 / 3, 4) == "aaab");
}

TEST_CASE("probabilities outside [2^-56, 1] have no threshold") {
  CHECK_FALSE(probability_to_threshold(0.0, 4));
  CHECK_FALSE(probability_to_threshold(0x1p-57, 4));
  CHECK_FALSE(probability_to_threshold(1.0000001, 4));
  CHECK(probability_to_threshold(0x1p-56, 4) == kNeverSample - 1);
}

TEST_CASE("th and rv values decode as the Collector reads them") {
  CHECK(decode_threshold("c") == std::uint64_t{0xc} << 52);
  CHECK(decode_threshold("C") == std::uint64_t{0xc} << 52);
  CHECK(decode_threshold("0") == 0u);
  CHECK(decode_threshold("e668") == std::uint64_t{0xe668} << 40);
  CHECK(decode_threshold("ffffffffffffff") == kNeverSample - 1);
  CHECK_FALSE(decode_threshold(""));
  CHECK_FALSE(decode_threshold("fffffffffffffff"));  // 15 digits
  CHECK_FALSE(decode_threshold("8g"));
  CHECK_FALSE(decode_threshold("-8"));

  CHECK(decode_randomness("00000000000001") == 1u);
  CHECK(decode_randomness("FFFFFFFFFFFFFF") == kMaxRandomness);
  CHECK_FALSE(decode_randomness("0000000000001"));
  CHECK_FALSE(decode_randomness("000000000000001"));
  CHECK_FALSE(decode_randomness("0000000000000x"));

  char digits[kHexDigits];
  encode_randomness(0xabc, digits);
  CHECK(std::string(digits, kHexDigits) == "00000000000abc");
  CHECK(threshold_to_probability(std::uint64_t{0xc} << 52) == 0.25);
}

TEST_CASE("trace id randomness is the low 56 bits of the trace id") {
  CHECK(trace_id_randomness(trace_id_from_hex("0123456789abcdef0123456789abcdef")) ==
        0x23456789abcdefu);
  CHECK(trace_id_randomness(trace_id_from_hex("ffffffffffffffffff00000000000001")) == 1u);
}
