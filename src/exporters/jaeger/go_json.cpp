#include "exporters/jaeger/go_json.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/json_text.h"

namespace spanflow::exporters::jaeger {
namespace {

// AnyValues nest only through arrays and maps; protobuf parsing stops at 100 message levels, so
// deeper values exist only when built in code. They are written as null rather than recursing
// without bound.
constexpr int kMaxDepth = 128;

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  bool value(const otlp::AnyValue& value, int depth) {
    if (depth > kMaxDepth) {
      out_.append("null");
      return true;
    }
    switch (value.value_case()) {
      case otlp::AnyValue::kStringValue:
        string(value.string_value());
        return true;
      case otlp::AnyValue::kBoolValue:
        out_.append(value.bool_value() ? "true" : "false");
        return true;
      case otlp::AnyValue::kIntValue:
        integer(value.int_value());
        return true;
      case otlp::AnyValue::kDoubleValue:
        return floating(value.double_value());
      case otlp::AnyValue::kBytesValue:
        // pcommon's AsRaw() copies bytes by appending to a nil slice, so empty bytes are a
        // nil []byte, which Go encodes as null.
        if (value.bytes_value().empty()) break;
        base64(value.bytes_value());
        return true;
      case otlp::AnyValue::kArrayValue:
        return array(value.array_value(), depth);
      case otlp::AnyValue::kKvlistValue:
        return map(value.kvlist_value(), depth);
      case otlp::AnyValue::VALUE_NOT_SET:
        break;
    }
    out_.append("null");
    return true;
  }

 private:
  bool array(const otlp::ArrayValue& array, int depth) {
    out_.push_back('[');
    bool first = true;
    for (const auto& element : array.values()) {
      if (!first) out_.push_back(',');
      first = false;
      if (!value(element, depth + 1)) return false;
    }
    out_.push_back(']');
    return true;
  }

  bool map(const otlp::KeyValueList& list, int depth) {
    // Go builds a map (the last duplicate key wins) and encodes its keys in sorted order.
    std::vector<const otlp::KeyValue*> entries;
    entries.reserve(static_cast<std::size_t>(list.values_size()));
    for (const auto& entry : list.values()) entries.push_back(&entry);
    std::stable_sort(entries.begin(), entries.end(),
                     [](const otlp::KeyValue* a, const otlp::KeyValue* b) {
                       return std::string_view(a->key()) < std::string_view(b->key());
                     });
    out_.push_back('{');
    bool first = true;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i + 1 < entries.size() && entries[i + 1]->key() == entries[i]->key()) continue;
      if (!first) out_.push_back(',');
      first = false;
      string(entries[i]->key());
      out_.push_back(':');
      if (!value(entries[i]->value(), depth + 1)) return false;
    }
    out_.push_back('}');
    return true;
  }

  void integer(std::int64_t value) {
    std::array<char, 24> buffer;
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    out_.append(buffer.data(), result.ptr);
  }

  // Go: strconv.AppendFloat(f, 'f' or 'e', -1, 64), then "e-07" shortened to "e-7".
  bool floating(double value) {
    if (!std::isfinite(value)) return false;
    const double magnitude = std::fabs(value);
    const bool exponent = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21);
    std::array<char, 32> buffer;
    const auto result =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                      exponent ? std::chars_format::scientific : std::chars_format::fixed);
    std::string_view text(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()));
    const std::size_t n = text.size();
    if (exponent && n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
      out_.append(text.substr(0, n - 2));
      out_.push_back(text[n - 1]);
    } else {
      out_.append(text);
    }
    return true;
  }

  void base64(std::string_view bytes) {
    out_.push_back('"');
    std::size_t i = 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
    for (; i + 3 <= bytes.size(); i += 3) {
      const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
      const char quad[4] = {kBase64Digits[v >> 18], kBase64Digits[(v >> 12) & 63],
                            kBase64Digits[(v >> 6) & 63], kBase64Digits[v & 63]};
      out_.append(quad, 4);
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
      const unsigned v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0u);
      out_.push_back(kBase64Digits[v >> 18]);
      out_.push_back(kBase64Digits[(v >> 12) & 63]);
      out_.push_back(rest == 2 ? kBase64Digits[(v >> 6) & 63] : '=');
      out_.push_back('=');
    }
    out_.push_back('"');
  }

  void unicode_escape(unsigned code) {
    const char text[6] = {'\\',
                          'u',
                          kHexDigits[(code >> 12) & 15],
                          kHexDigits[(code >> 8) & 15],
                          kHexDigits[(code >> 4) & 15],
                          kHexDigits[code & 15]};
    out_.append(text, 6);
  }

  // Go's encoding/json string encoder with HTML escaping on (what json.Marshal uses).
  void string(std::string_view text) {
    out_.push_back('"');
    const char* p = text.data();
    const char* const end = p + text.size();
    while (p < end) {
      const auto c = static_cast<unsigned char>(*p);
      if (c >= 0x80) {
        const std::size_t length = codec::detail::utf8_sequence_length(p, end);
        if (length == 0) {
          out_.append("\\ufffd");
          ++p;
          continue;
        }
        // U+2028 and U+2029 (E2 80 A8/A9) break JavaScript string literals; Go escapes them.
        if (length == 3 && c == 0xE2 && static_cast<unsigned char>(p[1]) == 0x80 &&
            (static_cast<unsigned char>(p[2]) & 0xFE) == 0xA8) {
          unicode_escape(0x2028u | (static_cast<unsigned char>(p[2]) & 1u));
        } else {
          out_.append(p, length);
        }
        p += length;
        continue;
      }
      switch (c) {
        case '"':
          out_.append("\\\"");
          break;
        case '\\':
          out_.append("\\\\");
          break;
        case '\b':
          out_.append("\\b");
          break;
        case '\f':
          out_.append("\\f");
          break;
        case '\n':
          out_.append("\\n");
          break;
        case '\r':
          out_.append("\\r");
          break;
        case '\t':
          out_.append("\\t");
          break;
        case '<':
        case '>':
        case '&':
          unicode_escape(c);
          break;
        default:
          if (c < 0x20) {
            unicode_escape(c);
          } else {
            out_.push_back(static_cast<char>(c));
          }
      }
      ++p;
    }
    out_.push_back('"');
  }

  std::string& out_;
};

}  // namespace

bool append_go_json(const otlp::AnyValue& value, std::string& out) {
  return Writer(out).value(value, 0);
}

}  // namespace spanflow::exporters::jaeger
