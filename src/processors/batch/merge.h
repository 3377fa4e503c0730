// Merging and splitting requests for the batch processor.
#pragma once

#include <cstddef>
#include <vector>

#include "core/trace_batch.h"

namespace spanflow::processors::batch {

// One request holding every span of `batches`, with one ResourceSpans per distinct resource
// (attributes, dropped count and schema url) and one ScopeSpans per distinct scope within it.
// A single input is returned as is.
TraceBatch merge(std::vector<TraceBatch>&& batches);

// `batch` cut into requests of at most `max_spans` spans (each keeps its resources and scopes).
// max_spans 0, or a batch within it, yields the batch itself.
std::vector<TraceBatch> split(TraceBatch&& batch, std::size_t max_spans);

}  // namespace spanflow::processors::batch
