#include "processors/probabilistic_sampler/threshold.h"

#include <algorithm>
#include <cmath>

namespace spanflow::processors::probabilistic_sampler {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr int kHexBits = 4;
constexpr std::uint32_t kHashBuckets = 0x4000;  // 14 bits of the hash decide
constexpr int kHashBucketBits = 14;
constexpr int kRandomnessShift = 56 - kHashBucketBits;  // bucket bits are the top of 56

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Hex digits (either case), as Go's strconv.ParseUint(s, 16, 64) reads them.
std::optional<std::uint64_t> parse_hex(std::string_view text) {
  std::uint64_t value = 0;
  for (const char c : text) {
    const int digit = hex_value(c);
    if (digit < 0) return std::nullopt;
    value = (value << kHexBits) | static_cast<std::uint64_t>(digit);
  }
  return value;
}

}  // namespace

ThresholdText encode_threshold(std::uint64_t threshold) {
  ThresholdText out{};
  if (threshold == kAlwaysSample) {
    out.digits[0] = '0';
    out.size = 1;
    return out;
  }
  char full[kHexDigits];
  encode_randomness(threshold, full);
  int size = kHexDigits;
  while (size > 1 && full[size - 1] == '0') --size;
  std::copy(full, full + size, out.digits);
  out.size = static_cast<std::uint8_t>(size);
  return out;
}

std::optional<std::uint64_t> decode_threshold(std::string_view text) {
  if (text.empty() || text.size() > kHexDigits) return std::nullopt;
  const std::optional<std::uint64_t> value = parse_hex(text);
  if (!value) return std::nullopt;
  return *value << (kHexBits * (kHexDigits - static_cast<int>(text.size())));
}

std::optional<std::uint64_t> decode_randomness(std::string_view text) {
  if (text.size() != kHexDigits) return std::nullopt;
  return parse_hex(text);
}

void encode_randomness(std::uint64_t randomness, char (&out)[kHexDigits]) {
  for (int i = kHexDigits - 1; i >= 0; --i) {
    out[i] = kHex[randomness & 0xf];
    randomness >>= kHexBits;
  }
}

std::uint64_t trace_id_randomness(std::string_view trace_id) {
  std::uint64_t value = 0;
  for (std::size_t i = 9; i < 16 && i < trace_id.size(); ++i) {
    value = (value << 8) | static_cast<unsigned char>(trace_id[i]);
  }
  return value;
}

std::optional<std::uint64_t> probability_to_threshold(double p, int precision) {
  if (!(p >= 1.0 / static_cast<double>(kNeverSample) && p <= 1.0)) return std::nullopt;
  if (p == 1.0) return kAlwaysSample;
  // Leading 0s (p near 0) or fs (p near 1) in the threshold carry no information, so each
  // one they would take earns another digit; Go's integer division truncates, as C++ does.
  int exp_p = 0;
  int exp_reject = 0;
  std::frexp(p, &exp_p);
  std::frexp(1.0 - p, &exp_reject);
  precision = std::min(kHexDigits,
                       std::max(precision + exp_p / -kHexBits, precision + exp_reject / -kHexBits));
  const auto scaled = static_cast<std::uint64_t>(std::round(p * static_cast<double>(kNeverSample)));
  std::uint64_t threshold = kNeverSample - scaled;
  if (const int shift = kHexBits * (kHexDigits - precision); shift > 0) {
    threshold += std::uint64_t{1} << (shift - 1);
    threshold >>= shift;
    threshold <<= shift;
  }
  return threshold;
}

double threshold_to_probability(std::uint64_t threshold) {
  return static_cast<double>(kNeverSample - threshold) / static_cast<double>(kNeverSample);
}

std::uint32_t hash_seed_hash(std::uint32_t seed, std::string_view bytes) {
  constexpr std::uint32_t kOffset = 2166136261u;
  constexpr std::uint32_t kPrime = 16777619u;
  std::uint32_t hash = kOffset;
  for (int i = 0; i < 4; ++i) {
    hash ^= (seed >> (8 * i)) & 0xffu;
    hash *= kPrime;
  }
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kPrime;
  }
  return hash;
}

std::uint32_t hash_seed_rate(float percent) {
  if (!(percent > 0.0f)) return 0;
  percent = std::min(percent, 100.0f);
  // Both operands float32, product rounded to float32, then truncated: the Collector's
  // uint32(pct * percentageScaleFactor) with pct a float32.
  const float scaled = percent * 163.84f;
  return static_cast<std::uint32_t>(scaled);
}

std::uint64_t hash_seed_randomness(std::uint32_t hash) {
  const std::uint64_t bucket = hash & (kHashBuckets - 1);
  const std::uint64_t top = kHashBuckets - 1 - bucket;
  // The Collector fills the middle bits from the hash's top 14 bits.
  const std::uint64_t unused = hash >> (32 - kHashBucketBits);
  const std::uint64_t mixed = unused ^ (unused << 10);
  return (top << kRandomnessShift) | (mixed << kHashBucketBits) | bucket;
}

std::uint64_t hash_seed_threshold(std::uint32_t rate) {
  return static_cast<std::uint64_t>(kHashBuckets - rate) << kRandomnessShift;
}

}  // namespace spanflow::processors::probabilistic_sampler
