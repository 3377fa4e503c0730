// The `probabilistic_sampler` processor: keeps or drops each span on its own, consistently per
// trace id, and records the threshold it applied in the kept spans' tracestate.
//
// consume() is safe to call concurrently: it takes no lock and keeps no state between calls.
// It decides every span of a batch before touching it, so a batch kept whole and unchanged is
// forwarded as it came (a payload shared by fan-out is not copied), and a batch left without
// spans is not forwarded at all.
#pragma once

#include <array>
#include <memory>

#include "core/component.h"
#include "core/factory.h"
#include "processors/probabilistic_sampler/config.h"
#include "processors/probabilistic_sampler/sampler.h"

namespace spanflow::processors::probabilistic_sampler {

class ProbabilisticSampler final : public Processor {
 public:
  // Registers its counters in settings.metrics (when set) up front.
  ProbabilisticSampler(const CreateSettings& settings, const Config& config, TraceConsumer& next);

  void start(Host&) override {}
  void shutdown(Deadline) override {}
  ConsumeResult consume(TraceBatch&& batch) override;

 private:
  CreateSettings settings_;
  Sampler sampler_;
  // otelcol_processor_probabilistic_sampler_count_traces_sampled_total by policy, then by
  // sampled (false, true); null without metrics.
  std::array<std::array<telemetry::Counter*, 2>, kPolicyCount> sampled_{};
};

}  // namespace spanflow::processors::probabilistic_sampler
