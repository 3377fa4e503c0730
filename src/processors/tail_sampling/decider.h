// Decider: runs a trace through every policy and applies the Collector's precedence.
//
// Order: all `drop` policies first, then the others in config order. Evaluation stops at the
// first Dropped, and at the first Sampled with sample_on_first_match. A policy that fails is
// counted and ignored. Final decision: any Dropped -> dropped; else any InvertNotSampled -> not
// sampled (an inverted match vetoes); else any Sampled -> sampled (by the first that sampled);
// else InvertSampled with no NotSampled -> sampled; else not sampled.
// Thread-safety: decide() may run on several threads at once (policies guard their own state).
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <vector>

#include "processors/tail_sampling/config.h"
#include "processors/tail_sampling/policies/policy.h"
#include "telemetry/metrics.h"

namespace spanflow::processors::tail_sampling {

struct Verdict {
  enum class Outcome { kSampled, kNotSampled, kDropped };
  Outcome outcome = Outcome::kNotSampled;
  int policy = -1;  // the policy that sampled (or dropped) the trace; -1 for none
  const std::string* sub_policy = nullptr;  // the composite sub-policy that sampled it
  bool sampled() const { return outcome == Outcome::kSampled; }
};

class Decider {
 public:
  // `processor` is the component id; a named component ("tail_sampling/x") prefixes the
  // policy label with "x." as the Collector does. Registers the per-policy and global counters.
  Decider(const Config& config, const std::string& processor, const std::string& component_name,
          telemetry::Metrics& metrics, telemetry::Counter& evaluation_errors,
          std::shared_ptr<spdlog::logger> logger);

  Verdict decide(const TraceView& trace);
  const std::string& policy_name(int policy) const { return policies_[policy].name; }
  std::size_t policy_count() const { return policies_.size(); }

 private:
  struct Entry {
    std::string name;
    std::unique_ptr<Policy> policy;
    telemetry::Counter* sampled = nullptr;      // {sampled="true", decision="sampled"}
    telemetry::Counter* not_sampled = nullptr;  // {sampled="false", decision="not_sampled"}
    telemetry::Counter* dropped = nullptr;      // {sampled="false", decision="dropped"}
  };

  std::vector<Entry> policies_;  // drop policies first
  bool sample_on_first_match_;
  telemetry::Counter& evaluation_errors_;
  telemetry::Counter* global_sampled_;
  telemetry::Counter* global_not_sampled_;
  telemetry::Counter* global_dropped_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace spanflow::processors::tail_sampling
