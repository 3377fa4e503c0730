// The CLI of the real binary: validate, components, version, and config errors.
#include <catch.hpp>
#include <sstream>

#include "support/daemon.h"
#include "support/temp_dir.h"

using namespace spanflow::testing;

namespace {
const std::string kSeeds = std::string(SPANFLOW_SOURCE_DIR) + "/tests/testdata/seeds/";
}

TEST_CASE("version and components are printed") {
  const auto version = run_spanflow({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.output.starts_with("spanflow "));
  const auto components = run_spanflow({"components"});
  CHECK(components.exit_code == 0);
  CHECK(components.output.find("receivers:\n  - otlp\n") != std::string::npos);
  CHECK(components.output.find("  - file\n") != std::string::npos);
  CHECK(components.output.find("  - otlp_grpc\n") != std::string::npos);
  CHECK(components.output.find("extensions:\n  - file_storage\n  - health_check\n") !=
        std::string::npos);
}

TEST_CASE("the default config validates") {
  const auto r = run_spanflow(
      {"validate", "--config", std::string(SPANFLOW_SOURCE_DIR) + "/config/spanflow.yaml"});
  CHECK(r.output == "the configuration is valid\n");
  CHECK(r.exit_code == 0);
}

TEST_CASE("validate prints every error with file:line:col and exits non-zero") {
  TempDir dir;
  const std::string path = dir.write("bad.yaml", R"(receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
        max_recv_msg_size: 8
exporters:
  file:
    path: /tmp/x
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file, jaegr]
)");
  const auto r = run_spanflow({"validate", "--config", path});
  CHECK(r.exit_code == 1);
  CHECK(r.output.find(path + ":6:9: error: receivers::otlp::protocols::grpc: unknown key "
                             "'max_recv_msg_size' (did you mean 'max_recv_msg_size_mib'?)") !=
        std::string::npos);
  CHECK(r.output.find(path + ":14:25: error: service::pipelines::traces::exporters[1]: "
                             "references exporter 'jaegr' which is not defined under "
                             "'exporters'") != std::string::npos);
  CHECK(r.output.find("spanflow: the configuration is invalid") != std::string::npos);
}

TEST_CASE("several config files merge: maps by key, lists replaced") {
  TempDir dir;
  const std::string base = dir.write("base.yaml", R"(receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
exporters:
  file: {path: ")" + dir.file("a.jsonl") + R"("}
  debug:
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file, debug]}
)");
  const std::string overlay = dir.write("overlay.yaml", R"(service:
  pipelines:
    traces: {exporters: [debug]}
)");
  const auto r = run_spanflow({"validate", "--config", base, "--config", overlay});
  CHECK(r.exit_code == 0);
  // file is no longer used: only the overlay's exporters list counts.
  CHECK(r.output.find("exporter 'file' is defined but not used") != std::string::npos);
}

TEST_CASE("seed 004's config fails only on the Google Cloud Trace exporter, precisely") {
  const auto r = run_spanflow({"validate", "--config", kSeeds + "004-tracing.yaml"},
                              {{"TRACE_SAMPLING_RATE", "10"},
                               {"PROJECT_ID", "dta-cloud-de-dev"},
                               {"JAEGER_ENDPOINT", "jaeger:14250"},
                               {"ENVIRONMENT", "dev"}});
  CHECK(r.exit_code == 1);
  // googlecloud (Cloud Trace) is not part of spanflow; jaeger and googlepubsub are built.
  std::istringstream lines(r.output);
  int errors = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find(": error: ") == std::string::npos) continue;
    INFO(line);
    CHECK(line.find("unknown exporter type 'googlecloud'") != std::string::npos);
    ++errors;
  }
  CHECK(errors == 1);
}

TEST_CASE("seed 004 without its environment names every unset variable") {
  const auto r = run_spanflow({"validate", "--config", kSeeds + "004-tracing.yaml"});
  CHECK(r.exit_code == 1);
  for (const char* var : {"TRACE_SAMPLING_RATE", "PROJECT_ID", "JAEGER_ENDPOINT", "ENVIRONMENT"}) {
    CHECK(r.output.find("environment variable '" + std::string(var) + "' is not set") !=
          std::string::npos);
  }
}

TEST_CASE("seed 003's DaemonSet config validates, with warnings for what spanflow ignores") {
  const auto r = run_spanflow({"validate", "--config", kSeeds + "003-daemonset.yaml"});
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("'loglevel' is deprecated, use 'verbosity: detailed'") != std::string::npos);
  CHECK(r.output.find("pipeline 'metrics' is ignored") != std::string::npos);
  CHECK(r.output.find("the configuration is valid") != std::string::npos);
}

TEST_CASE("a missing config file and a missing --config are clear errors") {
  const auto missing = run_spanflow({"--config", "/nonexistent/spanflow.yaml"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("/nonexistent/spanflow.yaml: error: cannot read config file") !=
        std::string::npos);
  const auto none = run_spanflow({});
  CHECK(none.exit_code == 2);
  CHECK(none.output.find("no config given") != std::string::npos);
}

TEST_CASE("a port already in use fails start with the endpoint named, exit 1") {
  TempDir dir;
  const std::string config = R"(receivers:
  otlp:
    protocols:
      http: {endpoint: "127.0.0.1:0"}
exporters:
  debug:
service:
  telemetry: {metrics: {level: none}}
  pipelines:
    traces: {receivers: [otlp], exporters: [debug]}
)";
  Daemon first(config);
  const std::string taken = dir.write("taken.yaml", R"(receivers:
  otlp:
    protocols:
      http: {endpoint: "127.0.0.1:)" + std::to_string(first.http_port()) +
                                                        R"("}
exporters:
  debug:
service:
  telemetry: {metrics: {level: none}}
  pipelines:
    traces: {receivers: [otlp], exporters: [debug]}
)");
  const auto r = run_spanflow({"--config", taken});
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("cannot listen on 127.0.0.1:" + std::to_string(first.http_port())) !=
        std::string::npos);
}
