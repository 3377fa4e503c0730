#include "support/otlp_grpc_client.h"

#include <chrono>
#include <string>

namespace spanflow::testing {

std::unique_ptr<TraceService::Stub> grpc_stub(std::uint16_t port, StubOptions options) {
  grpc::ChannelArguments args;
  if (options.gzip) args.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  args.SetMaxSendMessageSize(options.max_send_bytes);
  return TraceService::NewStub(grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                                         grpc::InsecureChannelCredentials(), args));
}

grpc::Status grpc_export(TraceService::Stub& stub, const otlp::ExportRequest& request,
                         otlp::ExportResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  otlp::ExportResponse ignored;
  return stub.Export(&context, request, response ? response : &ignored);
}

}  // namespace spanflow::testing
