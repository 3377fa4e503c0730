#include "exporters/jaeger/jaeger_sender.h"

#include <grpc/compression.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/status.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "exporters/common/grpc_client.h"
#include "exporters/jaeger/translate.h"
#include "google/rpc/status.pb.h"
#include "jaeger/api_v2/collector.pb.h"

namespace spanflow::exporters::jaeger {

namespace {

constexpr char kPostSpans[] = "/jaeger.api_v2.CollectorService/PostSpans";
constexpr std::chrono::hours kNoDeadline(24 * 365);

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

SendResult send_result(const grpc::Status& status) {
  if (status.ok()) return SendResult::ok();
  std::string message = "jaeger PostSpans: ";
  message.append(grpc_code_name(status.error_code()));
  if (!status.error_message().empty()) message.append(": ").append(status.error_message());
  const std::optional<std::chrono::milliseconds> retry = grpc_retry_delay(status);
  switch (status.error_code()) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      return SendResult::retryable(std::move(message),
                                   retry.value_or(std::chrono::milliseconds(0)));
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      if (retry) return SendResult::retryable(std::move(message), *retry);
      return SendResult::permanent(std::move(message));
    default:
      return SendResult::permanent(std::move(message));
  }
}

class JaegerSender::Impl {
 public:
  Impl(const GrpcClientConfig& client, ChannelFactory channel_factory)
      : channel_factory_(std::move(channel_factory)), gzip_(client.compression == "gzip") {
    for (const auto& [key, value] : client.headers) metadata_.emplace_back(lowercase(key), value);
  }

  void start() {
    std::shared_ptr<grpc::Channel> channel = channel_factory_();
    std::lock_guard lock(mu_);
    stub_ = std::make_unique<grpc::GenericStub>(channel);
  }

  SendResult send(const TraceBatch& batch, Deadline deadline) {
    for (const auto& resource_spans : batch.request().resource_spans()) {
      google::protobuf::Arena arena;
      auto* request = google::protobuf::Arena::CreateMessage<model::PostSpansRequest>(&arena);
      if (!translate(resource_spans, *request->mutable_batch()) ||
          request->batch().spans().empty()) {
        continue;
      }
      SendResult result = post(*request, deadline);
      if (result.kind != SendResult::Kind::kOk) return result;
    }
    return SendResult::ok();
  }

  void shutdown() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    for (grpc::ClientContext* call : in_flight_) call->TryCancel();
  }

 private:
  SendResult post(const model::PostSpansRequest& request, Deadline deadline) {
    grpc::ClientContext context;
    // ClientContext takes system_clock deadlines; the attempt's deadline is steady_clock. A
    // deadline further away than kNoDeadline (Deadline::max() included, which would overflow
    // the conversion) means none.
    const auto remaining = deadline - std::chrono::steady_clock::now();
    if (remaining < kNoDeadline) {
      context.set_deadline(
          std::chrono::system_clock::now() +
          std::chrono::duration_cast<std::chrono::system_clock::duration>(remaining));
    }
    for (const auto& [key, value] : metadata_) context.AddMetadata(key, value);
    if (gzip_) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    grpc::GenericStub* stub;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return SendResult::retryable("jaeger exporter is shutting down");
      if (!stub_) return SendResult::retryable("jaeger exporter is not started");
      stub = stub_.get();
      in_flight_.insert(&context);
    }
    model::PostSpansResponse response;
    const grpc::Status status = unary_call(*stub, context, kPostSpans, request, response);
    {
      std::lock_guard lock(mu_);
      in_flight_.erase(&context);
    }
    return send_result(status);
  }

  const ChannelFactory channel_factory_;
  const bool gzip_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::mutex mu_;
  // Set by start(), kept until destruction: sends in progress during shutdown() still use it.
  std::unique_ptr<grpc::GenericStub> stub_;
  std::set<grpc::ClientContext*> in_flight_;
  bool stopped_ = false;
};

JaegerSender::JaegerSender(const GrpcClientConfig& client, ChannelFactory channel_factory)
    : impl_(std::make_unique<Impl>(client, std::move(channel_factory))) {}

JaegerSender::~JaegerSender() = default;

void JaegerSender::start() {
  impl_->start();
}

SendResult JaegerSender::send(const TraceBatch& batch, Deadline deadline) {
  return impl_->send(batch, deadline);
}

void JaegerSender::shutdown() {
  impl_->shutdown();
}

}  // namespace spanflow::exporters::jaeger
