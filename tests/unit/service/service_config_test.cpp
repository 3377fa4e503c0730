#include "service/service_config.h"

#include <catch.hpp>

#include "config/yaml_document.h"

using namespace spanflow;
using namespace spanflow::config;

namespace {

struct Parsed {
  service::ServiceConfig config;
  ConfigErrors errors;
  std::string report;
};

Parsed parse(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  Parsed p;
  const Environment lookup = [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  const auto root = parse_yaml(yaml, "test.yaml", lookup, p.errors);
  const auto registry = service::Registry::builtin();
  p.config = service::parse_service_config(root, registry, p.errors);
  p.report = p.errors.report();
  return p;
}

// "debug, file, ..." as the error lists them: every exporter type and alias, sorted.
std::string exporter_types() {
  std::string out;
  for (const auto& type : service::Registry::builtin().types(ComponentKind::kExporter)) {
    out += (out.empty() ? "" : ", ") + type;
  }
  return out;
}

constexpr const char* kValid = R"(receivers:
  otlp:
    protocols:
      grpc:
      http:
        endpoint: 0.0.0.0:4318
exporters:
  file:
    path: /tmp/x.jsonl
  debug:
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file, debug]
)";

}  // namespace

TEST_CASE("a valid config parses with the Collector's defaults and no messages") {
  const auto p = parse(kValid);
  CHECK(p.report == "");
  REQUIRE(p.config.pipelines.size() == 1);
  CHECK(p.config.pipelines[0].name == "traces");
  CHECK(p.config.pipelines[0].exporters.size() == 2);
  CHECK(p.config.receivers.size() == 1);
  CHECK(p.config.logs.level == "info");
}

TEST_CASE("an unknown component type names the types spanflow has") {
  const auto p = parse(R"(receivers:
  otlp: {protocols: {grpc: }}
exporters:
  googlecloud:
    project: x
  fille:
    path: x
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [fille]}
)");
  CHECK(p.errors.has_errors());
  CHECK(p.report.find(
            "test.yaml:4:3: error: exporters::googlecloud: unknown exporter type 'googlecloud' "
            "(spanflow has: " +
            exporter_types() + ")") != std::string::npos);
  CHECK(p.report.find(
            "test.yaml:6:3: error: exporters::fille: unknown exporter type 'fille' (did you "
            "mean 'file'? spanflow has: " +
            exporter_types() + ")") != std::string::npos);
}

TEST_CASE("a component of an unknown type is reported once, not again where it is used") {
  const auto p = parse(R"(receivers:
  otlp: {protocols: {grpc: }}
exporters:
  file: {path: x}
  googlecloud: {project: x}
extensions:
  memory_ballast: {size_mib: 64}
service:
  extensions: [memory_ballast]
  pipelines:
    traces: {receivers: [otlp], exporters: [file, googlecloud]}
)");
  CHECK(p.report ==
        "test.yaml:5:3: error: exporters::googlecloud: unknown exporter type 'googlecloud' "
        "(spanflow has: " +
            exporter_types() +
            ")\n"
            "test.yaml:7:3: error: extensions::memory_ballast: unknown extension type "
            "'memory_ballast' (spanflow has: file_storage, health_check)\n");
}

TEST_CASE("a pipeline naming an undefined component is an error at the reference") {
  const auto p = parse(R"(receivers:
  otlp: {protocols: {grpc: }}
exporters:
  file: {path: x}
service:
  pipelines:
    traces:
      receivers: [otlp/2]
      exporters: [file]
)");
  CHECK(p.report.find("test.yaml:8:19: error: service::pipelines::traces::receivers[0]: "
                      "references receiver 'otlp/2' which is not defined under 'receivers' "
                      "(did you mean 'otlp'?)") != std::string::npos);
}

TEST_CASE("a pipeline without receivers or exporters is an error") {
  const auto p = parse(R"(receivers:
  otlp: {protocols: {grpc: }}
exporters:
  file: {path: x}
service:
  pipelines:
    traces:
      receivers: [otlp]
    traces/b:
      exporters: [file]
)");
  CHECK(p.report.find("error: service::pipelines::traces: pipeline must have at least one "
                      "exporter (add 'exporters: [...]')") != std::string::npos);
  CHECK(p.report.find("error: service::pipelines::traces/b: pipeline must have at least one "
                      "receiver (add 'receivers: [...]')") != std::string::npos);
}

TEST_CASE("a component defined but not used is a warning, not an error") {
  const auto p = parse(std::string(kValid) + R"(extensions:
  health_check:
)");
  CHECK_FALSE(p.errors.has_errors());
  CHECK(p.report.find("warning: extensions: extension 'health_check' is defined but not used in "
                      "service::extensions") != std::string::npos);
}

TEST_CASE("metrics and logs pipelines are ignored with a warning") {
  const auto p = parse(std::string(kValid) + R"(    metrics:
      receivers: [otlp]
      exporters: [debug]
)");
  CHECK_FALSE(p.errors.has_errors());
  CHECK(p.report.find("warning: service::pipelines: pipeline 'metrics' is ignored: spanflow "
                      "handles traces only") != std::string::npos);
}

TEST_CASE("an unknown key in a component says where and suggests the right one") {
  const auto p = parse(R"(receivers:
  otlp:
    protocols:
      grpc:
        endpont: 0.0.0.0:4317
exporters:
  file: {path: x}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)");
  CHECK(p.report ==
        "test.yaml:5:9: error: receivers::otlp::protocols::grpc: unknown key "
        "'endpont' (did you mean 'endpoint'?)\n");
}

TEST_CASE("a receiver without protocols is an error") {
  const auto p = parse(R"(receivers:
  otlp:
    protocols:
exporters:
  file: {path: x}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)");
  CHECK(p.report.find("receivers::otlp::protocols: must specify at least one protocol") !=
        std::string::npos);
}

TEST_CASE("wrong value types and bad endpoints are reported with the expected form") {
  const auto p = parse(R"(receivers:
  otlp:
    protocols:
      grpc:
        endpoint: "4317"
        max_recv_msg_size_mib: lots
exporters:
  file: {path: x, format: yaml, flush_interval: soon}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)");
  CHECK(p.report.find("test.yaml:5:9: error: receivers::otlp::protocols::grpc::endpoint: "
                      "expected an endpoint as host:port") != std::string::npos);
  CHECK(p.report.find("test.yaml:6:32: error: receivers::otlp::protocols::grpc::max_recv_msg_"
                      "size_mib: expected") != std::string::npos);
  CHECK(p.report.find("exporters::file::format") != std::string::npos);
  CHECK(p.report.find("exporters::file::flush_interval: expected a duration") != std::string::npos);
}

TEST_CASE("a missing required key is an error naming it") {
  const auto p = parse(R"(receivers:
  otlp: {protocols: {http: }}
exporters:
  file:
    format: json
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)");
  CHECK(p.report.find("exporters::file: missing required key 'path'") != std::string::npos);
}

TEST_CASE("environment placeholders are expanded and an unset one is named") {
  SECTION("set") {
    const auto p = parse(R"(receivers:
  otlp: {protocols: {grpc: {endpoint: "${env:HOST}:${PORT:-4317}"}}}
exporters:
  file: {path: "traces-${ENVIRONMENT}.jsonl"}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)",
                         {{"HOST", "127.0.0.1"}, {"ENVIRONMENT", "dev"}});
    CHECK(p.report == "");
  }
  SECTION("unset") {
    const auto p = parse(R"(receivers:
  otlp: {protocols: {grpc: {endpoint: "${env:HOST}:4317"}}}
exporters:
  file: {path: x}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)");
    CHECK(p.report.find("environment variable 'HOST' is not set") != std::string::npos);
  }
}

TEST_CASE("a config that is not a map, or has no service, is refused clearly") {
  CHECK(parse("- a\n- b\n").report.find("expected a map with receivers, exporters and service") !=
        std::string::npos);
  CHECK(parse("receivers: {}\n").report.find("missing required key 'service'") !=
        std::string::npos);
}

TEST_CASE("an unknown top-level key suggests the right one") {
  const auto p = parse(std::string(kValid) + "exporter: {}\n");
  CHECK(p.report.find("unknown key 'exporter' (did you mean 'exporters'?)") != std::string::npos);
}

TEST_CASE("an exporter's persistent queue must name an extension that is defined and enabled") {
  const std::string base = R"(receivers:
  otlp: {protocols: {grpc: }}
exporters:
  otlp:
    endpoint: gw:4317
    sending_queue: {storage: file_storage/q}
)";
  const std::string pipelines = R"(  pipelines:
    traces: {receivers: [otlp], exporters: [otlp]}
)";
  CHECK(parse(base + "service:\n" + pipelines).report ==
        "test.yaml:4:3: error: exporters::otlp: needs extension 'file_storage/q', which is not "
        "defined under 'extensions' (define it under 'extensions' and list it in "
        "service::extensions)\n");
  const std::string defined = "extensions:\n  file_storage/q: {directory: /tmp/q}\n";
  CHECK(parse(base + defined + "service:\n" + pipelines).report ==
        "test.yaml:4:3: error: exporters::otlp: needs extension 'file_storage/q', which is not "
        "listed in service::extensions (add it to service::extensions)\n"
        "test.yaml:8:3: warning: extensions: extension 'file_storage/q' is defined but not used "
        "in service::extensions\n");
  CHECK(parse(base + defined + "service:\n  extensions: [file_storage/q]\n" + pipelines).report ==
        "");
}
