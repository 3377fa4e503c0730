// The otlp_grpc exporter's Sender: one TraceService/Export call per attempt.
//
// Threads: send() is called concurrently by the queue's consumers; the channel and stub are
// thread-safe and shared. Ownership: the sender owns its channel.
#pragma once

#include <memory>

#include "exporters/common/grpc_client.h"
#include "exporters/common/sender.h"

namespace spanflow::exporters::otlp_grpc {

class GrpcSender final : public Sender {
 public:
  explicit GrpcSender(GrpcClientConfig config);
  ~GrpcSender() override;

  // Builds the channel (it connects lazily); throws when a TLS file cannot be read.
  void start() override;
  // OK (a partial success is reported in rejected_spans and message), or the OTLP reading of
  // the status (to_send_result: retryable codes, RetryInfo).
  SendResult send(const TraceBatch& batch, Deadline deadline) override;
  bool reads_spans() const override { return false; }  // sends the protobuf as it is

 private:
  class Stub;
  GrpcClientConfig config_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace spanflow::exporters::otlp_grpc
