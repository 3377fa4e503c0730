#include "service/fanout.h"

#include <catch.hpp>

#include "support/spans.h"
#include "support/trace_sink.h"

using namespace spanflow;
using spanflow::testing::TraceSink;

namespace {
// A branch that renames every span: mutates its batch.
class Renamer final : public TraceConsumer {
 public:
  explicit Renamer(TraceConsumer& next) : next_(next) {}
  ConsumeResult consume(TraceBatch&& batch) override {
    for (auto& rs : *batch.mutable_request().mutable_resource_spans())
      for (auto& ss : *rs.mutable_scope_spans())
        for (auto& s : *ss.mutable_spans()) s.set_name("renamed");
    return next_.consume(std::move(batch));
  }

 private:
  TraceConsumer& next_;
};

TraceBatch batch_of(int spans) {
  TraceBatch batch;
  batch.mutable_request() = spanflow::testing::make_request(spans);
  return batch;
}
}  // namespace

TEST_CASE("fan-out gives read-only branches the same payload without copying") {
  TraceSink a, b;
  service::Fanout fanout({&a, &b});
  TraceBatch batch = batch_of(3);
  const auto* payload = &batch.request();
  CHECK(fanout.consume(std::move(batch)).is_ok());
  REQUIRE(a.batches().size() == 1);
  REQUIRE(b.batches().size() == 1);
  CHECK(&a.batches()[0].request() == payload);
  CHECK(&b.batches()[0].request() == payload);
}

TEST_CASE("a mutating branch changes its own copy, never its sibling's data") {
  TraceSink renamed_sink, plain;
  Renamer renamer(renamed_sink);
  for (const bool mutating_first : {true, false}) {
    DYNAMIC_SECTION("mutating branch " << (mutating_first ? "first" : "last")) {
      std::vector<TraceConsumer*> branches{&renamer, &plain};
      if (!mutating_first) std::swap(branches[0], branches[1]);
      service::Fanout fanout(branches);
      CHECK(fanout.consume(batch_of(2)).is_ok());
      const auto& renamed = renamed_sink.batches().back().request();
      const auto& original = plain.batches().back().request();
      CHECK(renamed.resource_spans(0).scope_spans(0).spans(0).name() == "renamed");
      CHECK(original.resource_spans(0).scope_spans(0).spans(0).name() == "span-1");
    }
  }
}

TEST_CASE("fan-out delivers to every branch and reports the worst result") {
  TraceSink ok, refusing, broken;
  refusing.answer(ConsumeResult::retryable("queue full", std::chrono::milliseconds(500)));
  broken.answer(ConsumeResult::permanent("bad"));
  SECTION("retryable beats ok") {
    service::Fanout fanout({&refusing, &ok});
    const auto r = fanout.consume(batch_of(1));
    CHECK(r.kind == ConsumeResult::Kind::kRetryable);
    CHECK(r.message == "queue full");
    CHECK(r.retry_after == std::chrono::milliseconds(500));
  }
  SECTION("permanent beats retryable, and messages are joined") {
    service::Fanout fanout({&refusing, &broken, &ok});
    const auto r = fanout.consume(batch_of(1));
    CHECK(r.kind == ConsumeResult::Kind::kPermanent);
    CHECK(r.message == "queue full; bad");
  }
  CHECK(ok.batches().size() == 1);
}

TEST_CASE("fan-out reads spans when any branch does") {
  TraceSink a, b;
  a.set_reads_spans(false);
  b.set_reads_spans(false);
  service::Fanout fanout({&a, &b});
  CHECK_FALSE(fanout.reads_spans());
  b.set_reads_spans(true);
  CHECK(fanout.reads_spans());
}
