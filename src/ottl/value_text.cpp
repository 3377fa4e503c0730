// Stringification of values: Go's float format, and JSON for arrays and maps.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "codec/json_text.h"
#include "ottl/value.h"

namespace spanflow::ottl {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void append_base64(std::string_view bytes, std::string& out) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]) << 16 |
                                              static_cast<unsigned char>(bytes[i + 1]) << 8 |
                                              static_cast<unsigned char>(bytes[i + 2]));
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kDigits[(n >> shift) & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return;
  std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]) << 16);
  if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1]) << 8);
  out.push_back(kDigits[(n >> 18) & 63]);
  out.push_back(kDigits[(n >> 12) & 63]);
  out.push_back(rest == 2 ? kDigits[(n >> 6) & 63] : '=');
  out.push_back('=');
}

// A JSON string as Go's encoding/json writes it: HTML-sensitive characters and U+2028/U+2029
// escaped, malformed UTF-8 replaced by U+FFFD.
void append_json_string(std::string_view s, std::string& out) {
  out.push_back('"');
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x80) {
      const std::size_t len = codec::detail::utf8_sequence_length(p, end);
      if (len == 0) {
        out += "\\ufffd";
        ++p;
      } else if (len == 3 && c == 0xE2 && static_cast<unsigned char>(p[1]) == 0x80 &&
                 (static_cast<unsigned char>(p[2]) & 0xFE) == 0xA8) {
        out += static_cast<unsigned char>(p[2]) == 0xA8 ? "\\u2028" : "\\u2029";
        p += 3;
      } else {
        out.append(p, len);
        p += len;
      }
      continue;
    }
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      out += "\\u00";
      out.push_back(kHexDigits[c >> 4]);
      out.push_back(kHexDigits[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++p;
  }
  out.push_back('"');
}

void append_json(const otlp::AnyValue& v, std::string& out);

void append_json_map(const Attributes& entries, std::string& out) {
  // Keys sorted as encoding/json does; of duplicate keys the first wins, as in lookups.
  std::vector<const otlp::KeyValue*> sorted;
  sorted.reserve(static_cast<std::size_t>(entries.size()));
  for (const auto& kv : entries) sorted.push_back(&kv);
  std::stable_sort(
      sorted.begin(), sorted.end(),
      [](const otlp::KeyValue* a, const otlp::KeyValue* b) { return a->key() < b->key(); });
  out.push_back('{');
  const otlp::KeyValue* previous = nullptr;
  for (const otlp::KeyValue* kv : sorted) {
    if (previous != nullptr && previous->key() == kv->key()) continue;
    if (previous != nullptr) out.push_back(',');
    previous = kv;
    append_json_string(kv->key(), out);
    out.push_back(':');
    append_json(kv->value(), out);
  }
  out.push_back('}');
}

void append_json_array(const Elements& elements, std::string& out) {
  out.push_back('[');
  for (int i = 0; i < elements.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json(elements[i], out);
  }
  out.push_back(']');
}

void append_json(const otlp::AnyValue& v, std::string& out) {
  switch (v.value_case()) {
    case otlp::AnyValue::kStringValue:
      append_json_string(v.string_value(), out);
      return;
    case otlp::AnyValue::kBoolValue:
      out += v.bool_value() ? "true" : "false";
      return;
    case otlp::AnyValue::kIntValue:
      out += std::to_string(v.int_value());
      return;
    case otlp::AnyValue::kDoubleValue:
      out += format_double(v.double_value());
      return;
    case otlp::AnyValue::kBytesValue:
      out.push_back('"');
      append_base64(v.bytes_value(), out);
      out.push_back('"');
      return;
    case otlp::AnyValue::kArrayValue:
      append_json_array(v.array_value().values(), out);
      return;
    case otlp::AnyValue::kKvlistValue:
      append_json_map(v.kvlist_value().values(), out);
      return;
    case otlp::AnyValue::VALUE_NOT_SET:
      out += "null";
      return;
  }
}

}  // namespace

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const double magnitude = std::fabs(d);
  const bool exponent = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, d,
                    exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string out(buf, ec == std::errc() ? end : buf);
  if (exponent) {
    // Go writes e-07 where JavaScript and encoding/json write e-7.
    const std::size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') out.erase(n - 2, 1);
  }
  return out;
}

bool to_string_like(const Value& value, std::string& out) {
  switch (value.type()) {
    case Type::kNil:
      return false;
    case Type::kBool:
      out = value.as_bool() ? "true" : "false";
      return true;
    case Type::kInt:
      out = std::to_string(value.as_int());
      return true;
    case Type::kDouble:
      out = format_double(value.as_double());
      return true;
    case Type::kString:
      out.assign(value.as_string());
      return true;
    case Type::kBytes: {
      out.clear();
      for (const char c : value.as_string()) {
        out.push_back(kHexDigits[static_cast<unsigned char>(c) >> 4]);
        out.push_back(kHexDigits[static_cast<unsigned char>(c) & 15]);
      }
      return true;
    }
    case Type::kArray:
      out.clear();
      append_json_array(value.as_array(), out);
      return true;
    case Type::kMap:
      out.clear();
      append_json_map(value.as_map(), out);
      return true;
  }
  return false;
}

}  // namespace spanflow::ottl
