// Merging and splitting requests for the batch processor.
#pragma once

#include <cstddef>
#include <vector>

#include "core/trace_batch.h"

namespace spanflow::processors::batch {

// One request holding every ResourceSpans of `batches`, in order (as the Collector's batch
// processor appends them; resources are not merged). Encoded batches are concatenated without
// decoding; otherwise unshared requests give up their messages by pointer and shared ones are
// copied. A single input is returned as is.
TraceBatch merge(std::vector<TraceBatch>&& batches);

// `batch` cut into requests of at most `max_spans` spans (each keeps its resources and scopes).
// max_spans 0, or a batch within it, yields the batch itself.
std::vector<TraceBatch> split(TraceBatch&& batch, std::size_t max_spans);

}  // namespace spanflow::processors::batch
