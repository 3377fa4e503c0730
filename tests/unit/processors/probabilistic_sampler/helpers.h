// Shared builders for the probabilistic_sampler unit tests.
#pragma once

#include <cstdint>
#include <string>

#include "core/otlp.h"
#include "processors/probabilistic_sampler/config.h"

namespace spanflow::testing::sampler {

// The 16 bytes of a 32-digit hex trace id.
std::string trace_id_from_hex(const std::string& hex);

// A span with `trace_id` (bytes) and `trace_state`.
otlp::Span make_span(const std::string& trace_id, const std::string& trace_state = "");

// A config as the Collector would hold it for `percentage` written in YAML.
processors::probabilistic_sampler::Config make_config(
    const std::string& percentage,
    processors::probabilistic_sampler::Mode mode =
        processors::probabilistic_sampler::Mode::kHashSeed,
    std::uint32_t seed = 0, bool fail_closed = true);

}  // namespace spanflow::testing::sampler
