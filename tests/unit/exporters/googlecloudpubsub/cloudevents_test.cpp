#include "exporters/googlecloudpubsub/cloudevents.h"

#include <catch.hpp>
#include <regex>
#include <set>

#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::exporters::googlecloudpubsub;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

// A request whose spans start at `starts` (resource, scope, span order: one span each).
otlp::ExportRequest with_starts(const std::vector<std::uint64_t>& starts) {
  otlp::ExportRequest request = testing::make_request(static_cast<int>(starts.size()));
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  for (std::size_t i = 0; i < starts.size(); ++i) {
    spans->Mutable(static_cast<int>(i))->set_start_time_unix_nano(starts[i]);
  }
  return request;
}

}  // namespace

TEST_CASE("ce-time is Go's time.MarshalText in UTC") {
  CHECK(format_rfc3339_nano(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339_nano(1) == "1970-01-01T00:00:00.000000001Z");
  CHECK(format_rfc3339_nano(1'700'000'000 * kSecond) == "2023-11-14T22:13:20Z");
  CHECK(format_rfc3339_nano(1'700'000'000 * kSecond + 120'000'000) == "2023-11-14T22:13:20.12Z");
  CHECK(format_rfc3339_nano(1'795'355'781 * kSecond + 424'165'725) ==
        "2026-11-22T13:56:21.424165725Z");
  CHECK(format_rfc3339_nano(951'782'400 * kSecond) == "2000-02-29T00:00:00Z");  // leap day
  CHECK(format_rfc3339_nano(-5) == "1970-01-01T00:00:00Z");                     // never before
}

TEST_CASE("ce-id is a random version 4 UUID") {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = random_uuid();
    REQUIRE(id);
    CHECK(std::regex_match(*id, uuid));
    seen.insert(*id);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("ce-source has the Collector's shape") {
  CHECK(ce_source("0.1.0") == "/opentelemetry/collector/googlecloudpubsub/0.1.0");
}

TEST_CASE("watermark: current is the export time") {
  const std::int64_t now = 1'800'000'000 * kSecond;
  CHECK(watermark(with_starts({1, 2, 3}), WatermarkConfig{}, now) == now);
}

TEST_CASE("watermark: earliest is the earliest span start, clamped by allowed_drift") {
  const std::int64_t now = 1'800'000'000 * kSecond;
  const auto at = [&](std::int64_t seconds_ago) {
    return static_cast<std::uint64_t>(now - seconds_ago * kSecond);
  };
  WatermarkConfig earliest{WatermarkBehavior::kEarliest, std::chrono::nanoseconds(0)};

  SECTION("unlimited drift (0): the earliest start, wherever it is") {
    CHECK(watermark(with_starts({at(60), at(3600), at(10)}), earliest, now) ==
          now - 3600 * kSecond);
    CHECK(watermark(with_starts({0, at(10)}), earliest, now) == 0);
  }
  SECTION("starts in the future never raise it above now") {
    CHECK(watermark(with_starts({at(-60), at(-1)}), earliest, now) == now);
    CHECK(watermark(with_starts({at(-60), at(5)}), earliest, now) == now - 5 * kSecond);
  }
  SECTION("a start before now - allowed_drift gives now - allowed_drift and stops the walk") {
    earliest.allowed_drift = std::chrono::minutes(30);
    CHECK(watermark(with_starts({at(60), at(3600), at(10)}), earliest, now) ==
          now - 1800 * kSecond);
    CHECK(watermark(with_starts({at(60), at(600)}), earliest, now) == now - 600 * kSecond);
  }
  SECTION("a drift reaching before 1970 clamps at the epoch") {
    earliest.allowed_drift = std::chrono::hours(24 * 365 * 200);
    CHECK(watermark(with_starts({0}), earliest, now) == 0);
  }
  SECTION("no spans: now") {
    CHECK(watermark(otlp::ExportRequest{}, earliest, now) == now);
  }
}

TEST_CASE("message attributes: CloudEvents binary mode, as the Collector sets them") {
  Config config;
  const std::int64_t time = 1'700'000'000 * kSecond + 5;
  using Map = std::map<std::string, std::string>;

  CHECK(message_attributes(config, "/src", "id-1", time) ==
        Map{{"ce-specversion", "1.0"},
            {"ce-id", "id-1"},
            {"ce-source", "/src"},
            {"ce-time", "2023-11-14T22:13:20.000000005Z"},
            {"ce-type", "org.opentelemetry.otlp.traces.v1"},
            {"content-type", "application/protobuf"}});

  config.gzip = true;
  CHECK(message_attributes(config, "/src", "id-1", time).at("content-encoding") == "gzip");

  // The user's attributes may replace ce-type and content-type, never the other ce-* ones.
  config.attributes = {{"team", "payments"}, {"ce-type", "custom"}, {"ce-id", "mine"}};
  const Map custom = message_attributes(config, "/src", "id-1", time);
  CHECK(custom.at("team") == "payments");
  CHECK(custom.at("ce-type") == "custom");
  CHECK(custom.at("ce-id") == "id-1");

  // An empty ce-type means no CloudEvents attributes at all (the Collector's rule).
  config.attributes = {{"ce-type", ""}};
  const Map none = message_attributes(config, "/src", "id-1", time);
  CHECK(none.count("ce-id") == 0);
  CHECK(none.count("ce-time") == 0);
  CHECK(none.count("content-encoding") == 0);
  CHECK(none.at("content-type") == "application/protobuf");
}
