#include "core/trace_batch.h"

#include <catch.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

using spanflow::TraceBatch;

namespace {
TraceBatch batch_with_spans(int n) {
  TraceBatch batch;
  auto* ss = batch.mutable_request().add_resource_spans()->add_scope_spans();
  for (int i = 0; i < n; ++i) ss->add_spans()->set_name("span" + std::to_string(i));
  return batch;
}
}  // namespace

TEST_CASE("a batch counts its spans across resources and scopes") {
  TraceBatch batch = batch_with_spans(3);
  batch.mutable_request().add_resource_spans()->add_scope_spans()->add_spans();
  CHECK(batch.span_count() == 4);
}

TEST_CASE("a shared batch copies on write and leaves its sibling untouched") {
  TraceBatch original = batch_with_spans(2);
  const auto* before = &original.request();
  TraceBatch sibling = original.share();
  CHECK(original.shared());
  CHECK(&sibling.request() == before);

  sibling.mutable_request()
      .mutable_resource_spans(0)
      ->mutable_scope_spans(0)
      ->mutable_spans(0)
      ->set_name("changed");
  CHECK(&sibling.request() != before);
  CHECK(original.request().resource_spans(0).scope_spans(0).spans(0).name() == "span0");
  CHECK(sibling.request().resource_spans(0).scope_spans(0).spans(0).name() == "changed");
  CHECK_FALSE(original.shared());
}

TEST_CASE("a sole holder mutates in place without copying") {
  TraceBatch batch = batch_with_spans(1);
  const auto* before = &batch.request();
  batch.mutable_request().mutable_resource_spans(0)->set_schema_url("x");
  CHECK(&batch.request() == before);
  TraceBatch moved = std::move(batch);
  CHECK(&moved.request() == before);
}

TEST_CASE("a batch from the wire decodes on first read and sends its bytes unchanged") {
  TraceBatch source = batch_with_spans(3);
  const std::string wire = source.request().SerializeAsString() + "\xf8\x01\x07";  // + unknown
  TraceBatch batch = TraceBatch::from_wire(wire, 3);
  CHECK(batch.has_wire());
  CHECK(batch.span_count() == 3);
  CHECK(batch.wire_size() == wire.size());
  std::string out;
  batch.append_wire(out);
  CHECK(out == wire);
  std::string written(batch.wire_size(), '\0');
  batch.write_wire(reinterpret_cast<std::uint8_t*>(written.data()), written.size());
  CHECK(written == wire);

  // Reading decodes and keeps the bytes; changing drops them.
  CHECK(batch.request().resource_spans(0).scope_spans(0).spans(2).name() == "span2");
  CHECK(batch.has_wire());
  batch.mutable_request().mutable_resource_spans(0)->mutable_scope_spans(0)->add_spans();
  CHECK_FALSE(batch.has_wire());
  CHECK(batch.span_count() == 4);
  CHECK(batch.wire_size() == batch.request().ByteSizeLong());
}

TEST_CASE("a shared wire batch decodes once for every reader, and a writer copies") {
  const std::string wire = batch_with_spans(50).request().SerializeAsString();
  TraceBatch batch = TraceBatch::from_wire(wire, 50);
  std::vector<TraceBatch> readers;
  for (int i = 0; i < 4; ++i) readers.push_back(batch.share());
  std::vector<const spanflow::otlp::ExportRequest*> seen(readers.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < readers.size(); ++i) {
    threads.emplace_back([&, i] { seen[i] = &readers[i].request(); });
  }
  for (auto& t : threads) t.join();
  for (const auto* request : seen) CHECK(request == seen[0]);
  CHECK(seen[0]->resource_spans(0).scope_spans(0).spans_size() == 50);

  batch.mutable_request().mutable_resource_spans(0)->set_schema_url("changed");
  CHECK(&batch.request() != seen[0]);
  CHECK(readers[0].has_wire());
  CHECK(readers[0].request().resource_spans(0).schema_url().empty());
}

TEST_CASE("concatenated wire batches are one request with every ResourceSpans") {
  std::vector<TraceBatch> parts;
  std::string expected;
  for (int n : {1, 2, 3}) {
    const std::string wire = batch_with_spans(n).request().SerializeAsString();
    expected += wire;
    parts.push_back(TraceBatch::from_wire(wire, static_cast<std::size_t>(n)));
  }
  TraceBatch joined = TraceBatch::concatenate(std::move(parts));
  CHECK(joined.span_count() == 6);
  CHECK(joined.wire_size() == expected.size());
  std::string out;
  joined.append_wire(out);
  CHECK(out == expected);
  REQUIRE(joined.request().resource_spans_size() == 3);
  CHECK(joined.request().resource_spans(2).scope_spans(0).spans(2).name() == "span2");
  CHECK(joined.arena_bytes() >= expected.size());

  std::vector<TraceBatch> mixed;
  mixed.push_back(TraceBatch::from_wire(expected, 6));
  mixed.push_back(batch_with_spans(1));
  CHECK_THROWS_AS(TraceBatch::concatenate(std::move(mixed)), std::logic_error);
}

TEST_CASE("wire parts outlive the batch for as long as a writer holds their owner") {
  std::vector<TraceBatch> parts;
  parts.push_back(TraceBatch::from_wire(batch_with_spans(1).request().SerializeAsString(), 1));
  parts.push_back(TraceBatch::from_wire(batch_with_spans(2).request().SerializeAsString(), 2));
  TraceBatch joined = TraceBatch::concatenate(std::move(parts));
  std::string expected;
  joined.append_wire(expected);
  TraceBatch::WireParts wire = joined.wire_parts();
  joined = TraceBatch();  // the handle lets go; the owner still holds the bytes
  REQUIRE(wire.parts.size() == 2);
  CHECK(std::string(wire.parts[0]) + std::string(wire.parts[1]) == expected);
  CHECK_THROWS_AS(joined.wire_parts(), std::logic_error);
}
