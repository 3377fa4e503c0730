// The arithmetic of probability sampling: OTEP 235 thresholds and randomness (56-bit values
// compared as `keep iff randomness >= threshold`), and the Collector's legacy hash_seed
// function, expressed in the same terms. Every function matches the Collector bit for bit
// (contrib pkg/sampling and processor/probabilisticsamplerprocessor).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace spanflow::processors::probabilistic_sampler {

// 2^56: the threshold that rejects everything (one past the largest encodable threshold).
inline constexpr std::uint64_t kNeverSample = std::uint64_t{1} << 56;
inline constexpr std::uint64_t kAlwaysSample = 0;
// The largest randomness; passes every threshold below kNeverSample.
inline constexpr std::uint64_t kMaxRandomness = kNeverSample - 1;
inline constexpr int kHexDigits = 14;

// A `th` value: 1-14 lowercase hex digits, trailing zeros removed, "0" for always-sample.
struct ThresholdText {
  char digits[kHexDigits];
  std::uint8_t size;
  std::string_view view() const { return {digits, size}; }
};
// `threshold` must be below kNeverSample.
ThresholdText encode_threshold(std::uint64_t threshold);
// A `th` value: 1-14 hex digits (either case), right-padded with zeros to 56 bits.
std::optional<std::uint64_t> decode_threshold(std::string_view text);

// An `rv` value: exactly 14 hex digits.
std::optional<std::uint64_t> decode_randomness(std::string_view text);
// Writes `randomness` (below kNeverSample) as 14 lowercase hex digits.
void encode_randomness(std::uint64_t randomness, char (&out)[kHexDigits]);
// The least-significant 56 bits of a 16-byte trace id (W3C Trace Context Level 2).
std::uint64_t trace_id_randomness(std::string_view trace_id);

// The rejection threshold for probability `p` rounded to `precision` significant hex digits;
// precision grows by one digit per leading 0 or f the threshold has (p near 0 or 1), up to 14.
// nullopt when p is outside [2^-56, 1].
std::optional<std::uint64_t> probability_to_threshold(double p, int precision);
// (2^56 - threshold) / 2^56.
double threshold_to_probability(std::uint64_t threshold);

// hash_seed mode. The Collector keeps a span iff (hash & 0x3FFF) < hash_seed_rate(percent);
// the same decision reads `hash_seed_randomness(hash) >= hash_seed_threshold(rate)`.
//
// FNV-1a 32 over the seed's 4 little-endian bytes, then `bytes`.
std::uint32_t hash_seed_hash(std::uint32_t seed, std::string_view bytes);
// (uint32)(percent * 163.84f), multiplied in float32 and truncated; percent above 100 is 100.
std::uint32_t hash_seed_rate(float percent);
// The 56-bit randomness the Collector derives from a hash and writes as `rv`.
std::uint64_t hash_seed_randomness(std::uint32_t hash);
// The threshold equivalent to an acceptance rate in [1, 16384].
std::uint64_t hash_seed_threshold(std::uint32_t rate);

}  // namespace spanflow::processors::probabilistic_sampler
