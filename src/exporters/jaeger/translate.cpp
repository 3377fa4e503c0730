#include "exporters/jaeger/translate.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "exporters/jaeger/go_json.h"

namespace spanflow::exporters::jaeger {
namespace {

using google::protobuf::RepeatedPtrField;
using Attributes = RepeatedPtrField<otlp::KeyValue>;
using Tags = RepeatedPtrField<model::KeyValue>;

constexpr std::string_view kNoServiceName = "OTLPResourceNoServiceName";
constexpr std::string_view kServiceName = "service.name";
constexpr std::string_view kRefTypeAttribute = "opentracing.ref_type";
constexpr std::string_view kEventField = "event";
constexpr std::string_view kDroppedAttributes = "otel.dropped_attributes_count";
constexpr std::size_t kTraceIdSize = 16;
constexpr std::size_t kSpanIdSize = 8;
constexpr std::uint32_t kW3cSampled = 1;
constexpr std::uint32_t kJaegerSampled = 1;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// The value of the first attribute named `key`, or null.
const otlp::AnyValue* find(const Attributes& attributes, std::string_view key) {
  for (const auto& attribute : attributes) {
    if (attribute.key() == key) return &attribute.value();
  }
  return nullptr;
}

// Ids always have their Jaeger size: the collector rejects the request over any other length.
void set_id(std::string& out, const std::string& id, std::size_t size) {
  if (id.size() == size) {
    out.assign(id);
  } else {
    out.assign(size, '\0');
  }
}

bool is_nonzero_span_id(const std::string& id) {
  return id.size() == kSpanIdSize && id.find_first_not_of('\0') != std::string::npos;
}

void set_timestamp(google::protobuf::Timestamp& out, std::uint64_t unix_nanos) {
  out.set_seconds(static_cast<std::int64_t>(unix_nanos / kNanosPerSecond));
  out.set_nanos(static_cast<std::int32_t>(unix_nanos % kNanosPerSecond));
}

// end - start, saturated to int64 like Go's time.Time.Sub; seconds and nanos share the sign.
void set_duration(google::protobuf::Duration& out, std::uint64_t start, std::uint64_t end) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::int64_t nanos;
  if (end >= start) {
    nanos = end - start > kMax ? std::numeric_limits<std::int64_t>::max()
                               : static_cast<std::int64_t>(end - start);
  } else {
    nanos = start - end > kMax + 1 ? std::numeric_limits<std::int64_t>::min()
                                   : static_cast<std::int64_t>(0 - (start - end));
  }
  out.set_seconds(nanos / kNanosPerSecond);
  out.set_nanos(static_cast<std::int32_t>(nanos % kNanosPerSecond));
}

model::KeyValue& add_tag(Tags& tags, std::string_view key) {
  model::KeyValue& tag = *tags.Add();
  tag.set_key(key.data(), key.size());
  return tag;
}

void add_string(Tags& tags, std::string_view key, std::string_view value) {
  add_tag(tags, key).set_v_str(value.data(), value.size());  // v_type STRING is the default
}

void add_int(Tags& tags, std::string_view key, std::int64_t value) {
  model::KeyValue& tag = add_tag(tags, key);
  tag.set_v_type(model::INT64);
  tag.set_v_int64(value);
}

void add_bool(Tags& tags, std::string_view key, bool value) {
  model::KeyValue& tag = add_tag(tags, key);
  tag.set_v_type(model::BOOL);
  tag.set_v_bool(value);
}

void add_attribute(Tags& tags, const otlp::KeyValue& attribute) {
  model::KeyValue& tag = *tags.Add();
  tag.set_key(attribute.key());
  const otlp::AnyValue& value = attribute.value();
  switch (value.value_case()) {
    case otlp::AnyValue::kStringValue:
      tag.set_v_str(value.string_value());
      break;
    case otlp::AnyValue::kBoolValue:
      tag.set_v_type(model::BOOL);
      tag.set_v_bool(value.bool_value());
      break;
    case otlp::AnyValue::kIntValue:
      tag.set_v_type(model::INT64);
      tag.set_v_int64(value.int_value());
      break;
    case otlp::AnyValue::kDoubleValue:
      tag.set_v_type(model::FLOAT64);
      tag.set_v_float64(value.double_value());
      break;
    case otlp::AnyValue::kBytesValue:
      tag.set_v_type(model::BINARY);
      tag.set_v_binary(value.bytes_value());
      break;
    case otlp::AnyValue::kArrayValue:
    case otlp::AnyValue::kKvlistValue: {
      std::string& text = *tag.mutable_v_str();
      if (!append_go_json(value, text)) text.clear();
      break;
    }
    case otlp::AnyValue::VALUE_NOT_SET:
      break;  // STRING ""
  }
}

void add_attributes(Tags& tags, const Attributes& attributes) {
  for (const auto& attribute : attributes) add_attribute(tags, attribute);
}

void translate_process(const otlp::Resource& resource, model::Process& process) {
  const Attributes& attributes = resource.attributes();
  if (attributes.empty()) {
    process.set_service_name(kNoServiceName.data(), kNoServiceName.size());
    return;
  }
  if (const otlp::AnyValue* name = find(attributes, kServiceName);
      name && name->has_string_value()) {
    process.set_service_name(name->string_value());
  }
  Tags& tags = *process.mutable_tags();
  for (const auto& attribute : attributes) {
    if (attribute.key() != kServiceName) add_attribute(tags, attribute);
  }
}

std::string_view kind_name(otlp::Span::SpanKind kind) {
  switch (kind) {
    case otlp::Span::SPAN_KIND_INTERNAL:
      return "internal";
    case otlp::Span::SPAN_KIND_SERVER:
      return "server";
    case otlp::Span::SPAN_KIND_CLIENT:
      return "client";
    case otlp::Span::SPAN_KIND_PRODUCER:
      return "producer";
    case otlp::Span::SPAN_KIND_CONSUMER:
      return "consumer";
    default:
      return {};
  }
}

model::SpanRefType ref_type(const otlp::Span::Link& link) {
  const otlp::AnyValue* value = find(link.attributes(), kRefTypeAttribute);
  return value && value->has_string_value() && value->string_value() == "child_of"
             ? model::CHILD_OF
             : model::FOLLOWS_FROM;
}

void translate_references(const otlp::Span& span, model::Span& out) {
  auto& references = *out.mutable_references();
  const bool has_parent = is_nonzero_span_id(span.parent_span_id());
  references.Reserve(span.links_size() + (has_parent ? 1 : 0));
  if (has_parent) {
    model::SpanRef& parent = *references.Add();
    parent.set_trace_id(out.trace_id());
    parent.set_span_id(span.parent_span_id());
    parent.set_ref_type(model::CHILD_OF);
  }
  for (const auto& link : span.links()) {
    model::SpanRef& reference = *references.Add();
    set_id(*reference.mutable_trace_id(), link.trace_id(), kTraceIdSize);
    set_id(*reference.mutable_span_id(), link.span_id(), kSpanIdSize);
    reference.set_ref_type(ref_type(link));
    if (has_parent && reference.trace_id() == out.trace_id() &&
        reference.span_id() == span.parent_span_id()) {
      // A link to the parent only says which kind of reference the parent is.
      references.Mutable(0)->set_ref_type(reference.ref_type());
      references.RemoveLast();
    }
  }
}

void translate_tags(const otlp::Scope& scope, const otlp::Span& span, Tags& tags) {
  tags.Reserve(span.attributes_size() + 10);
  if (!scope.name().empty()) add_string(tags, "otel.scope.name", scope.name());
  if (!scope.version().empty()) add_string(tags, "otel.scope.version", scope.version());
  add_attributes(tags, span.attributes());
  if (const std::string_view kind = kind_name(span.kind()); !kind.empty()) {
    add_string(tags, "span.kind", kind);
  }
  const otlp::Status& status = span.status();
  if (status.code() == otlp::Status::STATUS_CODE_OK) {
    add_string(tags, "otel.status_code", "OK");
  } else if (status.code() == otlp::Status::STATUS_CODE_ERROR) {
    add_string(tags, "otel.status_code", "ERROR");
    add_bool(tags, "error", true);
  }
  if (!status.message().empty()) add_string(tags, "otel.status_description", status.message());
  if (!span.trace_state().empty()) add_string(tags, "w3c.tracestate", span.trace_state());
  if (span.dropped_attributes_count() > 0) {
    add_int(tags, kDroppedAttributes, span.dropped_attributes_count());
  }
  if (span.dropped_events_count() > 0) {
    add_int(tags, "otel.dropped_events_count", span.dropped_events_count());
  }
  if (span.dropped_links_count() > 0) {
    add_int(tags, "otel.dropped_links_count", span.dropped_links_count());
  }
}

void translate_logs(const otlp::Span& span, model::Span& out) {
  auto& logs = *out.mutable_logs();
  logs.Reserve(span.events_size());
  for (const auto& event : span.events()) {
    model::Log& log = *logs.Add();
    set_timestamp(*log.mutable_timestamp(), event.time_unix_nano());
    Tags& fields = *log.mutable_fields();
    fields.Reserve(event.attributes_size() + 2);
    if (!event.name().empty() && find(event.attributes(), kEventField) == nullptr) {
      add_string(fields, kEventField, event.name());
    }
    add_attributes(fields, event.attributes());
    if (event.dropped_attributes_count() > 0) {
      add_int(fields, kDroppedAttributes, event.dropped_attributes_count());
    }
  }
}

void translate_span(const otlp::Scope& scope, const otlp::Span& span, model::Span& out) {
  set_id(*out.mutable_trace_id(), span.trace_id(), kTraceIdSize);
  set_id(*out.mutable_span_id(), span.span_id(), kSpanIdSize);
  out.set_operation_name(span.name());
  translate_references(span, out);
  if ((span.flags() & kW3cSampled) != 0) out.set_flags(kJaegerSampled);
  // Jaeger's Go model always writes start_time and duration, zero or not.
  set_timestamp(*out.mutable_start_time(), span.start_time_unix_nano());
  set_duration(*out.mutable_duration(), span.start_time_unix_nano(), span.end_time_unix_nano());
  translate_tags(scope, span, *out.mutable_tags());
  translate_logs(span, out);
}

}  // namespace

bool translate(const otlp::ResourceSpans& resource_spans, model::Batch& out) {
  if (resource_spans.resource().attributes().empty() && resource_spans.scope_spans().empty()) {
    return false;
  }
  translate_process(resource_spans.resource(), *out.mutable_process());
  int span_count = 0;
  for (const auto& scope_spans : resource_spans.scope_spans()) {
    span_count += scope_spans.spans_size();
  }
  auto& spans = *out.mutable_spans();
  spans.Reserve(span_count);
  for (const auto& scope_spans : resource_spans.scope_spans()) {
    for (const auto& span : scope_spans.spans()) {
      translate_span(scope_spans.scope(), span, *spans.Add());
    }
  }
  return true;
}

void translate(const otlp::ExportRequest& request, RepeatedPtrField<model::Batch>& out) {
  out.Reserve(out.size() + request.resource_spans_size());
  for (const auto& resource_spans : request.resource_spans()) {
    model::Batch& batch = *out.Add();
    if (!translate(resource_spans, batch)) out.RemoveLast();
  }
}

}  // namespace spanflow::exporters::jaeger
