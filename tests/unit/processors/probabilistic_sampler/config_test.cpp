#include "processors/probabilistic_sampler/config.h"

#include <catch.hpp>
#include <map>
#include <optional>
#include <string>

#include "config/yaml_document.h"
#include "service/registry.h"
#include "service/service_config.h"

using namespace spanflow;
using namespace spanflow::processors::probabilistic_sampler;

namespace {

struct Parsed {
  Config config;
  std::string report;
  bool has_errors = false;
};

// Parses `section` (the YAML under `processors: probabilistic_sampler:`) through the factory,
// as the service does, with `env` as the environment.
Parsed parse(const std::string& section, std::map<std::string, std::string> env = {}) {
  config::ConfigErrors errors;
  const config::Environment lookup = [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  const config::ConfigValue root = config::parse_yaml(section, "c.yaml", lookup, errors);
  config::ConfigNode node(root, "processors::probabilistic_sampler", errors);
  const auto registry = service::Registry::builtin();
  const Factory* factory = registry.find(ComponentKind::kProcessor, "probabilistic_sampler");
  REQUIRE(factory != nullptr);
  const auto parsed = factory->parse(node);
  Parsed out;
  out.config = dynamic_cast<const TypedConfig<Config>&>(*parsed).value;
  out.report = errors.report();
  out.has_errors = errors.has_errors();
  return out;
}

}  // namespace

TEST_CASE("every key is read, with the Collector's defaults") {
  const Parsed defaults = parse("sampling_percentage: 15.3\n");
  CHECK(defaults.report == "");
  CHECK(defaults.config.sampling_percentage == 15.3f);
  CHECK(defaults.config.hash_seed == 0);
  CHECK(defaults.config.mode == Mode::kHashSeed);
  CHECK(defaults.config.fail_closed);
  CHECK(defaults.config.sampling_precision == 4);

  const Parsed all = parse(
      "sampling_percentage: 1\nhash_seed: 4294967295\nmode: equalizing\nfail_closed: false\n"
      "sampling_precision: 14\n");
  CHECK(all.report == "");
  CHECK(all.config.sampling_percentage == 1.0f);
  CHECK(all.config.hash_seed == 4294967295u);
  CHECK(all.config.mode == Mode::kEqualizing);
  CHECK_FALSE(all.config.fail_closed);
  CHECK(all.config.sampling_precision == 14);
  CHECK(parse("sampling_percentage: 5\nmode: proportional\n").config.mode == Mode::kProportional);
  CHECK(parse("sampling_percentage: 5\nmode: \"\"\n").config.mode == Mode::kHashSeed);
}

TEST_CASE("sampling_percentage from an environment placeholder is read as a float") {
  CHECK(parse("sampling_percentage: ${TRACE_SAMPLING_RATE}\n", {{"TRACE_SAMPLING_RATE", "10"}})
            .config.sampling_percentage == 10.0f);
  CHECK(parse("sampling_percentage: ${env:TRACE_SAMPLING_RATE}\n", {{"TRACE_SAMPLING_RATE", "0.5"}})
            .config.sampling_percentage == 0.5f);
  const Parsed bad =
      parse("sampling_percentage: ${TRACE_SAMPLING_RATE}\n", {{"TRACE_SAMPLING_RATE", "ten"}});
  CHECK(bad.report ==
        "c.yaml:1:22: error: processors::probabilistic_sampler::sampling_percentage: expected a "
        "number, found \"ten\"\n");
}

TEST_CASE("an unset sampling_percentage drops everything, with a warning") {
  const Parsed p = parse("hash_seed: 3\n");
  CHECK_FALSE(p.has_errors);
  CHECK(p.config.sampling_percentage == 0.0f);
  CHECK(p.report ==
        "c.yaml:1:1: warning: processors::probabilistic_sampler: 'sampling_percentage' is not set: "
        "it defaults to 0, so every span is dropped\n");
  CHECK(parse("sampling_percentage: 0\n").report == "");
}

TEST_CASE("invalid values are reported with the Collector's messages") {
  const auto error = [](const std::string& yaml) {
    const Parsed p = parse(yaml);
    CHECK(p.has_errors);
    return p.report;
  };
  const std::string at = "c.yaml:1:";
  const std::string path = ": error: processors::probabilistic_sampler::";
  CHECK(error("sampling_percentage: -5\n") ==
        at + "22" + path + "sampling_percentage: sampling rate is negative: -5.000000%\n");
  CHECK(error("sampling_percentage: 1e-16\n") ==
        at + "22" + path + "sampling_percentage: sampling rate is too small: 1e-16%\n");
  CHECK(error("sampling_percentage: 1e39\n") ==
        at + "22" + path + "sampling_percentage: sampling rate is invalid: +Inf%\n");
  CHECK(error("sampling_percentage: 1\nsampling_precision: 0\n") ==
        "c.yaml:2:21" + path + "sampling_precision: invalid sampling precision: 0\n");
  CHECK(error("sampling_percentage: 1\nsampling_precision: 15\n") ==
        "c.yaml:2:21" + path +
            "sampling_precision: sampling precision is too great, should be <= 14: 15\n");
  CHECK(error("sampling_percentage: 1\nmode: hashseed\n") ==
        "c.yaml:2:7" + path +
            "mode: unsupported sampler mode \"hashseed\" (did you mean "
            "'hash_seed'?)\n");
  CHECK(error("sampling_percentage: 1\nmode: downsample\n") ==
        "c.yaml:2:7" + path +
            "mode: unsupported sampler mode \"downsample\" (expected "
            "hash_seed, proportional or equalizing)\n");
  CHECK(error("sampling_percentage: 1\nattribute_source: span\n") ==
        "c.yaml:2:19" + path +
            "attribute_source: invalid attribute source: span. Expected: "
            "traceID or record\n" +
            "c.yaml:2:19: warning: processors::probabilistic_sampler::attribute_source: "
            "'attribute_source' applies to logs only; spanflow samples traces, so it is "
            "ignored\n");
  CHECK(error("sampling_percentage: 1\nhash_seed: -1\n") ==
        "c.yaml:2:12" + path +
            "hash_seed: value -1 is out of range for an unsigned 32-bit integer\n");
  CHECK(error("sampling_percentage: 1\nsampler_mode: x\n") ==
        "c.yaml:2:1: error: processors::probabilistic_sampler: unknown key 'sampler_mode'\n");
}

TEST_CASE("percentages the Collector accepts are accepted") {
  for (const char* yaml :
       {"sampling_percentage: 0\n", "sampling_percentage: 100\n", "sampling_percentage: 250\n",
        "sampling_percentage: 1.4e-15\nmode: proportional\n", "sampling_percentage: 0.0062\n"}) {
    INFO(yaml);
    CHECK(parse(yaml).report == "");
  }
}

TEST_CASE("a hash_seed rate below its resolution warns that nothing is sampled") {
  CHECK(parse("sampling_percentage: 0.005\n").report ==
        "c.yaml:1:22: warning: processors::probabilistic_sampler::sampling_percentage: sampling "
        "rate 0.005% is below the hash_seed resolution (100/16384 %, about 0.0061%): no span is "
        "sampled\n");
  CHECK(parse("sampling_percentage: 0.005\nmode: proportional\n").report == "");
}

TEST_CASE("the logs-only keys are accepted with a warning") {
  const Parsed p = parse(
      "sampling_percentage: 1\nattribute_source: record\nfrom_attribute: id\n"
      "sampling_priority: prio\n");
  CHECK_FALSE(p.has_errors);
  CHECK(p.report ==
        "c.yaml:2:19: warning: processors::probabilistic_sampler::attribute_source: "
        "'attribute_source' applies to logs only; spanflow samples traces, so it is ignored\n"
        "c.yaml:3:17: warning: processors::probabilistic_sampler::from_attribute: "
        "'from_attribute' applies to logs only; spanflow samples traces, so it is ignored\n"
        "c.yaml:4:20: warning: processors::probabilistic_sampler::sampling_priority: "
        "'sampling_priority' applies to logs only; spanflow samples traces, so it is ignored\n");
}

TEST_CASE("the seed pipeline's probabilistic_sampler section validates as a processor") {
  config::ConfigErrors errors;
  const config::ConfigValue root = config::parse_yaml(
      R"(receivers:
  otlp: {protocols: {grpc: }}
processors:
  probabilistic_sampler:
    sampling_percentage: ${TRACE_SAMPLING_RATE}
exporters:
  debug:
service:
  pipelines:
    traces: {receivers: [otlp], processors: [probabilistic_sampler], exporters: [debug]}
)",
      "seed.yaml",
      [](const std::string& name) -> std::optional<std::string> {
        if (name == "TRACE_SAMPLING_RATE") return "10";
        return std::nullopt;
      },
      errors);
  const auto registry = service::Registry::builtin();
  service::parse_service_config(root, registry, errors);
  CHECK(errors.report() == "");
}
