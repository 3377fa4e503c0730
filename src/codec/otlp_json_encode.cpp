// OTLP/JSON encoder: appends compact JSON to one string, omitting default values (proto3 JSON),
// with hex ids, decimal-string 64-bit integers and integer enums.
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "codec/json_text.h"
#include "codec/otlp_json.h"

namespace spanflow::codec {
namespace {

using google::protobuf::RepeatedPtrField;
using opentelemetry::proto::common::v1::EntityRef;
using Event = otlp::Span::Event;
using Link = otlp::Span::Link;

// Deeper AnyValues (only possible in messages built in code; the binary parser stops at 100
// message levels) are written as {} rather than recursing without bound.
constexpr int kMaxAnyValueDepth = 64;

// Room reserved up front per span; a span with ~10 attributes takes about this much.
constexpr std::size_t kBytesPerSpanEstimate = 1024;

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// For each ASCII byte that needs escaping, the character after the backslash ('u' for \u00XX).
constexpr std::array<char, 128> kEscape = [] {
  std::array<char, 128> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}();

// Appends one message as JSON to `out_`. Objects are written member by member; `first_` tracks
// whether the innermost open object needs a comma before its next member.
class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}

  void request(const otlp::ExportRequest& request);
  void response(const otlp::ExportResponse& response);
  void status(const google::rpc::Status& status);

 private:
  // Object and member plumbing: `key` is the JSON text "\"name\":".
  void open() {
    out_.push_back('{');
    first_ = true;
  }
  void close() {
    out_.push_back('}');
    first_ = false;
  }
  void key(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.append(key);
  }
  template <typename Repeated, typename WriteElement>
  void array(std::string_view name, const Repeated& elements, WriteElement&& write) {
    if (elements.empty()) return;
    key(name);
    out_.push_back('[');
    bool first_element = true;
    for (const auto& element : elements) {
      if (!first_element) out_.push_back(',');
      first_element = false;
      write(element);
    }
    out_.push_back(']');
    first_ = false;
  }

  // Members that are omitted when they hold the default value.
  void string_member(std::string_view name, const std::string& value) {
    if (value.empty()) return;
    key(name);
    string(value);
  }
  void id_member(std::string_view name, const std::string& value) {
    if (value.empty()) return;
    key(name);
    hex(value);
  }
  void uint32_member(std::string_view name, std::uint32_t value) {
    if (value == 0) return;
    key(name);
    number(value);
  }
  void uint64_member(std::string_view name, std::uint64_t value) {
    if (value == 0) return;
    key(name);
    quoted_number(value);
  }

  // Values.
  void string(std::string_view value);
  void hex(std::string_view bytes);
  void base64(std::string_view bytes);
  template <typename Integer>
  void number(Integer value) {
    std::array<char, 24> buffer;
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    out_.append(buffer.data(), result.ptr);
  }
  template <typename Integer>
  void quoted_number(Integer value) {
    out_.push_back('"');
    number(value);
    out_.push_back('"');
  }
  void floating(double value);

  // Messages.
  void resource_spans(const otlp::ResourceSpans& resource_spans);
  void resource(const otlp::Resource& resource);
  void entity_ref(const EntityRef& ref);
  void scope_spans(const otlp::ScopeSpans& scope_spans);
  void scope(const otlp::Scope& scope);
  void span(const otlp::Span& span);
  void event(const Event& event);
  void link(const Link& link);
  void attributes(std::string_view name, const RepeatedPtrField<otlp::KeyValue>& attributes);
  void key_value(const otlp::KeyValue& key_value);
  void any_value(const otlp::AnyValue& value);

  std::string& out_;
  bool first_ = true;  // no member written yet in the innermost open object
  int any_depth_ = 0;
};

// Escapes '"', '\\' and control characters; passes valid UTF-8 through and replaces invalid bytes
// with U+FFFD so the output is always valid JSON.
void Encoder::string(std::string_view value) {
  out_.push_back('"');
  const char* p = value.data();
  const char* const end = p + value.size();
  const char* run = p;  // start of the bytes not yet appended
  for (;;) {
    while (end - p >= 8) {
      const std::size_t plain = detail::first_special_byte(p);
      p += plain;
      if (plain < 8) break;
    }
    if (p == end) break;
    const auto c = static_cast<std::uint8_t>(*p);
    if (c >= 0x80) {
      const std::size_t length = detail::utf8_sequence_length(p, end);
      if (length > 0) {
        p += length;
        continue;
      }
      out_.append(run, p);
      out_.append("\\ufffd");
      run = ++p;
    } else if (kEscape[c] != 0) {
      out_.append(run, p);
      const char escape = kEscape[c];
      const char sequence[] = {'\\', escape, '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
      out_.append(sequence, escape == 'u' ? 6 : 2);
      run = ++p;
    } else {
      ++p;
    }
  }
  out_.append(run, end);
  out_.push_back('"');
}

void Encoder::hex(std::string_view bytes) {
  out_.push_back('"');
  const std::size_t start = out_.size();
  out_.resize(start + bytes.size() * 2);
  char* p = out_.data() + start;
  for (const char c : bytes) {
    const auto b = static_cast<std::uint8_t>(c);
    *p++ = kHexDigits[b >> 4];
    *p++ = kHexDigits[b & 0xF];
  }
  out_.push_back('"');
}

void Encoder::base64(std::string_view bytes) {
  out_.push_back('"');
  const std::size_t start = out_.size();
  out_.resize(start + (bytes.size() + 2) / 3 * 4);
  char* p = out_.data() + start;
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[i]));
  };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t bits = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    *p++ = kBase64Digits[bits >> 18];
    *p++ = kBase64Digits[(bits >> 12) & 0x3F];
    *p++ = kBase64Digits[(bits >> 6) & 0x3F];
    *p++ = kBase64Digits[bits & 0x3F];
  }
  if (i < bytes.size()) {
    const bool two = i + 1 < bytes.size();
    const std::uint32_t bits = byte(i) << 16 | (two ? byte(i + 1) << 8 : 0);
    *p++ = kBase64Digits[bits >> 18];
    *p++ = kBase64Digits[(bits >> 12) & 0x3F];
    *p++ = two ? kBase64Digits[(bits >> 6) & 0x3F] : '=';
    *p++ = '=';
  }
  out_.push_back('"');
}

// Shortest text that reads back as the same double; non-finite values as proto3 JSON strings.
void Encoder::floating(double value) {
  if (std::isnan(value)) {
    out_.append("\"NaN\"");
  } else if (std::isinf(value)) {
    out_.append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    std::array<char, 32> buffer;
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    out_.append(buffer.data(), result.ptr);
  }
}

// --- messages ------------------------------------------------------------------------------------

void Encoder::request(const otlp::ExportRequest& request) {
  std::size_t spans = 0;
  for (const auto& rs : request.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) spans += static_cast<std::size_t>(ss.spans_size());
  }
  out_.reserve(out_.size() + 64 + spans * kBytesPerSpanEstimate);
  open();
  array(R"("resourceSpans":)", request.resource_spans(),
        [&](const otlp::ResourceSpans& rs) { resource_spans(rs); });
  close();
}

void Encoder::resource_spans(const otlp::ResourceSpans& resource_spans) {
  open();
  if (resource_spans.has_resource()) {
    key(R"("resource":)");
    resource(resource_spans.resource());
  }
  array(R"("scopeSpans":)", resource_spans.scope_spans(),
        [&](const otlp::ScopeSpans& ss) { scope_spans(ss); });
  string_member(R"("schemaUrl":)", resource_spans.schema_url());
  close();
}

void Encoder::resource(const otlp::Resource& resource) {
  open();
  attributes(R"("attributes":)", resource.attributes());
  uint32_member(R"("droppedAttributesCount":)", resource.dropped_attributes_count());
  array(R"("entityRefs":)", resource.entity_refs(), [&](const EntityRef& ref) { entity_ref(ref); });
  close();
}

void Encoder::entity_ref(const EntityRef& ref) {
  open();
  string_member(R"("schemaUrl":)", ref.schema_url());
  string_member(R"("type":)", ref.type());
  array(R"("idKeys":)", ref.id_keys(), [&](const std::string& k) { string(k); });
  array(R"("descriptionKeys":)", ref.description_keys(), [&](const std::string& k) { string(k); });
  close();
}

void Encoder::scope_spans(const otlp::ScopeSpans& scope_spans) {
  open();
  if (scope_spans.has_scope()) {
    key(R"("scope":)");
    scope(scope_spans.scope());
  }
  array(R"("spans":)", scope_spans.spans(), [&](const otlp::Span& s) { span(s); });
  string_member(R"("schemaUrl":)", scope_spans.schema_url());
  close();
}

void Encoder::scope(const otlp::Scope& scope) {
  open();
  string_member(R"("name":)", scope.name());
  string_member(R"("version":)", scope.version());
  attributes(R"("attributes":)", scope.attributes());
  uint32_member(R"("droppedAttributesCount":)", scope.dropped_attributes_count());
  close();
}

void Encoder::span(const otlp::Span& span) {
  open();
  id_member(R"("traceId":)", span.trace_id());
  id_member(R"("spanId":)", span.span_id());
  string_member(R"("traceState":)", span.trace_state());
  id_member(R"("parentSpanId":)", span.parent_span_id());
  uint32_member(R"("flags":)", span.flags());
  string_member(R"("name":)", span.name());
  if (span.kind() != 0) {
    key(R"("kind":)");
    number(static_cast<int>(span.kind()));
  }
  uint64_member(R"("startTimeUnixNano":)", span.start_time_unix_nano());
  uint64_member(R"("endTimeUnixNano":)", span.end_time_unix_nano());
  attributes(R"("attributes":)", span.attributes());
  uint32_member(R"("droppedAttributesCount":)", span.dropped_attributes_count());
  array(R"("events":)", span.events(), [&](const Event& e) { event(e); });
  uint32_member(R"("droppedEventsCount":)", span.dropped_events_count());
  array(R"("links":)", span.links(), [&](const Link& l) { link(l); });
  uint32_member(R"("droppedLinksCount":)", span.dropped_links_count());
  if (span.has_status()) {
    key(R"("status":)");
    open();
    string_member(R"("message":)", span.status().message());
    if (span.status().code() != 0) {
      key(R"("code":)");
      number(static_cast<int>(span.status().code()));
    }
    close();
  }
  close();
}

void Encoder::event(const Event& event) {
  open();
  uint64_member(R"("timeUnixNano":)", event.time_unix_nano());
  string_member(R"("name":)", event.name());
  attributes(R"("attributes":)", event.attributes());
  uint32_member(R"("droppedAttributesCount":)", event.dropped_attributes_count());
  close();
}

void Encoder::link(const Link& link) {
  open();
  id_member(R"("traceId":)", link.trace_id());
  id_member(R"("spanId":)", link.span_id());
  string_member(R"("traceState":)", link.trace_state());
  attributes(R"("attributes":)", link.attributes());
  uint32_member(R"("droppedAttributesCount":)", link.dropped_attributes_count());
  uint32_member(R"("flags":)", link.flags());
  close();
}

void Encoder::attributes(std::string_view name,
                         const RepeatedPtrField<otlp::KeyValue>& attributes) {
  array(name, attributes, [&](const otlp::KeyValue& kv) { key_value(kv); });
}

void Encoder::key_value(const otlp::KeyValue& key_value) {
  open();
  string_member(R"("key":)", key_value.key());
  if (key_value.has_value()) {
    key(R"("value":)");
    any_value(key_value.value());
  }
  close();
}

void Encoder::any_value(const otlp::AnyValue& value) {
  open();
  if (++any_depth_ > kMaxAnyValueDepth) {
    --any_depth_;
    close();
    return;
  }
  switch (value.value_case()) {
    case otlp::AnyValue::kStringValue:
      key(R"("stringValue":)");
      string(value.string_value());
      break;
    case otlp::AnyValue::kBoolValue:
      key(R"("boolValue":)");
      out_.append(value.bool_value() ? "true" : "false");
      break;
    case otlp::AnyValue::kIntValue:
      key(R"("intValue":)");
      quoted_number(value.int_value());
      break;
    case otlp::AnyValue::kDoubleValue:
      key(R"("doubleValue":)");
      floating(value.double_value());
      break;
    case otlp::AnyValue::kArrayValue:
      key(R"("arrayValue":)");
      open();
      array(R"("values":)", value.array_value().values(),
            [&](const otlp::AnyValue& element) { any_value(element); });
      close();
      break;
    case otlp::AnyValue::kKvlistValue:
      key(R"("kvlistValue":)");
      open();
      attributes(R"("values":)", value.kvlist_value().values());
      close();
      break;
    case otlp::AnyValue::kBytesValue:
      key(R"("bytesValue":)");
      base64(value.bytes_value());
      break;
    case otlp::AnyValue::VALUE_NOT_SET:
      break;
  }
  --any_depth_;
  close();
}

void Encoder::response(const otlp::ExportResponse& response) {
  open();
  if (response.has_partial_success()) {
    const auto& partial = response.partial_success();
    key(R"("partialSuccess":)");
    open();
    if (partial.rejected_spans() != 0) {
      key(R"("rejectedSpans":)");
      quoted_number(partial.rejected_spans());
    }
    string_member(R"("errorMessage":)", partial.error_message());
    close();
  }
  close();
}

void Encoder::status(const google::rpc::Status& status) {
  open();
  if (status.code() != 0) {
    key(R"("code":)");
    number(status.code());
  }
  string_member(R"("message":)", status.message());
  array(R"("details":)", status.details(), [&](const google::protobuf::Any& detail) {
    open();
    key(R"("@type":)");
    string(detail.type_url());
    google::rpc::RetryInfo retry;
    if (detail.Is<google::rpc::RetryInfo>() && detail.UnpackTo(&retry)) {
      if (retry.has_retry_delay()) {
        // google.protobuf.Duration: seconds with 0, 3, 6 or 9 fractional digits, then "s".
        const std::int64_t seconds = retry.retry_delay().seconds();
        const std::int32_t nanos = retry.retry_delay().nanos();
        key(R"("retryDelay":)");
        out_.push_back('"');
        if (seconds == 0 && nanos < 0) out_.push_back('-');
        number(seconds);
        if (nanos != 0) {
          std::int32_t fraction = nanos < 0 ? -nanos : nanos;
          int digits = 9;
          while (digits > 3 && fraction % 1000 == 0) {
            fraction /= 1000;
            digits -= 3;
          }
          std::array<char, 10> text{};
          for (int i = digits - 1; i >= 0; --i) {
            text[static_cast<std::size_t>(i)] = static_cast<char>('0' + fraction % 10);
            fraction /= 10;
          }
          out_.push_back('.');
          out_.append(text.data(), static_cast<std::size_t>(digits));
        }
        out_.append("s\"");
      }
    } else {
      key(R"("value":)");
      base64(detail.value());
    }
    close();
  });
  close();
}

}  // namespace

void encode_trace_request(const otlp::ExportRequest& request, std::string& out) {
  Encoder(out).request(request);
}

void encode_trace_response(const otlp::ExportResponse& response, std::string& out) {
  Encoder(out).response(response);
}

void encode_status(const google::rpc::Status& status, std::string& out) {
  Encoder(out).status(status);
}

}  // namespace spanflow::codec
