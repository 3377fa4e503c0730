// The processor in a pipeline: copy-on-write for shared batches, span attributes only, results
// passed back, and its place in the registry.
#include <catch.hpp>

#include "service/registry.h"
#include "support/spans.h"
#include "unit/processors/attributes/fixture.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace spanflow::testing::attributes;

namespace {

constexpr const char* kMask = R"(
actions:
  - {key: user.id, action: hash}
  - {key: password, action: delete}
)";

otlp::ExportRequest request_with_secrets() {
  otlp::ExportRequest request = make_request(1);
  auto* rs = request.mutable_resource_spans(0);
  add_attribute(rs->mutable_resource()->mutable_attributes(), "user.id", "alice");
  auto* span = rs->mutable_scope_spans(0)->mutable_spans(0);
  add_attribute(span->mutable_attributes(), "user.id", "alice");
  add_attribute(span->mutable_attributes(), "password", "hunter2");
  auto* event = span->add_events();
  event->set_name("login");
  add_attribute(event->mutable_attributes(), "password", "hunter2");
  return request;
}

const char* kAliceSha256 = "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90";

}  // namespace

TEST_CASE("a batch shared with a fan-out sibling is copied, not changed under the sibling") {
  Harness harness(kMask);
  TraceBatch batch;
  batch.mutable_request() = request_with_secrets();
  const TraceBatch sibling = batch.share();
  REQUIRE(harness.processor().consume(std::move(batch)).is_ok());

  const auto& theirs = sibling.request().resource_spans(0).scope_spans(0).spans(0);
  CHECK(render(theirs.attributes()) ==
        "http.route=Str(/api/items), http.status_code=Int(200), user.id=Str(alice), "
        "password=Str(hunter2)");
  REQUIRE(harness.sink().batches().size() == 1);
  const auto& ours =
      harness.sink().batches()[0].request().resource_spans(0).scope_spans(0).spans(0);
  CHECK(render(ours.attributes()) ==
        "http.route=Str(/api/items), http.status_code=Int(200), "
        "user.id=Str(" +
            std::string(kAliceSha256) + ")");
}

TEST_CASE("only span attributes change; resource and event attributes are left alone") {
  Harness harness(kMask);
  const otlp::ExportRequest out = harness.run(request_with_secrets());
  const auto& rs = out.resource_spans(0);
  CHECK(render(rs.resource().attributes()) == "service.name=Str(checkout), user.id=Str(alice)");
  const auto& span = rs.scope_spans(0).spans(0);
  CHECK(render(span.events(0).attributes()) == "password=Str(hunter2)");
  CHECK(render(span.attributes()) ==
        "http.route=Str(/api/items), http.status_code=Int(200), "
        "user.id=Str(" +
            std::string(kAliceSha256) + ")");
}

TEST_CASE("every span of every resource and scope is processed") {
  otlp::ExportRequest request = make_request(3, 1);
  *request.add_resource_spans() = make_request(2, 10, "billing").resource_spans(0);
  *request.mutable_resource_spans(1)->add_scope_spans() = request.resource_spans(1).scope_spans(0);
  Harness harness("actions: [{key: http.route, action: delete}]");
  const otlp::ExportRequest out = harness.run(request);
  std::size_t spans = 0;
  for (const auto& rs : out.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& span : ss.spans()) {
        ++spans;
        CHECK(render(span.attributes()) == "http.status_code=Int(200)");
      }
    }
  }
  CHECK(spans == 7);
}

TEST_CASE("the next consumer's answer is passed back") {
  Harness harness(kMask);
  harness.sink().answer(ConsumeResult::retryable("queue full", std::chrono::seconds(2)));
  TraceBatch batch;
  batch.mutable_request() = request_with_secrets();
  const ConsumeResult result = harness.processor().consume(std::move(batch));
  CHECK(result.kind == ConsumeResult::Kind::kRetryable);
  CHECK(result.message == "queue full");
  CHECK(result.retry_after == std::chrono::seconds(2));
}

TEST_CASE("the attributes processor is registered under its Collector name") {
  const auto registry = service::Registry::builtin();
  const Factory* factory = registry.find(ComponentKind::kProcessor, "attributes");
  REQUIRE(factory != nullptr);
  CHECK(factory->type() == "attributes");
}
