#include "core/trace_batch.h"

#include <catch.hpp>

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
