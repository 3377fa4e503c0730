// Realistic OTLP trace data for load tests: traces of 1-20 spans (parent/child), 3 services
// as resources with ~8 attributes, ~10 span attributes of mixed types with semantic-convention
// names, ~10% of spans with an event, ~2% errors, lognormal durations (~1% over 2 s), ~1%
// health-check spans. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <vector>

#include "core/otlp.h"

namespace spanflow::loadgen {

struct GeneratorOptions {
  int spans_per_request = 100;
  std::uint64_t seed = 1;
};

// `count` distinct requests, each with about `spans_per_request` spans in whole traces.
std::vector<otlp::ExportRequest> generate_requests(int count, const GeneratorOptions& options);

}  // namespace spanflow::loadgen
