// The sending side of spanflow-loadgen: pre-encoded requests sent over OTLP/gRPC or
// OTLP/HTTP by `connections` threads, each with its own connection, flat out or at a rate.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "payload_pool.h"

namespace spanflow::loadgen {

struct LoadOptions {
  bool grpc = true;  // else HTTP
  std::string host = "127.0.0.1";
  std::uint16_t port = 4317;
  std::string path = "/v1/traces";  // HTTP only
  bool json = false;                // HTTP body encoding
  bool gzip = false;
  int connections = 4;
  double rate = 0;  // spans per second over all connections; 0 = flat out
  std::chrono::milliseconds duration{10'000};
  std::int64_t count = 0;  // requests in all; 0 = until the duration ends
  int spans_per_request = 100;
};

struct LoadReport {
  std::int64_t requests = 0;
  std::int64_t spans = 0;
  std::int64_t bytes = 0;
  double seconds = 0;
  std::map<std::string, std::int64_t> statuses;  // "OK", "UNAVAILABLE", "503", ...
  std::vector<double> latencies_ms;              // of every request, sorted
  double percentile(double p) const;
};

// `payloads` are encoded request bodies (protobuf, or JSON for HTTP+json; gzip applied by the
// caller when options.gzip), sent round-robin.
LoadReport run_load(const LoadOptions& options, const PayloadPool& payloads);

}  // namespace spanflow::loadgen
