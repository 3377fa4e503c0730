// JaegerSender: one delivery attempt of a TraceBatch to a Jaeger collector over its native gRPC
// API, jaeger.api_v2.CollectorService/PostSpans (port 14250). Wrapped by QueuedExporter for the
// queue, retries and metrics.
//
// An attempt translates the batch (translate.h) and makes one PostSpans call per ResourceSpans
// that has spans: the RPC carries one Batch, which has one process. The calls go one after the
// other, all within the attempt's deadline, and the first failure ends the attempt and is its
// result, as in the Collector's jaeger exporter. A retry sends every Batch again, so the Batches
// before the failure arrive twice (at-least-once delivery; Jaeger stores spans by id).
// A ResourceSpans without spans makes no call.
//
// The configured headers go with every call as metadata (keys lowercased, as gRPC requires);
// `compression: gzip` compresses every call.
#pragma once

#include <functional>
#include <memory>

#include "exporters/common/grpc_client.h"
#include "exporters/common/sender.h"

namespace grpc {
class Status;
}

namespace spanflow::exporters::jaeger {

class JaegerSender final : public Sender {
 public:
  // Called once by start() for the channel to the collector; the exporter passes
  // `[client] { return make_channel(client); }`. May throw std::runtime_error (TLS files).
  using ChannelFactory = std::function<std::shared_ptr<grpc::Channel>()>;

  JaegerSender(const GrpcClientConfig& client, ChannelFactory channel_factory);
  ~JaegerSender() override;

  void start() override;
  // Thread-safe after start(). Before start() or after shutdown(): retryable, no call made.
  SendResult send(const TraceBatch& batch, Deadline deadline) override;
  // Cancels the calls in flight (their attempts end retryable) and refuses later ones.
  // Idempotent; safe without start().
  void shutdown() override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// A finished call's status as a delivery result, the OTLP/gRPC exporter's rules: OK is ok;
// CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are retryable;
// RESOURCE_EXHAUSTED is retryable only with a google.rpc.RetryInfo detail (throttling); every
// other code is permanent. A RetryInfo in grpc-status-details-bin becomes retry_after (rounded
// up to whole milliseconds) of a retryable result.
SendResult send_result(const grpc::Status& status);

}  // namespace spanflow::exporters::jaeger
