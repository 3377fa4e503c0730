// The per-span decision of the `probabilistic_sampler` processor, stateless and consistent per
// trace id: the Collector's commonShouldSampleLogic for spans, in one of its three modes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/otlp.h"
#include "processors/probabilistic_sampler/config.h"
#include "processors/probabilistic_sampler/tracestate.h"

namespace spanflow::processors::probabilistic_sampler {

// Where a decision's randomness came from: the `policy` label of the sampled-count metric.
enum class Policy : std::uint8_t {
  kTraceIdHash,         // hash_seed over the trace id
  kTraceIdW3c,          // the trace id's low 56 bits
  kSamplingRandomness,  // an arriving `rv`
  kSamplingPriority,    // the `sampling.priority` attribute (and the 0% sampler)
  kMissingRandomness,   // none: all-zero trace id or unparseable tracestate
};
inline constexpr std::size_t kPolicyCount = 5;
std::string_view to_string(Policy policy);

// Why a span could not be sampled normally; it is then dropped, or kept when fail_closed is
// false (sampling.priority still applies).
enum class SamplingError : std::uint8_t {
  kNone,
  kInvalidTraceState,
  kRandomnessInUse,  // hash_seed mode met an arriving `rv`
  kThresholdInUse,   // hash_seed mode met an arriving `th`
  kMissingRandomness,
  kInconsistentThreshold,  // arriving `th` above the randomness: the span should not exist
};
std::string_view to_string(SamplingError error);

struct Decision {
  bool keep = false;
  Policy policy = Policy::kMissingRandomness;
  SamplingError error = SamplingError::kNone;
  // Kept with a different tracestate, which is in the Scratch's `text`.
  bool rewrite = false;
};

// Working space for decide(); one per thread (about 5 KiB, fine on the stack).
struct Scratch {
  TraceState state;
  TextBuffer text;
};

class Sampler {
 public:
  explicit Sampler(const Config& config);

  // Thread-safe (const); allocates nothing.
  Decision decide(const otlp::Span& span, Scratch& scratch) const;

 private:
  enum class Kind : std::uint8_t { kNever, kHashSeed, kProportional, kEqualizing };

  std::uint64_t threshold_for(const TraceState& state) const;

  Kind kind_ = Kind::kNever;
  bool fail_closed_ = true;
  std::uint32_t hash_seed_ = 0;
  std::uint64_t threshold_ = kNeverSample;  // hash_seed and equalizing
  double ratio_ = 0;                        // proportional
  int precision_ = 4;                       // proportional
};

// The `sampling.priority` attribute: an int, a double or a numeric string; 0 means never
// sample, above 0 always, anything else (negative, NaN, unparseable, absent) no opinion.
enum class Priority : std::uint8_t { kNone, kDrop, kKeep };
Priority span_priority(const otlp::Span& span);

}  // namespace spanflow::processors::probabilistic_sampler
