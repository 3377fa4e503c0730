#include "processors/attributes/span_matcher.h"

#include <algorithm>
#include <charconv>

#include "core/value_text.h"
#include "processors/attributes/span_matcher_properties.h"

namespace spanflow::processors::attributes {

namespace {

using Attributes = google::protobuf::RepeatedPtrField<otlp::KeyValue>;
using Case = otlp::AnyValue::ValueCase;

// The first attribute with `key`, as the Collector's map lookup finds it.
const otlp::AnyValue* find_value(const Attributes& attrs, std::string_view key) {
  for (const otlp::KeyValue& kv : attrs) {
    if (kv.key() == key) return &kv.value();
  }
  return nullptr;
}

bool same_value(const otlp::AnyValue& a, const otlp::AnyValue& b);

bool same_list(const Attributes& a, const Attributes& b) {
  if (a.size() != b.size()) return false;
  return std::all_of(a.begin(), a.end(), [&](const otlp::KeyValue& kv) {
    const otlp::AnyValue* other = find_value(b, kv.key());
    return other != nullptr && same_value(kv.value(), *other);
  });
}

// Strict equality of typed values; key/value lists compare without regard to order.
bool same_value(const otlp::AnyValue& a, const otlp::AnyValue& b) {
  if (a.value_case() != b.value_case()) return false;
  switch (a.value_case()) {
    case Case::kStringValue:
      return a.string_value() == b.string_value();
    case Case::kBoolValue:
      return a.bool_value() == b.bool_value();
    case Case::kIntValue:
      return a.int_value() == b.int_value();
    case Case::kDoubleValue:
      return a.double_value() == b.double_value();
    case Case::kBytesValue:
      return a.bytes_value() == b.bytes_value();
    case Case::kArrayValue: {
      const auto& x = a.array_value().values();
      const auto& y = b.array_value().values();
      return std::equal(x.begin(), x.end(), y.begin(), y.end(), same_value);
    }
    case Case::kKvlistValue:
      return same_list(a.kvlist_value().values(), b.kvlist_value().values());
    case Case::VALUE_NOT_SET:
      return true;
  }
  return false;
}

// The text a regexp attribute condition searches: strings, bools, ints and doubles (in Go's
// 'f' form); false for other types, which never match.
bool regexp_text(const otlp::AnyValue& v, char (&buffer)[400], std::string_view& out) {
  switch (v.value_case()) {
    case Case::kStringValue:
      out = v.string_value();
      return true;
    case Case::kBoolValue:
      out = v.bool_value() ? "true" : "false";
      return true;
    case Case::kIntValue: {
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.int_value());
      out = std::string_view(buffer, static_cast<std::size_t>(end - buffer));
      return true;
    }
    case Case::kDoubleValue:
      out = format_fixed(v.double_value(), buffer);
      return true;
    default:
      return false;
  }
}

bool conditions_match(const std::vector<AttributeCondition>& conditions, const Attributes& attrs) {
  for (const AttributeCondition& c : conditions) {
    const otlp::AnyValue* value = find_value(attrs, c.key);
    if (value == nullptr) return false;
    if (c.pattern) {
      char buffer[400];
      std::string_view text;
      if (!regexp_text(*value, buffer, text) || !c.pattern->search(text)) return false;
    } else if (c.value && !same_value(*c.value, *value)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool StringFilter::matches(std::string_view text) const {
  if (std::find(exact.begin(), exact.end(), text) != exact.end()) return true;
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const Re2Pattern& p) { return p.search(text); });
}

bool SpanMatcher::matches_resource(const otlp::Resource& resource) const {
  if (!p_->services.empty()) {
    const otlp::AnyValue* name = find_value(resource.attributes(), "service.name");
    if (name == nullptr) {
      if (!p_->services.matches("<nil-service-name>")) return false;
    } else if (name->value_case() == Case::kStringValue) {
      if (!p_->services.matches(name->string_value())) return false;
    } else if (!p_->services.matches(as_string(*name))) {
      return false;
    }
  }
  return conditions_match(p_->resources, resource.attributes());
}

bool SpanMatcher::matches_scope(const otlp::Scope& scope) const {
  return std::all_of(p_->libraries.begin(), p_->libraries.end(), [&](const LibraryCondition& l) {
    return l.name.matches(scope.name()) && (!l.version || l.version->matches(scope.version()));
  });
}

bool SpanMatcher::matches_span(const otlp::Span& span) const {
  if (!p_->span_names.empty() && !p_->span_names.matches(span.name())) return false;
  if (!p_->span_kinds.empty() && !p_->span_kinds.matches(span_kind_name(span.kind()))) {
    return false;
  }
  return conditions_match(p_->attributes, span.attributes());
}

std::string_view span_kind_name(int kind) {
  switch (kind) {
    case otlp::Span::SPAN_KIND_UNSPECIFIED:
      return "SPAN_KIND_UNSPECIFIED";
    case otlp::Span::SPAN_KIND_INTERNAL:
      return "SPAN_KIND_INTERNAL";
    case otlp::Span::SPAN_KIND_SERVER:
      return "SPAN_KIND_SERVER";
    case otlp::Span::SPAN_KIND_CLIENT:
      return "SPAN_KIND_CLIENT";
    case otlp::Span::SPAN_KIND_PRODUCER:
      return "SPAN_KIND_PRODUCER";
    case otlp::Span::SPAN_KIND_CONSUMER:
      return "SPAN_KIND_CONSUMER";
    default:
      return "";
  }
}

}  // namespace spanflow::processors::attributes
