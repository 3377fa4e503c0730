// Shared helpers of the OTLP -> Jaeger translation tests.
#pragma once

#include <cstdint>
#include <string>

#include "core/otlp.h"
#include "exporters/jaeger/translate.h"

namespace spanflow::testing::jaeger {

namespace model = spanflow::exporters::jaeger::model;
using Attributes = google::protobuf::RepeatedPtrField<otlp::KeyValue>;
using Tags = google::protobuf::RepeatedPtrField<model::KeyValue>;

// 2023-11-14T22:13:20.123456789Z in Unix nanoseconds.
inline constexpr std::uint64_t kStart = 1'700'000'000'123'456'789ULL;

// Appends an attribute with no value yet and returns its value to fill in.
otlp::AnyValue& add_value(Attributes* attributes, const std::string& key);

// Catch checks that `tag` has this key, type and value.
void check_string(const model::KeyValue& tag, const std::string& key, const std::string& value);
void check_int(const model::KeyValue& tag, const std::string& key, std::int64_t value);
void check_bool(const model::KeyValue& tag, const std::string& key, bool value);

// A request with one resource (service.name "checkout"), one scope and one bare span: trace
// id trace_id(7), span id span_id(8), name "GET /cart", from kStart, 1 ns long. Tests add what
// they look at.
struct OneSpan {
  OneSpan();
  OneSpan(const OneSpan&) = delete;
  OneSpan& operator=(const OneSpan&) = delete;

  // The request translated; requires exactly one batch with one span.
  model::Span translated() const;

  otlp::ExportRequest request;
  otlp::ResourceSpans* resource;
  otlp::ScopeSpans* scope;
  otlp::Span* span;
};

}  // namespace spanflow::testing::jaeger
