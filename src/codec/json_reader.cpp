// JsonReader: see json_reader.h. The number, string and base64 rules follow RFC 8259 and the
// proto3 JSON mapping as the OpenTelemetry Collector applies it.
#include "codec/json_reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <vector>

#include "codec/json_text.h"

namespace spanflow::codec::detail {

// A number that matched the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
struct Number {
  std::string_view text;
  bool negative = false;
  std::string_view integer;   // digits before the point
  std::string_view fraction;  // digits after the point
  std::int64_t exponent = 0;  // saturated at +-kMaxExponent
};

namespace {

constexpr std::array<std::int8_t, 256> kHexDigit = [] {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (int c = 0; c < 10; ++c) table['0' + c] = static_cast<std::int8_t>(c);
  for (int c = 0; c < 6; ++c) {
    table['a' + c] = static_cast<std::int8_t>(10 + c);
    table['A' + c] = static_cast<std::int8_t>(10 + c);
  }
  return table;
}();

// Standard and URL-safe base64 digits; -1 for anything else (including '=').
constexpr std::array<std::int8_t, 256> kBase64Digit = [] {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (int c = 0; c < 26; ++c) {
    table['A' + c] = static_cast<std::int8_t>(c);
    table['a' + c] = static_cast<std::int8_t>(26 + c);
  }
  for (int c = 0; c < 10; ++c) table['0' + c] = static_cast<std::int8_t>(52 + c);
  table['+'] = table['-'] = 62;
  table['/'] = table['_'] = 63;
  return table;
}();

inline std::uint8_t byte_at(const char* p) {
  return static_cast<std::uint8_t>(*p);
}

// Decodes standard or URL-safe base64, padded or not, appending to `out`. False if malformed.
bool decode_base64(std::string_view in, std::string& out) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return false;
  out.reserve(out.size() + in.size() / 4 * 3 + 2);
  std::uint32_t bits = 0;
  int nbits = 0;
  for (const char c : in) {
    const int digit = kBase64Digit[static_cast<std::uint8_t>(c)];
    if (digit < 0) return false;
    bits = (bits << 6) | static_cast<std::uint32_t>(digit);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push_back(static_cast<char>((bits >> nbits) & 0xFF));
    }
  }
  return true;
}

// Whether a malformed id looks like the base64 that generic proto3 JSON would produce.
bool looks_like_base64(std::string_view id, std::size_t bytes) {
  bool non_hex = false;
  bool marker = false;
  for (const char c : id) {
    const auto u = static_cast<std::uint8_t>(c);
    if (kBase64Digit[u] < 0 && c != '=') return false;
    non_hex = non_hex || kHexDigit[u] < 0;
    marker = marker || c == '+' || c == '/' || c == '=';
  }
  const std::size_t padded = (bytes + 2) / 3 * 4;
  const std::size_t unpadded = (bytes * 4 + 2) / 3;
  return non_hex && (marker || id.size() == padded || id.size() == unpadded);
}

void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// --- numbers -------------------------------------------------------------------------------------

constexpr std::int64_t kMaxExponent = 100000;

// Matches a JSON number at `p`, advancing `p` past it. False if there is none.
bool scan_number(const char*& p, const char* end, Number& number) {
  const char* const start = p;
  const auto digits = [&] {
    const char* first = p;
    while (p < end && *p >= '0' && *p <= '9') ++p;
    return std::string_view(first, static_cast<std::size_t>(p - first));
  };
  if (p < end && *p == '-') {
    number.negative = true;
    ++p;
  }
  number.integer = digits();
  if (number.integer.empty() || (number.integer.size() > 1 && number.integer[0] == '0')) {
    return false;
  }
  if (p < end && *p == '.') {
    ++p;
    number.fraction = digits();
    if (number.fraction.empty()) return false;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative_exponent = false;
    if (p < end && (*p == '+' || *p == '-')) negative_exponent = *p++ == '-';
    const std::string_view exponent = digits();
    if (exponent.empty()) return false;
    for (const char c : exponent) {
      number.exponent = std::min(number.exponent * 10 + (c - '0'), kMaxExponent);
    }
    if (negative_exponent) number.exponent = -number.exponent;
  }
  number.text = std::string_view(start, static_cast<std::size_t>(p - start));
  return true;
}

enum class IntegerResult { kOk, kNotInteger, kOutOfRange };

// The exact magnitude of an integral number, allowing forms like 1.5e3 or 100.0 as protojson does.
IntegerResult integer_magnitude(const Number& number, std::uint64_t& magnitude) {
  if (number.fraction.empty() && number.exponent == 0 && number.integer.size() < 20) {
    magnitude = 0;  // the common case: at most 19 digits cannot overflow
    for (const char c : number.integer) magnitude = magnitude * 10 + static_cast<unsigned>(c - '0');
    return IntegerResult::kOk;
  }
  const auto digit = [&](std::size_t i) {
    return i < number.integer.size() ? number.integer[i]
                                     : number.fraction[i - number.integer.size()];
  };
  const auto count = static_cast<std::int64_t>(number.integer.size() + number.fraction.size());
  const std::int64_t shift = number.exponent - static_cast<std::int64_t>(number.fraction.size());
  const std::int64_t kept = std::max<std::int64_t>(0, count + std::min<std::int64_t>(shift, 0));
  for (std::int64_t i = kept; i < count; ++i) {
    if (digit(static_cast<std::size_t>(i)) != '0') return IntegerResult::kNotInteger;
  }
  magnitude = 0;
  for (std::int64_t i = 0; i < kept; ++i) {
    const auto d = static_cast<std::uint64_t>(digit(static_cast<std::size_t>(i)) - '0');
    if (__builtin_mul_overflow(magnitude, 10U, &magnitude) ||
        __builtin_add_overflow(magnitude, d, &magnitude)) {
      return IntegerResult::kOutOfRange;
    }
  }
  for (std::int64_t i = 0; magnitude != 0 && i < shift; ++i) {
    if (__builtin_mul_overflow(magnitude, 10U, &magnitude)) return IntegerResult::kOutOfRange;
  }
  return IntegerResult::kOk;
}

// The double nearest to `number`; false if it overflows (underflow rounds to zero).
bool number_to_double(const Number& number, double& value) {
  const char* const end = number.text.data() + number.text.size();
  const auto result = std::from_chars(number.text.data(), end, value);
  if (result.ec == std::errc() && result.ptr == end) return true;
  if (result.ec != std::errc::result_out_of_range) return false;
  // Out of range: tiny numbers become zero, huge ones are errors. Estimate the decimal exponent.
  std::int64_t magnitude = number.exponent;
  if (number.integer != "0") {
    magnitude += static_cast<std::int64_t>(number.integer.size());
  } else {
    const std::size_t zeros = number.fraction.find_first_not_of('0');
    if (zeros == std::string_view::npos) return false;  // zero cannot be out of range
    magnitude -= static_cast<std::int64_t>(zeros);
  }
  if (magnitude > 0) return false;
  value = number.negative ? -0.0 : 0.0;
  return true;
}

}  // namespace

bool JsonReader::syntax_error(const char* where, std::string_view what) {
  error_ = "invalid JSON at offset " + std::to_string(where - begin_) + ": ";
  error_.append(what);
  return false;
}

bool JsonReader::field_error(const Path& path, const char* where, std::string_view what) {
  std::vector<const Path*> steps;
  const Path* root = &path;
  for (; root->parent != nullptr; root = root->parent) steps.push_back(root);
  error_.clear();
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if ((*it)->field.empty()) {
      error_ += "[" + std::to_string((*it)->index) + "]";
    } else {
      if (!error_.empty()) error_ += '.';
      error_.append((*it)->field);
    }
  }
  if (error_.empty()) error_.append(root->field);
  error_ += ": ";
  error_.append(what);
  error_ += " (at offset " + std::to_string(where - begin_) + ")";
  return false;
}

bool JsonReader::type_error(const Path& path, std::string_view expected) {
  if (p_ == end_) return syntax_error(p_, "unexpected end of input");
  std::string_view found;
  switch (*p_) {
    case '{':
      found = "an object";
      break;
    case '[':
      found = "an array";
      break;
    case '"':
      found = "a string";
      break;
    case 't':
    case 'f':
      found = "a boolean";
      break;
    case 'n':
      found = "null";
      break;
    default:
      if (*p_ != '-' && (*p_ < '0' || *p_ > '9')) return skip_value();  // the syntax error
      found = "a number";
  }
  std::string what = "expected ";
  what.append(expected).append(", found ").append(found);
  return field_error(path, p_, what);
}

// Reads a member name and the ':' after it, leaving the cursor at the value.
bool JsonReader::read_key(std::string_view& key) {
  if (!at('"')) return syntax_error(p_, "expected a string key");
  if (!read_string(key)) return false;
  skip_whitespace();
  if (!at(':')) return syntax_error(p_, "expected ':'");
  ++p_;
  skip_whitespace();
  return true;
}

bool JsonReader::too_deep() {
  return syntax_error(p_, "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
}

// Reads the string at p_ (which is at the opening quote). `out` points into the input, or into
// scratch_ if the string has escapes; it stays valid until the next read_string.
bool JsonReader::read_string(std::string_view& out) {
  const char* p = p_ + 1;
  const char* run = p;  // start of the bytes not yet copied to scratch_
  bool escaped = false;
  for (;;) {
    while (end_ - p >= 8) {
      const std::size_t plain = detail::first_special_byte(p);
      p += plain;
      if (plain < 8) break;
    }
    if (p == end_) return syntax_error(p, "unterminated string");
    const std::uint8_t c = byte_at(p);
    if (c >= 0x80) {
      const std::size_t length = detail::utf8_sequence_length(p, end_);
      if (length == 0) return syntax_error(p, "invalid UTF-8 in string");
      p += length;
    } else if (c == '"') {
      if (escaped) {
        scratch_.append(run, p);
        out = scratch_;
      } else {
        out = std::string_view(run, static_cast<std::size_t>(p - run));
      }
      p_ = p + 1;
      return true;
    } else if (c == '\\') {
      if (!escaped) scratch_.clear();
      escaped = true;
      scratch_.append(run, p);
      if (!unescape(p)) return false;
      run = p;
    } else if (c < 0x20) {
      return syntax_error(p, "control character in string");
    } else {
      ++p;
    }
  }
}

// Appends the escape sequence at `p` (at the backslash) to scratch_ and advances past it.
bool JsonReader::unescape(const char*& p) {
  const char* const start = p;
  if (end_ - p < 2) return syntax_error(end_, "unterminated string");
  const char c = p[1];
  p += 2;
  switch (c) {
    case '"':
      scratch_.push_back('"');
      return true;
    case '\\':
      scratch_.push_back('\\');
      return true;
    case '/':
      scratch_.push_back('/');
      return true;
    case 'b':
      scratch_.push_back('\b');
      return true;
    case 'f':
      scratch_.push_back('\f');
      return true;
    case 'n':
      scratch_.push_back('\n');
      return true;
    case 'r':
      scratch_.push_back('\r');
      return true;
    case 't':
      scratch_.push_back('\t');
      return true;
    case 'u':
      break;
    default:
      if (byte_at(start + 1) < 0x20 || byte_at(start + 1) >= 0x7F) {
        return syntax_error(start, "invalid escape sequence");
      }
      return syntax_error(start, std::string("invalid escape sequence '\\") + c + "'");
  }
  const auto hex4 = [&](std::uint32_t& unit) {
    if (end_ - p < 4) return false;
    unit = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = kHexDigit[byte_at(p + i)];
      if (digit < 0) return false;
      unit = unit << 4 | static_cast<std::uint32_t>(digit);
    }
    p += 4;
    return true;
  };
  std::uint32_t unit = 0;
  if (!hex4(unit)) return syntax_error(start, "invalid \\u escape: expected 4 hex digits");
  if (unit >= 0xDC00 && unit <= 0xDFFF) {
    return syntax_error(start, "invalid \\u escape: unpaired surrogate");
  }
  if (unit >= 0xD800 && unit <= 0xDBFF) {
    std::uint32_t low = 0;
    if (end_ - p < 2 || p[0] != '\\' || p[1] != 'u') {
      return syntax_error(start, "invalid \\u escape: unpaired surrogate");
    }
    p += 2;
    if (!hex4(low)) return syntax_error(p - 2, "invalid \\u escape: expected 4 hex digits");
    if (low < 0xDC00 || low > 0xDFFF) {
      return syntax_error(start, "invalid \\u escape: unpaired surrogate");
    }
    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
  }
  append_utf8(unit, scratch_);
  return true;
}

bool JsonReader::literal(std::string_view word) {
  if (static_cast<std::size_t>(end_ - p_) >= word.size() &&
      std::memcmp(p_, word.data(), word.size()) == 0) {
    p_ += word.size();
    return true;
  }
  if (static_cast<std::size_t>(end_ - p_) < word.size() &&
      std::memcmp(p_, word.data(), static_cast<std::size_t>(end_ - p_)) == 0) {
    return syntax_error(end_, "unexpected end of input");
  }
  return syntax_error(p_, "invalid literal");
}

// Skips any JSON value at p_ (after whitespace), validating it.
bool JsonReader::skip_value() {
  if (p_ == end_) return syntax_error(p_, "unexpected end of input");
  switch (*p_) {
    case '{': {
      if (!enter()) return false;
      ++p_;
      skip_whitespace();
      if (at('}')) break;
      for (;;) {
        std::string_view key;
        if (!read_key(key) || !skip_value()) return false;
        skip_whitespace();
        if (at('}')) break;
        if (!at(',')) return syntax_error(p_, "expected ',' or '}'");
        ++p_;
        skip_whitespace();
      }
      break;
    }
    case '[': {
      if (!enter()) return false;
      ++p_;
      skip_whitespace();
      if (at(']')) break;
      for (;;) {
        if (!skip_value()) return false;
        skip_whitespace();
        if (at(']')) break;
        if (!at(',')) return syntax_error(p_, "expected ',' or ']'");
        ++p_;
        skip_whitespace();
      }
      break;
    }
    case '"': {
      std::string_view ignored;
      return read_string(ignored);
    }
    case 't':
      return literal("true");
    case 'f':
      return literal("false");
    case 'n':
      return literal("null");
    default: {
      const char c = *p_;
      if (c != '-' && (c < '0' || c > '9')) {
        return syntax_error(p_, c > ' ' && c < 0x7F
                                    ? std::string("unexpected character '") + c + "'"
                                    : std::string("unexpected character"));
      }
      Number ignored;
      if (!scan_number(p_, end_, ignored)) {
        return syntax_error(p_, p_ == end_ ? "unexpected end of input" : "invalid number");
      }
      return true;
    }
  }
  ++p_;  // the closing '}' or ']'
  --depth_;
  return true;
}

// --- typed values --------------------------------------------------------------------------------

bool JsonReader::finish() {
  skip_whitespace();
  return p_ == end_ || syntax_error(p_, "unexpected data after the top-level value");
}

bool JsonReader::text_view(const Path& path, std::string_view& out) {
  if (!at('"')) return type_error(path, "a string");
  return read_string(out);
}

bool JsonReader::text(const Path& path, std::string& out) {
  std::string_view view;
  if (!text_view(path, view)) return false;
  out.assign(view.data(), view.size());
  return true;
}

bool JsonReader::boolean(const Path& path, bool& out) {
  if (!at('t') && !at('f')) return type_error(path, "a boolean");
  out = at('t');
  return literal(out ? "true" : "false");
}

// A number, or a string holding one. `start` is where the value starts.
bool JsonReader::number(const Path& path, Number& out, const char*& start) {
  start = p_;
  if (at('"')) {
    std::string_view text;
    if (!read_string(text)) return false;
    const char* p = text.data();
    const char* const end = p + text.size();
    if (!scan_number(p, end, out) || p != end) {
      return field_error(path, start, "string is not a number");
    }
    return true;
  }
  if (!at('-') && (p_ == end_ || *p_ < '0' || *p_ > '9')) return type_error(path, "a number");
  if (!scan_number(p_, end_, out)) {
    return syntax_error(p_, p_ == end_ ? "unexpected end of input" : "invalid number");
  }
  return true;
}

// An integral number as magnitude and sign; `type` names the field's type for out-of-range errors.
bool JsonReader::integer(const Path& path, std::string_view type, std::uint64_t& magnitude,
                         bool& negative, const char*& start) {
  Number parsed;
  if (!number(path, parsed, start)) return false;
  switch (integer_magnitude(parsed, magnitude)) {
    case IntegerResult::kOk:
      break;
    case IntegerResult::kNotInteger:
      return field_error(path, start, "number is not an integer");
    case IntegerResult::kOutOfRange:
      return field_error(path, start, std::string("number out of range for ").append(type));
  }
  negative = parsed.negative && magnitude != 0;
  return true;
}

bool JsonReader::uint32(const Path& path, std::uint32_t& out) {
  std::uint64_t magnitude = 0;
  bool negative = false;
  const char* start = nullptr;
  if (!integer(path, "uint32", magnitude, negative, start)) return false;
  if (negative || magnitude > std::numeric_limits<std::uint32_t>::max()) {
    return field_error(path, start, "number out of range for uint32");
  }
  out = static_cast<std::uint32_t>(magnitude);
  return true;
}

bool JsonReader::uint64(const Path& path, std::uint64_t& out) {
  bool negative = false;
  const char* start = nullptr;
  if (!integer(path, "uint64", out, negative, start)) return false;
  return !negative || field_error(path, start, "number out of range for uint64");
}

bool JsonReader::int64(const Path& path, std::int64_t& out) {
  std::uint64_t magnitude = 0;
  bool negative = false;
  const char* start = nullptr;
  if (!integer(path, "int64", magnitude, negative, start)) return false;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > kMax + (negative ? 1 : 0)) {
    return field_error(path, start, "number out of range for int64");
  }
  out = negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
  return true;
}

bool JsonReader::floating(const Path& path, double& out) {
  const char* const start = p_;
  Number parsed;
  if (at('"')) {
    std::string_view text;
    if (!read_string(text)) return false;
    if (text == "NaN") {
      out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    if (text == "Infinity" || text == "-Infinity") {
      out = std::numeric_limits<double>::infinity() * (text[0] == '-' ? -1 : 1);
      return true;
    }
    const char* p = text.data();
    if (!scan_number(p, text.data() + text.size(), parsed) || p != text.data() + text.size()) {
      return field_error(path, start,
                         R"(string is not a number, "NaN", "Infinity" or "-Infinity")");
    }
  } else {
    const char* ignored = nullptr;
    if (!number(path, parsed, ignored)) return false;
  }
  return number_to_double(parsed, out) ||
         field_error(path, start, "number out of range for double");
}

bool JsonReader::enumeration(const Path& path, std::span<const std::string_view> names, int& out) {
  const char* const start = p_;
  if (at('"')) {
    std::string_view name;
    if (!read_string(name)) return false;
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) return field_error(path, start, "unknown enum name");
    out = static_cast<int>(found - names.begin());
    return true;
  }
  std::int64_t value = 0;
  if (!at('-') && (p_ == end_ || *p_ < '0' || *p_ > '9')) {
    return type_error(path, "an enum name or number");
  }
  if (!int64(path, value)) return false;
  if (value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max()) {
    return field_error(path, start, "number out of range for enum");
  }
  out = static_cast<int>(value);
  return true;
}

bool JsonReader::hex_id(const Path& path, std::size_t bytes, std::string& out) {
  const char* const start = p_;
  std::string_view text;
  if (!text_view(path, text)) return false;
  if (text.empty()) return true;
  const std::size_t expected = bytes * 2;
  if (text.size() != expected) {
    std::string what = "expected " + std::to_string(expected) + " hex characters, found " +
                       std::to_string(text.size());
    if (looks_like_base64(text, bytes)) what += "; trace/span ids must be hex, not base64";
    return field_error(path, start, what);
  }
  std::array<char, 32> decoded{};
  for (std::size_t i = 0; i < bytes && i < decoded.size(); ++i) {
    const int high = kHexDigit[static_cast<std::uint8_t>(text[2 * i])];
    const int low = kHexDigit[static_cast<std::uint8_t>(text[2 * i + 1])];
    if (high >= 0 && low >= 0) {
      decoded[i] = static_cast<char>(high << 4 | low);
      continue;
    }
    if (looks_like_base64(text, bytes)) {
      return field_error(path, start, "trace/span ids must be hex, not base64");
    }
    const std::size_t bad = 2 * i + (high < 0 ? 0 : 1);
    const bool in_input = text.data() >= begin_ && text.data() < end_;
    const char c = text[bad];
    return field_error(path, in_input ? text.data() + bad : start,
                       c > ' ' && c < 0x7F ? std::string("invalid hex character '") + c + "'"
                                           : std::string("invalid hex character"));
  }
  out.assign(decoded.data(), bytes);
  return true;
}

bool JsonReader::base64(const Path& path, std::string& out) {
  const char* const start = p_;
  std::string_view text;
  if (!text_view(path, text)) return false;
  out.clear();
  return decode_base64(text, out) || field_error(path, start, "invalid base64");
}

}  // namespace spanflow::codec::detail
