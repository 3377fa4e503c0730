// The --sink side of spanflow-loadgen: spanflow's own OTLP receiver feeding a consumer that
// only counts. It measures what receiving and decoding alone cost (the floor), and serves as
// the exporter target in benchmarks.
#pragma once

#include <chrono>
#include <string>

namespace spanflow::loadgen {

struct SinkOptions {
  std::string grpc_endpoint = "127.0.0.1:4317";  // "" = off
  std::string http_endpoint = "127.0.0.1:4318";  // "" = off
  std::chrono::milliseconds duration{0};         // 0 = until SIGINT/SIGTERM
  std::chrono::milliseconds report_interval{1000};
};

// Runs until the duration passes or a stop signal arrives (the caller blocks SIGINT/SIGTERM
// before starting threads). Returns the process exit code.
int run_sink(const SinkOptions& options);

}  // namespace spanflow::loadgen
