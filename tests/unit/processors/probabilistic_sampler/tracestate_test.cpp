#include "processors/probabilistic_sampler/tracestate.h"

#include <catch.hpp>
#include <string>

using namespace spanflow::processors::probabilistic_sampler;

namespace {

std::string round_trip(TraceState& state) {
  TextBuffer out;
  state.serialize(out);
  REQUIRE_FALSE(out.overflowed());
  return std::string(out.view());
}

std::string members(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += (i ? ",k" : "k") + std::to_string(i) + "=v";
  return text;
}

}  // namespace

TEST_CASE("a tracestate is written back with ot first and every other entry in order") {
  TraceState state;
  const std::string text = "a=1,ot=th:8;xx:y.z_-;rv:0123456789abcd,b@sys=v w";
  REQUIRE(state.parse(text));
  CHECK(state.threshold() == std::uint64_t{8} << 52);
  CHECK(state.randomness() == 0x0123456789abcdu);
  CHECK(round_trip(state) == "ot=rv:0123456789abcd;th:8;xx:y.z_-,a=1,b@sys=v w");
}

TEST_CASE("whitespace around entries and empty entries are not written back") {
  TraceState state;
  REQUIRE(state.parse(" a=1 ,,\tb=2\t,"));
  CHECK_FALSE(state.threshold());
  CHECK(round_trip(state) == "a=1,b=2");
}

TEST_CASE("arriving rv and th keep their spelling until they are replaced") {
  TraceState state;
  const std::string text = "ot=th:C0;rv:ABCDEF01234567";
  REQUIRE(state.parse(text));
  CHECK(round_trip(state) == "ot=rv:ABCDEF01234567;th:C0");
  CHECK(state.update_threshold(std::uint64_t{0xe} << 52));
  CHECK(round_trip(state) == "ot=rv:ABCDEF01234567;th:e");
  state.set_randomness(0x1f);
  CHECK(round_trip(state) == "ot=rv:0000000000001f;th:e");
}

TEST_CASE("a threshold is never lowered, only raised") {
  TraceState state;
  const std::string text = "ot=th:c";
  REQUIRE(state.parse(text));
  CHECK_FALSE(state.update_threshold(std::uint64_t{8} << 52));
  CHECK(round_trip(state) == "ot=th:c");
  CHECK(state.update_threshold(std::uint64_t{0xc} << 52));
  CHECK(state.update_threshold(std::uint64_t{0xe} << 52));
  CHECK(round_trip(state) == "ot=th:e");
  state.clear_threshold();
  CHECK(round_trip(state) == "");
  CHECK(state.update_threshold(0));
  CHECK(round_trip(state) == "ot=th:0");
}

TEST_CASE("a later ot entry replaces an earlier one") {
  TraceState state;
  REQUIRE(state.parse("ot=th:8;aa:1,x=1,ot=bb:2"));
  CHECK_FALSE(state.threshold());
  CHECK(round_trip(state) == "ot=bb:2,x=1");
}

TEST_CASE("tracestates the Collector refuses are refused") {
  TraceState state;
  const std::string too_long_value = "a=" + std::string(257, 'v');
  // Four full entries and a short one: 1024 bytes pass, 1025 do not.
  const auto sized = [](std::size_t size) {
    std::string text = "a=" + std::string(250, 'v');
    for (const char* key : {",b=", ",c=", ",d="}) text += key + std::string(250, 'v');
    return text + ",e=" + std::string(size - text.size() - 3, 'v');
  };
  const std::string too_long = sized(1025);
  const std::string ot_too_long = "ot=xx:" + std::string(254, 'v');
  const std::string bad[] = {
      "A=1",                  // keys are lowercase
      "1a=1",                 // a simple key starts with a letter
      "a=b=c",                // '=' in a value
      "a= ",                  // an empty value once the member is trimmed
      "=1",                   // no key
      "a",                    // no '='
      "t@toolongsystem15=1",  // system id over 14
      "t@1sys=1",             // system id starts with a letter
      too_long_value,         // value over 256
      too_long,               // over 1024 in all
      members(32),            // the Collector stops at 31 entries
      "ot=th:8;",             // empty ot member
      "ot=TH:8",              // ot keys are [a-z][a-z0-9]*
      "ot=xx:a+b",            // ot values are [A-Za-z0-9._-]*
      "ot=xx:a b",
      "ot=th",                  // no ':'
      "ot=th:",                 // an empty th
      "ot=th:fffffffffffffff",  // 15 digits
      "ot=th:xyz",              // not hex
      "ot=rv:0123456789abc",    // 13 digits
      "ot=rv:0123456789abcde",  // 15 digits
      "ot=rv:0123456789abc.",   // not hex
      ot_too_long,              // ot value over 256
  };
  for (const std::string& text : bad) {
    INFO(text);
    CHECK_FALSE(state.parse(text));
  }
  CHECK(state.parse(members(31)));
  CHECK(state.parse(sized(1024)));
  CHECK(state.parse("ot=xx:" + std::string(250, 'v')));
  CHECK(state.parse("0t@sys=1,k_-*/=v!\"#~"));
  CHECK(state.parse(""));
}

TEST_CASE("text that does not fit the buffer marks it overflowed") {
  TextBuffer out;
  out.append(std::string(TextBuffer::kCapacity - 1, 'x'));
  CHECK_FALSE(out.overflowed());
  out.append("yy");
  CHECK(out.overflowed());
  CHECK(out.view().size() == TextBuffer::kCapacity - 1);
}
