#include "processors/attributes/attributes_processor.h"

namespace spanflow::processors::attributes {

ConsumeResult AttributesProcessor::consume(TraceBatch&& batch) {
  const std::optional<SpanMatcher>& include = config_.include;
  const std::optional<SpanMatcher>& exclude = config_.exclude;
  for (auto& rs : *batch.mutable_request().mutable_resource_spans()) {
    if (include && !include->matches_resource(rs.resource())) continue;
    const bool exclude_resource = exclude && exclude->matches_resource(rs.resource());
    for (auto& ss : *rs.mutable_scope_spans()) {
      if (include && !include->matches_scope(ss.scope())) continue;
      const bool exclude_scope = exclude_resource && exclude->matches_scope(ss.scope());
      for (auto& span : *ss.mutable_spans()) {
        if (include && !include->matches_span(span)) continue;
        if (exclude_scope && exclude->matches_span(span)) continue;
        apply_actions(config_.actions, *span.mutable_attributes());
      }
    }
  }
  return next_.consume(std::move(batch));
}

}  // namespace spanflow::processors::attributes
