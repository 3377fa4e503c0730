// spanflow-loadgen: a load generator for OTLP trace receivers (like the Collector's
// telemetrygen, fast enough to saturate spanflow from the same machine), and --sink, an OTLP
// receiver that only counts.
#include <signal.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "codec/gzip.h"
#include "codec/otlp_json.h"
#include "codec_bench.h"
#include "config/config_node.h"
#include "generator.h"
#include "load.h"
#include "net/grpc_runtime.h"
#include "sink.h"

namespace {

using namespace spanflow::loadgen;

constexpr const char* kUsage = R"(usage:
  spanflow-loadgen [--target grpc://HOST:PORT | http://HOST:PORT/v1/traces] [--json] [--gzip]
                   [--connections N] [--rate SPANS_PER_S] [--duration 10s | --count REQUESTS]
                   [--spans-per-request 100] [--pool 64] [--seed 1]
  spanflow-loadgen --sink [--grpc HOST:PORT|off] [--http HOST:PORT|off] [--duration D]
  spanflow-loadgen --codec [--duration 4s] [--spans-per-request 100]

Sends pre-encoded realistic traces (1-20 spans per trace, 3 services, ~10 attributes per span,
events, errors, lognormal durations; fresh trace ids on every pass over the pool, except for
gzip-compressed HTTP bodies) and reports requests/s, spans/s, statuses and latency
percentiles; the last line is machine-readable (RESULT key=value ...). --codec measures the
OTLP codec steps alone (protobuf and OTLP/JSON, spans per CPU-second).
)";

std::chrono::milliseconds duration_arg(const std::string& text) {
  const auto d = spanflow::config::parse_duration(text);
  if (!d) throw std::invalid_argument("invalid duration '" + text + "'");
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

// "grpc://host:port" or "http://host:port/path".
void parse_target(const std::string& target, LoadOptions& o) {
  std::string rest;
  if (target.rfind("grpc://", 0) == 0) {
    o.grpc = true;
    rest = target.substr(7);
  } else if (target.rfind("http://", 0) == 0) {
    o.grpc = false;
    rest = target.substr(7);
    const auto slash = rest.find('/');
    if (slash != std::string::npos) {
      o.path = rest.substr(slash);
      rest = rest.substr(0, slash);
    }
  } else {
    throw std::invalid_argument("target must start with grpc:// or http://");
  }
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("target needs a port");
  o.host = rest.substr(0, colon);
  o.port = static_cast<std::uint16_t>(std::stoi(rest.substr(colon + 1)));
}

int run_load_command(int argc, char** argv) {
  LoadOptions o;
  int pool = 64;
  std::uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--target")
      parse_target(value(), o);
    else if (a == "--json")
      o.json = true;
    else if (a == "--gzip")
      o.gzip = true;
    else if (a == "--connections")
      o.connections = std::stoi(value());
    else if (a == "--rate")
      o.rate = std::stod(value());
    else if (a == "--duration")
      o.duration = duration_arg(value());
    else if (a == "--count")
      o.count = std::stoll(value());
    else if (a == "--spans-per-request")
      o.spans_per_request = std::stoi(value());
    else if (a == "--pool")
      pool = std::stoi(value());
    else if (a == "--seed")
      seed = std::stoull(value());
    else
      throw std::invalid_argument("unknown argument '" + a + "'");
  }
  if (o.json && o.grpc) throw std::invalid_argument("--json needs an http:// target");
  const auto requests = generate_requests(pool, {o.spans_per_request, seed});
  // Compressed HTTP bodies cannot be patched: they repeat their trace ids.
  const bool fresh_ids = !(o.gzip && !o.grpc);
  PayloadPool payloads(o.json ? Encoding::kJson : Encoding::kProtobuf, fresh_ids);
  std::int64_t raw_bytes = 0;
  for (const auto& r : requests) {
    std::string body;
    if (o.json) {
      spanflow::codec::encode_trace_request(r, body);
    } else {
      r.SerializeToString(&body);
    }
    raw_bytes += static_cast<std::int64_t>(body.size());
    // gRPC compresses on its own (grpc-encoding); HTTP bodies are gzipped here, once.
    payloads.add(r, o.gzip && !o.grpc ? spanflow::codec::gzip(body) : std::move(body));
  }
  std::fprintf(stderr,
               "loadgen: %s://%s:%u%s %s%s connections=%d rate=%s, %d pre-encoded requests of %d "
               "spans (%.0f B/span), %s trace ids\n",
               o.grpc ? "grpc" : "http", o.host.c_str(), o.port, o.grpc ? "" : o.path.c_str(),
               o.json ? "json" : "proto", o.gzip ? "+gzip" : "", o.connections,
               o.rate > 0 ? std::to_string(static_cast<long>(o.rate)).c_str() : "flat-out", pool,
               o.spans_per_request,
               static_cast<double>(raw_bytes) / static_cast<double>(pool * o.spans_per_request),
               fresh_ids ? "fresh" : "repeated");
  const LoadReport r = run_load(o, payloads);
  std::int64_t ok = 0, errors = 0;
  std::string statuses;
  for (const auto& [k, v] : r.statuses) {
    (k == "OK" || k == "200" ? ok : errors) += v;
    statuses += " " + k + "=" + std::to_string(v);
  }
  std::fprintf(stderr, "requests %lld (%.1f/s), spans %lld (%.0f/s), statuses:%s\n",
               static_cast<long long>(r.requests), static_cast<double>(r.requests) / r.seconds,
               static_cast<long long>(r.spans), static_cast<double>(r.spans) / r.seconds,
               statuses.c_str());
  std::fprintf(stderr, "latency ms: p50=%.3f p90=%.3f p99=%.3f max=%.3f\n", r.percentile(50),
               r.percentile(90), r.percentile(99),
               r.latencies_ms.empty() ? 0 : r.latencies_ms.back());
  std::printf(
      "RESULT mode=load requests=%lld ok=%lld errors=%lld spans=%lld accepted_spans=%lld "
      "seconds=%.3f rps=%.1f sps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
      static_cast<long long>(r.requests), static_cast<long long>(ok),
      static_cast<long long>(errors), static_cast<long long>(r.spans),
      static_cast<long long>(ok * o.spans_per_request), r.seconds,
      static_cast<double>(r.requests) / r.seconds, static_cast<double>(r.spans) / r.seconds,
      r.percentile(50), r.percentile(90), r.percentile(99),
      r.latencies_ms.empty() ? 0 : r.latencies_ms.back());
  return errors == 0 ? 0 : 3;
}

int run_sink_command(int argc, char** argv) {
  SinkOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--sink") continue;
    if (a == "--grpc")
      o.grpc_endpoint = value() == "off" ? "" : argv[i];
    else if (a == "--http")
      o.http_endpoint = value() == "off" ? "" : argv[i];
    else if (a == "--duration")
      o.duration = duration_arg(value());
    else
      throw std::invalid_argument("unknown argument '" + a + "'");
  }
  return run_sink(o);
}

int run_codec_command(int argc, char** argv) {
  CodecBenchOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--codec") continue;
    if (a == "--duration") {
      o.duration = duration_arg(value());
    } else if (a == "--spans-per-request") {
      o.spans_per_request = std::stoi(value());
    } else {
      throw std::invalid_argument("unknown option " + a);
    }
  }
  return run_codec_bench(o);
}

}  // namespace

int main(int argc, char** argv) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  spanflow::net::configure_grpc_runtime();  // as the daemon does: the floor is comparable
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--help" || a == "-h") {
        std::cout << kUsage;
        return 0;
      }
      if (a == "--sink") return run_sink_command(argc, argv);
      if (a == "--codec") return run_codec_command(argc, argv);
    }
    return run_load_command(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "spanflow-loadgen: " << e.what() << "\n" << kUsage;
    return 2;
  }
}
