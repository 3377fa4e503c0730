#include "core/value_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "codec/json_text.h"

namespace spanflow {

namespace {

using Case = otlp::AnyValue::ValueCase;

void append_base64(std::string_view bytes, std::string& out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = at(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (at(i) << 16) | (at(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
}

// encoding/json's float form (also pcommon's for a double): like %g with ES6 cutoffs, and
// exponents without a leading zero ("1e-7", "1e+21").
void append_double(double d, std::string& out) {
  char buffer[64];
  const double magnitude = std::fabs(d);
  const bool exponent = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, d,
                    exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  const std::size_t e = text.find('e');
  if (e != std::string_view::npos && e + 2 < text.size() && text[e + 2] == '0') {
    out.append(text.substr(0, e + 2));
    out.append(text.substr(e + 3));
  } else {
    out.append(text);
  }
}

void append_json_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x80) {
      const std::size_t n = codec::detail::utf8_sequence_length(p, end);
      if (n == 0) {
        out += "\\ufffd";  // Go replaces invalid UTF-8
        ++p;
      } else if (n == 3 && c == 0xE2 && static_cast<unsigned char>(p[1]) == 0x80 &&
                 (static_cast<unsigned char>(p[2]) & 0xFE) == 0xA8) {
        out += p[2] == '\xA8' ? "\\u2028" : "\\u2029";
        p += 3;
      } else {
        out.append(p, n);
        p += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '<':
      case '>':
      case '&':
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++p;
  }
  out += '"';
}

// json.Marshal of Value.AsRaw(); false when a double is not finite (Marshal fails).
bool append_json(const otlp::AnyValue& v, std::string& out) {
  switch (v.value_case()) {
    case Case::kStringValue:
      append_json_string(v.string_value(), out);
      return true;
    case Case::kBoolValue:
      out += v.bool_value() ? "true" : "false";
      return true;
    case Case::kIntValue:
      out += std::to_string(v.int_value());
      return true;
    case Case::kDoubleValue:
      if (!std::isfinite(v.double_value())) return false;
      append_double(v.double_value(), out);
      return true;
    case Case::kBytesValue:
      out += '"';
      append_base64(v.bytes_value(), out);
      out += '"';
      return true;
    case Case::kArrayValue: {
      out += '[';
      bool first = true;
      for (const auto& item : v.array_value().values()) {
        if (!first) out += ',';
        first = false;
        if (!append_json(item, out)) return false;
      }
      out += ']';
      return true;
    }
    case Case::kKvlistValue: {
      // A Go map: keys sorted, and a repeated key keeps its last value.
      std::vector<const otlp::KeyValue*> entries;
      for (const auto& kv : v.kvlist_value().values()) entries.push_back(&kv);
      std::stable_sort(entries.begin(), entries.end(),
                       [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out += '{';
      bool first = true;
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i + 1 < entries.size() && entries[i + 1]->key() == entries[i]->key()) continue;
        if (!first) out += ',';
        first = false;
        append_json_string(entries[i]->key(), out);
        out += ':';
        if (!append_json(entries[i]->value(), out)) return false;
      }
      out += '}';
      return true;
    }
    case Case::VALUE_NOT_SET:
      out += "null";
      return true;
  }
  return true;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

}  // namespace

std::string as_string(const otlp::AnyValue& value) {
  std::string out;
  switch (value.value_case()) {
    case Case::kStringValue:
      return value.string_value();
    case Case::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case Case::kIntValue:
      return std::to_string(value.int_value());
    case Case::kDoubleValue: {
      const double d = value.double_value();
      if (std::isnan(d)) return "json: unsupported value: NaN";
      if (std::isinf(d))
        return d > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf";
      append_double(d, out);
      return out;
    }
    case Case::kBytesValue:
      append_base64(value.bytes_value(), out);
      return out;
    case Case::kArrayValue:
    case Case::kKvlistValue:
      if (!append_json(value, out)) out.clear();
      return out;
    case Case::VALUE_NOT_SET:
      return out;
  }
  return out;
}

std::string_view format_fixed(double d, char (&buffer)[400]) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::fixed);
  return {buffer, static_cast<std::size_t>(end - buffer)};
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > kMax + 1) return std::nullopt;
    return magnitude == kMax + 1 ? std::numeric_limits<std::int64_t>::min()
                                 : -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > kMax) return std::nullopt;
  return static_cast<std::int64_t>(magnitude);
}

std::optional<double> parse_float(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const bool has_sign = !text.empty() && (text.front() == '-' || text.front() == '+');
  std::string_view rest = has_sign ? text.substr(1) : text;
  if (equals_ignore_case(rest, "inf") || equals_ignore_case(rest, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (equals_ignore_case(rest, "nan")) {
    if (has_sign) return std::nullopt;
    return std::numeric_limits<double>::quiet_NaN();
  }
  auto format = std::chars_format::general;
  if (rest.size() > 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X')) {
    rest.remove_prefix(2);
    if (rest.find_first_of("pP") == std::string_view::npos) return std::nullopt;
    format = std::chars_format::hex;
  }
  if (rest.empty() ||
      !(rest.front() == '.' || std::isxdigit(static_cast<unsigned char>(rest.front())))) {
    return std::nullopt;
  }
  double value = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value, format);
  if (end != rest.data() + rest.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Go rounds an underflow to zero (or a subnormal) and refuses only an overflow; strtod tells
    // the two apart (the daemon never changes the C locale it reads numbers in).
    const std::string copy(text);
    const double approx = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(approx)) return std::nullopt;
    return approx;
  }
  if (ec != std::errc()) return std::nullopt;
  return negative ? -value : value;
}

std::string_view type_name(const otlp::AnyValue& value) {
  switch (value.value_case()) {
    case Case::kStringValue:
      return "Str";
    case Case::kBoolValue:
      return "Bool";
    case Case::kIntValue:
      return "Int";
    case Case::kDoubleValue:
      return "Double";
    case Case::kArrayValue:
      return "Slice";
    case Case::kKvlistValue:
      return "Map";
    case Case::kBytesValue:
      return "Bytes";
    case Case::VALUE_NOT_SET:
      return "Empty";
  }
  return "Empty";
}

}  // namespace spanflow
