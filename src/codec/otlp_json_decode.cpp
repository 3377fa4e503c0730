// OTLP/JSON decoder: maps the OTLP messages onto JsonReader, writing straight into the message.
//
// Each message has a table of its field names (both spellings) and a switch that reads each known
// field's value into place with add_/mutable_/set_ calls, so a message on an arena is filled on
// that arena. AnyValue nesting is capped at kMaxAnyValueDepth on top of the reader's JSON cap.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/json_reader.h"
#include "codec/otlp_json.h"

namespace spanflow::codec {
namespace {

using detail::FieldName;
using detail::JsonReader;
using detail::Path;
using google::protobuf::RepeatedPtrField;
using opentelemetry::proto::common::v1::EntityRef;
using Event = otlp::Span::Event;
using Link = otlp::Span::Link;

// AnyValues nested deeper than this are rejected. 32 keeps the decoded message within protobuf's
// default binary recursion limit of 100, so whatever we accept can be forwarded over gRPC.
constexpr int kMaxAnyValueDepth = 32;

// --- field names ---------------------------------------------------------------------------------

namespace request_field {
enum : int { kResourceSpans };
constexpr FieldName kNames[] = {{"resourceSpans", "resource_spans"}};
}  // namespace request_field

namespace resource_spans_field {
enum : int { kResource, kScopeSpans, kSchemaUrl };
constexpr FieldName kNames[] = {
    {"resource", "resource"}, {"scopeSpans", "scope_spans"}, {"schemaUrl", "schema_url"}};
}  // namespace resource_spans_field

namespace resource_field {
enum : int { kAttributes, kDroppedAttributesCount, kEntityRefs };
constexpr FieldName kNames[] = {{"attributes", "attributes"},
                                {"droppedAttributesCount", "dropped_attributes_count"},
                                {"entityRefs", "entity_refs"}};
}  // namespace resource_field

namespace entity_ref_field {
enum : int { kSchemaUrl, kType, kIdKeys, kDescriptionKeys };
constexpr FieldName kNames[] = {{"schemaUrl", "schema_url"},
                                {"type", "type"},
                                {"idKeys", "id_keys"},
                                {"descriptionKeys", "description_keys"}};
}  // namespace entity_ref_field

namespace scope_spans_field {
enum : int { kScope, kSpans, kSchemaUrl };
constexpr FieldName kNames[] = {
    {"scope", "scope"}, {"spans", "spans"}, {"schemaUrl", "schema_url"}};
}  // namespace scope_spans_field

namespace scope_field {
enum : int { kName, kVersion, kAttributes, kDroppedAttributesCount };
constexpr FieldName kNames[] = {{"name", "name"},
                                {"version", "version"},
                                {"attributes", "attributes"},
                                {"droppedAttributesCount", "dropped_attributes_count"}};
}  // namespace scope_field

namespace span_field {
enum : int {
  kTraceId,
  kSpanId,
  kParentSpanId,
  kName,
  kKind,
  kStartTimeUnixNano,
  kEndTimeUnixNano,
  kAttributes,
  kStatus,
  kFlags,
  kTraceState,
  kDroppedAttributesCount,
  kEvents,
  kDroppedEventsCount,
  kLinks,
  kDroppedLinksCount,
};
// Most frequent first: the lookup is a linear scan.
constexpr FieldName kNames[] = {
    {"traceId", "trace_id"},
    {"spanId", "span_id"},
    {"parentSpanId", "parent_span_id"},
    {"name", "name"},
    {"kind", "kind"},
    {"startTimeUnixNano", "start_time_unix_nano"},
    {"endTimeUnixNano", "end_time_unix_nano"},
    {"attributes", "attributes"},
    {"status", "status"},
    {"flags", "flags"},
    {"traceState", "trace_state"},
    {"droppedAttributesCount", "dropped_attributes_count"},
    {"events", "events"},
    {"droppedEventsCount", "dropped_events_count"},
    {"links", "links"},
    {"droppedLinksCount", "dropped_links_count"},
};
}  // namespace span_field

namespace event_field {
enum : int { kTimeUnixNano, kName, kAttributes, kDroppedAttributesCount };
constexpr FieldName kNames[] = {{"timeUnixNano", "time_unix_nano"},
                                {"name", "name"},
                                {"attributes", "attributes"},
                                {"droppedAttributesCount", "dropped_attributes_count"}};
}  // namespace event_field

namespace link_field {
enum : int { kTraceId, kSpanId, kTraceState, kAttributes, kDroppedAttributesCount, kFlags };
constexpr FieldName kNames[] = {{"traceId", "trace_id"},
                                {"spanId", "span_id"},
                                {"traceState", "trace_state"},
                                {"attributes", "attributes"},
                                {"droppedAttributesCount", "dropped_attributes_count"},
                                {"flags", "flags"}};
}  // namespace link_field

namespace status_field {
enum : int { kMessage, kCode };
constexpr FieldName kNames[] = {{"message", "message"}, {"code", "code"}};
}  // namespace status_field

namespace key_value_field {
enum : int { kKey, kValue };
constexpr FieldName kNames[] = {{"key", "key"}, {"value", "value"}};
}  // namespace key_value_field

namespace any_value_field {
enum : int { kString, kInt, kBool, kDouble, kArray, kKvlist, kBytes };
constexpr FieldName kNames[] = {{"stringValue", "string_value"}, {"intValue", "int_value"},
                                {"boolValue", "bool_value"},     {"doubleValue", "double_value"},
                                {"arrayValue", "array_value"},   {"kvlistValue", "kvlist_value"},
                                {"bytesValue", "bytes_value"}};
}  // namespace any_value_field

// ArrayValue and KeyValueList both have just `values`.
namespace values_field {
enum : int { kValues };
constexpr FieldName kNames[] = {{"values", "values"}};
}  // namespace values_field

constexpr std::string_view kSpanKindNames[] = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL",
                                               "SPAN_KIND_SERVER",      "SPAN_KIND_CLIENT",
                                               "SPAN_KIND_PRODUCER",    "SPAN_KIND_CONSUMER"};
constexpr std::string_view kStatusCodeNames[] = {"STATUS_CODE_UNSET", "STATUS_CODE_OK",
                                                 "STATUS_CODE_ERROR"};

// --- messages ------------------------------------------------------------------------------------

class Decoder {
 public:
  Decoder(std::string_view json, std::string& error) : reader_(json, error) {}

  bool request(otlp::ExportRequest& out);

 private:
  bool resource_spans(const Path& path, otlp::ResourceSpans& out);
  bool resource(const Path& path, otlp::Resource& out);
  bool entity_ref(const Path& path, EntityRef& out);
  bool scope_spans(const Path& path, otlp::ScopeSpans& out);
  bool scope(const Path& path, otlp::Scope& out);
  bool span(const Path& path, otlp::Span& out);
  bool event(const Path& path, Event& out);
  bool link(const Path& path, Link& out);
  bool status(const Path& path, otlp::Status& out);
  bool attributes(const Path& path, RepeatedPtrField<otlp::KeyValue>& out);
  bool key_value(const Path& path, otlp::KeyValue& out);
  bool any_value(const Path& path, otlp::AnyValue& out);

  // Reads each element of an array with read(element path, *add()).
  template <typename Add, typename Read>
  bool each(const Path& path, Add&& add, Read&& read) {
    return reader_.array(path, [&](const Path& element) { return read(element, *add()); });
  }

  JsonReader reader_;
  int any_depth_ = 0;
};

bool Decoder::request(otlp::ExportRequest& out) {
  out.Clear();
  const Path root{nullptr, "request", 0};
  return reader_.object(root, request_field::kNames, [&](int, const Path& fp) {
    return each(
        fp, [&] { return out.add_resource_spans(); },
        [&](const Path& p, otlp::ResourceSpans& rs) { return resource_spans(p, rs); });
  }) && reader_.finish();
}

bool Decoder::resource_spans(const Path& path, otlp::ResourceSpans& out) {
  namespace f = resource_spans_field;
  return reader_.object(path, f::kNames, [&](int field, const Path& fp) {
    switch (field) {
      case f::kResource:
        return resource(fp, *out.mutable_resource());
      case f::kScopeSpans:
        return each(
            fp, [&] { return out.add_scope_spans(); },
            [&](const Path& p, otlp::ScopeSpans& ss) { return scope_spans(p, ss); });
      default:
        return reader_.text(fp, *out.mutable_schema_url());
    }
  });
}

bool Decoder::resource(const Path& path, otlp::Resource& out) {
  namespace f = resource_field;
  return reader_.object(path, f::kNames, [&](int field, const Path& fp) {
    switch (field) {
      case f::kAttributes:
        return attributes(fp, *out.mutable_attributes());
      case f::kDroppedAttributesCount:
        return reader_.uint32(fp, [&](std::uint32_t v) { out.set_dropped_attributes_count(v); });
      default:
        return each(
            fp, [&] { return out.add_entity_refs(); },
            [&](const Path& p, EntityRef& ref) { return entity_ref(p, ref); });
    }
  });
}

bool Decoder::entity_ref(const Path& path, EntityRef& out) {
  namespace f = entity_ref_field;
  return reader_.object(path, f::kNames, [&](int field, const Path& fp) {
    switch (field) {
      case f::kSchemaUrl:
        return reader_.text(fp, *out.mutable_schema_url());
      case f::kType:
        return reader_.text(fp, *out.mutable_type());
      case f::kIdKeys:
        return reader_.strings(fp, *out.mutable_id_keys());
      default:
        return reader_.strings(fp, *out.mutable_description_keys());
    }
  });
}

bool Decoder::scope_spans(const Path& path, otlp::ScopeSpans& out) {
  namespace f = scope_spans_field;
  return reader_.object(path, f::kNames, [&](int field, const Path& fp) {
    switch (field) {
      case f::kScope:
        return scope(fp, *out.mutable_scope());
      case f::kSpans:
        return each(
            fp, [&] { return out.add_spans(); },
            [&](const Path& p, otlp::Span& s) { return span(p, s); });
      default:
        return reader_.text(fp, *out.mutable_schema_url());
    }
  });
}

bool Decoder::scope(const Path& path, otlp::Scope& out) {
  namespace f = scope_field;
  return reader_.object(path, f::kNames, [&](int field, const Path& fp) {
    switch (field) {
      case f::kName:
        return reader_.text(fp, *out.mutable_name());
      case f::kVersion:
        return reader_.text(fp, *out.mutable_version());
      case f::kAttributes:
        return attributes(fp, *out.mutable_attributes());
      default:
        return reader_.uint32(fp, [&](std::uint32_t v) { out.set_dropped_attributes_count(v); });
    }
  });
}

bool Decoder::span(const Path& path, otlp::Span& out) {
  namespace f = span_field;
  return reader_.object(path, f::kNames, [&](int field, const Path& fp) {
    int number = 0;
    switch (field) {
      case f::kTraceId:
        return reader_.hex_id(fp, 16, *out.mutable_trace_id());
      case f::kSpanId:
        return reader_.hex_id(fp, 8, *out.mutable_span_id());
      case f::kParentSpanId:
        return reader_.hex_id(fp, 8, *out.mutable_parent_span_id());
      case f::kName:
        return reader_.text(fp, *out.mutable_name());
      case f::kKind:
        if (!reader_.enumeration(fp, kSpanKindNames, number)) return false;
        out.set_kind(static_cast<otlp::Span::SpanKind>(number));
        return true;
      case f::kStartTimeUnixNano:
        return reader_.uint64(fp, [&](std::uint64_t v) { out.set_start_time_unix_nano(v); });
      case f::kEndTimeUnixNano:
        return reader_.uint64(fp, [&](std::uint64_t v) { out.set_end_time_unix_nano(v); });
      case f::kAttributes:
        return attributes(fp, *out.mutable_attributes());
      case f::kStatus:
        return status(fp, *out.mutable_status());
      case f::kFlags:
        return reader_.uint32(fp, [&](std::uint32_t v) { out.set_flags(v); });
      case f::kTraceState:
        return reader_.text(fp, *out.mutable_trace_state());
      case f::kDroppedAttributesCount:
        return reader_.uint32(fp, [&](std::uint32_t v) { out.set_dropped_attributes_count(v); });
      case f::kEvents:
        return each(
            fp, [&] { return out.add_events(); },
            [&](const Path& p, Event& e) { return event(p, e); });
      case f::kDroppedEventsCount:
        return reader_.uint32(fp, [&](std::uint32_t v) { out.set_dropped_events_count(v); });
      case f::kLinks:
        return each(
            fp, [&] { return out.add_links(); },
            [&](const Path& p, Link& l) { return link(p, l); });
      default:
        return reader_.uint32(fp, [&](std::uint32_t v) { out.set_dropped_links_count(v); });
    }
  });
}

bool Decoder::event(const Path& path, Event& out) {
  namespace f = event_field;
  return reader_.object(path, f::kNames, [&](int field, const Path& fp) {
    switch (field) {
      case f::kTimeUnixNano:
        return reader_.uint64(fp, [&](std::uint64_t v) { out.set_time_unix_nano(v); });
      case f::kName:
        return reader_.text(fp, *out.mutable_name());
      case f::kAttributes:
        return attributes(fp, *out.mutable_attributes());
      default:
        return reader_.uint32(fp, [&](std::uint32_t v) { out.set_dropped_attributes_count(v); });
    }
  });
}

bool Decoder::link(const Path& path, Link& out) {
  namespace f = link_field;
  return reader_.object(path, f::kNames, [&](int field, const Path& fp) {
    switch (field) {
      case f::kTraceId:
        return reader_.hex_id(fp, 16, *out.mutable_trace_id());
      case f::kSpanId:
        return reader_.hex_id(fp, 8, *out.mutable_span_id());
      case f::kTraceState:
        return reader_.text(fp, *out.mutable_trace_state());
      case f::kAttributes:
        return attributes(fp, *out.mutable_attributes());
      case f::kDroppedAttributesCount:
        return reader_.uint32(fp, [&](std::uint32_t v) { out.set_dropped_attributes_count(v); });
      default:
        return reader_.uint32(fp, [&](std::uint32_t v) { out.set_flags(v); });
    }
  });
}

bool Decoder::status(const Path& path, otlp::Status& out) {
  return reader_.object(path, status_field::kNames, [&](int field, const Path& fp) {
    if (field == status_field::kMessage) return reader_.text(fp, *out.mutable_message());
    int code = 0;
    if (!reader_.enumeration(fp, kStatusCodeNames, code)) return false;
    out.set_code(static_cast<otlp::Status::StatusCode>(code));
    return true;
  });
}

bool Decoder::attributes(const Path& path, RepeatedPtrField<otlp::KeyValue>& out) {
  return each(
      path, [&] { return out.Add(); },
      [&](const Path& p, otlp::KeyValue& kv) { return key_value(p, kv); });
}

bool Decoder::key_value(const Path& path, otlp::KeyValue& out) {
  return reader_.object(path, key_value_field::kNames, [&](int field, const Path& fp) {
    if (field == key_value_field::kValue) return any_value(fp, *out.mutable_value());
    return reader_.text(fp, *out.mutable_key());
  });
}

bool Decoder::any_value(const Path& path, otlp::AnyValue& out) {
  namespace f = any_value_field;
  if (any_depth_ >= kMaxAnyValueDepth) {
    return reader_.field_error(
        path, "AnyValue nesting deeper than " + std::to_string(kMaxAnyValueDepth) + " levels");
  }
  ++any_depth_;
  const bool ok = reader_.object(path, f::kNames, [&](int field, const Path& fp) {
    switch (field) {
      case f::kString:
        return reader_.text(fp, *out.mutable_string_value());
      case f::kInt:
        return reader_.int64(fp, [&](std::int64_t v) { out.set_int_value(v); });
      case f::kBool:
        return reader_.boolean(fp, [&](bool v) { out.set_bool_value(v); });
      case f::kDouble:
        return reader_.floating(fp, [&](double v) { out.set_double_value(v); });
      case f::kArray: {
        otlp::ArrayValue& array = *out.mutable_array_value();
        return reader_.object(fp, values_field::kNames, [&](int, const Path& vp) {
          return each(
              vp, [&] { return array.add_values(); },
              [&](const Path& p, otlp::AnyValue& v) { return any_value(p, v); });
        });
      }
      case f::kKvlist: {
        otlp::KeyValueList& list = *out.mutable_kvlist_value();
        return reader_.object(fp, values_field::kNames, [&](int, const Path& vp) {
          return attributes(vp, *list.mutable_values());
        });
      }
      default:
        return reader_.base64(fp, *out.mutable_bytes_value());
    }
  });
  --any_depth_;
  return ok;
}

}  // namespace

bool decode_trace_request(std::string_view json, otlp::ExportRequest& out, std::string& error) {
  return Decoder(json, error).request(out);
}

}  // namespace spanflow::codec
