// Policy: one sampling policy's verdict on a whole trace, with the Collector's semantics.
//
// Policies are built once per processor from the parsed config (build_policy never fails: the
// config was validated). Thread-safety: evaluate() may run on several decision threads at once;
// stateless policies need nothing, stateful ones (rate_limiting, bytes_limiting, composite)
// take their own lock. Time comes from TraceView::now (the processor's injected clock).
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/otlp.h"
#include "processors/tail_sampling/policy_config.h"
#include "processors/tail_sampling/trace_id.h"

namespace spanflow::processors::tail_sampling {

// The Collector's decisions. Inverted ones come from invert_match (deprecated there, kept for
// compatibility); kError means the policy could not decide and is ignored.
enum class Decision { kNotSampled, kSampled, kInvertSampled, kInvertNotSampled, kDropped, kError };

// What a policy sees of a trace when it is decided.
struct TraceView {
  const TraceId& id;
  const otlp::ExportRequest& spans;  // every buffered span, under its resource and scope
  std::uint64_t span_count = 0;
  Clock::time_point now;
};

// Side results of one evaluation.
struct Evaluation {
  std::string error;                        // why, with kError
  const std::string* sub_policy = nullptr;  // composite: the sub-policy that sampled
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual Decision evaluate(const TraceView& trace, Evaluation& out) = 0;
};

std::unique_ptr<Policy> build_policy(const PolicyConfig& config);

}  // namespace spanflow::processors::tail_sampling
