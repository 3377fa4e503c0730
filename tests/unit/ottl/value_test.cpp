// OTTL values: stringification as the Collector's StringLikeGetter does it, and the comparison
// rules on values that the condition tables cannot build from literals.
#include "ottl/value.h"

#include <catch.hpp>
#include <cmath>
#include <limits>

using spanflow::ottl::CompareOp;
using spanflow::ottl::format_double;
using spanflow::ottl::to_string_like;
using spanflow::ottl::Value;
namespace otlp = spanflow::otlp;

namespace {

std::string stringify(const Value& v) {
  std::string out = "<nil>";
  to_string_like(v, out);
  return out;
}

otlp::AnyValue* add(otlp::KeyValueList& list, const std::string& key) {
  auto* kv = list.add_values();
  kv->set_key(key);
  return kv->mutable_value();
}

}  // namespace

TEST_CASE("floats print as Go and JavaScript print them") {
  CHECK(format_double(0.25) == "0.25");
  CHECK(format_double(503) == "503");
  CHECK(format_double(-0.0) == "-0");
  CHECK(format_double(1e20) == "100000000000000000000");
  CHECK(format_double(1e21) == "1e+21");
  CHECK(format_double(0.000001) == "0.000001");
  CHECK(format_double(0.0000001) == "1e-7");
  CHECK(format_double(1.5e-10) == "1.5e-10");
  CHECK(format_double(123456789.125) == "123456789.125");
  CHECK(format_double(0.1 + 0.2) == "0.30000000000000004");
  CHECK(format_double(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(format_double(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("maps stringify as JSON with sorted keys, escaped text and base64 bytes") {
  otlp::KeyValueList map;
  add(map, "z")->set_string_value("<a href=\"x\">&</a>\n\x01");
  add(map, "a")->set_bytes_value(std::string("\x00\xff\x10", 3));
  add(map, "m")->set_double_value(2.5);
  add(map, "a")->set_int_value(7);  // a duplicate key: the first one wins, as in lookups
  add(map, "u")->set_string_value("\xE2\x80\xA8 \xff ok \xC3\xA9");
  add(map, "n");
  auto* list = add(map, "l")->mutable_array_value();
  list->add_values()->set_bool_value(false);
  list->add_values()->mutable_kvlist_value();
  CHECK(stringify(Value::map(map.values())) ==
        R"({"a":"AP8Q","l":[false,{}],"m":2.5,"n":null,)"
        R"("u":"\u2028 \ufffd ok é","z":"\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e\n\u0001"})");
}

TEST_CASE("scalars stringify as OTTL's StringLikeGetter does") {
  CHECK(stringify(Value()) == "<nil>");
  CHECK(stringify(Value::boolean(false)) == "false");
  CHECK(stringify(Value::integer(-42)) == "-42");
  CHECK(stringify(Value::real(1e-7)) == "1e-7");
  CHECK(stringify(Value::borrowed_string("text")) == "text");
  CHECK(stringify(Value::borrowed_bytes(std::string_view("\x00\xab", 2))) == "00ab");
}

TEST_CASE("an owning copy survives the value it was copied from") {
  Value copy;
  {
    std::string source = "short";
    copy = Value::borrowed_string(source).owning_copy();
    source.assign("overwritten and much longer than before");
  }
  const Value moved = std::move(copy);
  CHECK(moved.as_string() == "short");
}

TEST_CASE("typed attribute values compare deeply but ints never equal floats inside arrays") {
  otlp::ArrayValue ints;
  ints.add_values()->set_int_value(1);
  otlp::ArrayValue doubles;
  doubles.add_values()->set_double_value(1.0);
  otlp::ArrayValue ints_again = ints;
  CHECK(compare(Value::array(ints.values()), Value::array(ints_again.values()), CompareOp::kEq));
  CHECK(compare(Value::array(ints.values()), Value::array(doubles.values()), CompareOp::kNe));

  otlp::KeyValueList a;
  add(a, "x")->set_string_value("1");
  add(a, "y")->set_int_value(2);
  otlp::KeyValueList b;
  add(b, "y")->set_int_value(2);
  add(b, "x")->set_string_value("1");
  CHECK(compare(Value::map(a.values()), Value::map(b.values()), CompareOp::kEq));
  add(b, "z");
  CHECK(compare(Value::map(a.values()), Value::map(b.values()), CompareOp::kNe));
  CHECK_FALSE(compare(Value::map(a.values()), Value::map(a.values()), CompareOp::kLe));
}

TEST_CASE("NaN is unequal to everything, itself included") {
  const Value nan = Value::real(std::nan(""));
  CHECK_FALSE(compare(nan, nan, CompareOp::kEq));
  CHECK(compare(nan, nan, CompareOp::kNe));
  CHECK_FALSE(compare(nan, Value::integer(1), CompareOp::kLt));
  CHECK_FALSE(compare(nan, Value::integer(1), CompareOp::kGe));
}
