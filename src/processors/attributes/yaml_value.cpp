#include "processors/attributes/yaml_value.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/value_text.h"

namespace spanflow::processors::attributes {

namespace {

using Kind = config::ConfigValue::Kind;

bool one_of(std::string_view text, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), text) != words.end();
}

// strconv.ParseInt(text, 0, 64), falling back to ParseUint as yaml.v3 does; a uint64 past
// the int64 range wraps, as pcommon's FromRaw converts it.
std::optional<std::int64_t> parse_yaml_int(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const bool has_sign = !text.empty() && (text.front() == '-' || text.front() == '+');
  std::string_view digits = has_sign ? text.substr(1) : text;
  int base = 10;
  if (digits.size() > 1 && digits[0] == '0') {
    const char p = static_cast<char>(digits[1] | 0x20);
    base = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 8;
    digits.remove_prefix(p == 'x' || p == 'o' || p == 'b' ? 2 : 1);
  }
  if (digits.empty() || digits.front() == '+' || digits.front() == '-') return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (magnitude > kMax + 1) return std::nullopt;
    return static_cast<std::int64_t>(0 - magnitude);
  }
  if (magnitude > kMax && has_sign) return std::nullopt;  // ParseUint takes no sign
  return static_cast<std::int64_t>(magnitude);
}

// yaml.v3's float syntax: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool yaml_float_syntax(std::string_view t) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i - start;
  };
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < t.size() && t[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == t.size();
}

void set_scalar(const config::ConfigValue& value, otlp::AnyValue& out) {
  const std::string& text = value.scalar;
  if (value.string_typed) {
    out.set_string_value(text);
    return;
  }
  if (one_of(text, {"", "~", "null", "Null", "NULL"})) return;
  if (one_of(text, {"true", "True", "TRUE"})) return out.set_bool_value(true);
  if (one_of(text, {"false", "False", "FALSE"})) return out.set_bool_value(false);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (one_of(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    return out.set_double_value(kInf);
  }
  if (one_of(text, {"-.inf", "-.Inf", "-.INF"})) return out.set_double_value(-kInf);
  if (one_of(text, {".nan", ".NaN", ".NAN"})) {
    return out.set_double_value(std::numeric_limits<double>::quiet_NaN());
  }
  std::string plain = text;
  std::erase(plain, '_');
  if (const auto i = parse_yaml_int(plain)) return out.set_int_value(*i);
  if (yaml_float_syntax(plain)) {
    if (const auto d = parse_float(plain)) return out.set_double_value(*d);
  }
  out.set_string_value(text);
}

}  // namespace

otlp::AnyValue to_any_value(const config::ConfigValue& value) {
  otlp::AnyValue out;
  switch (value.kind) {
    case Kind::kNull:
      break;
    case Kind::kScalar:
      set_scalar(value, out);
      break;
    case Kind::kSequence: {
      auto* array = out.mutable_array_value();
      for (const config::ConfigValue& item : value.seq) *array->add_values() = to_any_value(item);
      break;
    }
    case Kind::kMap: {
      auto* list = out.mutable_kvlist_value();
      for (const config::ConfigValue::Entry& entry : value.map) {
        auto* kv = list->add_values();
        kv->set_key(entry.key);
        *kv->mutable_value() = to_any_value(entry.value);
      }
      break;
    }
  }
  return out;
}

}  // namespace spanflow::processors::attributes
