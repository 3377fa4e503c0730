// The `filter` processor: drops the spans for which any `traces.span` condition holds and the
// span events for which any `traces.spanevent` condition holds; scopes and resources left
// without spans go too, and a batch left empty is not forwarded.
// Stateless: consume() runs on the caller's thread and may be called concurrently.
#pragma once

#include <cstdint>

#include "core/component.h"
#include "core/factory.h"
#include "processors/filter/config.h"
#include "telemetry/log_limiter.h"

namespace spanflow::processors::filter {

class FilterProcessor final : public Processor {
 public:
  FilterProcessor(const CreateSettings& settings, const Config& config, TraceConsumer& next);

  void start(Host&) override {}
  void shutdown(Deadline) override {}
  ConsumeResult consume(TraceBatch&& batch) override;

 private:
  struct Plan;

  // Decides every span and event without touching the batch. False after an error that
  // error_mode propagates (its message in `error`).
  bool plan(const otlp::ExportRequest& request, Plan& out, std::string& error);
  // kTrue when any of `conditions` holds for `ctx`; kError only when propagating.
  ottl::Condition::Result matches(const std::vector<ottl::Condition>& conditions,
                                  const ottl::EvalContext& ctx, std::string& error);
  void log_ignored(const ottl::Condition& condition, const std::string& error);

  CreateSettings settings_;
  Config config_;
  telemetry::Counter& filtered_;
  telemetry::LimitedLog ignored_log_;  // error_mode ignore: failed conditions
};

}  // namespace spanflow::processors::filter
