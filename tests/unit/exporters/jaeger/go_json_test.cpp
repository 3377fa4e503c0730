// Go encoding/json compatibility of array and map attribute text (what the Collector's
// translator puts in a Jaeger STRING tag).
#include "exporters/jaeger/go_json.h"

#include <catch.hpp>
#include <cmath>
#include <limits>
#include <string>

using spanflow::exporters::jaeger::append_go_json;
namespace otlp = spanflow::otlp;

namespace {

std::string json(const otlp::AnyValue& value) {
  std::string out;
  REQUIRE(append_go_json(value, out));
  return out;
}

std::string json_of_string(const std::string& text) {
  otlp::AnyValue value;
  value.mutable_array_value()->add_values()->set_string_value(text);
  return json(value);
}

std::string json_of_double(double d) {
  otlp::AnyValue value;
  value.set_double_value(d);
  return json(value);
}

}  // namespace

TEST_CASE("strings are escaped as Go's json.Marshal escapes them") {
  CHECK(json_of_string("plain") == R"(["plain"])");
  CHECK(json_of_string("q\"b\\s/") == R"(["q\"b\\s/"])");
  CHECK(json_of_string("\b\f\n\r\t") == R"(["\b\f\n\r\t"])");
  CHECK(json_of_string(std::string("\x00\x01\x1f\x7f", 4)) == "[\"\\u0000\\u0001\\u001f\x7f\"]");
  CHECK(json_of_string("<a href='x'>&</a>") == R"(["\u003ca href='x'\u003e\u0026\u003c/a\u003e"])");
  CHECK(json_of_string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "[\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"]");
  CHECK(json_of_string("a\xE2\x80\xA8"
                       "b\xE2\x80\xA9") == R"(["a\u2028b\u2029"])");
  // Each byte of an invalid sequence is one U+FFFD: a stray continuation byte, a cut-off
  // sequence, an overlong form and an encoded surrogate.
  CHECK(json_of_string("x\x80y") == R"(["x\ufffdy"])");
  CHECK(json_of_string("\xE2\x82") == R"(["\ufffd\ufffd"])");
  CHECK(json_of_string("\xC0\xAF") == R"(["\ufffd\ufffd"])");
  CHECK(json_of_string("\xED\xA0\x80") == R"(["\ufffd\ufffd\ufffd"])");
}

TEST_CASE("doubles take Go's shortest form, in e notation below 1e-6 and from 1e21") {
  CHECK(json_of_double(0) == "0");
  CHECK(json_of_double(-0.0) == "-0");
  CHECK(json_of_double(1) == "1");
  CHECK(json_of_double(0.1) == "0.1");
  CHECK(json_of_double(-2.5) == "-2.5");
  CHECK(json_of_double(123456789) == "123456789");
  CHECK(json_of_double(0.000001) == "0.000001");
  CHECK(json_of_double(0.0000001) == "1e-7");
  CHECK(json_of_double(1.5e-10) == "1.5e-10");
  CHECK(json_of_double(1e20) == "100000000000000000000");
  CHECK(json_of_double(1e21) == "1e+21");
  CHECK(json_of_double(-1.25e300) == "-1.25e+300");
  CHECK(json_of_double(std::numeric_limits<double>::denorm_min()) == "5e-324");
}

TEST_CASE("NaN and infinities make the whole text fail, as Go's encoder refuses them") {
  for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()}) {
    otlp::AnyValue value;
    auto* kv = value.mutable_kvlist_value()->add_values();
    kv->set_key("deep");
    kv->mutable_value()->mutable_array_value()->add_values()->set_double_value(bad);
    std::string out;
    CHECK_FALSE(append_go_json(value, out));
  }
}

TEST_CASE("nested maps sort their keys bytewise, keep the last duplicate and escape keys") {
  otlp::AnyValue value;
  auto* list = value.mutable_kvlist_value();
  auto add = [](otlp::KeyValueList* to, const std::string& key) -> otlp::AnyValue& {
    auto* kv = to->add_values();
    kv->set_key(key);
    return *kv->mutable_value();
  };
  add(list, "b").set_int_value(1);
  add(list, "B").set_int_value(2);             // uppercase sorts first (bytewise)
  add(list, "\xC3\xA9").set_bool_value(true);  // non-ASCII sorts last
  add(list, "a<").set_string_value("x");
  auto& inner = *add(list, "a").mutable_kvlist_value();
  add(&inner, "y").set_int_value(-1);
  add(&inner, "x").mutable_array_value();  // []
  add(&inner, "y").set_int_value(9);
  add(list, "b").set_int_value(3);
  CHECK(json(value) ==
        "{\"B\":2,\"a\":{\"x\":[],\"y\":9},\"a\\u003c\":\"x\",\"b\":3,\"\xC3\xA9\":true}");
}

TEST_CASE("bytes are padded standard base64; empty bytes and unset values are null") {
  otlp::AnyValue value;
  auto* array = value.mutable_array_value();
  array->add_values()->set_bytes_value("");
  array->add_values()->set_bytes_value("f");
  array->add_values()->set_bytes_value("fo");
  array->add_values()->set_bytes_value("foo");
  array->add_values()->set_bytes_value(std::string("\xfb\xff\xfe", 3));
  array->add_values();
  array->add_values()->mutable_kvlist_value();
  CHECK(json(value) == R"([null,"Zg==","Zm8=","Zm9v","+//+",null,{}])");
}
