// The `probabilistic` policy's arithmetic, bit-identical to the Collector's
// (internal/sampling/probabilistic.go): FNV-1a 64 over the salt's bytes and then the 16
// trace-id bytes; keep iff the hash <= floor(sampling_percentage / 100 * (2^64 - 1)).
// Every policy with the same salt sees the same hash for a trace, so probabilistic policies
// with one salt keep nested sets of traces (all of 10% is inside 50%).
#pragma once

#include <cstdint>
#include <string_view>

#include "processors/tail_sampling/trace_id.h"

namespace spanflow::processors::tail_sampling::policies {

inline constexpr std::string_view kDefaultHashSalt = "default-hash-seed";

std::uint64_t trace_hash(std::string_view salt, const TraceId& id);

// The largest hash kept at `percentage`: Go computes uint64(big.Float(MaxUint64) * ratio) at
// 64-bit precision, which equals the exact floor here (the product's fraction never rounds up
// into the units); 0 for ratio <= 0, MaxUint64 from 100% up.
std::uint64_t keep_threshold(double percentage);

}  // namespace spanflow::processors::tail_sampling::policies
