#include "translate_fixture.h"

#include <catch.hpp>

#include "support/spans.h"

namespace spanflow::testing::jaeger {

otlp::AnyValue& add_value(Attributes* attributes, const std::string& key) {
  auto* kv = attributes->Add();
  kv->set_key(key);
  return *kv->mutable_value();
}

void check_string(const model::KeyValue& tag, const std::string& key, const std::string& value) {
  INFO("tag " << tag.key());
  CHECK(tag.key() == key);
  CHECK(tag.v_type() == model::STRING);
  CHECK(tag.v_str() == value);
}

void check_int(const model::KeyValue& tag, const std::string& key, std::int64_t value) {
  INFO("tag " << tag.key());
  CHECK(tag.key() == key);
  CHECK(tag.v_type() == model::INT64);
  CHECK(tag.v_int64() == value);
}

void check_bool(const model::KeyValue& tag, const std::string& key, bool value) {
  INFO("tag " << tag.key());
  CHECK(tag.key() == key);
  CHECK(tag.v_type() == model::BOOL);
  CHECK(tag.v_bool() == value);
}

OneSpan::OneSpan() {
  resource = request.add_resource_spans();
  add_attribute(resource->mutable_resource()->mutable_attributes(), "service.name", "checkout");
  scope = resource->add_scope_spans();
  span = scope->add_spans();
  span->set_trace_id(trace_id(7));
  span->set_span_id(span_id(8));
  span->set_name("GET /cart");
  span->set_start_time_unix_nano(kStart);
  span->set_end_time_unix_nano(kStart + 1);
}

model::Span OneSpan::translated() const {
  google::protobuf::RepeatedPtrField<model::Batch> batches;
  exporters::jaeger::translate(request, batches);
  REQUIRE(batches.size() == 1);
  REQUIRE(batches[0].spans_size() == 1);
  return batches[0].spans(0);
}

}  // namespace spanflow::testing::jaeger
