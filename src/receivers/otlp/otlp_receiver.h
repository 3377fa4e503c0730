// The `otlp` receiver: OTLP/gRPC (TraceService/Export) and OTLP/HTTP (POST /v1/traces).
//
// Each request becomes a TraceBatch, decoded once into a fresh arena when a stage behind the
// receiver reads spans, else kept as the protobuf bytes it arrived as (read_protobuf), and is
// handed to the pipeline on the serving thread; the reply says what the pipeline said.
#pragma once

#include <google/protobuf/io/zero_copy_stream.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "core/component.h"
#include "core/factory.h"
#include "google/rpc/status.pb.h"
#include "receivers/otlp/config.h"
#include "telemetry/metrics.h"

namespace spanflow::receivers::otlp {

class GrpcServer;
class HttpReceiver;

class OtlpReceiver final : public Receiver {
 public:
  OtlpReceiver(const CreateSettings& settings, const Config& config, TraceConsumer& next);
  ~OtlpReceiver() override;

  void start(Host& host) override;
  void shutdown(Deadline deadline) override;

 private:
  CreateSettings settings_;
  Config config_;
  TraceConsumer& next_;
  std::unique_ptr<GrpcServer> grpc_;
  std::unique_ptr<HttpReceiver> http_;
};

// The Collector's receiver counters for one transport (grpc or http).
struct TransportCounters {
  TransportCounters(telemetry::Metrics& metrics, const std::string& receiver,
                    const std::string& transport);
  telemetry::Counter& accepted;  // spans the pipeline took
  telemetry::Counter& refused;   // spans refused by the pipeline or rejected as invalid
};

// Admission before decoding: asks the pipelines for room for a request of `wire_bytes`
// (decoded protobuf takes about kDecodeFactor times its wire size). On ok, `held` carries the
// reservations to attach() to the decoded batch.
inline constexpr std::uint64_t kDecodeFactor = 3;
ConsumeResult admit(TraceConsumer& next, std::uint64_t wire_bytes, Reservations& held);
// The spans in an encoded ExportTraceServiceRequest, counted by walking its resource_spans,
// scope_spans and spans fields without decoding them (a request refused at admission is still
// counted in refused spans); nullopt when the bytes are not well-formed protobuf.
std::optional<std::uint64_t> count_encoded_spans(google::protobuf::io::ZeroCopyInputStream& in);
// The batch for an OTLP/protobuf body when no stage behind the receiver reads spans
// (TraceConsumer::reads_spans; otherwise receivers decode at once). When every span's ids are
// valid the bytes are kept as they are (scanned: scan_export_request); otherwise the request
// is decoded, for deliver() to remove the invalid spans. nullopt when the bytes are not a
// well-formed ExportTraceServiceRequest.
std::optional<TraceBatch> read_protobuf(std::string&& wire);
// Sizes `held` to what the batch really uses (its arena, or the bytes it keeps when no stage
// reads spans) and makes the batch hold them.
void attach(TraceBatch& batch, Reservations&& held);

// The retry hint a refusal gives clients: the refusing stage's, or 1 s.
std::chrono::milliseconds retry_hint(const ConsumeResult& refusal);
// A google.rpc.Status (gRPC details, OTLP/HTTP error body) with a RetryInfo detail when
// `retry_after` > 0.
google::rpc::Status rpc_status(int code, const std::string& message,
                               std::chrono::milliseconds retry_after = {});
// The reply to a request the pipeline took: empty, or a partial success.
spanflow::otlp::ExportResponse export_response(const ConsumeResult& accepted);

// Removes spans whose ids cannot be valid (trace id not 16 bytes or all zero, span id not 8
// bytes or all zero, parent id neither empty nor 8 bytes; a batch still encoded was checked by
// read_protobuf()), then hands the rest to `next`.
// The result's rejected_spans and message report what was removed (OTLP partial success).
// A request with no spans succeeds without reaching the pipeline.
ConsumeResult deliver(TraceConsumer& next, TraceBatch&& batch, TransportCounters& counters);

}  // namespace spanflow::receivers::otlp
