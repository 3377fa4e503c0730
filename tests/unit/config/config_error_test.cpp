#include "config/config_error.h"

#include <catch.hpp>

using spanflow::config::ConfigError;
using spanflow::config::ConfigErrors;
using spanflow::config::ConfigException;
using spanflow::config::did_you_mean;
using spanflow::config::Mark;

TEST_CASE("an error prints file, line, column, path, message and hint") {
  ConfigError error{Mark{"collector.yaml", 12, 5}, "processors::batch",
                    "unknown key 'send_batch_sise'", "did you mean 'send_batch_size'?"};
  CHECK(error.to_string() ==
        "collector.yaml:12:5: error: processors::batch: unknown key 'send_batch_sise' "
        "(did you mean 'send_batch_size'?)");
}

TEST_CASE("a warning is labelled as such and an empty path and hint are left out") {
  ConfigError warning{Mark{"collector.yaml", 3, 1}, "", "no pipelines are configured", "", true};
  CHECK(warning.to_string() == "collector.yaml:3:1: warning: no pipelines are configured");
}

TEST_CASE("an error without a line names just the file") {
  ConfigError error{Mark{"missing.yaml", 0, 0}, "", "cannot read config file: No such file", ""};
  CHECK(error.to_string() == "missing.yaml: error: cannot read config file: No such file");
}

TEST_CASE("errors are reported in file, line and column order, one per line") {
  ConfigErrors errors;
  CHECK_FALSE(errors.has_errors());
  errors.error(Mark{"b.yaml", 1, 1}, "x", "third");
  errors.warn(Mark{"a.yaml", 7, 3}, "y", "second");
  errors.error(Mark{"a.yaml", 2, 9}, "z", "first", "a hint");
  CHECK(errors.report() ==
        "a.yaml:2:9: error: z: first (a hint)\n"
        "a.yaml:7:3: warning: y: second\n"
        "b.yaml:1:1: error: x: third\n");
  REQUIRE(errors.sorted().size() == 3);
  CHECK(errors.sorted()[1].warning);
  CHECK(errors.has_errors());
}

TEST_CASE("warnings alone are not errors") {
  ConfigErrors errors;
  errors.warn(Mark{"a.yaml", 1, 1}, "", "just so you know");
  CHECK_FALSE(errors.has_errors());
}

TEST_CASE("a config exception carries every error and says them all") {
  ConfigErrors errors;
  errors.error(Mark{"a.yaml", 4, 2}, "service", "missing required key 'pipelines'");
  errors.error(Mark{"a.yaml", 1, 1}, "", "first");
  const ConfigException exception(errors);
  CHECK(std::string(exception.what()) ==
        "a.yaml:1:1: error: first\n"
        "a.yaml:4:2: error: service: missing required key 'pipelines'");
  CHECK(exception.errors().sorted().size() == 2);
}

TEST_CASE("did you mean picks the closest candidate, ignoring case") {
  CHECK(did_you_mean("send_batch_sise", {"timeout", "send_batch_size", "send_batch_max_size"}) ==
        "send_batch_size");
  CHECK(did_you_mean("Endpoint", {"tls", "endpoint"}) == "endpoint");
  CHECK(did_you_mean("timout", {"timeout", "time"}) == "timeout");
}

TEST_CASE("did you mean suggests nothing when no candidate is close") {
  CHECK(did_you_mean("compression", {"endpoint", "tls", "headers"}).empty());
  CHECK(did_you_mean("anything", {}).empty());
  // Two edits are allowed, but not when they rewrite the whole word.
  CHECK(did_you_mean("ab", {"cd"}).empty());
  CHECK(did_you_mean("abc", {"xyz"}).empty());
}

TEST_CASE("did you mean allows about a third of a long word to differ") {
  // 17 characters: up to 5 edits.
  CHECK(did_you_mean("max_queue_lenghts", {"max_queue_length"}) == "max_queue_length");
  // 10 and 11 characters: up to 3 edits.
  CHECK(did_you_mean("timeout_xy", {"timeout"}) == "timeout");
  CHECK(did_you_mean("timeout_xyz", {"timeout"}).empty());
}
