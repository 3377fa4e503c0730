// OTLP -> Jaeger translation: batches, processes, ids, times and references, field by field.
#include "exporters/jaeger/translate.h"

#include <google/protobuf/arena.h>

#include <catch.hpp>
#include <string>

#include "support/spans.h"
#include "translate_fixture.h"

using namespace spanflow;
using namespace spanflow::testing::jaeger;
using spanflow::exporters::jaeger::translate;
using spanflow::testing::add_attribute;
using spanflow::testing::span_id;
using spanflow::testing::trace_id;

TEST_CASE("a resource becomes the batch process: service.name names it, the rest are typed tags") {
  otlp::ResourceSpans rs;
  auto* attrs = rs.mutable_resource()->mutable_attributes();
  add_attribute(attrs, "host.name", "node-1");
  add_attribute(attrs, "service.name", "checkout");
  add_value(attrs, "process.pid").set_int_value(4242);
  add_value(attrs, "k8s.ready").set_bool_value(true);
  add_value(attrs, "load").set_double_value(0.75);
  add_attribute(attrs, "service.name", "ignored duplicate");
  rs.add_scope_spans();

  model::Batch batch;
  REQUIRE(translate(rs, batch));
  CHECK(batch.process().service_name() == "checkout");
  const Tags& tags = batch.process().tags();
  REQUIRE(tags.size() == 4);  // every service.name is left out of the tags
  check_string(tags[0], "host.name", "node-1");
  check_int(tags[1], "process.pid", 4242);
  check_bool(tags[2], "k8s.ready", true);
  CHECK(tags[3].key() == "load");
  CHECK(tags[3].v_type() == model::FLOAT64);
  CHECK(tags[3].v_float64() == 0.75);
  CHECK(batch.spans().empty());
}

TEST_CASE("the service name falls back as the Collector's translator does") {
  otlp::ResourceSpans rs;
  rs.add_scope_spans()->add_spans();
  model::Batch batch;

  SECTION("a resource without attributes is OTLPResourceNoServiceName") {
    REQUIRE(translate(rs, batch));
    CHECK(batch.process().service_name() == "OTLPResourceNoServiceName");
    CHECK(batch.process().tags().empty());
  }
  SECTION("attributes without service.name give an empty name") {
    add_attribute(rs.mutable_resource()->mutable_attributes(), "host.name", "n");
    REQUIRE(translate(rs, batch));
    CHECK(batch.process().service_name().empty());
    REQUIRE(batch.process().tags_size() == 1);
  }
  SECTION("a service.name that is not a string gives an empty name and no tag") {
    add_value(rs.mutable_resource()->mutable_attributes(), "service.name").set_int_value(3);
    REQUIRE(translate(rs, batch));
    CHECK(batch.process().service_name().empty());
    CHECK(batch.process().tags().empty());
  }
}

TEST_CASE("one batch per resource; a resource with neither attributes nor scopes gives none") {
  otlp::ExportRequest request = spanflow::testing::make_request(2, 1, "a");
  request.add_resource_spans();  // nothing at all: no batch
  request.MergeFrom(spanflow::testing::make_request(3, 10, "b"));
  add_attribute(request.add_resource_spans()->mutable_resource()->mutable_attributes(),
                "service.name", "idle");  // attributes but no scopes: a batch without spans

  google::protobuf::RepeatedPtrField<model::Batch> batches;
  translate(request, batches);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].process().service_name() == "a");
  CHECK(batches[0].spans_size() == 2);
  CHECK(batches[1].process().service_name() == "b");
  CHECK(batches[1].spans_size() == 3);
  CHECK(batches[1].spans(2).operation_name() == "span-12");
  CHECK(batches[2].process().service_name() == "idle");
  CHECK(batches[2].spans().empty());
  for (const auto& batch : batches) {
    for (const auto& span : batch.spans()) CHECK_FALSE(span.has_process());
  }
}

TEST_CASE("ids, name, sampled flag, start time and duration are kept to the nanosecond") {
  OneSpan one;
  one.span->set_end_time_unix_nano(kStart + 2'000'000'001ULL);
  one.span->set_flags(0x301);  // sampled, plus is-remote bits that Jaeger has no room for
  const model::Span span = one.translated();
  CHECK(span.trace_id() == trace_id(7));
  CHECK(span.span_id() == span_id(8));
  CHECK(span.operation_name() == "GET /cart");
  CHECK(span.flags() == 1);
  CHECK(span.start_time().seconds() == 1'700'000'000);
  CHECK(span.start_time().nanos() == 123'456'789);
  CHECK(span.duration().seconds() == 2);
  CHECK(span.duration().nanos() == 1);
  CHECK(span.references().empty());
  CHECK(span.logs().empty());
  CHECK(span.process_id().empty());
  CHECK(span.warnings().empty());
}

TEST_CASE("an unsampled span has flags 0 and still carries zero times and durations") {
  OneSpan one;
  one.span->set_flags(0x300);
  one.span->set_start_time_unix_nano(0);
  one.span->set_end_time_unix_nano(0);
  const model::Span span = one.translated();
  CHECK(span.flags() == 0);
  CHECK(span.has_start_time());  // Jaeger's Go model always writes them
  CHECK(span.has_duration());
  CHECK(span.start_time().seconds() == 0);
  CHECK(span.duration().seconds() == 0);
}

TEST_CASE("a span that ends before it starts has a negative duration, seconds and nanos alike") {
  OneSpan one;
  one.span->set_end_time_unix_nano(kStart - 1'500'000'000ULL);
  const model::Span span = one.translated();
  CHECK(span.duration().seconds() == -1);
  CHECK(span.duration().nanos() == -500'000'000);
}

TEST_CASE("ids of any other size are sent as zeros of the Jaeger size") {
  OneSpan one;
  one.span->set_trace_id("short");
  one.span->clear_span_id();
  one.span->add_links();  // a link without ids
  const model::Span span = one.translated();
  CHECK(span.trace_id() == std::string(16, '\0'));
  CHECK(span.span_id() == std::string(8, '\0'));
  REQUIRE(span.references_size() == 1);
  CHECK(span.references(0).trace_id() == std::string(16, '\0'));
  CHECK(span.references(0).span_id() == std::string(8, '\0'));
}

TEST_CASE("the parent comes first as CHILD_OF in the span's trace, then links as FOLLOWS_FROM") {
  OneSpan one;
  one.span->set_parent_span_id(span_id(5));
  auto* link = one.span->add_links();
  link->set_trace_id(trace_id(99));
  link->set_span_id(span_id(98));
  add_attribute(link->mutable_attributes(), "reason", "batch");  // link attributes are dropped
  auto* child_of = one.span->add_links();
  child_of->set_trace_id(trace_id(97));
  child_of->set_span_id(span_id(96));
  add_attribute(child_of->mutable_attributes(), "opentracing.ref_type", "child_of");

  const model::Span span = one.translated();
  REQUIRE(span.references_size() == 3);
  CHECK(span.references(0).trace_id() == trace_id(7));
  CHECK(span.references(0).span_id() == span_id(5));
  CHECK(span.references(0).ref_type() == model::CHILD_OF);
  CHECK(span.references(1).trace_id() == trace_id(99));
  CHECK(span.references(1).span_id() == span_id(98));
  CHECK(span.references(1).ref_type() == model::FOLLOWS_FROM);
  CHECK(span.references(2).trace_id() == trace_id(97));
  CHECK(span.references(2).span_id() == span_id(96));
  CHECK(span.references(2).ref_type() == model::CHILD_OF);
}

TEST_CASE("a link to the parent only sets the type of the parent reference") {
  OneSpan one;
  one.span->set_parent_span_id(span_id(5));
  auto* to_parent = one.span->add_links();
  to_parent->set_trace_id(trace_id(7));
  to_parent->set_span_id(span_id(5));
  auto* other = one.span->add_links();  // same span id, other trace: a reference of its own
  other->set_trace_id(trace_id(70));
  other->set_span_id(span_id(5));

  const model::Span span = one.translated();
  REQUIRE(span.references_size() == 2);
  CHECK(span.references(0).span_id() == span_id(5));
  CHECK(span.references(0).ref_type() == model::FOLLOWS_FROM);
  CHECK(span.references(1).trace_id() == trace_id(70));
}

TEST_CASE("an all-zero parent span id is no parent") {
  OneSpan one;
  one.span->set_parent_span_id(std::string(8, '\0'));
  CHECK(one.translated().references().empty());
}

TEST_CASE("batches are appended on the arena of the field they go into") {
  google::protobuf::Arena arena;
  google::protobuf::RepeatedPtrField<model::Batch> batches(&arena);
  batches.Add()->mutable_process()->set_service_name("already there");
  translate(spanflow::testing::make_request(2, 1), batches);
  REQUIRE(batches.size() == 2);
  CHECK(batches[0].process().service_name() == "already there");
  CHECK(batches[1].GetArena() == &arena);
  CHECK(batches[1].spans(1).tags(0).GetArena() == &arena);
  CHECK(batches[1].spans(1).operation_name() == "span-2");
}
