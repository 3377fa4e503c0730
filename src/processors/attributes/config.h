// Config of the `attributes` processor, compiled at load into an immutable plan: typed values,
// regular expressions, hash algorithms and match properties are all prepared here, so the data
// path only scans attribute lists.
#pragma once

#include <optional>
#include <vector>

#include "config/config_node.h"
#include "processors/attributes/actions.h"
#include "processors/attributes/span_matcher.h"

namespace spanflow::processors::attributes {

struct Config {
  std::vector<Action> actions;         // required, at least one; applied in order
  std::optional<SpanMatcher> include;  // set: only matching spans are processed
  std::optional<SpanMatcher> exclude;  // set: matching spans are not processed

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::processors::attributes
