// One W3C tracestate reader for OTTL and tail_sampling, with Go's ParseTraceState rules.
#include "core/tracestate_lookup.h"

#include <catch.hpp>

using spanflow::find_tracestate_entry;

TEST_CASE("a tracestate entry is found, absent, or the whole header is invalid") {
  const auto found = find_tracestate_entry(" ot=th:8 ,\tvendor=keep, x@y=1", "vendor");
  CHECK(found.valid);
  REQUIRE(found.value);
  CHECK(*found.value == "keep");
  const auto absent = find_tracestate_entry("ot=th:8", "vendor");
  CHECK(absent.valid);
  CHECK_FALSE(absent.value);
  CHECK(find_tracestate_entry("", "vendor").valid);
  for (const char* bad : {"vendor", "Vendor=a", "_v=a", "v=", "v=a\x7f", "v=a=b", "v=a,v=b"}) {
    INFO(bad);
    const auto e = find_tracestate_entry(bad, "v");
    CHECK_FALSE(e.valid);
    CHECK_FALSE(e.value);
  }
  std::string many;
  for (int i = 0; i < 33; ++i) many += "k" + std::to_string(i) + "=v,";
  CHECK_FALSE(find_tracestate_entry(many, "k0").valid);
}
