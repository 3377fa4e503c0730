// The real binary with the seed pipeline's sampler (`sampling_percentage:
// ${TRACE_SAMPLING_RATE}`): over OTLP/gRPC into a file, it keeps exactly the spans the
// Collector's hash_seed algorithm keeps, at the configured rate, and counts them.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <catch.hpp>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/otlp_grpc_client.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;

namespace {

// The Collector's hash_seed mode as its source states it (independent of spanflow's code):
// FNV-1a 32 over the seed's 4 little-endian bytes and the trace id; keep iff the low 14 bits
// are below uint32(float32(percent) * float32(163.84)); a kept span gets
// `ot=rv:<R'>;th:<T'>` with R' = (16383 - bucket) << 42 | mix(hash >> 18) << 14 | bucket and
// T' = (16384 - rate) << 42, written as 14 hex digits (th without trailing zeros).
struct HashSeedReference {
  std::uint32_t seed;
  std::uint32_t rate;

  HashSeedReference(std::uint32_t s, const std::string& percent)
      : seed(s), rate(static_cast<std::uint32_t>(std::stof(percent) * 163.84f)) {}

  // The tracestate a kept span leaves with; empty when the span is dropped.
  std::string decide(const std::string& trace_id) const {
    std::uint32_t h = 2166136261u;
    const auto mix = [&h](unsigned char byte) { h = (h ^ byte) * 16777619u; };
    for (int i = 0; i < 4; ++i) mix(static_cast<unsigned char>(seed >> (8 * i)));
    for (const char c : trace_id) mix(static_cast<unsigned char>(c));
    const std::uint64_t bucket = h & 0x3fff;
    if (bucket >= rate) return "";
    const std::uint64_t top = h >> 18;
    const std::uint64_t rv = ((0x3fff - bucket) << 42) | ((top ^ (top << 10)) << 14) | bucket;
    const std::uint64_t th = static_cast<std::uint64_t>(0x4000 - rate) << 42;
    char rv_text[32];
    char th_text[32];
    std::snprintf(rv_text, sizeof rv_text, "%014llx", static_cast<unsigned long long>(rv));
    std::snprintf(th_text, sizeof th_text, "%014llx", static_cast<unsigned long long>(th));
    std::string th_digits = th_text;
    while (th_digits.size() > 1 && th_digits.back() == '0') th_digits.pop_back();
    return std::string("ot=rv:") + rv_text + ";th:" + th_digits;
  }
};

std::string config_yaml(const std::string& path) {
  return R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
processors:
  probabilistic_sampler:
    sampling_percentage: ${TRACE_SAMPLING_RATE}
exporters:
  file: {path: ")" +
         path + R"(", flush_interval: 50ms}
service:
  pipelines:
    traces: {receivers: [otlp], processors: [probabilistic_sampler], exporters: [file]}
)";
}

std::string metric_line(const std::string& sampled, double value) {
  return "otelcol_processor_probabilistic_sampler_count_traces_sampled_total{policy=\"trace_id_"
         "hash\",sampled=\"" +
         sampled + "\"} " + std::to_string(static_cast<long long>(value)) + "\n";
}

}  // namespace

TEST_CASE("the sampler keeps exactly the spans the Collector's hash_seed keeps, at its rate") {
  const std::string percent = GENERATE(std::string("10"), std::string("33.3"));
  INFO("TRACE_SAMPLING_RATE=" << percent);
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(config_yaml(path), {{"TRACE_SAMPLING_RATE", percent}});
  const HashSeedReference reference(0, percent);

  constexpr int kRequests = 10;
  constexpr int kPerRequest = 500;
  std::mt19937_64 rng(0x5eed);
  std::map<std::string, std::string> expected;  // span id -> tracestate, for kept spans
  std::set<std::string> trace_ids;
  auto stub = grpc_stub(daemon.grpc_port());
  for (int r = 0; r < kRequests; ++r) {
    otlp::ExportRequest request = make_request(kPerRequest, 1 + r * kPerRequest);
    for (auto& span : *request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans()) {
      std::string id(16, '\0');
      for (int half = 0; half < 2; ++half) {
        const std::uint64_t bits = rng() | 1u;
        for (int i = 0; i < 8; ++i) id[half * 8 + i] = static_cast<char>(bits >> (8 * i));
      }
      span.set_trace_id(id);
      trace_ids.insert(id);
      if (std::string state = reference.decide(id); !state.empty()) {
        expected[span.span_id()] = state;
      }
    }
    REQUIRE(grpc_export(*stub, request).ok());
  }
  constexpr int kSpans = kRequests * kPerRequest;
  REQUIRE(trace_ids.size() == kSpans);

  const double n = kSpans;
  const double p = reference.rate / 16384.0;
  const double kept = static_cast<double>(expected.size());
  CHECK(std::abs(kept - n * p) < 5 * std::sqrt(n * p * (1 - p)));

  const std::string metrics = HttpClient(daemon.metrics_port()).request("GET", "/metrics").body;
  CHECK(metrics.find(metric_line("true", kept)) != std::string::npos);
  CHECK(metrics.find(metric_line("false", n - kept)) != std::string::npos);

  REQUIRE(daemon.stop(SIGTERM) == 0);
  const auto written = spans_by_id(read_json_lines(path));
  CHECK(written.size() == expected.size());
  for (const auto& [span_id, state] : expected) {
    INFO("span " << hex(span_id));
    const auto it = written.find(span_id);
    REQUIRE(it != written.end());
    CHECK(it->second.span.trace_state() == state);
  }
}

TEST_CASE("seed 004's sampler section validates and the processor is listed") {
  const auto components = run_spanflow({"components"});
  CHECK(components.output.find("  - probabilistic_sampler\n") != std::string::npos);
  const auto r = run_spanflow(
      {"validate", "--config", SPANFLOW_SOURCE_DIR "/tests/testdata/seeds/004-tracing.yaml"},
      {{"TRACE_SAMPLING_RATE", "0.5"},
       {"PROJECT_ID", "p"},
       {"JAEGER_ENDPOINT", "jaeger:14250"},
       {"ENVIRONMENT", "dev"}});
  CHECK(r.output.find("unknown processor type 'probabilistic_sampler'") == std::string::npos);
  CHECK(r.output.find("processors::probabilistic_sampler") == std::string::npos);
}
