// OTLP/gRPC: TraceService/Export on gRPC's asynchronous API, served by our own threads (one
// completion queue each). A request is scanned and kept as bytes, or decoded straight from
// gRPC's slices into a TraceBatch arena when a stage reads spans.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/component.h"
#include "receivers/otlp/config.h"
#include "telemetry/metrics.h"

namespace grpc {
class Server;
class ServerCompletionQueue;
}  // namespace grpc

namespace spanflow::receivers::otlp {

class GrpcServer {
 public:
  GrpcServer(std::string id, const GrpcConfig& config, TraceConsumer& next,
             telemetry::Metrics& metrics);
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // Binds and serves; returns the bound port. Throws std::runtime_error when it cannot bind.
  std::uint16_t start();
  // Refuses new calls, waits for calls in progress until the deadline, then cancels them.
  void stop(Deadline deadline);

 private:
  class Service;
  std::string id_;
  GrpcConfig config_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> queues_;
  std::vector<std::thread> threads_;
};

}  // namespace spanflow::receivers::otlp
