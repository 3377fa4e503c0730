#include "exporters/otlp_grpc/grpc_sender.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

namespace spanflow::exporters::otlp_grpc {

constexpr char kExport[] = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

class GrpcSender::Stub {
 public:
  explicit Stub(const GrpcClientConfig& config) : channel_(make_channel(config)), stub_(channel_) {}
  grpc::GenericStub& get() { return stub_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
};

GrpcSender::GrpcSender(GrpcClientConfig config) : config_(std::move(config)) {}

GrpcSender::~GrpcSender() = default;

void GrpcSender::start() {
  stub_ = std::make_unique<Stub>(config_);
}

SendResult GrpcSender::send(const TraceBatch& batch, Deadline deadline) {
  if (!stub_) return SendResult::retryable("exporter is not started");
  grpc::ClientContext context;
  prepare_call(context, config_, deadline);
  otlp::ExportResponse response;
  const grpc::Status status = unary_call(stub_->get(), context, kExport, batch, response);
  SendResult result = to_send_result(status);
  if (status.ok() && response.has_partial_success()) {
    result.rejected_spans = static_cast<long>(response.partial_success().rejected_spans());
    result.message = response.partial_success().error_message();
  }
  return result;
}

}  // namespace spanflow::exporters::otlp_grpc
