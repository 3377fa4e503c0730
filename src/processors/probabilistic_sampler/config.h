// Config of the `probabilistic_sampler` processor, with the Collector's keys, defaults and
// validation messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/config_node.h"

namespace spanflow::processors::probabilistic_sampler {

enum class Mode { kHashSeed, kProportional, kEqualizing };
std::string_view to_string(Mode mode);

struct Config {
  // A float32, as in the Collector (hash_seed arithmetic depends on it). >= 100 keeps every
  // span, 0 none; unset is 0, with a warning.
  float sampling_percentage = 0;
  std::uint32_t hash_seed = 0;
  Mode mode = Mode::kHashSeed;  // what the Collector picks for traces when `mode` is unset
  bool fail_closed = true;
  int sampling_precision = 4;  // significant hex digits of a written `th`, 1..14

  // Logs-only keys of the Collector's config: accepted and validated, with a warning, and
  // otherwise ignored.
  std::string attribute_source = "traceID";
  std::string from_attribute;
  std::string sampling_priority;

  static Config parse(config::ConfigNode& node);
};

}  // namespace spanflow::processors::probabilistic_sampler
