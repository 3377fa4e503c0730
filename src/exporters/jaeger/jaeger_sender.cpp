#include "exporters/jaeger/jaeger_sender.h"

#include <grpc/compression.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
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

#include "exporters/jaeger/translate.h"
#include "google/rpc/status.pb.h"
#include "jaeger/api_v2/collector.grpc.pb.h"

namespace spanflow::exporters::jaeger {

namespace {

constexpr std::chrono::hours kNoDeadline(24 * 365);

std::string_view code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

// The RetryInfo among the status details, as a delay rounded up to milliseconds.
std::optional<std::chrono::milliseconds> retry_info(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& detail : details.details()) {
    google::rpc::RetryInfo retry;
    if (!detail.Is<google::rpc::RetryInfo>() || !detail.UnpackTo(&retry)) continue;
    // Clamped to a year: a larger hint is as good as "much later" and must not overflow.
    constexpr std::int64_t kMaxSeconds = 365LL * 24 * 3600;
    const std::int64_t seconds =
        std::clamp<std::int64_t>(retry.retry_delay().seconds(), 0, kMaxSeconds);
    const std::int64_t nanos = std::max<std::int64_t>(retry.retry_delay().nanos(), 0);
    return std::chrono::milliseconds(seconds * 1000 + (nanos + 999'999) / 1'000'000);
  }
  return std::nullopt;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

SendResult send_result(const grpc::Status& status) {
  if (status.ok()) return SendResult::ok();
  std::string message = "jaeger PostSpans: ";
  message.append(code_name(status.error_code()));
  if (!status.error_message().empty()) message.append(": ").append(status.error_message());
  const std::optional<std::chrono::milliseconds> retry = retry_info(status);
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
    stub_ = model::CollectorService::NewStub(channel);
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
    model::CollectorService::Stub* stub;
    {
      std::lock_guard lock(mu_);
      if (stopped_) return SendResult::retryable("jaeger exporter is shutting down");
      if (!stub_) return SendResult::retryable("jaeger exporter is not started");
      stub = stub_.get();
      in_flight_.insert(&context);
    }
    model::PostSpansResponse response;
    const grpc::Status status = stub->PostSpans(&context, request, &response);
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
  std::unique_ptr<model::CollectorService::Stub> stub_;
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
