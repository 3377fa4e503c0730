#include "codec/otlp_json.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/util/field_comparator.h>
#include <google/protobuf/util/message_differencer.h>

#include <catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

using google::protobuf::util::MessageDifferencer;
using spanflow::codec::decode_trace_request;
using spanflow::codec::encode_status;
using spanflow::codec::encode_trace_request;
using spanflow::codec::encode_trace_response;
namespace otlp = spanflow::otlp;

namespace {

// The OTLP repository's examples/trace.json.
constexpr std::string_view kSpecExample = R"json({
  "resourceSpans": [
    {
      "resource": {
        "attributes": [
          {
            "key": "service.name",
            "value": {
              "stringValue": "my.service"
            }
          }
        ]
      },
      "scopeSpans": [
        {
          "scope": {
            "name": "my.library",
            "version": "1.0.0",
            "attributes": [
              {
                "key": "my.scope.attribute",
                "value": {
                  "stringValue": "some scope attribute"
                }
              }
            ]
          },
          "spans": [
            {
              "traceId": "5B8EFFF798038103D269B633813FC60C",
              "spanId": "EEE19B7EC3C1B174",
              "parentSpanId": "EEE19B7EC3C1B173",
              "name": "I'm a server span",
              "startTimeUnixNano": "1544712660000000000",
              "endTimeUnixNano": "1544712661000000000",
              "kind": 2,
              "attributes": [
                {
                  "key": "string.attribute",
                  "value": {
                    "stringValue": "some string"
                  }
                },
                {
                  "key": "boolean.attribute",
                  "value": {
                    "boolValue": true
                  }
                },
                {
                  "key": "int.attribute",
                  "value": {
                    "intValue": "10"
                  }
                },
                {
                  "key": "double.attribute",
                  "value": {
                    "doubleValue": 637.704
                  }
                },
                {
                  "key": "array.attribute",
                  "value": {
                    "arrayValue": {
                      "values": [
                        {
                          "stringValue": "many"
                        },
                        {
                          "stringValue": "values"
                        }
                      ]
                    }
                  }
                },
                {
                  "key": "map.attribute",
                  "value": {
                    "kvlistValue": {
                      "values": [
                        {
                          "key": "some.map.key",
                          "value": {
                            "stringValue": "some value"
                          }
                        }
                      ]
                    }
                  }
                }
              ]
            }
          ]
        }
      ]
    }
  ]
})json";

std::string bytes_of(std::initializer_list<int> values) {
  std::string out;
  for (const int v : values) out.push_back(static_cast<char>(v));
  return out;
}

otlp::ExportRequest decode_ok(std::string_view json) {
  otlp::ExportRequest request;
  std::string error;
  const bool ok = decode_trace_request(json, request, error);
  INFO(error);
  REQUIRE(ok);
  return request;
}

std::string decode_error(std::string_view json) {
  otlp::ExportRequest request;
  std::string error;
  CHECK_FALSE(decode_trace_request(json, request, error));
  return error;
}

std::string encode(const otlp::ExportRequest& request) {
  std::string out;
  encode_trace_request(request, out);
  return out;
}

// MessageDifferencer::Equals, except that NaN equals NaN.
bool same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  google::protobuf::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  const bool equal = differencer.Compare(a, b);
  INFO(differences);
  CHECK(differences.empty());
  return equal;
}

// Wraps span JSON in a request; the span starts at offset kSpanOffset.
std::string with_span(std::string_view span) {
  return R"({"resourceSpans":[{"scopeSpans":[{"spans":[)" + std::string(span) + "]}]}]}";
}
constexpr std::size_t kSpanOffset = 43;

// Wraps an AnyValue's JSON in a request as the value of the span's only attribute.
std::string with_value(std::string_view value) {
  return with_span(R"({"attributes":[{"key":"k","value":)" + std::string(value) + "}]}");
}
constexpr std::size_t kValueOffset = kSpanOffset + 34;
constexpr std::string_view kValuePath =
    "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value";

const otlp::AnyValue& only_value(const otlp::ExportRequest& request) {
  return request.resource_spans(0).scope_spans(0).spans(0).attributes(0).value();
}

otlp::KeyValue* add_attribute(google::protobuf::RepeatedPtrField<otlp::KeyValue>* attributes,
                              std::string key) {
  otlp::KeyValue* kv = attributes->Add();
  kv->set_key(std::move(key));
  return kv;
}

// A request that sets every field, with every kind of AnyValue.
otlp::ExportRequest full_request() {
  otlp::ExportRequest request;
  auto* rs = request.add_resource_spans();
  rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
  auto* resource = rs->mutable_resource();
  add_attribute(resource->mutable_attributes(), "service.name")
      ->mutable_value()
      ->set_string_value("checkout");
  resource->set_dropped_attributes_count(7);
  auto* ref = resource->add_entity_refs();
  ref->set_schema_url("https://example.com/entity");
  ref->set_type("service");
  ref->add_id_keys("service.name");
  ref->add_id_keys("service.namespace");
  ref->add_description_keys("service.version");

  auto* ss = rs->add_scope_spans();
  ss->set_schema_url("https://opentelemetry.io/schemas/1.20.0");
  auto* scope = ss->mutable_scope();
  scope->set_name("io.opentelemetry.grpc");
  scope->set_version("1.2.3");
  add_attribute(scope->mutable_attributes(), "scope.attr")->mutable_value()->set_bool_value(false);
  scope->set_dropped_attributes_count(1);

  auto* span = ss->add_spans();
  span->set_trace_id(bytes_of({0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6,
                               0x33, 0x81, 0x3f, 0xc6, 0x0c}));
  span->set_span_id(bytes_of({0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74}));
  span->set_parent_span_id(bytes_of({0, 0, 0, 0, 0, 0, 0, 1}));
  span->set_trace_state("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  span->set_flags(0x301);
  span->set_name("GET /api/v1/cart");
  span->set_kind(otlp::Span::SPAN_KIND_CLIENT);
  span->set_start_time_unix_nano(std::numeric_limits<std::uint64_t>::max());
  span->set_end_time_unix_nano(1);
  span->set_dropped_attributes_count(2);
  span->set_dropped_events_count(3);
  span->set_dropped_links_count(4);
  span->mutable_status()->set_message("deadline exceeded");
  span->mutable_status()->set_code(otlp::Status::STATUS_CODE_ERROR);

  auto* attributes = span->mutable_attributes();
  add_attribute(attributes, "empty.string")->mutable_value()->set_string_value("");
  add_attribute(attributes, "unicode")
      ->mutable_value()
      ->set_string_value("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \"quoted\" \\ / \n\t\r\b\f");
  add_attribute(attributes, "control")
      ->mutable_value()
      ->set_string_value(std::string("\0\x01\x1f\x7f", 4));
  add_attribute(attributes, "long")->mutable_value()->set_string_value(std::string(64 * 1024, 'x'));
  add_attribute(attributes, "bytes")
      ->mutable_value()
      ->set_bytes_value(bytes_of({0, 1, 2, 0xfb, 0xff, 0xfe, 0x7f}));
  add_attribute(attributes, "empty.bytes")->mutable_value()->set_bytes_value("");
  add_attribute(attributes, "bool")->mutable_value()->set_bool_value(true);
  add_attribute(attributes, "int.min")
      ->mutable_value()
      ->set_int_value(std::numeric_limits<std::int64_t>::min());
  add_attribute(attributes, "int.max")
      ->mutable_value()
      ->set_int_value(std::numeric_limits<std::int64_t>::max());
  add_attribute(attributes, "int.negative")->mutable_value()->set_int_value(-42);
  add_attribute(attributes, "int.zero")->mutable_value()->set_int_value(0);
  add_attribute(attributes, "double")->mutable_value()->set_double_value(0.1);
  add_attribute(attributes, "double.zero")->mutable_value()->set_double_value(0.0);
  add_attribute(attributes, "double.min")
      ->mutable_value()
      ->set_double_value(std::numeric_limits<double>::denorm_min());
  add_attribute(attributes, "double.max")
      ->mutable_value()
      ->set_double_value(-std::numeric_limits<double>::max());
  add_attribute(attributes, "double.nan")
      ->mutable_value()
      ->set_double_value(std::numeric_limits<double>::quiet_NaN());
  add_attribute(attributes, "double.inf")
      ->mutable_value()
      ->set_double_value(std::numeric_limits<double>::infinity());
  add_attribute(attributes, "double.-inf")
      ->mutable_value()
      ->set_double_value(-std::numeric_limits<double>::infinity());
  add_attribute(attributes, "unset")->mutable_value();
  add_attribute(attributes, "no.value");
  add_attribute(attributes, "");  // empty key
  auto* array = add_attribute(attributes, "array")->mutable_value()->mutable_array_value();
  array->add_values()->set_string_value("a");
  array->add_values()->set_int_value(1);
  array->add_values();
  auto* inner = array->add_values()->mutable_array_value();
  inner->add_values()->mutable_array_value();  // empty nested array
  inner->add_values()->mutable_kvlist_value();
  auto* kvlist = add_attribute(attributes, "kvlist")->mutable_value()->mutable_kvlist_value();
  add_attribute(kvlist->mutable_values(), "nested")
      ->mutable_value()
      ->mutable_kvlist_value()
      ->add_values()
      ->set_key("deep");
  add_attribute(kvlist->mutable_values(), "d")->mutable_value()->set_double_value(-1.5e-300);
  add_attribute(attributes, "empty.array")->mutable_value()->mutable_array_value();

  auto* event = span->add_events();
  event->set_time_unix_nano(1544712660500000000);
  event->set_name("exception");
  add_attribute(event->mutable_attributes(), "exception.type")
      ->mutable_value()
      ->set_string_value("IOError");
  event->set_dropped_attributes_count(5);
  span->add_events();  // all defaults

  auto* link = span->add_links();
  link->set_trace_id(std::string(16, '\xab'));
  link->set_span_id(std::string(8, '\xcd'));
  link->set_trace_state("k=v");
  add_attribute(link->mutable_attributes(), "link.attr")->mutable_value()->set_int_value(9);
  link->set_dropped_attributes_count(6);
  link->set_flags(0x100);
  span->add_links();

  // A minimal second span, scope and resource: unset messages must stay unset.
  ss->add_spans()->set_name("bare");
  rs->add_scope_spans();
  request.add_resource_spans();
  return request;
}

}  // namespace

TEST_CASE("the spec's example trace request decodes field by field") {
  const otlp::ExportRequest request = decode_ok(kSpecExample);
  REQUIRE(request.resource_spans_size() == 1);
  const auto& rs = request.resource_spans(0);
  REQUIRE(rs.resource().attributes_size() == 1);
  CHECK(rs.resource().attributes(0).key() == "service.name");
  CHECK(rs.resource().attributes(0).value().string_value() == "my.service");
  REQUIRE(rs.scope_spans_size() == 1);
  const auto& ss = rs.scope_spans(0);
  CHECK(ss.scope().name() == "my.library");
  CHECK(ss.scope().version() == "1.0.0");
  REQUIRE(ss.scope().attributes_size() == 1);
  CHECK(ss.scope().attributes(0).key() == "my.scope.attribute");
  CHECK(ss.scope().attributes(0).value().string_value() == "some scope attribute");
  REQUIRE(ss.spans_size() == 1);
  const auto& span = ss.spans(0);
  CHECK(span.trace_id() == bytes_of({0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69,
                                     0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c}));
  CHECK(span.span_id() == bytes_of({0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74}));
  CHECK(span.parent_span_id() == bytes_of({0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x73}));
  CHECK(span.name() == "I'm a server span");
  CHECK(span.kind() == otlp::Span::SPAN_KIND_SERVER);
  CHECK(span.start_time_unix_nano() == 1544712660000000000ULL);
  CHECK(span.end_time_unix_nano() == 1544712661000000000ULL);
  CHECK_FALSE(span.has_status());
  CHECK(span.events_size() == 0);
  CHECK(span.links_size() == 0);

  REQUIRE(span.attributes_size() == 6);
  CHECK(span.attributes(0).key() == "string.attribute");
  CHECK(span.attributes(0).value().string_value() == "some string");
  CHECK(span.attributes(1).key() == "boolean.attribute");
  CHECK(span.attributes(1).value().has_bool_value());
  CHECK(span.attributes(1).value().bool_value());
  CHECK(span.attributes(2).key() == "int.attribute");
  CHECK(span.attributes(2).value().int_value() == 10);
  CHECK(span.attributes(3).key() == "double.attribute");
  CHECK(span.attributes(3).value().double_value() == 637.704);
  CHECK(span.attributes(4).key() == "array.attribute");
  const auto& array = span.attributes(4).value().array_value();
  REQUIRE(array.values_size() == 2);
  CHECK(array.values(0).string_value() == "many");
  CHECK(array.values(1).string_value() == "values");
  CHECK(span.attributes(5).key() == "map.attribute");
  const auto& map = span.attributes(5).value().kvlist_value();
  REQUIRE(map.values_size() == 1);
  CHECK(map.values(0).key() == "some.map.key");
  CHECK(map.values(0).value().string_value() == "some value");
}

TEST_CASE("decoding fills a message that lives on an arena") {
  google::protobuf::Arena arena;
  auto* request = google::protobuf::Arena::CreateMessage<otlp::ExportRequest>(&arena);
  request->add_resource_spans()->set_schema_url("stale");
  std::string error;
  REQUIRE(decode_trace_request(kSpecExample, *request, error));
  CHECK(request->GetArena() == &arena);
  CHECK(request->resource_spans_size() == 1);
  CHECK(request->resource_spans(0).schema_url().empty());
  CHECK(request->resource_spans(0).scope_spans(0).spans(0).attributes_size() == 6);
}

TEST_CASE("a request with every field and value type survives encode then decode") {
  const otlp::ExportRequest original = full_request();
  const std::string json = encode(original);
  const otlp::ExportRequest decoded = decode_ok(json);
  CHECK(same(original, decoded));
  CHECK(encode(decoded) == json);

  const auto& attributes = decoded.resource_spans(0).scope_spans(0).spans(0).attributes();
  CHECK(attributes.Get(0).value().has_string_value());
  CHECK(attributes.Get(0).value().string_value().empty());
  CHECK(std::isnan(attributes.Get(15).value().double_value()));
  CHECK(attributes.Get(17).value().double_value() == -std::numeric_limits<double>::infinity());
  CHECK(attributes.Get(18).value().value_case() == otlp::AnyValue::VALUE_NOT_SET);
  CHECK(attributes.Get(18).has_value());
  CHECK_FALSE(attributes.Get(19).has_value());
  CHECK_FALSE(decoded.resource_spans(0).scope_spans(1).has_scope());
  CHECK_FALSE(decoded.resource_spans(1).has_resource());
}

TEST_CASE("the encoder writes the exact compact form of a small request") {
  otlp::ExportRequest request;
  auto* rs = request.add_resource_spans();
  add_attribute(rs->mutable_resource()->mutable_attributes(), "service.name")
      ->mutable_value()
      ->set_string_value("svc");
  auto* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("lib");
  auto* span = ss->add_spans();
  span->set_trace_id(bytes_of({0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6,
                               0x33, 0x81, 0x3f, 0xc6, 0x0c}));
  span->set_span_id(bytes_of({0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74}));
  span->set_flags(1);
  span->set_name("op \"x\"\n");
  span->set_kind(otlp::Span::SPAN_KIND_SERVER);
  span->set_start_time_unix_nano(1544712660000000000);
  span->set_end_time_unix_nano(1544712661000000000);
  add_attribute(span->mutable_attributes(), "i")->mutable_value()->set_int_value(-5);
  add_attribute(span->mutable_attributes(), "d")->mutable_value()->set_double_value(1.5);
  add_attribute(span->mutable_attributes(), "b")->mutable_value()->set_bytes_value("hi?");
  add_attribute(span->mutable_attributes(), "e")->mutable_value();
  auto* array = add_attribute(span->mutable_attributes(), "a")->mutable_value();
  array->mutable_array_value()->add_values()->set_bool_value(false);
  span->mutable_status()->set_code(otlp::Status::STATUS_CODE_OK);

  std::string out = "prefix:";
  encode_trace_request(request, out);
  CHECK(
      out ==
      "prefix:"
      R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},)"
      R"("scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",)"
      R"("spanId":"eee19b7ec3c1b174","flags":1,"name":"op \"x\"\n","kind":2,)"
      R"("startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",)"
      R"("attributes":[{"key":"i","value":{"intValue":"-5"}},{"key":"d","value":{"doubleValue":1.5}},)"
      R"({"key":"b","value":{"bytesValue":"aGk/"}},{"key":"e","value":{}},)"
      R"({"key":"a","value":{"arrayValue":{"values":[{"boolValue":false}]}}}],"status":{"code":1}}]}]}]})");

  CHECK(encode(otlp::ExportRequest()) == "{}");
}

TEST_CASE("the encoder escapes control characters and replaces invalid UTF-8") {
  otlp::ExportRequest request;
  request.add_resource_spans()->set_schema_url(
      std::string("a\0b\x1f\x7f\t\\/\xc3\xa9\xff\xc3", 12));
  CHECK(encode(request) == R"({"resourceSpans":[{"schemaUrl":"a\u0000b\u001f)"
                           "\x7f"
                           R"(\t\\/)"
                           "\xc3\xa9"
                           R"(\ufffd\ufffd"}]})");
}

TEST_CASE("doubles are written in their shortest exact form") {
  const auto encoded = [](double value) {
    otlp::ExportRequest request;
    add_attribute(request.add_resource_spans()->mutable_resource()->mutable_attributes(), "d")
        ->mutable_value()
        ->set_double_value(value);
    const std::string json = encode(request);
    const auto start = json.find("doubleValue") + 13;
    return json.substr(start, json.find('}', start) - start);
  };
  CHECK(encoded(0.1) == "0.1");
  CHECK(encoded(637.704) == "637.704");
  CHECK(encoded(1e300) == "1e+300");
  CHECK(encoded(-0.0) == "-0");
  CHECK(encoded(3) == "3");
  CHECK(encoded(std::numeric_limits<double>::quiet_NaN()) == "\"NaN\"");
  CHECK(encoded(-std::numeric_limits<double>::infinity()) == "\"-Infinity\"");
}

TEST_CASE("responses and statuses encode in their exact compact form") {
  otlp::ExportResponse response;
  std::string out;
  encode_trace_response(response, out);
  CHECK(out == "{}");

  response.mutable_partial_success()->set_rejected_spans(3);
  response.mutable_partial_success()->set_error_message("x");
  out.clear();
  encode_trace_response(response, out);
  CHECK(out == R"({"partialSuccess":{"rejectedSpans":"3","errorMessage":"x"}})");

  google::rpc::Status status;
  out.clear();
  encode_status(status, out);
  CHECK(out == "{}");

  status.set_code(3);
  status.set_message("invalid JSON at offset 17: expected ':'");
  out.clear();
  encode_status(status, out);
  CHECK(out == R"({"code":3,"message":"invalid JSON at offset 17: expected ':'"})");

  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(1);
  retry.mutable_retry_delay()->set_nanos(500000000);
  status.add_details()->PackFrom(retry);
  status.add_details()->PackFrom(response);
  out.clear();
  encode_status(status, out);
  CHECK(out == R"({"code":3,"message":"invalid JSON at offset 17: expected ':'","details":[)"
               R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.500s"},)"
               R"({"@type":"type.googleapis.com/opentelemetry.proto.collector.trace.v1.)"
               R"(ExportTraceServiceResponse","value":"CgUIAxIBeA=="}]})");
}

TEST_CASE("the decoder skips unknown fields at every level") {
  const otlp::ExportRequest request = decode_ok(R"({
    "foo": {"bar": [1, {"x": null}]},
    "resourceSpans": [{
      "unknown": [[[]], {}, "s", -1.5e-3, true, false, null],
      "resource": {"schemaUrl": "ignored", "attributes": [{"key": "k", "extra": {},
                   "value": {"stringValue": "v", "other": [1]}}]},
      "scopeSpans": [{
        "scope": {"name": "lib", "foo": {"bar": [1, {"x": null}]}},
        "spans": [{"name": "s", "foo": {"bar": [1, {"x": null}]},
                   "events": [{"name": "e", "foo": 1}], "links": [{"foo": "\u00e9"}],
                   "status": {"foo": 1, "code": 1}}],
        "foo": {"bar": [1, {"x": null}]}
      }]
    }]
  })");
  const auto& rs = request.resource_spans(0);
  CHECK(rs.resource().attributes(0).value().string_value() == "v");
  CHECK(rs.scope_spans(0).scope().name() == "lib");
  const auto& span = rs.scope_spans(0).spans(0);
  CHECK(span.name() == "s");
  CHECK(span.events(0).name() == "e");
  CHECK(span.links_size() == 1);
  CHECK(span.status().code() == otlp::Status::STATUS_CODE_OK);
}

TEST_CASE("the decoder accepts integers as numbers, strings and integral exponent forms") {
  CHECK(only_value(decode_ok(with_value(R"({"intValue":42})"))).int_value() == 42);
  CHECK(only_value(decode_ok(with_value(R"({"intValue":"-42"})"))).int_value() == -42);
  CHECK(only_value(decode_ok(with_value(R"({"intValue":"-9223372036854775808"})"))).int_value() ==
        std::numeric_limits<std::int64_t>::min());
  CHECK(only_value(decode_ok(with_value(R"({"intValue":1.5e3})"))).int_value() == 1500);
  CHECK(only_value(decode_ok(with_value(R"({"intValue":100.00})"))).int_value() == 100);
  CHECK(only_value(decode_ok(with_value(R"({"intValue":-0})"))).has_int_value());
  CHECK(only_value(decode_ok(with_value(R"({"doubleValue":"2.5"})"))).double_value() == 2.5);
  CHECK(only_value(decode_ok(with_value(R"({"doubleValue":1e-400})"))).double_value() == 0.0);
  CHECK(std::isinf(
      only_value(decode_ok(with_value(R"({"doubleValue":"Infinity"})"))).double_value()));

  const auto span = decode_ok(with_span(R"({"startTimeUnixNano":1544712660000000000,
      "endTimeUnixNano":"18446744073709551615", "flags":"257", "droppedAttributesCount":3,
      "droppedEventsCount":"4", "droppedLinksCount":5e0})"))
                        .resource_spans(0)
                        .scope_spans(0)
                        .spans(0);
  CHECK(span.start_time_unix_nano() == 1544712660000000000ULL);
  CHECK(span.end_time_unix_nano() == std::numeric_limits<std::uint64_t>::max());
  CHECK(span.flags() == 257);
  CHECK(span.dropped_attributes_count() == 3);
  CHECK(span.dropped_events_count() == 4);
  CHECK(span.dropped_links_count() == 5);
}

TEST_CASE("the decoder accepts snake_case keys, enum names, uppercase hex and whitespace") {
  const auto request = decode_ok(
      " \n\t{ \"resource_spans\" :\r\n[ { \"scope_spans\" : [ { \"spans\" : [ {\n"
      "  \"trace_id\" : \"5B8EFFF798038103d269b633813fc60c\" ,\n"
      "  \"span_id\" : \"EEE19B7EC3C1B174\" , \"kind\" : \"SPAN_KIND_CONSUMER\" ,\n"
      "  \"start_time_unix_nano\" : \"1\" , \"end_time_unix_nano\" : 2 ,\n"
      "  \"trace_state\" : \"a=b\" , \"dropped_attributes_count\" : 1 ,\n"
      "  \"attributes\" : [ { \"key\" : \"k\" , \"value\" : { \"int_value\" : \"7\" } } ,\n"
      "    { \"key\" : \"l\" , \"value\" : { \"kvlist_value\" : { \"values\" : [ ] } } } ] ,\n"
      "  \"events\" : [ { \"time_unix_nano\" : 3 , \"dropped_attributes_count\" : 1 } ] ,\n"
      "  \"links\" : [ { \"trace_id\" : \"\" , \"dropped_attributes_count\" : 2 } ] ,\n"
      "  \"dropped_events_count\" : 1 , \"dropped_links_count\" : 1 ,\n"
      "  \"status\" : { \"code\" : \"STATUS_CODE_ERROR\" , \"message\" : \"m\" } } ] ,\n"
      "  \"schema_url\" : \"s\" } ] , \"schema_url\" : \"r\" } ] } \n ");
  const auto& span = request.resource_spans(0).scope_spans(0).spans(0);
  CHECK(span.trace_id() == bytes_of({0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69,
                                     0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c}));
  CHECK(span.span_id() == bytes_of({0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74}));
  CHECK(span.parent_span_id().empty());
  CHECK(span.kind() == otlp::Span::SPAN_KIND_CONSUMER);
  CHECK(span.start_time_unix_nano() == 1);
  CHECK(span.end_time_unix_nano() == 2);
  CHECK(span.trace_state() == "a=b");
  CHECK(span.attributes(0).value().int_value() == 7);
  CHECK(span.attributes(1).value().has_kvlist_value());
  CHECK(span.events(0).time_unix_nano() == 3);
  CHECK(span.links(0).trace_id().empty());
  CHECK(span.links(0).dropped_attributes_count() == 2);
  CHECK(span.status().code() == otlp::Status::STATUS_CODE_ERROR);
  CHECK(span.status().message() == "m");
  CHECK(request.resource_spans(0).scope_spans(0).schema_url() == "s");
  CHECK(request.resource_spans(0).schema_url() == "r");
}

TEST_CASE("the decoder treats null as an absent field") {
  const auto request = decode_ok(with_span(
      R"({"traceId":null,"name":null,"status":null,"attributes":[{"key":"k","value":null}],"events":null})"));
  const auto& span = request.resource_spans(0).scope_spans(0).spans(0);
  CHECK(span.trace_id().empty());
  CHECK_FALSE(span.has_status());
  CHECK_FALSE(span.attributes(0).has_value());
  CHECK(decode_ok(R"({"resourceSpans":null})").resource_spans_size() == 0);
}

TEST_CASE("the decoder turns escapes and surrogate pairs into UTF-8") {
  const auto value = only_value(decode_ok(
      with_value(R"({"stringValue":"\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00\u0000 é😀"})")));
  CHECK(value.string_value() == std::string("\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                                            "\0 \xc3\xa9\xf0\x9f\x98\x80",
                                            26));
  const auto keyed = decode_ok(R"({"resource\u0053pans":[{"\u0073chemaUrl":"x"}]})");
  CHECK(keyed.resource_spans(0).schema_url() == "x");
  const auto escaped_id = decode_ok(with_span(R"({"spanId":"\u0065ee19b7ec3c1b174"})"));
  CHECK(escaped_id.resource_spans(0).scope_spans(0).spans(0).span_id() ==
        bytes_of({0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74}));
}

TEST_CASE("bytes values accept padded, unpadded and URL-safe base64") {
  CHECK(only_value(decode_ok(with_value(R"({"bytesValue":"+/8="})"))).bytes_value() ==
        bytes_of({0xfb, 0xff}));
  CHECK(only_value(decode_ok(with_value(R"({"bytesValue":"-_8"})"))).bytes_value() ==
        bytes_of({0xfb, 0xff}));
  CHECK(only_value(decode_ok(with_value(R"({"bytesValue":""})"))).has_bytes_value());
  CHECK(decode_error(with_value(R"({"bytesValue":"a"})")) ==
        std::string(kValuePath) + ".bytesValue: invalid base64 (at offset " +
            std::to_string(kValueOffset + 14) + ")");
}

TEST_CASE("invalid JSON is reported with its byte offset") {
  CHECK(decode_error("") == "invalid JSON at offset 0: unexpected end of input");
  CHECK(decode_error(R"({"resourceSpans" [])") == "invalid JSON at offset 17: expected ':'");
  CHECK(decode_error(R"({"resourceSpans":[)") ==
        "invalid JSON at offset 18: unexpected end of input");
  CHECK(decode_error(R"({"resourceSpans":[{"schemaUrl":"abc)") ==
        "invalid JSON at offset 35: unterminated string");
  CHECK(decode_error(R"({"resourceSpans":[]} x)") ==
        "invalid JSON at offset 21: unexpected data after the top-level value");
  CHECK(decode_error(R"({"resourceSpans":[]}})") ==
        "invalid JSON at offset 20: unexpected data after the top-level value");
  CHECK(decode_error(R"({"resourceSpans":[{"schemaUrl":"a\qb"}]})") ==
        "invalid JSON at offset 33: invalid escape sequence '\\q'");
  CHECK(decode_error(R"({"x":"\u12"})") ==
        "invalid JSON at offset 6: invalid \\u escape: expected 4 hex digits");
  CHECK(decode_error(R"({"x":"\ud83d"})") ==
        "invalid JSON at offset 6: invalid \\u escape: unpaired surrogate");
  CHECK(decode_error(R"({"x":"\ude00"})") ==
        "invalid JSON at offset 6: invalid \\u escape: unpaired surrogate");
  CHECK(decode_error("{\"x\":\"a\tb\"}") ==
        "invalid JSON at offset 7: control character in string");
  CHECK(decode_error(R"({"x":[1,]})") == "invalid JSON at offset 8: unexpected character ']'");
  CHECK(decode_error(R"({"x":{"a":1,}})") == "invalid JSON at offset 12: expected a string key");
  CHECK(decode_error(R"({"x":{"a":1 "b":2}})") == "invalid JSON at offset 12: expected ',' or '}'");
  CHECK(decode_error(R"({"x":[1 2]})") == "invalid JSON at offset 8: expected ',' or ']'");
  CHECK(decode_error(R"({"x":01})") == "invalid JSON at offset 7: invalid number");
  CHECK(decode_error(R"({"x":1.})") == "invalid JSON at offset 7: invalid number");
  CHECK(decode_error(R"({"x":-})") == "invalid JSON at offset 6: invalid number");
  CHECK(decode_error(R"({"x":tru})") == "invalid JSON at offset 5: invalid literal");
  CHECK(decode_error(R"({"x":nul)") == "invalid JSON at offset 8: unexpected end of input");
  CHECK(decode_error(R"({'x':1})") == "invalid JSON at offset 1: expected a string key");
}

TEST_CASE("invalid UTF-8 in any string is rejected") {
  CHECK(decode_error("{\"resourceSpans\":[{\"schemaUrl\":\"ab\xff\"}]}") ==
        "invalid JSON at offset 34: invalid UTF-8 in string");
  CHECK(decode_error("{\"unknown\":\"\xc3\"}") ==
        "invalid JSON at offset 12: invalid UTF-8 in string");
  CHECK(decode_error("{\"x\xed\xa0\x80\":1}") ==
        "invalid JSON at offset 3: invalid UTF-8 in string");
  CHECK(decode_error("{\"x\":\"\xc0\xaf\"}") ==
        "invalid JSON at offset 6: invalid UTF-8 in string");
  CHECK(decode_error("{\"x\":\"\xf4\x90\x80\x80\"}") ==
        "invalid JSON at offset 6: invalid UTF-8 in string");
  // A long string, so the invalid byte is found by the 8-bytes-at-a-time scan.
  CHECK(decode_error("{\"x\":\"0123456789abcdefghij\x80\"}") ==
        "invalid JSON at offset 26: invalid UTF-8 in string");
}

TEST_CASE("malformed trace and span ids are reported precisely") {
  const std::string span_path = "resourceSpans[0].scopeSpans[0].spans[0]";
  const auto at = [](std::size_t offset) {
    return " (at offset " + std::to_string(kSpanOffset + offset) + ")";
  };
  CHECK(decode_error(with_span(R"({"traceId":"W47/95gDgQPSabYzgT/GDA=="})")) ==
        span_path + ".traceId: expected 32 hex characters, found 24; trace/span ids must be hex, " +
            "not base64" + at(11));
  CHECK(decode_error(with_span(R"({"traceId":"W47_95gDgQPSabYzgT_GDA"})")) ==
        span_path + ".traceId: expected 32 hex characters, found 22; trace/span ids must be hex, " +
            "not base64" + at(11));
  CHECK(decode_error(with_span(R"({"spanId":"7uGbfsPBsXQ="})")) ==
        span_path + ".spanId: expected 16 hex characters, found 12; trace/span ids must be hex, " +
            "not base64" + at(10));
  CHECK(decode_error(with_span(R"({"spanId":"eee19b7ec3c1b1/4"})")) ==
        span_path + ".spanId: trace/span ids must be hex, not base64" + at(10));
  CHECK(decode_error(with_span(R"({"spanId":"eee19b7ec3c1"})")) ==
        span_path + ".spanId: expected 16 hex characters, found 12" + at(10));
  CHECK(decode_error(with_span(R"({"parentSpanId":"eee19b7ec3c1b1740"})")) ==
        span_path + ".parentSpanId: expected 16 hex characters, found 17" + at(16));
  CHECK(decode_error(with_span(R"({"spanId":"eee19b7ec3c1b17g"})")) ==
        span_path + ".spanId: invalid hex character 'g'" + at(26));
  CHECK(decode_error(with_span(R"({"links":[{"traceId":"5b8efff798038103d269b633813fc60"}]})")) ==
        span_path + ".links[0].traceId: expected 32 hex characters, found 31" + at(21));
  CHECK(decode_error(with_span(R"({"traceId":1234})")) ==
        span_path + ".traceId: expected a string, found a number" + at(11));
}

TEST_CASE("values of the wrong type are reported with their path") {
  CHECK(decode_error(R"({"resourceSpans":"x"})") ==
        "resourceSpans: expected an array, found a string (at offset 17)");
  CHECK(decode_error(R"({"resourceSpans":["x"]})") ==
        "resourceSpans[0]: expected an object, found a string (at offset 18)");
  CHECK(decode_error(R"({"resourceSpans":[{"resource":"x"}]})") ==
        "resourceSpans[0].resource: expected an object, found a string (at offset 30)");
  CHECK(decode_error(R"([])") == "request: expected an object, found an array (at offset 0)");
  CHECK(decode_error(with_value(R"({"boolValue":"true"})")) ==
        std::string(kValuePath) + ".boolValue: expected a boolean, found a string (at offset " +
            std::to_string(kValueOffset + 13) + ")");
  CHECK(decode_error(with_value(R"({"arrayValue":{"values":[null]}})")) ==
        std::string(kValuePath) +
            ".arrayValue.values[0]: expected an object, found null (at offset " +
            std::to_string(kValueOffset + 25) + ")");
  CHECK(decode_error(with_span(R"({"kind":"SPAN_KIND_BOGUS"})")) ==
        "resourceSpans[0].scopeSpans[0].spans[0].kind: unknown enum name (at offset " +
            std::to_string(kSpanOffset + 8) + ")");
  CHECK(decode_error(with_span(R"({"name":{}})")) ==
        "resourceSpans[0].scopeSpans[0].spans[0].name: expected a string, found an object (at "
        "offset " +
            std::to_string(kSpanOffset + 8) + ")");
}

TEST_CASE("numbers out of range are rejected") {
  const auto value_error = [](std::string_view value, std::string_view field,
                              std::string_view what) {
    CHECK(decode_error(with_value(value)) ==
          std::string(kValuePath) + "." + std::string(field) + ": " + std::string(what) +
              " (at offset " + std::to_string(kValueOffset + field.size() + 4) + ")");
  };
  value_error(R"({"intValue":9223372036854775808})", "intValue", "number out of range for int64");
  value_error(R"({"intValue":"-9223372036854775809"})", "intValue",
              "number out of range for int64");
  value_error(R"({"intValue":"99999999999999999999999"})", "intValue",
              "number out of range for int64");
  value_error(R"({"intValue":1e19})", "intValue", "number out of range for int64");
  value_error(R"({"intValue":1.5})", "intValue", "number is not an integer");
  value_error(R"({"intValue":"12a"})", "intValue", "string is not a number");
  value_error(R"({"intValue":" 12"})", "intValue", "string is not a number");
  value_error(R"({"doubleValue":1e309})", "doubleValue", "number out of range for double");
  value_error(R"({"doubleValue":"nan"})", "doubleValue",
              R"(string is not a number, "NaN", "Infinity" or "-Infinity")");

  const std::string span_path = "resourceSpans[0].scopeSpans[0].spans[0]";
  CHECK(decode_error(with_span(R"({"startTimeUnixNano":"18446744073709551616"})")) ==
        span_path + ".startTimeUnixNano: number out of range for uint64 (at offset " +
            std::to_string(kSpanOffset + 21) + ")");
  CHECK(decode_error(with_span(R"({"endTimeUnixNano":-1})")) ==
        span_path + ".endTimeUnixNano: number out of range for uint64 (at offset " +
            std::to_string(kSpanOffset + 19) + ")");
  CHECK(decode_error(with_span(R"({"flags":4294967296})")) ==
        span_path + ".flags: number out of range for uint32 (at offset " +
            std::to_string(kSpanOffset + 9) + ")");
  CHECK(decode_error(with_span(R"({"kind":2147483648})")) ==
        span_path + ".kind: number out of range for enum (at offset " +
            std::to_string(kSpanOffset + 8) + ")");
}

TEST_CASE("too-deep nesting is an error, not a crash") {
  // AnyValue nesting: 32 levels are fine, 33 are not.
  const auto nested_arrays = [](int levels) {
    std::string value;
    for (int i = 1; i < levels; ++i) value += R"({"arrayValue":{"values":[)";
    value += R"({"intValue":1})";
    for (int i = 1; i < levels; ++i) value += "]}}";
    return with_value(value);
  };
  decode_ok(nested_arrays(32));
  const std::string error = decode_error(nested_arrays(33));
  CHECK(error.rfind(std::string(kValuePath) + ".arrayValue.values[0].arrayValue.values[0]", 0) ==
        0);
  CHECK(error.find("]: AnyValue nesting deeper than 32 levels (at offset ") != std::string::npos);

  // Plain JSON nesting, here in an unknown field: 128 levels are fine, 129 are not.
  const auto nested_unknown = [](int levels) {
    return R"({"x":)" + std::string(static_cast<std::size_t>(levels - 1), '[') +
           std::string(static_cast<std::size_t>(levels - 1), ']') + "}";
  };
  decode_ok(nested_unknown(128));
  CHECK(decode_error(nested_unknown(129)) ==
        "invalid JSON at offset 132: nesting deeper than 128 levels");
  CHECK(decode_error(std::string(100000, '[')) ==
        "request: expected an object, found an array (at offset 0)");
  CHECK(decode_error(R"({"x":)" + std::string(100000, '{')) ==
        "invalid JSON at offset 6: expected a string key");
  CHECK(decode_error(R"({"x":)" + std::string(100000, '[')) ==
        "invalid JSON at offset 132: nesting deeper than 128 levels");
}

TEST_CASE("truncating a valid request anywhere gives an error, never a crash") {
  const std::string json = encode(full_request());
  otlp::ExportRequest request;
  std::string error;
  // Every prefix of the first and last 2 KiB, and a sample of the rest.
  for (std::size_t size = 0; size < json.size();
       size += (size < 2048 || size + 2048 > json.size()) ? 1 : 97) {
    error.clear();
    CHECK_FALSE(decode_trace_request(std::string_view(json).substr(0, size), request, error));
    CHECK_FALSE(error.empty());
  }
}
