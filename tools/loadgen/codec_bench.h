// --codec: how many spans per CPU-second each OTLP codec step handles on realistic requests
// (protobuf parse into an arena as the receivers do, OTLP/JSON decode, OTLP/JSON encode as
// the file exporter does, protobuf serialize as the exporters do).
#pragma once

#include <chrono>

namespace spanflow::loadgen {

struct CodecBenchOptions {
  std::chrono::milliseconds duration{4000};  // split between the four steps
  int spans_per_request = 100;
};

// Prints a table and a RESULT line; returns the exit code.
int run_codec_bench(const CodecBenchOptions& options);

}  // namespace spanflow::loadgen
