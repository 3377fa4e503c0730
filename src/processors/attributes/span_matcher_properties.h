// The compiled form of one include/exclude block; shared by span_matcher.cpp (matching) and
// span_matcher_config.cpp (parsing). Not part of the processor's interface.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/otlp.h"
#include "processors/attributes/re2_pattern.h"
#include "processors/attributes/span_matcher.h"

namespace spanflow::processors::attributes {

// A list of strings or patterns; matches when any item does. Empty = the property is not set.
struct StringFilter {
  std::vector<std::string> exact;    // match_type: strict
  std::vector<Re2Pattern> patterns;  // match_type: regexp

  bool empty() const { return exact.empty() && patterns.empty(); }
  bool matches(std::string_view text) const;
};

// One `attributes` or `resources` entry: the key must be present, with this value when given.
struct AttributeCondition {
  std::string key;
  std::optional<otlp::AnyValue> value;  // strict: equal type and value
  std::optional<Re2Pattern> pattern;    // regexp: searched in the value's text
};

struct LibraryCondition {
  StringFilter name;
  std::optional<StringFilter> version;  // absent: any version
};

struct SpanMatcher::Properties {
  StringFilter services;
  StringFilter span_names;
  StringFilter span_kinds;
  std::vector<AttributeCondition> attributes;
  std::vector<AttributeCondition> resources;
  std::vector<LibraryCondition> libraries;
};

}  // namespace spanflow::processors::attributes
