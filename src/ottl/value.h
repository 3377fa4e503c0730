// Value: what an OTTL expression evaluates to, and OTTL's comparison and stringification rules.
//
// Strings, bytes, arrays and maps usually borrow from the span being evaluated (no copy per
// span); a Value holding borrowed data must not outlive that span. Converters that build a new
// string (String(), trace_id.string) make the Value own it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/otlp.h"

namespace spanflow::ottl {

using Attributes = google::protobuf::RepeatedPtrField<otlp::KeyValue>;
using Elements = google::protobuf::RepeatedPtrField<otlp::AnyValue>;

enum class Type : std::uint8_t { kNil, kBool, kInt, kDouble, kString, kBytes, kArray, kMap };

// "nil", "a boolean", "an int", "a float", "a string", "bytes", "an array", "a map".
std::string_view describe(Type type);

class Value {
 public:
  Value() = default;  // nil
  static Value boolean(bool b);
  static Value integer(std::int64_t i);
  static Value real(double d);
  static Value borrowed_string(std::string_view s);
  static Value owned_string(std::string s);
  static Value borrowed_bytes(std::string_view b);
  static Value array(const Elements& elements);
  static Value map(const Attributes& entries);
  // The value of an attribute, borrowed; an AnyValue with nothing set is nil.
  static Value from_any(const otlp::AnyValue& any);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::kNil; }
  bool as_bool() const { return int_ != 0; }
  std::int64_t as_int() const { return int_; }
  double as_double() const { return double_; }
  // The text of a string or the octets of bytes.
  std::string_view as_string() const { return owned_ ? std::string_view(storage_) : view_; }
  const Elements& as_array() const { return *static_cast<const Elements*>(ref_); }
  const Attributes& as_map() const { return *static_cast<const Attributes*>(ref_); }

  // A copy that owns its string or bytes (arrays and maps stay borrowed).
  Value owning_copy() const;

 private:
  Type type_ = Type::kNil;
  bool owned_ = false;
  std::int64_t int_ = 0;  // also the boolean
  double double_ = 0;
  std::string_view view_;
  std::string storage_;
  const void* ref_ = nullptr;
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

// OTTL's comparison rules: nil equals only nil (and nil <= nil, nil >= nil); int against float
// compares as float; strings and bytes compare bytewise; false < true; arrays and maps support
// only == and != (deep); values of different types are only != (every other operator is false).
bool compare(const Value& a, const Value& b, CompareOp op);

// The string a "StringLike" converter argument becomes: strings as they are, ints in decimal,
// floats as Go/JavaScript print them (1.5, 1e+21), booleans "true"/"false", bytes as lowercase
// hex, arrays and maps as JSON (map keys sorted, bytes inside as base64). Nil has no string:
// returns false and leaves `out` alone.
bool to_string_like(const Value& value, std::string& out);

// A float as Go's strconv 'f' shortest form, or exponent form below 1e-6 and from 1e21 on.
std::string format_double(double d);

}  // namespace spanflow::ottl
