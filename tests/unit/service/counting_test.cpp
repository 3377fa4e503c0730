// CountingEdge counts the spans its next stage took, and nothing that stage refused.
#include "service/counting.h"

#include <catch.hpp>

#include "support/refusing_consumer.h"
#include "support/spans.h"

using namespace spanflow;

namespace {

TraceBatch batch_of(int spans) {
  TraceBatch batch;
  batch.mutable_request() = testing::make_request(spans);
  return batch;
}

}  // namespace

TEST_CASE("a counting edge adds the spans taken downstream to every counter it holds") {
  telemetry::Metrics metrics;
  auto& out_a = service::processor_outgoing_items(metrics, "a");
  auto& in_b = service::processor_incoming_items(metrics, "b");
  testing::RefusingConsumer next(1, false);
  service::CountingEdge edge(next, {&out_a, &in_b});

  CHECK(edge.consume(batch_of(4)).kind == ConsumeResult::Kind::kRetryable);
  CHECK(out_a.value() == 0);  // refused: the sender retries and it is counted then
  CHECK(edge.consume(batch_of(4)).is_ok());
  CHECK(edge.consume(batch_of(3)).is_ok());
  CHECK(out_a.value() == 7);
  CHECK(in_b.value() == 7);
  CHECK(metrics.value("otelcol_processor_incoming_items_total",
                      {{"otel_signal", "traces"}, {"processor", "b"}}) == 7);
  CHECK(next.spans() == 7);
}
