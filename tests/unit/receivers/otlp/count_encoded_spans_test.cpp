#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/unknown_field_set.h>

#include <catch.hpp>

#include "receivers/otlp/otlp_receiver.h"
#include "support/spans.h"

using namespace spanflow;
using spanflow::receivers::otlp::count_encoded_spans;

namespace {

std::optional<std::uint64_t> count(const std::string& bytes) {
  google::protobuf::io::ArrayInputStream in(bytes.data(), static_cast<int>(bytes.size()));
  return count_encoded_spans(in);
}

}  // namespace

TEST_CASE("spans are counted on the wire across resources and scopes, without decoding") {
  CHECK(count("") == 0u);
  CHECK(count(testing::make_request(7).SerializeAsString()) == 7u);
  otlp::ExportRequest two = testing::make_request(3);
  two.MergeFrom(testing::make_request(4, 100, "cart"));
  *two.mutable_resource_spans(1)->add_scope_spans() =
      testing::make_request(2, 200).resource_spans(0).scope_spans(0);
  REQUIRE(two.resource_spans_size() == 2);
  CHECK(count(two.SerializeAsString()) == 9u);
  CHECK(count(testing::rich_request().SerializeAsString()) == 2u);
  // Fields the walker does not know (a newer OTLP) are skipped, not miscounted.
  otlp::ExportRequest request = testing::make_request(3);
  request.mutable_resource_spans(0)
      ->GetReflection()
      ->MutableUnknownFields(request.mutable_resource_spans(0))
      ->AddLengthDelimited(2000, "not a scope");
  CHECK(count(request.SerializeAsString()) == 3u);
}

TEST_CASE("malformed protobuf is not counted") {
  std::string bytes = testing::make_request(5).SerializeAsString();
  CHECK_FALSE(count(bytes.substr(0, bytes.size() - 3)));  // truncated inside a span
  CHECK_FALSE(count("\x0a\x05\x12\x09"));                 // a length past the end
}
