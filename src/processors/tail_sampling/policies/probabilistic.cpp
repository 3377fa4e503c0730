#include "processors/tail_sampling/policies/probabilistic.h"

#include <cmath>
#include <limits>

#include "processors/tail_sampling/policies/makers.h"

namespace spanflow::processors::tail_sampling::policies {

std::uint64_t trace_hash(std::string_view salt, const TraceId& id) {
  std::uint64_t h = 14695981039346656037ULL;
  const auto mix = [&h](unsigned char byte) { h = (h ^ byte) * 1099511628211ULL; };
  for (const char c : salt) mix(static_cast<unsigned char>(c));
  for (const std::uint8_t b : id.bytes) mix(b);
  return h;
}

std::uint64_t keep_threshold(double percentage) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const double ratio = percentage / 100;  // a float64 division, as in Go
  if (!(ratio > 0)) return 0;
  if (ratio >= 1) return kMax;
  // ratio = mantissa * 2^(exponent - 53) exactly, with a 53-bit integer mantissa.
  int exponent = 0;
  const double fraction = std::frexp(ratio, &exponent);
  const auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));
  const unsigned __int128 product = static_cast<unsigned __int128>(kMax) * mantissa;
  const int shift = 53 - exponent;  // > 53 since ratio < 1
  if (shift >= 128) return 0;
  return static_cast<std::uint64_t>(product >> shift);
}

namespace {

class Probabilistic final : public Policy {
 public:
  explicit Probabilistic(const ProbabilisticConfig& config)
      : salt_(config.hash_salt.empty() ? std::string(kDefaultHashSalt) : config.hash_salt),
        threshold_(keep_threshold(config.sampling_percentage)) {}

  Decision evaluate(const TraceView& trace, Evaluation&) override {
    return trace_hash(salt_, trace.id) <= threshold_ ? Decision::kSampled : Decision::kNotSampled;
  }

 private:
  std::string salt_;
  std::uint64_t threshold_;
};

}  // namespace

std::unique_ptr<Policy> make_probabilistic(const ProbabilisticConfig& config) {
  return std::make_unique<Probabilistic>(config);
}

}  // namespace spanflow::processors::tail_sampling::policies
