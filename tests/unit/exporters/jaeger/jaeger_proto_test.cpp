// The Jaeger protos must match jaeger-idl's field numbers and wire types exactly: a Jaeger
// collector reads nothing else. Each message is serialized and read back as raw fields.
#include <google/protobuf/unknown_field_set.h>

#include <catch.hpp>
#include <string>

#include "jaeger/api_v2/collector.grpc.pb.h"
#include "jaeger/api_v2/collector.pb.h"
#include "jaeger/api_v2/model.pb.h"

namespace model = ::jaeger::api_v2;
using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

namespace {

void raw(const google::protobuf::Message& message, UnknownFieldSet& fields) {
  REQUIRE(fields.ParseFromString(message.SerializeAsString()));
}

// The one field with `number`; fails the test unless there is exactly one.
const UnknownField& field(const UnknownFieldSet& fields, int number) {
  const UnknownField* found = nullptr;
  int count = 0;
  for (int i = 0; i < fields.field_count(); ++i) {
    if (fields.field(i).number() == number) {
      found = &fields.field(i);
      ++count;
    }
  }
  INFO("field " << number);
  REQUIRE(count == 1);
  return *found;
}

}  // namespace

TEST_CASE("KeyValue has jaeger-idl's field numbers, wire types and enum values") {
  model::KeyValue kv;
  kv.set_key("k");
  kv.set_v_type(model::BINARY);
  kv.set_v_str("s");
  kv.set_v_bool(true);
  kv.set_v_int64(-5);
  kv.set_v_float64(2.5);
  kv.set_v_binary("b");
  UnknownFieldSet f;
  raw(kv, f);
  CHECK(f.field_count() == 7);
  CHECK(field(f, 1).length_delimited() == "k");
  CHECK(field(f, 2).varint() == 4);
  CHECK(field(f, 3).length_delimited() == "s");
  CHECK(field(f, 4).varint() == 1);
  CHECK(static_cast<std::int64_t>(field(f, 5).varint()) == -5);
  CHECK(field(f, 6).type() == UnknownField::TYPE_FIXED64);
  CHECK(field(f, 7).length_delimited() == "b");
  CHECK(model::STRING == 0);
  CHECK(model::BOOL == 1);
  CHECK(model::INT64 == 2);
  CHECK(model::FLOAT64 == 3);
  CHECK(model::BINARY == 4);
}

TEST_CASE("Span has jaeger-idl's field numbers") {
  model::Span span;
  span.set_trace_id(std::string(16, '\1'));
  span.set_span_id(std::string(8, '\2'));
  span.set_operation_name("op");
  auto* ref = span.add_references();
  ref->set_trace_id(std::string(16, '\3'));
  ref->set_span_id(std::string(8, '\4'));
  ref->set_ref_type(model::FOLLOWS_FROM);
  span.set_flags(1);
  span.mutable_start_time()->set_seconds(10);
  span.mutable_duration()->set_nanos(20);
  span.add_tags()->set_key("t");
  span.add_logs()->mutable_timestamp()->set_seconds(30);
  span.mutable_process()->set_service_name("svc");
  span.set_process_id("p1");
  span.add_warnings(std::string("w"));  // (const char*) trips a g++ 12 -Wrestrict false positive
  UnknownFieldSet f;
  raw(span, f);
  CHECK(f.field_count() == 12);
  CHECK(field(f, 1).length_delimited() == std::string(16, '\1'));
  CHECK(field(f, 2).length_delimited() == std::string(8, '\2'));
  CHECK(field(f, 3).length_delimited() == "op");
  CHECK(field(f, 4).type() == UnknownField::TYPE_LENGTH_DELIMITED);
  CHECK(field(f, 5).varint() == 1);
  CHECK(field(f, 6).type() == UnknownField::TYPE_LENGTH_DELIMITED);
  CHECK(field(f, 7).type() == UnknownField::TYPE_LENGTH_DELIMITED);
  CHECK(field(f, 8).type() == UnknownField::TYPE_LENGTH_DELIMITED);
  CHECK(field(f, 9).type() == UnknownField::TYPE_LENGTH_DELIMITED);
  CHECK(field(f, 10).type() == UnknownField::TYPE_LENGTH_DELIMITED);
  CHECK(field(f, 11).length_delimited() == "p1");
  CHECK(field(f, 12).length_delimited() == "w");

  UnknownFieldSet reference;
  REQUIRE(reference.ParseFromString(field(f, 4).length_delimited()));
  CHECK(field(reference, 1).length_delimited() == std::string(16, '\3'));
  CHECK(field(reference, 2).length_delimited() == std::string(8, '\4'));
  CHECK(field(reference, 3).varint() == 1);
  CHECK(model::CHILD_OF == 0);

  UnknownFieldSet log;
  REQUIRE(log.ParseFromString(field(f, 9).length_delimited()));
  CHECK(field(log, 1).type() == UnknownField::TYPE_LENGTH_DELIMITED);  // timestamp
  UnknownFieldSet process;
  REQUIRE(process.ParseFromString(field(f, 10).length_delimited()));
  CHECK(field(process, 1).length_delimited() == "svc");
}

TEST_CASE("Batch, Process, Log and PostSpansRequest have jaeger-idl's field numbers") {
  model::PostSpansRequest request;
  model::Batch& batch = *request.mutable_batch();
  batch.add_spans()->set_operation_name("op");
  batch.mutable_process()->set_service_name("svc");
  batch.mutable_process()->add_tags()->set_key("host");

  UnknownFieldSet outer;
  raw(request, outer);
  CHECK(outer.field_count() == 1);
  UnknownFieldSet b;
  REQUIRE(b.ParseFromString(field(outer, 1).length_delimited()));
  CHECK(b.field_count() == 2);
  UnknownFieldSet span;
  REQUIRE(span.ParseFromString(field(b, 1).length_delimited()));
  CHECK(field(span, 3).length_delimited() == "op");
  UnknownFieldSet process;
  REQUIRE(process.ParseFromString(field(b, 2).length_delimited()));
  CHECK(field(process, 1).length_delimited() == "svc");
  UnknownFieldSet tag;
  REQUIRE(tag.ParseFromString(field(process, 2).length_delimited()));
  CHECK(field(tag, 1).length_delimited() == "host");

  model::Log log;
  log.mutable_timestamp()->set_seconds(1);
  log.add_fields()->set_key("event");
  UnknownFieldSet l;
  raw(log, l);
  CHECK(field(l, 1).type() == UnknownField::TYPE_LENGTH_DELIMITED);
  UnknownFieldSet kv;
  REQUIRE(kv.ParseFromString(field(l, 2).length_delimited()));
  CHECK(field(kv, 1).length_delimited() == "event");
}

TEST_CASE("the service is jaeger.api_v2.CollectorService with the PostSpans method") {
  CHECK(std::string(model::CollectorService::service_full_name()) ==
        "jaeger.api_v2.CollectorService");
  const auto* service =
      model::PostSpansRequest::descriptor()->file()->FindServiceByName("CollectorService");
  REQUIRE(service != nullptr);
  const auto* method = service->FindMethodByName("PostSpans");
  REQUIRE(method != nullptr);
  CHECK(method->input_type()->full_name() == "jaeger.api_v2.PostSpansRequest");
  CHECK(method->output_type()->full_name() == "jaeger.api_v2.PostSpansResponse");
}
