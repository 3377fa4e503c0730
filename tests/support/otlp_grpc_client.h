// An OTLP/gRPC client for integration tests: the real generated stub over a loopback channel.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>

#include "core/otlp.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

namespace spanflow::testing {

using TraceService = opentelemetry::proto::collector::trace::v1::TraceService;

struct StubOptions {
  bool gzip = false;                      // grpc-encoding gzip on every call
  int max_send_bytes = 64 * 1024 * 1024;  // large enough for the biggest test request
};

// A stub on 127.0.0.1:`port`, plaintext.
std::unique_ptr<TraceService::Stub> grpc_stub(std::uint16_t port, StubOptions options = {});

// One Export call with a 10 s deadline; the response goes to `response` when given.
grpc::Status grpc_export(TraceService::Stub& stub, const otlp::ExportRequest& request,
                         otlp::ExportResponse* response = nullptr);

}  // namespace spanflow::testing
