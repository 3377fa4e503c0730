#include "ottl/value.h"

namespace spanflow::ottl {

namespace {

bool any_equal(const otlp::AnyValue& a, const otlp::AnyValue& b);

const otlp::AnyValue* find_key(const Attributes& entries, std::string_view key) {
  for (const auto& kv : entries) {
    if (kv.key() == key) return &kv.value();
  }
  return nullptr;
}

// pdata's Map.Equal: the same number of entries, each key of `a` in `b` with an equal value.
bool map_equal(const Attributes& a, const Attributes& b) {
  if (a.size() != b.size()) return false;
  for (const auto& kv : a) {
    const otlp::AnyValue* other = find_key(b, kv.key());
    if (other == nullptr || !any_equal(kv.value(), *other)) return false;
  }
  return true;
}

bool array_equal(const Elements& a, const Elements& b) {
  if (a.size() != b.size()) return false;
  for (int i = 0; i < a.size(); ++i) {
    if (!any_equal(a[i], b[i])) return false;
  }
  return true;
}

// Typed equality, as pdata's Value.Equal: an int attribute never equals a float attribute.
bool any_equal(const otlp::AnyValue& a, const otlp::AnyValue& b) {
  if (a.value_case() != b.value_case()) return false;
  switch (a.value_case()) {
    case otlp::AnyValue::kStringValue:
      return a.string_value() == b.string_value();
    case otlp::AnyValue::kBoolValue:
      return a.bool_value() == b.bool_value();
    case otlp::AnyValue::kIntValue:
      return a.int_value() == b.int_value();
    case otlp::AnyValue::kDoubleValue:
      return a.double_value() == b.double_value();
    case otlp::AnyValue::kBytesValue:
      return a.bytes_value() == b.bytes_value();
    case otlp::AnyValue::kArrayValue:
      return array_equal(a.array_value().values(), b.array_value().values());
    case otlp::AnyValue::kKvlistValue:
      return map_equal(a.kvlist_value().values(), b.kvlist_value().values());
    case otlp::AnyValue::VALUE_NOT_SET:
      return true;
  }
  return false;
}

template <typename T>
bool ordered(const T& a, const T& b, CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return a == b;
    case CompareOp::kNe:
      return a != b;
    case CompareOp::kLt:
      return a < b;
    case CompareOp::kLe:
      return a <= b;
    case CompareOp::kGt:
      return a > b;
    case CompareOp::kGe:
      return a >= b;
  }
  return false;
}

bool is_number(Type t) {
  return t == Type::kInt || t == Type::kDouble;
}

double number(const Value& v) {
  return v.type() == Type::kInt ? static_cast<double>(v.as_int()) : v.as_double();
}

}  // namespace

std::string_view describe(Type type) {
  switch (type) {
    case Type::kNil:
      return "nil";
    case Type::kBool:
      return "a boolean";
    case Type::kInt:
      return "an int";
    case Type::kDouble:
      return "a float";
    case Type::kString:
      return "a string";
    case Type::kBytes:
      return "bytes";
    case Type::kArray:
      return "an array";
    case Type::kMap:
      return "a map";
  }
  return "a value";
}

Value Value::boolean(bool b) {
  Value v;
  v.type_ = Type::kBool;
  v.int_ = b ? 1 : 0;
  return v;
}

Value Value::integer(std::int64_t i) {
  Value v;
  v.type_ = Type::kInt;
  v.int_ = i;
  return v;
}

Value Value::real(double d) {
  Value v;
  v.type_ = Type::kDouble;
  v.double_ = d;
  return v;
}

Value Value::borrowed_string(std::string_view s) {
  Value v;
  v.type_ = Type::kString;
  v.view_ = s;
  return v;
}

Value Value::owned_string(std::string s) {
  Value v;
  v.type_ = Type::kString;
  v.owned_ = true;
  v.storage_ = std::move(s);
  return v;
}

Value Value::borrowed_bytes(std::string_view b) {
  Value v;
  v.type_ = Type::kBytes;
  v.view_ = b;
  return v;
}

Value Value::array(const Elements& elements) {
  Value v;
  v.type_ = Type::kArray;
  v.ref_ = &elements;
  return v;
}

Value Value::map(const Attributes& entries) {
  Value v;
  v.type_ = Type::kMap;
  v.ref_ = &entries;
  return v;
}

Value Value::from_any(const otlp::AnyValue& any) {
  switch (any.value_case()) {
    case otlp::AnyValue::kStringValue:
      return borrowed_string(any.string_value());
    case otlp::AnyValue::kBoolValue:
      return boolean(any.bool_value());
    case otlp::AnyValue::kIntValue:
      return integer(any.int_value());
    case otlp::AnyValue::kDoubleValue:
      return real(any.double_value());
    case otlp::AnyValue::kBytesValue:
      return borrowed_bytes(any.bytes_value());
    case otlp::AnyValue::kArrayValue:
      return array(any.array_value().values());
    case otlp::AnyValue::kKvlistValue:
      return map(any.kvlist_value().values());
    case otlp::AnyValue::VALUE_NOT_SET:
      return {};
  }
  return {};
}

Value Value::owning_copy() const {
  if ((type_ != Type::kString && type_ != Type::kBytes) || owned_) return *this;
  Value v = *this;
  v.owned_ = true;
  v.storage_ = std::string(view_);
  v.view_ = {};
  return v;
}

bool compare(const Value& a, const Value& b, CompareOp op) {
  const Type ta = a.type();
  const Type tb = b.type();
  if (ta == Type::kNil && tb == Type::kNil) {
    return op == CompareOp::kEq || op == CompareOp::kLe || op == CompareOp::kGe;
  }
  if (is_number(ta) && is_number(tb)) {
    if (ta == Type::kInt && tb == Type::kInt) return ordered(a.as_int(), b.as_int(), op);
    return ordered(number(a), number(b), op);
  }
  if (ta != tb) return op == CompareOp::kNe;
  switch (ta) {
    case Type::kBool:
      return ordered(a.as_bool(), b.as_bool(), op);
    case Type::kString:
    case Type::kBytes:
      return ordered(a.as_string(), b.as_string(), op);
    case Type::kArray:
      if (op != CompareOp::kEq && op != CompareOp::kNe) return false;
      return array_equal(a.as_array(), b.as_array()) == (op == CompareOp::kEq);
    case Type::kMap:
      if (op != CompareOp::kEq && op != CompareOp::kNe) return false;
      return map_equal(a.as_map(), b.as_map()) == (op == CompareOp::kEq);
    case Type::kNil:
    case Type::kInt:
    case Type::kDouble:
      break;
  }
  return false;
}

}  // namespace spanflow::ottl
