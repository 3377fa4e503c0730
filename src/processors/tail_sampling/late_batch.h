// LateBatch: late spans of sampled traces gathered from one incoming request into one outgoing
// request, each span under a copy of its resource and scope (shared by spans with the same
// ones). Also the `explain` attribute helper. Not thread-safe (one per consume() call).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/trace_batch.h"
#include "processors/tail_sampling/trace_data.h"

namespace spanflow::processors::tail_sampling {

// Sets (or replaces) a string attribute on a span.
void set_attribute(otlp::Span& span, std::string_view key, std::string_view value);
// Sets `key` on every span of `request`.
void set_attribute_on_spans(otlp::ExportRequest& request, std::string_view key,
                            std::string_view value);

class LateBatch {
 public:
  // Copies `span`; with `policy` set, marks it as the Collector's recordpolicy does
  // (`tailsampling.policy`, and `tailsampling.cached_decision: true`).
  void add(const otlp::Span& span, const SpanSource& source, const std::string* policy);
  std::size_t spans() const { return spans_; }
  // The gathered request (null when nothing was added).
  std::optional<TraceBatch> take() { return std::exchange(batch_, std::nullopt); }

 private:
  std::optional<TraceBatch> batch_;
  std::map<std::uint64_t, otlp::ResourceSpans*> resources_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, otlp::ScopeSpans*> scopes_;
  std::size_t spans_ = 0;
};

}  // namespace spanflow::processors::tail_sampling
