// The googlecloudpubsub exporter's sender against Google's real Pub/Sub emulator: what a
// subscriber pulls back is the batch, field by field, with the Collector's CloudEvents
// attributes, ordering keys and splitting; and failures map to retryable or permanent.
// Without the emulator each test says "SKIPPED: ..." in the output and checks nothing.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <catch.hpp>
#include <chrono>
#include <map>
#include <regex>

#include "codec/gzip.h"
#include "core/trace_batch.h"
#include "exporters/googlecloudpubsub/cloudevents.h"
#include "exporters/googlecloudpubsub/pubsub_sender.h"
#include "support/pubsub_emulator.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace spanflow::exporters;
using namespace spanflow::exporters::googlecloudpubsub;
using Catch::Contains;
using google::protobuf::util::MessageDifferencer;
namespace pubsub = google::pubsub::v1;

namespace {

constexpr char kProject[] = "projects/spanflow-test";

std::string topic(const std::string& name) {
  return std::string(kProject) + "/topics/" + name;
}
std::string subscription(const std::string& name) {
  return std::string(kProject) + "/subscriptions/" + name;
}

// The emulator, or nullptr after a visible "SKIPPED" warning when it cannot run here.
std::unique_ptr<PubsubEmulator> start_emulator() {
  if (const auto reason = PubsubEmulator::unavailable_reason()) {
    WARN("SKIPPED: " << *reason);
    return nullptr;
  }
  return std::make_unique<PubsubEmulator>();
}

// A topic with one subscription on the emulator, and a config publishing to it.
Config setup(PubsubEmulator& emulator, const std::string& name, bool ordering = false) {
  emulator.create_topic(topic(name));
  emulator.create_subscription(subscription(name), topic(name), ordering);
  Config config;
  config.topic = topic(name);
  config.endpoint = emulator.endpoint();
  config.insecure = true;
  return config;
}

config::Environment no_env() {
  return [](const std::string&) { return std::optional<std::string>(); };
}

TraceBatch batch_of(const otlp::ExportRequest& request) {
  TraceBatch batch;
  batch.mutable_request() = request;
  return batch;
}

Deadline in_seconds(int s) {
  return std::chrono::steady_clock::now() + std::chrono::seconds(s);
}

std::int64_t now_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Two resources with spans of every shape: all attribute value types, events, links, status,
// parents, trace state, flags, dropped counts. The earliest start is kEarliestStart.
constexpr std::uint64_t kEarliestStart = 1'699'999'999'123'456'789ULL;
otlp::ExportRequest two_resource_request() {
  otlp::ExportRequest request = make_request(3, 100, "checkout", "checkout");
  request.MergeFrom(make_request(2, 200, "payments", "payments"));
  auto* rs = request.mutable_resource_spans(0);
  rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
  rs->mutable_resource()->set_dropped_attributes_count(2);
  auto* span = rs->mutable_scope_spans(0)->mutable_spans(1);
  span->set_start_time_unix_nano(kEarliestStart);
  span->set_parent_span_id(span_id(99));
  span->set_trace_state("ot=th:8,vendor=x");
  span->set_flags(0x301);
  span->set_kind(otlp::Span::SPAN_KIND_CLIENT);
  span->set_dropped_attributes_count(3);
  span->mutable_status()->set_code(otlp::Status::STATUS_CODE_ERROR);
  span->mutable_status()->set_message("boom");
  auto* attrs = span->mutable_attributes();
  add_attribute(attrs, "unicode", "한국어 ✓ \xF0\x9F\x9A\x80 \"quoted\"");
  attrs->Add()->set_key("empty");
  auto* b = attrs->Add();
  b->set_key("bool");
  b->mutable_value()->set_bool_value(true);
  auto* d = attrs->Add();
  d->set_key("double");
  d->mutable_value()->set_double_value(-1.25e-300);
  auto* bytes = attrs->Add();
  bytes->set_key("bytes");
  bytes->mutable_value()->set_bytes_value(std::string("\x00\xff\x10", 3));
  auto* arr = attrs->Add();
  arr->set_key("array");
  arr->mutable_value()->mutable_array_value()->add_values()->set_string_value("a");
  arr->mutable_value()->mutable_array_value()->add_values()->set_int_value(7);
  auto* kv = attrs->Add();
  kv->set_key("kvlist");
  kv->mutable_value()->mutable_kvlist_value()->add_values()->set_key("nested");
  auto* ev = span->add_events();
  ev->set_name("exception");
  ev->set_time_unix_nano(kEarliestStart + 500);
  add_attribute(ev->mutable_attributes(), "exception.message", "oops");
  auto* link = span->add_links();
  link->set_trace_id(trace_id(7));
  link->set_span_id(span_id(7));
  link->set_flags(1);
  auto* other = request.mutable_resource_spans(1)->mutable_scope_spans(0)->mutable_spans(0);
  other->set_kind(otlp::Span::SPAN_KIND_CONSUMER);
  other->mutable_status()->set_code(otlp::Status::STATUS_CODE_OK);
  return request;
}

otlp::ExportRequest decode(const pubsub::PubsubMessage& message) {
  std::string data = message.data();
  const auto& attributes = message.attributes();
  if (attributes.count("content-encoding") && attributes.at("content-encoding") == "gzip") {
    std::string inflated;
    std::string error;
    REQUIRE(codec::inflate(data, false, std::size_t(1) << 31, inflated, error) ==
            codec::InflateStatus::kOk);
    data = std::move(inflated);
  }
  otlp::ExportRequest out;
  REQUIRE(out.ParseFromString(data));
  return out;
}

void check_equal(const otlp::ExportRequest& got, const otlp::ExportRequest& want) {
  std::string diff;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  CHECK(differ.Compare(want, got));
  CHECK(diff == "");
}

// ce-time back to Unix nanoseconds (RFC 3339 UTC, as format_rfc3339_nano writes it).
std::int64_t parse_ce_time(const std::string& text) {
  const std::regex format(R"(^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{0,8}[1-9]))?Z$)");
  std::smatch m;
  REQUIRE(std::regex_match(text, m, format));
  using namespace std::chrono;
  const sys_days day = year(std::stoi(m[1])) / std::stoi(m[2]) / std::stoi(m[3]);
  std::string fraction = m[7].matched ? m[7].str() : "";
  fraction.resize(9, '0');
  return duration_cast<nanoseconds>(day.time_since_epoch()).count() +
         ((std::stoll(m[4]) * 60 + std::stoll(m[5])) * 60 + std::stoll(m[6])) * 1'000'000'000LL +
         std::stoll(fraction);
}

// Checks every attribute of a message the Collector's exporter would have set.
void check_cloudevents(const pubsub::PubsubMessage& message, bool gzip, std::int64_t not_before,
                       std::int64_t not_after) {
  const auto& a = message.attributes();
  CHECK(a.size() == (gzip ? 7u : 6u));
  CHECK(a.at("ce-specversion") == "1.0");
  CHECK(a.at("ce-type") == "org.opentelemetry.otlp.traces.v1");
  CHECK(a.at("ce-source") ==
        std::string("/opentelemetry/collector/googlecloudpubsub/") + SPANFLOW_VERSION);
  CHECK(a.at("content-type") == "application/protobuf");
  if (gzip) CHECK(a.at("content-encoding") == "gzip");
  CHECK(std::regex_match(
      a.at("ce-id"),
      std::regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")));
  const std::int64_t time = parse_ce_time(a.at("ce-time"));
  CHECK(time >= not_before);
  CHECK(time <= not_after);
  CHECK_FALSE(message.message_id().empty());
  CHECK(message.publish_time().seconds() > 0);
}

}  // namespace

TEST_CASE("Pub/Sub: a batch arrives as OTLP protobuf with the CloudEvents attributes", "[pubsub]") {
  const auto emulator = start_emulator();
  if (!emulator) return;
  const otlp::ExportRequest request = two_resource_request();

  // The plaintext channel the exporter makes for `endpoint` + `insecure: true`.
  const Config plain = setup(*emulator, "plain");
  PubsubSender sender(plain, make_pubsub_channel(plain, no_env()));
  const std::int64_t before = now_nanos();
  REQUIRE(sender.send(batch_of(request), in_seconds(10)).kind == SendResult::Kind::kOk);
  REQUIRE(sender.send(batch_of(request), in_seconds(10)).kind == SendResult::Kind::kOk);
  const std::int64_t after = now_nanos();
  const auto pulled = emulator->pull(subscription("plain"), 2);
  REQUIRE(pulled.size() == 2);
  for (const auto& received : pulled) {
    check_equal(decode(received.message()), request);
    CHECK(received.message().ordering_key() == "");
    check_cloudevents(received.message(), false, before, after);
  }
  CHECK(pulled[0].message().attributes().at("ce-id") !=
        pulled[1].message().attributes().at("ce-id"));

  // gzip, over the channel PUBSUB_EMULATOR_HOST selects when no endpoint is configured.
  Config gzip = setup(*emulator, "gzipped");
  gzip.endpoint.clear();
  gzip.insecure = false;
  gzip.gzip = true;
  const std::string host = emulator->endpoint();
  PubsubSender gzip_sender(gzip, make_pubsub_channel(gzip, [host](const std::string& name) {
                             return name == "PUBSUB_EMULATOR_HOST" ? std::optional(host)
                                                                   : std::nullopt;
                           }));
  const std::int64_t gzip_before = now_nanos();
  REQUIRE(gzip_sender.send(batch_of(request), in_seconds(10)).kind == SendResult::Kind::kOk);
  const auto zipped = emulator->pull(subscription("gzipped"), 1);
  REQUIRE(zipped.size() == 1);
  CHECK(zipped[0].message().data().starts_with("\x1f\x8b"));
  check_equal(decode(zipped[0].message()), request);
  check_cloudevents(zipped[0].message(), true, gzip_before, now_nanos());
}

TEST_CASE("Pub/Sub: watermark earliest puts the earliest span start in ce-time", "[pubsub]") {
  const auto emulator = start_emulator();
  if (!emulator) return;
  Config config = setup(*emulator, "earliest");
  config.watermark = {WatermarkBehavior::kEarliest, std::chrono::nanoseconds(0)};
  PubsubSender unlimited(config, emulator->channel());
  REQUIRE(unlimited.send(batch_of(two_resource_request()), in_seconds(10)).kind ==
          SendResult::Kind::kOk);

  config.watermark.allowed_drift = std::chrono::hours(1);
  PubsubSender clamped(config, emulator->channel());
  const std::int64_t before = now_nanos();
  REQUIRE(clamped.send(batch_of(two_resource_request()), in_seconds(10)).kind ==
          SendResult::Kind::kOk);
  const std::int64_t after = now_nanos();

  const auto pulled = emulator->pull(subscription("earliest"), 2);
  REQUIRE(pulled.size() == 2);
  std::vector<std::string> times;
  for (const auto& received : pulled)
    times.push_back(received.message().attributes().at("ce-time"));
  std::sort(times.begin(), times.end());
  CHECK(times[0] == "2023-11-14T22:13:19.123456789Z");
  const std::int64_t hour = 3600LL * 1'000'000'000;
  const std::int64_t clamp = parse_ce_time(times[1]);
  CHECK(clamp >= before - hour);
  CHECK(clamp <= after - hour);
}

TEST_CASE("Pub/Sub: ordering publishes one message per resource attribute value", "[pubsub]") {
  const auto emulator = start_emulator();
  if (!emulator) return;
  Config config = setup(*emulator, "ordered", true);
  config.ordering = {true, "tenant", true};
  PubsubSender sender(config, emulator->channel());

  const auto batch = [](std::uint64_t first_id) {
    otlp::ExportRequest request;
    const std::vector<std::string> tenants{"a", "b", "", "a"};
    for (std::size_t i = 0; i < tenants.size(); ++i) {
      otlp::ExportRequest one =
          make_request(2, first_id + 10 * i, "svc" + std::to_string(i), "svc" + std::to_string(i));
      if (!tenants[i].empty()) {
        add_attribute(one.mutable_resource_spans(0)->mutable_resource()->mutable_attributes(),
                      "tenant", tenants[i]);
      }
      request.MergeFrom(one);
    }
    return request;
  };
  REQUIRE(sender.send(batch_of(batch(1000)), in_seconds(10)).kind == SendResult::Kind::kOk);
  REQUIRE(sender.send(batch_of(batch(2000)), in_seconds(10)).kind == SendResult::Kind::kOk);

  const auto pulled = emulator->pull(subscription("ordered"), 6);
  REQUIRE(pulled.size() == 6);
  std::map<std::string, std::vector<otlp::ExportRequest>> by_key;
  for (const auto& received : pulled) {
    by_key[received.message().ordering_key()].push_back(decode(received.message()));
  }
  REQUIRE(by_key.size() == 3);
  const auto services = [](const otlp::ExportRequest& r) {
    std::vector<std::string> out;
    for (const auto& rs : r.resource_spans()) {
      REQUIRE(rs.resource().attributes_size() == 1);  // tenant removed
      out.push_back(rs.resource().attributes(0).value().string_value());
    }
    return out;
  };
  using Names = std::vector<std::string>;
  REQUIRE(by_key["a"].size() == 2);
  CHECK(services(by_key["a"][0]) == Names{"svc0", "svc3"});
  // Same key: delivered in publish order.
  CHECK(by_key["a"][0].resource_spans(0).scope_spans(0).spans(0).name() == "svc0-1000");
  CHECK(by_key["a"][1].resource_spans(0).scope_spans(0).spans(0).name() == "svc0-2000");
  REQUIRE(by_key["b"].size() == 2);
  CHECK(services(by_key["b"][0]) == Names{"svc1"});
  REQUIRE(by_key[""].size() == 2);
  CHECK(services(by_key[""][0]) == Names{"svc2"});
}

TEST_CASE("Pub/Sub: a batch over 10 MB arrives as several messages, every span once", "[pubsub]") {
  const auto emulator = start_emulator();
  if (!emulator) return;
  const Config config = setup(*emulator, "large");
  PubsubSender sender(config, emulator->channel());

  otlp::ExportRequest request = make_request(1100, 1, "alpha", "alpha");
  request.MergeFrom(make_request(1100, 5001, "beta", "beta"));
  for (auto& rs : *request.mutable_resource_spans()) {
    for (auto& span : *rs.mutable_scope_spans(0)->mutable_spans()) {
      add_attribute(span.mutable_attributes(), "payload", std::string(10'000, 'p') + span.name());
    }
  }
  REQUIRE(request.ByteSizeLong() > 22'000'000);
  REQUIRE(sender.send(batch_of(request), in_seconds(60)).kind == SendResult::Kind::kOk);

  std::map<std::string, int> seen;
  std::size_t messages = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (seen.size() < 2200 && std::chrono::steady_clock::now() < deadline) {
    for (const auto& received : emulator->pull(subscription("large"), 1, std::chrono::seconds(5))) {
      ++messages;
      CHECK(received.message().data().size() < 10'000'000);
      const otlp::ExportRequest decoded = decode(received.message());
      for (const auto& rs : decoded.resource_spans()) {
        const std::string service = rs.resource().attributes(0).value().string_value();
        for (const auto& ss : rs.scope_spans()) {
          for (const auto& span : ss.spans()) {
            CHECK(span.name().starts_with(service));
            CHECK(span.attributes(2).value().string_value().ends_with(span.name()));
            ++seen[span.name()];
          }
        }
      }
    }
  }
  CHECK(messages >= 3);
  CHECK(seen.size() == 2200);
  for (const auto& [name, times] : seen) {
    INFO(name);
    CHECK(times == 1);
  }
}

TEST_CASE("Pub/Sub: a missing topic is permanent; a stopped emulator is retryable", "[pubsub]") {
  const auto emulator = start_emulator();
  if (!emulator) return;
  Config config;
  config.topic = topic("not-created");
  PubsubSender sender(config, emulator->channel());
  const SendResult missing = sender.send(batch_of(make_request(2)), in_seconds(10));
  CHECK(missing.kind == SendResult::Kind::kPermanent);
  CHECK_THAT(missing.message,
             Contains("Pub/Sub topic projects/spanflow-test/topics/not-created does not exist "
                      "(NOT_FOUND"));

  emulator->create_topic(config.topic);
  CHECK(sender.send(batch_of(make_request(2)), in_seconds(10)).kind == SendResult::Kind::kOk);

  emulator->stop();
  const SendResult stopped = sender.send(batch_of(make_request(2)), in_seconds(10));
  CHECK(stopped.kind == SendResult::Kind::kRetryable);
  CHECK_THAT(stopped.message, Contains("projects/spanflow-test/topics/not-created"));
  CHECK_THAT(stopped.message, Contains("UNAVAILABLE"));
}

TEST_CASE("Pub/Sub: publishing where nothing listens is retryable") {
  Config config;
  config.topic = topic("traces");
  config.endpoint = "127.0.0.1:1";  // reserved (tcpmux): nothing listens on loopback
  config.insecure = true;
  PubsubSender sender(config, make_pubsub_channel(config, no_env()));
  const SendResult result = sender.send(batch_of(make_request(2)), in_seconds(10));
  CHECK(result.kind == SendResult::Kind::kRetryable);
  CHECK_THAT(result.message, Contains("UNAVAILABLE"));
}
