// Config of the `filter` processor: OTTL conditions that drop spans and span events.
#pragma once

#include <vector>

#include "config/config_node.h"
#include "ottl/condition.h"

namespace spanflow::processors::filter {

// What an evaluation error does: fail the batch (propagate), or count the condition as false,
// with a rate-limited log line (ignore) or without (silent).
enum class ErrorMode { kPropagate, kIgnore, kSilent };

struct Config {
  ErrorMode error_mode = ErrorMode::kPropagate;
  std::vector<ottl::Condition> span_conditions;       // `traces.span`: drop the span if any holds
  std::vector<ottl::Condition> spanevent_conditions;  // `traces.spanevent`: drop the event

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::processors::filter
