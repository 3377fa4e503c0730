#include "codec_bench.h"

#include <google/protobuf/arena.h>
#include <time.h>

#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "codec/otlp_json.h"
#include "core/otlp_wire.h"
#include "core/trace_batch.h"
#include "generator.h"

namespace spanflow::loadgen {

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs `step` over the pool, round after round, for `budget` of CPU time; spans per CPU-second.
double spans_per_cpu_second(std::chrono::milliseconds budget, std::size_t pool,
                            const std::vector<std::size_t>& spans,
                            const std::function<void(std::size_t)>& step) {
  const double limit = std::chrono::duration<double>(budget).count();
  const double start = thread_cpu_seconds();
  double used = 0;
  std::size_t done = 0;
  while (used < limit) {
    for (std::size_t i = 0; i < pool; ++i) {
      step(i);
      done += spans[i];
    }
    used = thread_cpu_seconds() - start;
  }
  return static_cast<double>(done) / used;
}

}  // namespace

int run_codec_bench(const CodecBenchOptions& options) {
  GeneratorOptions g;
  g.spans_per_request = options.spans_per_request;
  const std::vector<otlp::ExportRequest> requests = generate_requests(64, g);
  std::vector<std::string> proto, json;
  std::vector<std::size_t> spans;
  std::size_t proto_bytes = 0, total_spans = 0;
  for (const auto& r : requests) {
    proto.push_back(r.SerializeAsString());
    json.emplace_back();
    codec::encode_trace_request(r, json.back());
    spans.push_back(count_spans(r));
    proto_bytes += proto.back().size();
    total_spans += spans.back();
  }
  const auto budget = options.duration / 4;
  const std::size_t n = requests.size();
  std::string out;

  const double proto_parse = spans_per_cpu_second(budget, n, spans, [&](std::size_t i) {
    TraceBatch batch;
    if (!batch.mutable_request().ParseFromString(proto[i])) throw std::runtime_error("parse");
  });
  // What a receiver does instead of parsing when no stage reads spans.
  const double proto_scan = spans_per_cpu_second(budget, n, spans, [&](std::size_t i) {
    if (!scan_export_request(proto[i])) throw std::runtime_error("scan");
  });
  const double json_decode = spans_per_cpu_second(budget, n, spans, [&](std::size_t i) {
    TraceBatch batch;
    std::string error;
    if (!codec::decode_trace_request(json[i], batch.mutable_request(), error)) {
      throw std::runtime_error("json decode: " + error);
    }
  });
  const double json_encode = spans_per_cpu_second(budget, n, spans, [&](std::size_t i) {
    out.clear();
    codec::encode_trace_request(requests[i], out);
  });
  const double proto_serialize = spans_per_cpu_second(budget, n, spans, [&](std::size_t i) {
    out.clear();
    requests[i].SerializeToString(&out);
  });

  std::printf("codec steps on %zu realistic requests (%zu spans, %zu B/span as protobuf):\n", n,
              total_spans, proto_bytes / total_spans);
  std::printf("  protobuf parse (arena)  %10.0f spans per CPU-second\n", proto_parse);
  std::printf("  protobuf scan           %10.0f spans per CPU-second\n", proto_scan);
  std::printf("  OTLP/JSON decode        %10.0f spans per CPU-second (%.0f%% of protobuf)\n",
              json_decode, 100 * json_decode / proto_parse);
  std::printf("  OTLP/JSON encode        %10.0f spans per CPU-second\n", json_encode);
  std::printf("  protobuf serialize      %10.0f spans per CPU-second\n", proto_serialize);
  std::printf(
      "RESULT mode=codec proto_parse_sps=%.0f proto_scan_sps=%.0f json_decode_sps=%.0f "
      "json_encode_sps=%.0f proto_serialize_sps=%.0f\n",
      proto_parse, proto_scan, json_decode, json_encode, proto_serialize);
  return 0;
}

}  // namespace spanflow::loadgen
