#include <catch.hpp>

#include "codec/otlp_json.h"

using namespace spanflow;

TEST_CASE("a JSON export response is decoded with its partial success") {
  otlp::ExportResponse response;
  std::string error;
  REQUIRE(codec::decode_trace_response(
      R"({"partialSuccess":{"rejectedSpans":"3","errorMessage":"bad ids"}})", response, error));
  CHECK(response.partial_success().rejected_spans() == 3);
  CHECK(response.partial_success().error_message() == "bad ids");
  REQUIRE(
      codec::decode_trace_response(R"({"partial_success":{"rejected_spans":2}})", response, error));
  CHECK(response.partial_success().rejected_spans() == 2);
  REQUIRE(codec::decode_trace_response("{}", response, error));
  CHECK_FALSE(response.has_partial_success());
  CHECK_FALSE(codec::decode_trace_response("[1]", response, error));
  CHECK_FALSE(error.empty());
}

TEST_CASE("the round trip of an encoded response gives the same response") {
  otlp::ExportResponse sent;
  sent.mutable_partial_success()->set_rejected_spans(7);
  sent.mutable_partial_success()->set_error_message("x \"y\"");
  std::string json;
  codec::encode_trace_response(sent, json);
  otlp::ExportResponse got;
  std::string error;
  REQUIRE(codec::decode_trace_response(json, got, error));
  CHECK(got.partial_success().rejected_spans() == 7);
  CHECK(got.partial_success().error_message() == "x \"y\"");
}

TEST_CASE("a JSON status body gives its code and message, details skipped") {
  google::rpc::Status status;
  std::string error;
  REQUIRE(codec::decode_status(
      R"({"code":3,"message":"invalid span","details":[{"@type":"x","value":"AA=="}]})", status,
      error));
  CHECK(status.code() == 3);
  CHECK(status.message() == "invalid span");
}
