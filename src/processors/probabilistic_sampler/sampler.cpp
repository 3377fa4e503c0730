#include "processors/probabilistic_sampler/sampler.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace spanflow::processors::probabilistic_sampler {

namespace {

constexpr std::string_view kPriorityAttribute = "sampling.priority";
constexpr std::size_t kTraceIdSize = 16;

// A trace id the sampler can draw randomness from: 16 bytes, not all zero.
bool has_randomness(const std::string& trace_id) {
  return trace_id.size() == kTraceIdSize &&
         std::any_of(trace_id.begin(), trace_id.end(), [](char c) { return c != 0; });
}

// Go's strconv.ParseFloat(text, 64) as far as the priority's sign can tell: decimal or
// 0x-prefixed hex with a p exponent, an optional sign, inf and nan; overflow is an error,
// underflow reads as zero.
std::optional<double> parse_go_float(std::string_view text) {
  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body.empty() || body.front() == '+' || body.front() == '-') return std::nullopt;
  std::string_view digits = body;
  std::chars_format format = std::chars_format::general;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    digits.remove_prefix(2);
    if (digits.find_first_of("pP") == std::string_view::npos) return std::nullopt;
    format = std::chars_format::hex;
  }
  double value = 0;
  const char* last = digits.data() + digits.size();
  const auto [end, ec] = std::from_chars(digits.data(), last, value, format);
  if (end != last) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // from_chars does not say which way; strtod does (HUGE_VAL for overflow).
    std::array<char, 128> copy{};
    if (body.size() >= copy.size()) return std::nullopt;
    std::copy(body.begin(), body.end(), copy.begin());
    value = std::strtod(copy.data(), nullptr);
    if (std::isinf(value)) return std::nullopt;
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

Priority priority_of(double value) {
  if (value == 0) return Priority::kDrop;
  if (value > 0) return Priority::kKeep;
  return Priority::kNone;  // negative or NaN
}

}  // namespace

std::string_view to_string(Policy policy) {
  switch (policy) {
    case Policy::kTraceIdHash:
      return "trace_id_hash";
    case Policy::kTraceIdW3c:
      return "trace_id_w3c";
    case Policy::kSamplingRandomness:
      return "sampling_randomness";
    case Policy::kSamplingPriority:
      return "sampling_priority";
    case Policy::kMissingRandomness:
      return "missing_randomness";
  }
  return "missing_randomness";
}

std::string_view to_string(SamplingError error) {
  switch (error) {
    case SamplingError::kNone:
      return "";
    case SamplingError::kInvalidTraceState:
      return "invalid tracestate";
    case SamplingError::kRandomnessInUse:
      return "item has sampling randomness, equalizing or proportional mode recommended";
    case SamplingError::kThresholdInUse:
      return "item has sampling threshold, equalizing or proportional mode recommended";
    case SamplingError::kMissingRandomness:
      return "missing randomness";
    case SamplingError::kInconsistentThreshold:
      return "inconsistent arriving threshold: item should not have been sampled";
  }
  return "";
}

Priority span_priority(const otlp::Span& span) {
  for (const otlp::KeyValue& attribute : span.attributes()) {
    if (attribute.key() != kPriorityAttribute) continue;
    const otlp::AnyValue& value = attribute.value();
    switch (value.value_case()) {
      case otlp::AnyValue::kIntValue:
        return value.int_value() == 0  ? Priority::kDrop
               : value.int_value() > 0 ? Priority::kKeep
                                       : Priority::kNone;
      case otlp::AnyValue::kDoubleValue:
        return priority_of(value.double_value());
      case otlp::AnyValue::kStringValue: {
        const std::optional<double> parsed = parse_go_float(value.string_value());
        return parsed ? priority_of(*parsed) : Priority::kNone;
      }
      default:
        return Priority::kNone;
    }
  }
  return Priority::kNone;
}

Sampler::Sampler(const Config& config)
    : fail_closed_(config.fail_closed),
      hash_seed_(config.hash_seed),
      precision_(config.sampling_precision) {
  const float percentage = std::min(config.sampling_percentage, 100.0f);
  if (!(percentage > 0)) return;  // kNever
  // Widened before dividing, as the Collector does; validation keeps it at or above 2^-56.
  const double ratio =
      std::max(static_cast<double>(percentage) / 100.0, 1.0 / static_cast<double>(kNeverSample));
  switch (config.mode) {
    case Mode::kEqualizing:
      kind_ = Kind::kEqualizing;
      threshold_ = probability_to_threshold(ratio, precision_).value_or(kAlwaysSample);
      break;
    case Mode::kProportional:
      kind_ = Kind::kProportional;
      ratio_ = ratio;
      break;
    case Mode::kHashSeed:
      if (const std::uint32_t rate = hash_seed_rate(percentage); rate > 0) {
        kind_ = Kind::kHashSeed;
        threshold_ = hash_seed_threshold(rate);
      }
      break;
  }
}

std::uint64_t Sampler::threshold_for(const TraceState& state) const {
  switch (kind_) {
    case Kind::kNever:
      return kNeverSample;
    case Kind::kHashSeed:
      return threshold_;
    case Kind::kEqualizing: {
      // Never lowers an arriving threshold.
      const std::optional<std::uint64_t> arriving = state.threshold();
      return arriving && threshold_ < *arriving ? *arriving : threshold_;
    }
    case Kind::kProportional: {
      const std::optional<std::uint64_t> arriving = state.threshold();
      const double incoming = arriving ? threshold_to_probability(*arriving) : 1.0;
      // Below 2^-56 the product is unrepresentable: not sampled.
      return probability_to_threshold(incoming * ratio_, precision_).value_or(kNeverSample);
    }
  }
  return kNeverSample;
}

Decision Sampler::decide(const otlp::Span& span, Scratch& scratch) const {
  TraceState& state = scratch.state;
  const std::string& arrived = span.trace_state();
  const bool parsed = state.parse(arrived);
  bool rewritable = parsed;  // the Collector's non-nil carrier
  const bool random_id = has_randomness(span.trace_id());
  std::uint64_t randomness = kMaxRandomness;  // what missing randomness compares as
  Decision d;

  switch (kind_) {
    case Kind::kNever:
      d.policy = Policy::kSamplingPriority;
      if (!parsed) d.error = SamplingError::kInvalidTraceState;
      break;
    case Kind::kHashSeed:
      d.policy = random_id ? Policy::kTraceIdHash : Policy::kMissingRandomness;
      if (random_id) randomness = hash_seed_randomness(hash_seed_hash(hash_seed_, span.trace_id()));
      if (!parsed) {
        d.error = SamplingError::kInvalidTraceState;
      } else if (state.randomness()) {
        d.error = SamplingError::kRandomnessInUse;
        rewritable = false;
      } else if (state.threshold()) {
        d.error = SamplingError::kThresholdInUse;
        rewritable = false;
      } else if (random_id) {
        state.set_randomness(randomness);
      }
      break;
    case Kind::kProportional:
    case Kind::kEqualizing:
      d.policy = Policy::kMissingRandomness;
      if (!parsed) {
        d.error = SamplingError::kInvalidTraceState;
      } else if (const std::optional<std::uint64_t> rv = state.randomness()) {
        d.policy = Policy::kSamplingRandomness;
        randomness = *rv;
      } else if (random_id) {
        d.policy = Policy::kTraceIdW3c;
        randomness = trace_id_randomness(span.trace_id());
      }
      break;
  }

  if (d.error == SamplingError::kNone) {
    const std::optional<std::uint64_t> arriving = state.threshold();
    if (d.policy == Policy::kMissingRandomness) {
      d.error = SamplingError::kMissingRandomness;
    } else if (arriving && randomness < *arriving) {
      // Upstream could not have kept this span at that threshold: the `th` is erased.
      state.clear_threshold();
      d.error = SamplingError::kInconsistentThreshold;
    }
  }

  std::uint64_t threshold = kNeverSample;
  if (d.error != SamplingError::kNone) {
    threshold = fail_closed_ ? kNeverSample : kAlwaysSample;
  } else {
    threshold = threshold_for(state);
  }
  switch (span_priority(span)) {
    case Priority::kDrop:
      threshold = kNeverSample;
      d.policy = Policy::kSamplingPriority;
      break;
    case Priority::kKeep:
      threshold = kAlwaysSample;
      d.policy = Policy::kSamplingPriority;
      break;
    case Priority::kNone:
      break;
  }

  d.keep = randomness >= threshold;
  if (d.keep && rewritable) {
    // A refused update (it would lower an arriving threshold) keeps the arriving one.
    state.update_threshold(threshold);
    scratch.text.clear();
    state.serialize(scratch.text);
    d.rewrite = !scratch.text.overflowed() && scratch.text.view() != arrived;
  }
  return d;
}

}  // namespace spanflow::processors::probabilistic_sampler
