#include "exporters/googlecloudpubsub/publish_plan.h"

#include <google/protobuf/util/message_differencer.h>

#include <catch.hpp>
#include <map>

#include "codec/gzip.h"
#include "core/trace_batch.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::exporters::googlecloudpubsub;
using google::protobuf::util::MessageDifferencer;
namespace pubsub = google::pubsub::v1;

namespace {

Config config_with(bool gzip = false) {
  Config config;
  config.topic = "projects/p/topics/traces";
  config.gzip = gzip;
  return config;
}

MessageContext context() {
  return {"/opentelemetry/collector/googlecloudpubsub/test", 1'800'000'000'000'000'000};
}

otlp::ExportRequest decode(const pubsub::PubsubMessage& message) {
  std::string data = message.data();
  const auto encoding = message.attributes().find("content-encoding");
  if (encoding != message.attributes().end() && encoding->second == "gzip") {
    std::string error;
    std::string inflated;
    REQUIRE(codec::inflate(data, false, 1 << 30, inflated, error) == codec::InflateStatus::kOk);
    data = std::move(inflated);
  }
  otlp::ExportRequest out;
  REQUIRE(out.ParseFromString(data));
  return out;
}

// Span id (hex) -> how many times it was planned, checking each span's resource kept its
// service.name and the request and message limits held.
std::map<std::string, int> planned_spans(const PublishPlan& plan, const PublishLimits& limits) {
  std::map<std::string, int> seen;
  for (const pubsub::PublishRequest& request : plan.requests) {
    CHECK(request.topic() == "projects/p/topics/traces");
    CHECK(request.ByteSizeLong() <= limits.max_request_bytes);
    CHECK(static_cast<std::size_t>(request.messages_size()) <= limits.max_messages);
    for (const auto& message : request.messages()) {
      const otlp::ExportRequest decoded = decode(message);
      for (const auto& rs : decoded.resource_spans()) {
        REQUIRE(rs.resource().attributes_size() > 0);
        const std::string service = rs.resource().attributes(0).value().string_value();
        for (const auto& ss : rs.scope_spans()) {
          CHECK(ss.scope().name() == "spanflow.test");
          for (const auto& span : ss.spans()) {
            CHECK(span.name().starts_with(service));
            ++seen[testing::hex(span.span_id())];
          }
        }
      }
    }
  }
  return seen;
}

// Two resources ("alpha" spans 1..n, "beta" spans n+1..2n), each span with a `pad`-byte
// attribute of pseudo-random letters, so that gzip shrinks it by less than half.
otlp::ExportRequest padded_request(int spans_per_resource, std::size_t pad) {
  otlp::ExportRequest request = testing::make_request(spans_per_resource, 1, "alpha", "alpha");
  request.MergeFrom(testing::make_request(
      spans_per_resource, static_cast<std::uint64_t>(spans_per_resource) + 1, "beta", "beta"));
  std::uint64_t state = 42;
  for (auto& rs : *request.mutable_resource_spans()) {
    for (auto& span : *rs.mutable_scope_spans(0)->mutable_spans()) {
      std::string filler(pad, 'x');
      for (char& c : filler) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        c = static_cast<char>('a' + (state >> 33) % 26);
      }
      testing::add_attribute(span.mutable_attributes(), "pad", filler);
    }
  }
  return request;
}

}  // namespace

TEST_CASE("a batch that fits is one message with the whole request") {
  const otlp::ExportRequest request = padded_request(3, 10);
  for (const bool gzip : {false, true}) {
    const PublishPlan plan = plan_publish(request, config_with(gzip), context());
    CHECK(plan.error.empty());
    CHECK(plan.rejected_spans == 0);
    REQUIRE(plan.requests.size() == 1);
    REQUIRE(plan.requests[0].messages_size() == 1);
    const auto& message = plan.requests[0].messages(0);
    CHECK(message.ordering_key() == "");
    CHECK(message.attributes().count("content-encoding") == (gzip ? 1u : 0u));
    CHECK(MessageDifferencer::Equals(decode(message), request));
  }
}

TEST_CASE("an empty batch publishes nothing") {
  CHECK(plan_publish(otlp::ExportRequest{}, config_with(), context()).requests.empty());
}

TEST_CASE("ordering: one message per value of the resource attribute") {
  otlp::ExportRequest request;
  const auto add = [&](const std::string& service, const otlp::AnyValue* tenant) {
    otlp::ExportRequest one =
        testing::make_request(2, request.resource_spans_size() * 10 + 1, service, service);
    if (tenant != nullptr) {
      auto* kv = one.mutable_resource_spans(0)->mutable_resource()->add_attributes();
      kv->set_key("tenant");
      *kv->mutable_value() = *tenant;
    }
    request.MergeFrom(one);
  };
  otlp::AnyValue a;
  a.set_string_value("a");
  otlp::AnyValue seven;
  seven.set_int_value(7);
  otlp::AnyValue empty;
  empty.set_string_value("");
  add("r0", &a);
  add("r1", &seven);
  add("r2", nullptr);
  add("r3", &a);
  add("r4", &empty);

  Config config = config_with();
  config.ordering = {true, "tenant", false};

  const auto groups = group_by_ordering_key(request, config.ordering);
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].key == "a");
  CHECK(groups[1].key == "7");  // pcommon AsString of an int
  CHECK(groups[2].key == "");   // without the attribute, or with an empty value
  CHECK(groups[0].request.resource_spans_size() == 2);
  CHECK(groups[1].request.resource_spans_size() == 1);
  CHECK(groups[2].request.resource_spans_size() == 2);
  CHECK(groups[0].request.resource_spans(1).resource().attributes(0).value().string_value() ==
        "r3");
  CHECK(groups[0].request.resource_spans(0).resource().attributes_size() == 2);

  const PublishPlan plan = plan_publish(request, config, context());
  REQUIRE(plan.requests.size() == 3);
  std::vector<std::string> keys;
  for (const auto& r : plan.requests) {
    REQUIRE(r.messages_size() == 1);
    keys.push_back(r.messages(0).ordering_key());
  }
  CHECK(keys == std::vector<std::string>{"a", "7", ""});
  CHECK(decode(plan.requests[0].messages(0)).resource_spans(0).resource().attributes_size() == 2);

  SECTION("remove_resource_attribute drops it from the copies that had it, not the input") {
    config.ordering.remove_resource_attribute = true;
    const PublishPlan removed = plan_publish(request, config, context());
    REQUIRE(removed.requests.size() == 3);
    for (const auto& r : removed.requests) {
      const otlp::ExportRequest decoded = decode(r.messages(0));
      for (const auto& rs : decoded.resource_spans()) {
        REQUIRE(rs.resource().attributes_size() == 1);
        CHECK(rs.resource().attributes(0).key() == "service.name");
      }
    }
    CHECK(request.resource_spans(0).resource().attributes_size() == 2);
  }
}

TEST_CASE("split_in_two halves the spans and carries resource and scope along") {
  otlp::ExportRequest request = testing::make_request(3, 1, "alpha", "alpha");
  request.MergeFrom(testing::make_request(2, 4, "beta", "beta"));
  request.mutable_resource_spans(1)->set_schema_url("https://schema/1");
  otlp::ExportRequest first;
  otlp::ExportRequest second;
  split_in_two(request, first, second);
  CHECK(count_spans(first) == 2);
  CHECK(count_spans(second) == 3);
  REQUIRE(first.resource_spans_size() == 1);
  REQUIRE(second.resource_spans_size() == 2);
  CHECK(MessageDifferencer::Equals(second.resource_spans(0).resource(),
                                   request.resource_spans(0).resource()));
  CHECK(MessageDifferencer::Equals(second.resource_spans(0).scope_spans(0).scope(),
                                   request.resource_spans(0).scope_spans(0).scope()));
  CHECK(second.resource_spans(0).scope_spans(0).spans(0).name() == "alpha-3");
  CHECK(second.resource_spans(1).schema_url() == "https://schema/1");
}

TEST_CASE("a batch over the limit is split into messages holding every span exactly once") {
  const PublishLimits limits{4000, 1000};
  const otlp::ExportRequest request = padded_request(40, 300);  // ~27 KB
  for (const bool gzip : {false, true}) {
    INFO("gzip " << gzip);
    const PublishPlan plan = plan_publish(request, config_with(gzip), context(), limits);
    CHECK(plan.rejected_spans == 0);
    CHECK(plan.requests.size() > 1);
    const auto seen = planned_spans(plan, limits);
    CHECK(seen.size() == 80);
    for (const auto& [id, times] : seen) {
      INFO(id);
      CHECK(times == 1);
    }
  }
}

TEST_CASE("packing never exceeds the message count limit") {
  const PublishLimits limits{4000, 1};
  const PublishPlan plan = plan_publish(padded_request(40, 300), config_with(), context(), limits);
  CHECK(planned_spans(plan, limits).size() == 80);
}

TEST_CASE("a span too large on its own is counted as rejected; the rest is published") {
  const PublishLimits limits{4000, 1000};
  otlp::ExportRequest request = padded_request(5, 50);
  testing::add_attribute(request.mutable_resource_spans(1)
                             ->mutable_scope_spans(0)
                             ->mutable_spans(2)
                             ->mutable_attributes(),
                         "huge", std::string(5000, 'h'));
  const PublishPlan plan = plan_publish(request, config_with(), context(), limits);
  CHECK(plan.rejected_spans == 1);
  const auto seen = planned_spans(plan, limits);
  CHECK(seen.size() == 9);
  CHECK(seen.count(testing::hex(testing::span_id(8))) == 0);
}

TEST_CASE("Pub/Sub's real limit: a 25 MB batch becomes requests of at most 10 MB") {
  const PublishLimits limits;
  const otlp::ExportRequest request = padded_request(1250, 10'000);
  REQUIRE(request.ByteSizeLong() > 25'000'000);
  const PublishPlan plan = plan_publish(request, config_with(), context());
  CHECK(plan.requests.size() >= 3);
  const auto seen = planned_spans(plan, limits);
  CHECK(seen.size() == 2500);
  for (const auto& request_out : plan.requests) {
    CHECK(request_out.ByteSizeLong() <= 10'000'000);
  }
}
