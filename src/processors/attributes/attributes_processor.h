// The `attributes` processor: applies the configured actions, in order, to the attributes of
// every span that the include/exclude properties select (span attributes only; resource
// attributes are the `resource` processor's job).
// consume() may run on many threads at once: the plan is immutable and each batch is its own.
#pragma once

#include "core/component.h"
#include "core/factory.h"
#include "processors/attributes/config.h"

namespace spanflow::processors::attributes {

class AttributesProcessor final : public Processor {
 public:
  AttributesProcessor(const CreateSettings& settings, const Config& config, TraceConsumer& next)
      : Processor(next), settings_(settings), config_(config) {}

  void start(Host&) override {}
  void shutdown(Deadline) override {}
  // Changes the batch in place (copying it first only if a fan-out sibling shares it) and
  // hands it on; never throws.
  ConsumeResult consume(TraceBatch&& batch) override;

 private:
  CreateSettings settings_;
  Config config_;
};

}  // namespace spanflow::processors::attributes
