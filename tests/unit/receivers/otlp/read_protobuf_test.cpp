#include <catch.hpp>

#include "receivers/otlp/otlp_receiver.h"
#include "support/spans.h"

using namespace spanflow;
using spanflow::receivers::otlp::attach;
using spanflow::receivers::otlp::read_protobuf;

TEST_CASE("a request with valid ids keeps its bytes; invalid ids make it decoded") {
  otlp::ExportRequest request = testing::make_request(3);
  const std::string wire = request.SerializeAsString();
  std::optional<TraceBatch> kept = read_protobuf(std::string(wire));
  REQUIRE(kept);
  CHECK(kept->has_wire());
  CHECK(kept->span_count() == 3);

  request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_span_id("x");
  std::optional<TraceBatch> decoded = read_protobuf(request.SerializeAsString());
  REQUIRE(decoded);
  CHECK_FALSE(decoded->has_wire());
  CHECK(decoded->span_count() == 3);  // removed later, by deliver()

  CHECK_FALSE(read_protobuf(wire.substr(0, wire.size() - 1)));
}

TEST_CASE("an encoded request's reservation is resized to the bytes it keeps") {
  MemoryBudget budget(1 << 20);
  const std::string wire = testing::make_request(50).SerializeAsString();
  Reservations held;
  auto admitted = budget.try_reserve(3 * wire.size());
  REQUIRE(admitted);
  held.push_back(std::move(*admitted));
  std::optional<TraceBatch> batch = read_protobuf(std::string(wire));
  REQUIRE(batch);
  attach(*batch, std::move(held));
  CHECK(budget.used() >= wire.size());
  CHECK(budget.used() < 2 * wire.size());
  batch.reset();
  CHECK(budget.used() == 0);
}
