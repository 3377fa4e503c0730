#include "processors/attributes/actions.h"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/value_text.h"

namespace spanflow::processors::attributes {

namespace {

using Case = otlp::AnyValue::ValueCase;

// Index of the first attribute named `key` (the one the Collector's map lookup finds), or -1.
int find(const Attributes& attrs, std::string_view key) {
  for (int i = 0; i < attrs.size(); ++i) {
    if (attrs.Get(i).key() == key) return i;
  }
  return -1;
}

// The Collector's Map.Remove: the last attribute takes the removed one's place.
void remove_at(Attributes& attrs, int i) {
  const int last = attrs.size() - 1;
  if (i != last) attrs.SwapElements(i, last);
  attrs.RemoveLast();
}

otlp::AnyValue* add(Attributes& attrs, std::string_view key) {
  otlp::KeyValue* kv = attrs.Add();
  kv->set_key(key.data(), key.size());
  return kv->mutable_value();
}

const otlp::AnyValue* source_value(const Action& a, const Attributes& attrs) {
  if (a.value) return &*a.value;
  if (!a.from_attribute.empty()) {
    const int i = find(attrs, a.from_attribute);
    return i < 0 ? nullptr : &attrs.Get(i).value();
  }
  return nullptr;  // from_context: no request context to read yet
}

void set(const Action& a, Attributes& attrs) {
  const otlp::AnyValue* value = source_value(a, attrs);
  if (value == nullptr) return;
  const int i = find(attrs, a.key);
  if (i >= 0) {
    // CopyFrom of a value onto itself (from_attribute == key) is a no-op.
    if (a.type != ActionType::kInsert) attrs.Mutable(i)->mutable_value()->CopyFrom(*value);
  } else if (a.type != ActionType::kUpdate) {
    // Add() never moves existing elements, so `value` stays valid.
    add(attrs, a.key)->CopyFrom(*value);
  }
}

template <typename T>
std::string_view little_endian_bytes(T v, char (&buffer)[8]) {
  auto bits = std::bit_cast<std::uint64_t>(v);
  for (char& b : buffer) {
    b = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  return {buffer, sizeof buffer};
}

// The Collector's hash: the digest of the value's bytes as lowercase hex, replacing the value
// as a string; a value with no bytes to hash (an empty string, map, array, bytes or empty
// value) becomes "".
void hash_value(const Hasher& hasher, otlp::AnyValue& v) {
  char buffer[8];
  std::string_view input;
  switch (v.value_case()) {
    case Case::kStringValue:
      input = v.string_value();
      break;
    case Case::kBoolValue:
      buffer[0] = v.bool_value() ? 1 : 0;
      input = std::string_view(buffer, 1);
      break;
    case Case::kIntValue:
      input = little_endian_bytes(v.int_value(), buffer);
      break;
    case Case::kDoubleValue:
      input = little_endian_bytes(v.double_value(), buffer);
      break;
    default:
      break;
  }
  std::array<char, 64> hex;
  // Should OpenSSL ever fail, the value is dropped rather than left readable.
  if (input.empty() || !hasher.hex_digest(input, hex)) {
    v.set_string_value("");
  } else {
    v.set_string_value(hex.data(), hex.size());
  }
}

void hash(const Action& a, Attributes& attrs) {
  // As in the Collector, an attribute named by `key` that also matches `pattern` is hashed
  // twice; keeping that keeps spanflow's digests identical to the Collector's.
  if (!a.key.empty()) {
    if (const int i = find(attrs, a.key); i >= 0) {
      hash_value(*a.hasher, *attrs.Mutable(i)->mutable_value());
    }
  }
  if (!a.pattern) return;
  for (otlp::KeyValue& kv : attrs) {
    if (a.pattern->search(kv.key())) hash_value(*a.hasher, *kv.mutable_value());
  }
}

void remove(const Action& a, Attributes& attrs) {
  if (!a.key.empty()) {
    if (const int i = find(attrs, a.key); i >= 0) remove_at(attrs, i);
  }
  if (!a.pattern) return;
  for (int i = 0; i < attrs.size();) {
    if (a.pattern->search(attrs.Get(i).key())) {
      remove_at(attrs, i);  // the attribute moved into slot i is checked next
    } else {
      ++i;
    }
  }
}

void upsert_string(Attributes& attrs, std::string_view key, const char* data, std::size_t size) {
  const int i = find(attrs, key);
  otlp::AnyValue* value = i >= 0 ? attrs.Mutable(i)->mutable_value() : add(attrs, key);
  value->set_string_value(data, size);
}

void extract(const Action& a, Attributes& attrs) {
  const int i = find(attrs, a.key);
  if (i < 0 || attrs.Get(i).value().value_case() != Case::kStringValue) return;
  const std::string& text = attrs.Get(i).value().string_value();
  std::cmatch match;
  if (!a.pattern->find(text, match)) return;
  const auto& names = a.pattern->group_names();
  for (const std::size_t group : a.extract_order) {
    const auto& sub = match[group + 1];  // a group that took no part gives "", as in Go
    const std::size_t size = sub.matched ? static_cast<std::size_t>(sub.length()) : 0;
    upsert_string(attrs, names[group], sub.matched ? sub.first : "", size);
  }
}

void to_int(otlp::AnyValue& v) {
  switch (v.value_case()) {
    case Case::kDoubleValue: {
      // Truncated toward zero. NaN and values outside int64 are left as they are: Go's
      // conversion gives a platform-dependent result for them.
      const double d = v.double_value();
      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
        v.set_int_value(static_cast<std::int64_t>(d));
      }
      break;
    }
    case Case::kBoolValue:
      v.set_int_value(v.bool_value() ? 1 : 0);
      break;
    case Case::kStringValue:
      if (const auto n = parse_int(v.string_value())) v.set_int_value(*n);
      break;
    default:
      break;
  }
}

void to_double(otlp::AnyValue& v) {
  switch (v.value_case()) {
    case Case::kIntValue:
      v.set_double_value(static_cast<double>(v.int_value()));
      break;
    case Case::kBoolValue:
      v.set_double_value(v.bool_value() ? 1 : 0);
      break;
    case Case::kStringValue:
      if (const auto d = parse_float(v.string_value())) v.set_double_value(*d);
      break;
    default:
      break;
  }
}

void convert(const Action& a, Attributes& attrs) {
  const int i = find(attrs, a.key);
  if (i < 0) return;
  otlp::AnyValue& v = *attrs.Mutable(i)->mutable_value();
  switch (a.converted_type) {
    case ConvertTo::kInt:
      to_int(v);
      break;
    case ConvertTo::kDouble:
      to_double(v);
      break;
    case ConvertTo::kString:
      if (v.value_case() != Case::kStringValue) v.set_string_value(as_string(v));
      break;
  }
}

}  // namespace

void apply_actions(const std::vector<Action>& actions, Attributes& attributes) {
  for (const Action& a : actions) {
    switch (a.type) {
      case ActionType::kInsert:
      case ActionType::kUpdate:
      case ActionType::kUpsert:
        set(a, attributes);
        break;
      case ActionType::kDelete:
        remove(a, attributes);
        break;
      case ActionType::kHash:
        hash(a, attributes);
        break;
      case ActionType::kExtract:
        extract(a, attributes);
        break;
      case ActionType::kConvert:
        convert(a, attributes);
        break;
    }
  }
}

}  // namespace spanflow::processors::attributes
