// timeout, retry_on_failure and sending_queue as an exporter section reads them, with the
// exact messages `spanflow validate` prints.
#include "exporters/common/delivery_config.h"

#include <catch.hpp>

#include "config/yaml_document.h"
#include "service/service_config.h"

using namespace spanflow;
using namespace spanflow::config;
using namespace std::chrono_literals;
using exporters::DeliveryConfig;

namespace {

struct Section {
  ConfigErrors errors;
  ConfigValue root;
  DeliveryConfig config;

  // `body` is the exporter's section, indented by four spaces; its first line is line 3.
  explicit Section(const std::string& body)
      : root(parse_yaml(
            "exporters:\n  otlp:\n" + body, "c.yaml",
            [](const std::string&) { return std::optional<std::string>(); }, errors)) {
    ConfigNode top(root, "", errors);
    ConfigNode exporters = *top.child("exporters");
    ConfigNode section = *exporters.child("otlp");
    config = DeliveryConfig::parse(section);
    section.finish();
  }
  std::string report() const { return errors.report(); }
};

// Parses a whole config with an otlp exporter whose section is `body`.
std::string validate(const std::string& body) {
  ConfigErrors errors;
  const auto root = parse_yaml(
      "receivers:\n  otlp:\n    protocols: {grpc: }\nexporters:\n  otlp:\n" + body +
          "service:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [otlp]}\n",
      "c.yaml", [](const std::string&) { return std::optional<std::string>(); }, errors);
  const auto registry = service::Registry::builtin();
  service::parse_service_config(root, registry, errors);
  return errors.report();
}

}  // namespace

TEST_CASE("an empty section gets the Collector's exporterhelper defaults") {
  Section s("    {}\n");
  CHECK(s.report() == "");
  const DeliveryConfig& c = s.config;
  CHECK(c.timeout == 5s);
  CHECK(c.retry_on_failure.enabled);
  CHECK(c.retry_on_failure.initial_interval == 5s);
  CHECK(c.retry_on_failure.randomization_factor == 0.5);
  CHECK(c.retry_on_failure.multiplier == 1.5);
  CHECK(c.retry_on_failure.max_interval == 30s);
  CHECK(c.retry_on_failure.max_elapsed_time == 300s);
  CHECK(c.sending_queue.enabled);
  CHECK(c.sending_queue.num_consumers == 10);
  CHECK(c.sending_queue.queue_size == 1000);
  CHECK(c.sending_queue.sizer == "requests");
  CHECK_FALSE(c.sending_queue.block_on_overflow);
  CHECK_FALSE(c.sending_queue.storage);
}

TEST_CASE("every delivery key is read") {
  Section s(R"(    timeout: 2s
    retry_on_failure:
      enabled: false
      initial_interval: 100ms
      randomization_factor: 0
      multiplier: 2
      max_interval: 1s
      max_elapsed_time: 0
    sending_queue:
      enabled: true
      num_consumers: 3
      queue_size: 500
      sizer: bytes
      block_on_overflow: true
      storage: file_storage/queue
)");
  CHECK(s.report() == "");
  const DeliveryConfig& c = s.config;
  CHECK(c.timeout == 2s);
  CHECK_FALSE(c.retry_on_failure.enabled);
  CHECK(c.retry_on_failure.initial_interval == 100ms);
  CHECK(c.retry_on_failure.randomization_factor == 0);
  CHECK(c.retry_on_failure.multiplier == 2);
  CHECK(c.retry_on_failure.max_interval == 1s);
  CHECK(c.retry_on_failure.max_elapsed_time == 0s);
  CHECK(c.sending_queue.num_consumers == 3);
  CHECK(c.sending_queue.queue_size == 500);
  CHECK(c.sending_queue.sizer == "bytes");
  CHECK(c.sending_queue.block_on_overflow);
  REQUIRE(c.sending_queue.storage);
  CHECK(*c.sending_queue.storage == ComponentId{"file_storage", "queue"});
}

TEST_CASE("a per-exporter default timeout applies when the key is absent") {
  ConfigErrors errors;
  const auto root = parse_yaml(
      "x: {}\n", "c.yaml", [](const std::string&) { return std::optional<std::string>(); }, errors);
  ConfigNode top(root, "", errors);
  ConfigNode section = *top.child("x");
  CHECK(DeliveryConfig::parse(section, 12s).timeout == 12s);
}

TEST_CASE("queue settings that cannot work are errors with their position") {
  CHECK(
      validate("    endpoint: gw:4317\n    sending_queue: {num_consumers: 0, queue_size: -1}\n") ==
      "c.yaml:7:21: error: exporters::otlp::sending_queue::num_consumers: must be greater "
      "than 0\n"
      "c.yaml:7:39: error: exporters::otlp::sending_queue::queue_size: must be greater than "
      "0\n");
  CHECK(validate("    endpoint: gw:4317\n    sending_queue: {num_consumers: -4}\n") ==
        "c.yaml:7:21: error: exporters::otlp::sending_queue::num_consumers: must be greater "
        "than 0\n");
  CHECK(validate("    endpoint: gw:4317\n    sending_queue: {queue_size: 0}\n") ==
        "c.yaml:7:21: error: exporters::otlp::sending_queue::queue_size: must be greater than "
        "0\n");
}

TEST_CASE("an unknown sizer lists the sizers and suggests the closest") {
  CHECK(validate("    endpoint: gw:4317\n    sending_queue: {sizer: item}\n") ==
        "c.yaml:7:28: error: exporters::otlp::sending_queue::sizer: expected one of "
        "\"requests\", \"items\" or \"bytes\", found \"item\" (did you mean 'items'?)\n");
}

TEST_CASE("retry settings that cannot work are errors with their position") {
  CHECK(validate(R"(    endpoint: gw:4317
    retry_on_failure:
      multiplier: 0.5
      randomization_factor: 1.5
      initial_interval: 0s
      max_interval: 0s
      max_elapsed_time: -1s
)") == "c.yaml:8:7: error: exporters::otlp::retry_on_failure::multiplier: must be at least 1 "
       "(a multiplier below 1 would shorten the interval after each failure)\n"
       "c.yaml:9:7: error: exporters::otlp::retry_on_failure::randomization_factor: must be "
       "within [0, 1]\n"
       "c.yaml:10:7: error: exporters::otlp::retry_on_failure::initial_interval: must be "
       "greater than 0\n"
       "c.yaml:11:7: error: exporters::otlp::retry_on_failure::max_interval: must be greater "
       "than 0\n"
       "c.yaml:12:25: error: exporters::otlp::retry_on_failure::max_elapsed_time: expected a "
       "non-negative duration, found \"-1s\"\n");
}

TEST_CASE("unknown delivery keys, a bad storage id and unsupported features are reported") {
  const std::string report = validate(R"(    endpoint: gw:4317
    timeout: -1s
    retry_on_failure: {max_elapsed: 1m}
    sending_queue:
      storage: "/x"
      wait_for_result: true
      batch: {}
)");
  CHECK(report ==
        "c.yaml:7:14: error: exporters::otlp::timeout: expected a non-negative duration, found "
        "\"-1s\"\n"
        "c.yaml:8:24: error: exporters::otlp::retry_on_failure: unknown key 'max_elapsed'\n"
        "c.yaml:10:7: error: exporters::otlp::sending_queue::storage: invalid extension id "
        "\"/x\" (expected type or type/name, e.g. file_storage/queue)\n"
        "c.yaml:11:7: error: exporters::otlp::sending_queue::wait_for_result: is not supported "
        "by spanflow (set 'enabled: false' to send on the caller's thread and return the "
        "outcome)\n"
        "c.yaml:12:7: error: exporters::otlp::sending_queue::batch: exporter-side batching is "
        "not supported by spanflow (put the batch processor in the pipeline instead)\n");
}
