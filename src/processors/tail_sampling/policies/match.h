// Walks over a trace's resources and spans the way the Collector's policies do
// (internal/sampling/util.go), for the leaf policies in policies/.
#pragma once

#include <string_view>

#include "core/otlp.h"
#include "processors/tail_sampling/policies/policy.h"

namespace spanflow::processors::tail_sampling::policies {

using Attributes = google::protobuf::RepeatedPtrField<otlp::KeyValue>;

// The first attribute named `key` (as pdata's Map.Get), or null.
inline const otlp::AnyValue* find_attribute(const Attributes& attributes, std::string_view key) {
  for (const otlp::KeyValue& kv : attributes) {
    if (kv.key() == key) return &kv.value();
  }
  return nullptr;
}

// True when `check` holds for some span.
template <class SpanCheck>
bool any_span(const otlp::ExportRequest& spans, SpanCheck check) {
  for (const otlp::ResourceSpans& rs : spans.resource_spans()) {
    for (const otlp::ScopeSpans& ss : rs.scope_spans()) {
      for (const otlp::Span& span : ss.spans()) {
        if (check(span)) return true;
      }
    }
  }
  return false;
}

// Sampled when `on_resource` holds for a resource or `on_span` for a span.
template <class ResourceCheck, class SpanCheck>
Decision any_resource_or_span(const otlp::ExportRequest& spans, ResourceCheck on_resource,
                              SpanCheck on_span) {
  for (const otlp::ResourceSpans& rs : spans.resource_spans()) {
    if (on_resource(rs.resource())) return Decision::kSampled;
    for (const otlp::ScopeSpans& ss : rs.scope_spans()) {
      for (const otlp::Span& span : ss.spans()) {
        if (on_span(span)) return Decision::kSampled;
      }
    }
  }
  return Decision::kNotSampled;
}

// invert_match: InvertSampled when `keep_resource` holds for every resource and `keep_span` for
// every span, else InvertNotSampled.
template <class ResourceCheck, class SpanCheck>
Decision all_resources_and_spans(const otlp::ExportRequest& spans, ResourceCheck keep_resource,
                                 SpanCheck keep_span) {
  for (const otlp::ResourceSpans& rs : spans.resource_spans()) {
    if (!keep_resource(rs.resource())) return Decision::kInvertNotSampled;
    for (const otlp::ScopeSpans& ss : rs.scope_spans()) {
      for (const otlp::Span& span : ss.spans()) {
        if (!keep_span(span)) return Decision::kInvertNotSampled;
      }
    }
  }
  return Decision::kInvertSampled;
}

}  // namespace spanflow::processors::tail_sampling::policies
