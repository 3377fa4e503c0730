// SpanMatcher: the Collector's `include` / `exclude` match properties for spans, compiled at
// config load (regular expressions included) and only read afterwards.
//
// The Collector's rules, as its code has them: every property that is set must match (AND);
// `services`, `span_names` and `span_kinds` match when any listed item does (OR); every entry
// of `attributes`, `resources` and `libraries` must match (AND; the Collector's docs say "at
// least one" for the last two, its code has always required all). `match_type: strict`
// compares whole strings (and typed values for attributes); `regexp` is an unanchored search.
// Thread-safety: immutable; any number of threads may match concurrently.
#pragma once

#include <memory>
#include <string_view>

#include "config/config_node.h"
#include "core/otlp.h"

namespace spanflow::processors::attributes {

class SpanMatcher {
 public:
  // Parses an `include` or `exclude` block. Problems are reported in the node's errors (which
  // reject the config); the matcher returned then is incomplete and must not be used.
  static SpanMatcher parse(config::ConfigNode& node);

  // A span matches when all three hold. Split by level so that a resource's and a scope's
  // properties are checked once for all the spans under them.
  bool matches_resource(const otlp::Resource& resource) const;
  bool matches_scope(const otlp::Scope& scope) const;
  bool matches_span(const otlp::Span& span) const;

  struct Properties;

 private:
  explicit SpanMatcher(std::shared_ptr<const Properties> p) : p_(std::move(p)) {}
  std::shared_ptr<const Properties> p_;
};

// The Collector's name of a span kind: "SPAN_KIND_SERVER" etc.; "" for an unknown number.
std::string_view span_kind_name(int kind);

}  // namespace spanflow::processors::attributes
