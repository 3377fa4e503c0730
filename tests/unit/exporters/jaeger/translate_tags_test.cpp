// OTLP -> Jaeger translation: span tags, attribute values, logs and scopes, field by field.
#include <catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "exporters/jaeger/translate.h"
#include "support/spans.h"
#include "translate_fixture.h"

using namespace spanflow;
using namespace spanflow::testing::jaeger;
using spanflow::exporters::jaeger::translate;
using spanflow::testing::add_attribute;
using spanflow::testing::span_id;
using spanflow::testing::trace_id;

TEST_CASE("span tags come in the translator's order, with the spec's dropped counts last") {
  OneSpan one;
  one.scope->mutable_scope()->set_name("io.opentelemetry.grpc");
  one.scope->mutable_scope()->set_version("1.2.3");
  add_value(one.scope->mutable_scope()->mutable_attributes(), "scope.attr").set_int_value(1);
  add_attribute(one.span->mutable_attributes(), "http.route", "/cart");
  add_value(one.span->mutable_attributes(), "http.status_code").set_int_value(500);
  one.span->set_kind(otlp::Span::SPAN_KIND_CLIENT);
  one.span->mutable_status()->set_code(otlp::Status::STATUS_CODE_ERROR);
  one.span->mutable_status()->set_message("upstream timed out");
  one.span->set_trace_state("vendor=a,other=b");
  one.span->set_dropped_attributes_count(3);
  one.span->set_dropped_events_count(4);
  one.span->set_dropped_links_count(5);

  const model::Span span = one.translated();
  const Tags& tags = span.tags();
  REQUIRE(tags.size() == 12);
  check_string(tags[0], "otel.scope.name", "io.opentelemetry.grpc");
  check_string(tags[1], "otel.scope.version", "1.2.3");
  check_string(tags[2], "http.route", "/cart");
  check_int(tags[3], "http.status_code", 500);
  check_string(tags[4], "span.kind", "client");
  check_string(tags[5], "otel.status_code", "ERROR");
  check_bool(tags[6], "error", true);
  check_string(tags[7], "otel.status_description", "upstream timed out");
  check_string(tags[8], "w3c.tracestate", "vendor=a,other=b");
  check_int(tags[9], "otel.dropped_attributes_count", 3);
  check_int(tags[10], "otel.dropped_events_count", 4);
  check_int(tags[11], "otel.dropped_links_count", 5);
  for (const auto& tag : tags) CHECK(tag.key().rfind("otel.library.", 0) == std::string::npos);
}

TEST_CASE("a bare span has no tags at all") {
  OneSpan one;
  CHECK(one.translated().tags().empty());
}

TEST_CASE("each span kind has its span.kind tag; unspecified has none") {
  const std::pair<otlp::Span::SpanKind, const char*> kinds[] = {
      {otlp::Span::SPAN_KIND_INTERNAL, "internal"}, {otlp::Span::SPAN_KIND_SERVER, "server"},
      {otlp::Span::SPAN_KIND_CLIENT, "client"},     {otlp::Span::SPAN_KIND_PRODUCER, "producer"},
      {otlp::Span::SPAN_KIND_CONSUMER, "consumer"},
  };
  for (const auto& [kind, name] : kinds) {
    OneSpan one;
    one.span->set_kind(kind);
    const model::Span span = one.translated();
    REQUIRE(span.tags_size() == 1);
    check_string(span.tags(0), "span.kind", name);
  }
  OneSpan unspecified;
  unspecified.span->set_kind(otlp::Span::SPAN_KIND_UNSPECIFIED);
  CHECK(unspecified.translated().tags().empty());
}

TEST_CASE("status OK is tagged without error, and an unset status's message is still kept") {
  OneSpan ok;
  ok.span->mutable_status()->set_code(otlp::Status::STATUS_CODE_OK);
  model::Span span = ok.translated();
  REQUIRE(span.tags_size() == 1);
  check_string(span.tags(0), "otel.status_code", "OK");

  OneSpan unset;
  unset.span->mutable_status()->set_message("note");
  span = unset.translated();
  REQUIRE(span.tags_size() == 1);
  check_string(span.tags(0), "otel.status_description", "note");
}

TEST_CASE("an error attribute does not stop the error tag from being added") {
  OneSpan one;
  add_value(one.span->mutable_attributes(), "error").set_bool_value(false);
  one.span->mutable_status()->set_code(otlp::Status::STATUS_CODE_ERROR);
  const model::Span span = one.translated();
  REQUIRE(span.tags_size() == 3);
  check_bool(span.tags(0), "error", false);
  check_string(span.tags(1), "otel.status_code", "ERROR");
  check_bool(span.tags(2), "error", true);
}

TEST_CASE("attribute values keep their type; arrays and maps become Go-style JSON strings") {
  OneSpan one;
  Attributes* attrs = one.span->mutable_attributes();
  add_value(attrs, "bytes").set_bytes_value(std::string("\x00\xff\x10", 3));
  add_value(attrs, "neg").set_int_value(std::numeric_limits<std::int64_t>::min());
  add_value(attrs, "pi").set_double_value(3.25);
  add_value(attrs, "unset");
  auto& array = *add_value(attrs, "array").mutable_array_value();
  array.add_values()->set_string_value("a<b>&\"c\"");
  array.add_values()->set_int_value(-7);
  array.add_values()->set_bool_value(false);
  array.add_values()->set_double_value(1.5);
  array.add_values();  // unset: null
  array.add_values()->set_bytes_value("hi!?");
  auto& map = *add_value(attrs, "map").mutable_kvlist_value();
  auto add_entry = [&map](const std::string& key) -> otlp::AnyValue& {
    auto* kv = map.add_values();
    kv->set_key(key);
    return *kv->mutable_value();
  };
  add_entry("zeta").set_string_value("last");
  add_entry("alpha").mutable_kvlist_value();  // {}
  add_entry("dup").set_int_value(1);
  add_entry("mid").mutable_array_value()->add_values()->set_double_value(1e21);
  add_entry("dup").set_int_value(2);  // the last duplicate wins, as in a Go map
  auto& nan = *add_value(attrs, "nan").mutable_array_value();
  nan.add_values()->set_double_value(std::nan(""));

  const model::Span span = one.translated();
  const Tags& tags = span.tags();
  REQUIRE(tags.size() == 7);
  CHECK(tags[0].key() == "bytes");
  CHECK(tags[0].v_type() == model::BINARY);
  CHECK(tags[0].v_binary() == std::string("\x00\xff\x10", 3));
  check_int(tags[1], "neg", std::numeric_limits<std::int64_t>::min());
  CHECK(tags[2].v_type() == model::FLOAT64);
  CHECK(tags[2].v_float64() == 3.25);
  check_string(tags[3], "unset", "");
  check_string(tags[4], "array", R"(["a\u003cb\u003e\u0026\"c\"",-7,false,1.5,null,"aGkhPw=="])");
  check_string(tags[5], "map", R"({"alpha":{},"dup":2,"mid":[1e+21],"zeta":"last"})");
  check_string(tags[6], "nan", "");  // Go's encoder refuses NaN; AsString() is then ""
}

TEST_CASE("events become logs: timestamp, the event name first, attributes, dropped count") {
  OneSpan one;
  auto* named = one.span->add_events();
  named->set_name("exception");
  named->set_time_unix_nano(kStart + 42);
  add_attribute(named->mutable_attributes(), "exception.type", "IOError");
  add_value(named->mutable_attributes(), "attempt").set_int_value(2);
  named->set_dropped_attributes_count(6);
  auto* unnamed = one.span->add_events();
  unnamed->set_time_unix_nano(kStart + 1'000'000'000ULL);
  add_attribute(unnamed->mutable_attributes(), "k", "v");
  auto* shadowed = one.span->add_events();  // an "event" attribute keeps the name out
  shadowed->set_name("retry");
  add_attribute(shadowed->mutable_attributes(), "event", "from attribute");

  const model::Span span = one.translated();
  REQUIRE(span.logs_size() == 3);
  const model::Log& first = span.logs(0);
  CHECK(first.timestamp().seconds() == 1'700'000'000);
  CHECK(first.timestamp().nanos() == 123'456'831);
  REQUIRE(first.fields_size() == 4);
  check_string(first.fields(0), "event", "exception");
  check_string(first.fields(1), "exception.type", "IOError");
  check_int(first.fields(2), "attempt", 2);
  check_int(first.fields(3), "otel.dropped_attributes_count", 6);

  const model::Log& second = span.logs(1);
  CHECK(second.timestamp().seconds() == 1'700'000'001);
  CHECK(second.timestamp().nanos() == 123'456'789);
  REQUIRE(second.fields_size() == 1);
  check_string(second.fields(0), "k", "v");

  const model::Log& third = span.logs(2);
  CHECK(third.has_timestamp());
  REQUIRE(third.fields_size() == 1);
  check_string(third.fields(0), "event", "from attribute");
}

TEST_CASE("spans of every scope of a resource go into its one batch with their scope's tags") {
  otlp::ExportRequest request = spanflow::testing::make_request(1, 1);
  auto* second = request.mutable_resource_spans(0)->add_scope_spans();
  second->mutable_scope()->set_name("other");
  *second->add_spans() = request.resource_spans(0).scope_spans(0).spans(0);

  google::protobuf::RepeatedPtrField<model::Batch> batches;
  translate(request, batches);
  REQUIRE(batches.size() == 1);
  REQUIRE(batches[0].spans_size() == 2);
  check_string(batches[0].spans(0).tags(0), "otel.scope.name", "spanflow.test");
  check_string(batches[0].spans(0).tags(1), "otel.scope.version", "1.0.0");
  check_string(batches[0].spans(1).tags(0), "otel.scope.name", "other");
  check_string(batches[0].spans(1).tags(1), "http.route", "/api/items");
}
