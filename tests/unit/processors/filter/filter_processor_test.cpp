// The filter processor on batches: what it drops, what it forwards, how it counts, and what
// each error mode does.
#include "processors/filter/filter_processor.h"

#include <spdlog/sinks/ostream_sink.h>

#include <catch.hpp>
#include <sstream>

#include "support/spans.h"
#include "support/trace_sink.h"

using namespace spanflow;
using processors::filter::Config;
using processors::filter::ErrorMode;
using processors::filter::FilterProcessor;
using testing::add_attribute;
using testing::make_request;
using testing::TraceSink;

namespace {

const std::string kMetric = "otelcol_processor_filter_spans_filtered_total";
const telemetry::Labels kLabels = {{"filter", "filter/health"}};

std::vector<ottl::Condition> compile(std::initializer_list<const char*> texts,
                                     ottl::ContextKind kind = ottl::ContextKind::kSpan) {
  std::vector<ottl::Condition> out;
  for (const char* text : texts) {
    ottl::CompileError error;
    auto condition = ottl::Condition::compile(text, kind, error);
    INFO(error.message);
    REQUIRE(condition);
    out.push_back(*condition);
  }
  return out;
}

// A processor with its sink, metrics and captured log.
struct Harness {
  explicit Harness(Config config) {
    auto logger = std::make_shared<spdlog::logger>(
        "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
    processor = std::make_unique<FilterProcessor>(
        CreateSettings{ComponentId{"filter", "health"}, logger, &metrics}, config, sink);
  }
  ConsumeResult consume(otlp::ExportRequest request) {
    TraceBatch batch;
    batch.mutable_request() = std::move(request);
    return processor->consume(std::move(batch));
  }
  double filtered() const { return metrics.value(kMetric, kLabels); }
  std::vector<std::string> names(std::size_t batch = 0) {
    std::vector<std::string> out;
    for (const auto& rs : sink.batches().at(batch).request().resource_spans())
      for (const auto& ss : rs.scope_spans())
        for (const auto& span : ss.spans()) out.push_back(span.name());
    return out;
  }

  std::ostringstream log;
  telemetry::Metrics metrics;
  TraceSink sink;
  std::unique_ptr<FilterProcessor> processor;
};

Config span_filter(std::initializer_list<const char*> conditions,
                   ErrorMode mode = ErrorMode::kPropagate) {
  Config config;
  config.error_mode = mode;
  config.span_conditions = compile(conditions);
  return config;
}

// Spans named span-1..span-n; every third has http.route /health.
otlp::ExportRequest with_health_checks(int n) {
  otlp::ExportRequest request = make_request(n);
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  for (int i = 0; i < n; i += 3) {
    spans->Mutable(i)->mutable_attributes()->Mutable(0)->mutable_value()->set_string_value(
        "/health");
  }
  return request;
}

}  // namespace

TEST_CASE("spans matching any condition are dropped and the rest forwarded in order") {
  Harness h(span_filter({R"(attributes["http.route"] == "/health")", R"(name == "span-5")"}));
  CHECK(h.consume(with_health_checks(7)).is_ok());
  REQUIRE(h.sink.batches().size() == 1);
  CHECK(h.names() == std::vector<std::string>{"span-2", "span-3", "span-6"});
  CHECK(h.filtered() == 4);
}

TEST_CASE("the seed conditions drop health checks and short spans") {
  Harness h(span_filter({R"(attributes["http.route"] == "/health")",
                         R"(attributes["grpc.method"] == "Health/Check")", "duration < 1000000"}));
  otlp::ExportRequest request = make_request(4);  // each span lasts exactly 1 ms
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  spans->Mutable(0)->mutable_attributes()->Mutable(0)->mutable_value()->set_string_value("/health");
  add_attribute(spans->Mutable(1)->mutable_attributes(), "grpc.method", "Health/Check");
  spans->Mutable(2)->set_end_time_unix_nano(spans->Get(2).start_time_unix_nano() + 999'999);
  CHECK(h.consume(std::move(request)).is_ok());
  CHECK(h.names() == std::vector<std::string>{"span-4"});
  CHECK(h.filtered() == 3);
}

TEST_CASE("scopes and resources left without spans are removed") {
  Harness h(span_filter({R"(resource.attributes["service.name"] == "health-prober")",
                         R"(instrumentation_scope.name == "noisy")"}));
  otlp::ExportRequest request = make_request(2, 1, "checkout");
  *request.add_resource_spans() = make_request(2, 10, "health-prober").resource_spans(0);
  auto* checkout = request.mutable_resource_spans(0);
  auto* noisy = checkout->add_scope_spans();
  *noisy = checkout->scope_spans(0);
  noisy->mutable_scope()->set_name("noisy");
  CHECK(h.consume(std::move(request)).is_ok());
  const auto& out = h.sink.batches().at(0).request();
  REQUIRE(out.resource_spans_size() == 1);
  CHECK(out.resource_spans(0).resource().attributes(0).value().string_value() == "checkout");
  REQUIRE(out.resource_spans(0).scope_spans_size() == 1);
  CHECK(out.resource_spans(0).scope_spans(0).scope().name() == "spanflow.test");
  CHECK(h.names() == std::vector<std::string>{"span-1", "span-2"});
  CHECK(h.filtered() == 4);
}

TEST_CASE("a batch whose spans are all dropped is not forwarded") {
  Harness h(span_filter({R"(HasPrefix(name, "span-"))"}));
  CHECK(h.consume(make_request(5)).is_ok());
  CHECK(h.sink.batches().empty());
  CHECK(h.filtered() == 5);
}

TEST_CASE("span events matching a spanevent condition are dropped; their spans stay") {
  Config config;
  config.span_conditions = compile({R"(name == "span-1")"});
  config.spanevent_conditions =
      compile({R"(name == "grpc.message")"}, ottl::ContextKind::kSpanEvent);
  Harness h(config);
  otlp::ExportRequest request = make_request(3);
  auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
  for (auto& span : *spans) {
    for (const char* name : {"grpc.message", "exception", "grpc.message"}) {
      span.add_events()->set_name(name);
    }
  }
  CHECK(h.consume(std::move(request)).is_ok());
  REQUIRE(h.names() == std::vector<std::string>{"span-2", "span-3"});
  for (const auto& span : h.sink.batches()[0].request().resource_spans(0).scope_spans(0).spans()) {
    REQUIRE(span.events_size() == 1);
    CHECK(span.events(0).name() == "exception");
  }
  CHECK(h.filtered() == 1);  // events are not spans
}

TEST_CASE("events of a dropped span are not evaluated") {
  Config config;
  config.span_conditions = compile({R"(name == "span-1")"});
  // Fails on every event it sees, so seeing span-1's event would fail the batch.
  config.spanevent_conditions =
      compile({R"(Len(span.attributes["http.status_code"]) > 0)"}, ottl::ContextKind::kSpanEvent);
  Harness h(config);
  otlp::ExportRequest request = make_request(2);
  request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->add_events();
  CHECK(h.consume(std::move(request)).is_ok());
  CHECK(h.names() == std::vector<std::string>{"span-2"});
}

TEST_CASE("a shared batch is filtered in a copy; the sibling keeps every span") {
  Harness h(span_filter({R"(name == "span-2")"}));
  TraceBatch batch;
  batch.mutable_request() = make_request(3);
  const TraceBatch sibling = batch.share();
  CHECK(h.processor->consume(std::move(batch)).is_ok());
  CHECK(sibling.span_count() == 3);
  CHECK(sibling.request().resource_spans(0).scope_spans(0).spans(1).name() == "span-2");
  CHECK(h.names() == std::vector<std::string>{"span-1", "span-3"});
  CHECK(&h.sink.batches()[0].request() != &sibling.request());
}

TEST_CASE("a batch with nothing to drop is forwarded without a copy") {
  Harness h(span_filter({R"(name == "nothing")"}));
  TraceBatch batch;
  batch.mutable_request() = make_request(3);
  const TraceBatch sibling = batch.share();
  CHECK(h.processor->consume(std::move(batch)).is_ok());
  REQUIRE(h.sink.batches().size() == 1);
  CHECK(&h.sink.batches()[0].request() == &sibling.request());
  CHECK(h.filtered() == 0);
}

TEST_CASE("the next consumer's answer is returned") {
  Harness h(span_filter({R"(name == "span-1")"}));
  h.sink.answer(ConsumeResult::retryable("queue full"));
  const ConsumeResult result = h.consume(make_request(2));
  CHECK(result.kind == ConsumeResult::Kind::kRetryable);
  CHECK(result.message == "queue full");
}

TEST_CASE("error_mode propagate fails the batch and forwards nothing") {
  Harness h(span_filter({R"(name == "span-1")", R"(attributes["http.status_code"] / 0 > 1)"}));
  const ConsumeResult result = h.consume(make_request(3));
  CHECK(result.kind == ConsumeResult::Kind::kPermanent);
  CHECK(result.message ==
        "filter/health: condition 'attributes[\"http.status_code\"] / 0 > 1' failed: division by "
        "zero");
  CHECK(h.sink.batches().empty());
  CHECK(h.filtered() == 0);
}

TEST_CASE("error_mode ignore counts a failing condition as false and logs at most once a while") {
  Harness h(span_filter({R"(attributes["http.status_code"] / 0 > 1)", R"(name == "span-2")"},
                        ErrorMode::kIgnore));
  for (int i = 0; i < 3; ++i) CHECK(h.consume(make_request(3)).is_ok());
  REQUIRE(h.sink.batches().size() == 3);
  CHECK(h.names(2) == std::vector<std::string>{"span-1", "span-3"});
  CHECK(h.filtered() == 3);
  const std::string log = h.log.str();
  CHECK(std::count(log.begin(), log.end(), '\n') == 1);
  CHECK_THAT(log, Catch::Contains("filter/health: condition 'attributes[\"http.status_code\"] / "
                                  "0 > 1' failed and counts as false (error_mode: ignore): "
                                  "division by zero"));
}

TEST_CASE("error_mode silent counts a failing condition as false without logging") {
  Harness h(span_filter({R"(HasPrefix(attributes["absent"], "x"))", R"(name == "span-1")"},
                        ErrorMode::kSilent));
  CHECK(h.consume(make_request(2)).is_ok());
  CHECK(h.names() == std::vector<std::string>{"span-2"});
  CHECK(h.log.str().empty());
}

TEST_CASE("drops are counted per filter id across batches") {
  Harness h(span_filter({R"(attributes["http.route"] == "/health")"}));
  CHECK(h.consume(with_health_checks(6)).is_ok());
  CHECK(h.consume(with_health_checks(4)).is_ok());
  CHECK(h.filtered() == 4);
  CHECK_THAT(h.metrics.prometheus_text(),
             Catch::Contains(kMetric + "{filter=\"filter/health\"} 4"));
}
