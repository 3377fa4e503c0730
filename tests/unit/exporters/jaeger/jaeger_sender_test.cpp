// JaegerSender against a Jaeger-protocol collector written here from the IDL: a
// CollectorService on 127.0.0.1 that records every PostSpans and answers as told.
#include "exporters/jaeger/jaeger_sender.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <catch.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "exporters/jaeger/translate.h"
#include "google/rpc/status.pb.h"
#include "jaeger/api_v2/collector.grpc.pb.h"
#include "support/spans.h"

using namespace spanflow;
using namespace std::chrono_literals;
using exporters::GrpcClientConfig;
using exporters::SendResult;
using exporters::jaeger::JaegerSender;
using exporters::jaeger::send_result;
namespace model = ::jaeger::api_v2;

namespace {

struct Received {
  model::PostSpansRequest request;
  std::multimap<std::string, std::string> metadata;
};

class FakeCollector final : public model::CollectorService::Service {
 public:
  // `gzip`: whether the server accepts gzip-compressed calls.
  explicit FakeCollector(bool gzip = true) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(this);
    if (!gzip) builder.SetCompressionAlgorithmSupportStatus(GRPC_COMPRESS_GZIP, false);
    server_ = builder.BuildAndStart();
    REQUIRE(server_ != nullptr);
  }
  ~FakeCollector() override { stop(); }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stall_ = false;
    }
    changed_.notify_all();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + 1s);
    server_.reset();
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Answers for the next calls, in order; OK once they are used up.
  void answer(grpc::Status status) {
    std::lock_guard lock(mu_);
    answers_.push_back(std::move(status));
  }
  // Calls wait (recorded) until released or cancelled by the client.
  void stall() {
    std::lock_guard lock(mu_);
    stall_ = true;
  }
  bool wait_for_calls(std::size_t n) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 5s, [&] { return received_.size() >= n; });
  }
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return received_;
  }

  grpc::Status PostSpans(grpc::ServerContext* context, const model::PostSpansRequest* request,
                         model::PostSpansResponse* /*response*/) override {
    std::unique_lock lock(mu_);
    Received call{*request, {}};
    for (const auto& [key, value] : context->client_metadata()) {
      call.metadata.emplace(std::string(key.data(), key.size()),
                            std::string(value.data(), value.size()));
    }
    received_.push_back(std::move(call));
    changed_.notify_all();
    while (stall_ && !context->IsCancelled()) changed_.wait_for(lock, 10ms);
    if (answers_.empty()) return grpc::Status::OK;
    grpc::Status status = answers_.front();
    answers_.pop_front();
    return status;
  }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Received> received_;
  std::deque<grpc::Status> answers_;
  bool stall_ = false;
};

JaegerSender::ChannelFactory plaintext(const std::string& address) {
  return [address] { return grpc::CreateChannel(address, grpc::InsecureChannelCredentials()); };
}

GrpcClientConfig client_config(const std::string& address) {
  GrpcClientConfig config;
  config.endpoint = address;
  config.tls.insecure = true;
  return config;
}

TraceBatch batch_of(otlp::ExportRequest request) {
  TraceBatch batch;
  batch.mutable_request() = std::move(request);
  return batch;
}

// Three resources: services a (2 spans), b (1 span), c (3 spans).
TraceBatch three_resources() {
  otlp::ExportRequest request = testing::make_request(2, 1, "a");
  request.MergeFrom(testing::make_request(1, 10, "b"));
  request.MergeFrom(testing::make_request(3, 20, "c"));
  return batch_of(std::move(request));
}

Deadline in(std::chrono::milliseconds ms) {
  return std::chrono::steady_clock::now() + ms;
}

// A status with a google.rpc.RetryInfo of `delay` in grpc-status-details-bin.
grpc::Status with_retry_info(grpc::StatusCode code, std::chrono::nanoseconds delay) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(delay.count() / 1'000'000'000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int>(delay.count() % 1'000'000'000));
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message("slow down");
  details.add_details()->PackFrom(retry);
  return {code, "slow down", details.SerializeAsString()};
}

}  // namespace

TEST_CASE("the sender posts one Batch per resource, exactly as translated") {
  FakeCollector collector;
  JaegerSender sender(client_config(collector.address()), plaintext(collector.address()));
  sender.start();
  const TraceBatch batch = three_resources();

  const SendResult result = sender.send(batch, in(5s));
  CHECK(result.kind == SendResult::Kind::kOk);
  const auto received = collector.received();
  REQUIRE(received.size() == 3);
  google::protobuf::RepeatedPtrField<model::Batch> expected;
  exporters::jaeger::translate(batch.request(), expected);
  REQUIRE(expected.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(received[i].request.batch().SerializeAsString() == expected[i].SerializeAsString());
  }
  CHECK(received[0].request.batch().process().service_name() == "a");
  CHECK(received[2].request.batch().spans_size() == 3);
  CHECK(received[2].request.batch().spans(0).trace_id() == testing::trace_id(20));
  CHECK(received[2].request.batch().spans(0).operation_name() == "span-20");
  sender.shutdown();
}

TEST_CASE("resources without spans and empty batches make no call") {
  FakeCollector collector;
  JaegerSender sender(client_config(collector.address()), plaintext(collector.address()));
  sender.start();
  otlp::ExportRequest request;
  testing::add_attribute(request.add_resource_spans()->mutable_resource()->mutable_attributes(),
                         "service.name", "idle");
  request.add_resource_spans()->add_scope_spans();
  CHECK(sender.send(batch_of(request), in(5s)).kind == SendResult::Kind::kOk);
  CHECK(sender.send(TraceBatch(), in(5s)).kind == SendResult::Kind::kOk);
  CHECK(collector.received().empty());
}

TEST_CASE("headers arrive as metadata with lowercased keys, and gzip is really used") {
  FakeCollector collector(/*gzip=*/false);
  GrpcClientConfig config = client_config(collector.address());
  config.headers = {{"X-Tenant", "acme"}, {"authorization", "Bearer t0k3n"}};

  SECTION("headers") {
    JaegerSender sender(config, plaintext(collector.address()));
    sender.start();
    REQUIRE(sender.send(batch_of(testing::make_request(1)), in(5s)).kind == SendResult::Kind::kOk);
    const auto received = collector.received();
    REQUIRE(received.size() == 1);
    const auto& metadata = received[0].metadata;
    REQUIRE(metadata.count("x-tenant") == 1);
    CHECK(metadata.find("x-tenant")->second == "acme");
    REQUIRE(metadata.count("authorization") == 1);
    CHECK(metadata.find("authorization")->second == "Bearer t0k3n");
  }
  SECTION("a server that refuses gzip refuses the compressed call") {
    config.compression = "gzip";
    JaegerSender sender(config, plaintext(collector.address()));
    sender.start();
    const SendResult result = sender.send(batch_of(testing::make_request(1)), in(5s));
    CHECK(result.kind == SendResult::Kind::kPermanent);
    CHECK(result.message.find("UNIMPLEMENTED") != std::string::npos);
  }
}

TEST_CASE("UNAVAILABLE with RetryInfo is retryable after the server's delay") {
  FakeCollector collector;
  collector.answer(with_retry_info(grpc::StatusCode::UNAVAILABLE, 1500ms));
  JaegerSender sender(client_config(collector.address()), plaintext(collector.address()));
  sender.start();
  const SendResult result = sender.send(batch_of(testing::make_request(2)), in(5s));
  CHECK(result.kind == SendResult::Kind::kRetryable);
  CHECK(result.retry_after == 1500ms);
  CHECK(result.message == "jaeger PostSpans: UNAVAILABLE: slow down");
}

TEST_CASE("the first failing call ends the attempt; later resources are not posted") {
  FakeCollector collector;
  collector.answer(grpc::Status::OK);
  collector.answer({grpc::StatusCode::UNAVAILABLE, "restarting"});
  JaegerSender sender(client_config(collector.address()), plaintext(collector.address()));
  sender.start();
  const SendResult result = sender.send(three_resources(), in(5s));
  CHECK(result.kind == SendResult::Kind::kRetryable);
  CHECK(result.retry_after == 0ms);
  CHECK(collector.received().size() == 2);
}

TEST_CASE("INVALID_ARGUMENT is permanent") {
  FakeCollector collector;
  collector.answer({grpc::StatusCode::INVALID_ARGUMENT, "invalid length for TraceID"});
  JaegerSender sender(client_config(collector.address()), plaintext(collector.address()));
  sender.start();
  const SendResult result = sender.send(batch_of(testing::make_request(1)), in(5s));
  CHECK(result.kind == SendResult::Kind::kPermanent);
  CHECK(result.message == "jaeger PostSpans: INVALID_ARGUMENT: invalid length for TraceID");
}

TEST_CASE("a stalled collector ends the attempt at its deadline, retryable") {
  FakeCollector collector;
  collector.stall();
  JaegerSender sender(client_config(collector.address()), plaintext(collector.address()));
  sender.start();
  const auto started = std::chrono::steady_clock::now();
  const SendResult result = sender.send(batch_of(testing::make_request(1)), in(300ms));
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(result.kind == SendResult::Kind::kRetryable);
  CHECK(result.message.find("DEADLINE_EXCEEDED") != std::string::npos);
  CHECK(took >= 250ms);
  CHECK(took < 3s);
}

TEST_CASE("an attempt without a deadline still posts") {
  FakeCollector collector;
  JaegerSender sender(client_config(collector.address()), plaintext(collector.address()));
  sender.start();
  CHECK(sender.send(batch_of(testing::make_request(1)), Deadline::max()).kind ==
        SendResult::Kind::kOk);
  CHECK(collector.received().size() == 1);
}

TEST_CASE("shutdown cancels a call in flight and refuses later sends") {
  FakeCollector collector;
  collector.stall();
  JaegerSender sender(client_config(collector.address()), plaintext(collector.address()));
  sender.start();
  const TraceBatch batch = batch_of(testing::make_request(1));
  auto pending = std::async(std::launch::async, [&] { return sender.send(batch, in(30s)); });
  REQUIRE(collector.wait_for_calls(1));
  sender.shutdown();
  REQUIRE(pending.wait_for(5s) == std::future_status::ready);
  const SendResult cancelled = pending.get();
  CHECK(cancelled.kind == SendResult::Kind::kRetryable);
  CHECK(cancelled.message.find("CANCELLED") != std::string::npos);

  const SendResult later = sender.send(batch, in(5s));
  CHECK(later.kind == SendResult::Kind::kRetryable);
  CHECK(collector.received().size() == 1);
  sender.shutdown();  // idempotent
}

TEST_CASE("a send before start makes no call and is retryable; shutdown without start is safe") {
  FakeCollector collector;
  JaegerSender sender(client_config(collector.address()), plaintext(collector.address()));
  CHECK(sender.send(batch_of(testing::make_request(1)), in(5s)).kind ==
        SendResult::Kind::kRetryable);
  CHECK(collector.received().empty());
  sender.shutdown();
}

TEST_CASE("a collector that is not listening is retryable") {
  std::string address;
  {
    FakeCollector gone;
    address = gone.address();
  }
  JaegerSender sender(client_config(address), plaintext(address));
  sender.start();
  const SendResult result = sender.send(batch_of(testing::make_request(1)), in(5s));
  CHECK(result.kind == SendResult::Kind::kRetryable);
  CHECK(result.message.find("UNAVAILABLE") != std::string::npos);
}

TEST_CASE("gRPC codes map to results as in the OTLP gRPC exporter") {
  using Code = grpc::StatusCode;
  CHECK(send_result(grpc::Status::OK).kind == SendResult::Kind::kOk);
  for (const Code code : {Code::CANCELLED, Code::DEADLINE_EXCEEDED, Code::ABORTED,
                          Code::OUT_OF_RANGE, Code::UNAVAILABLE, Code::DATA_LOSS}) {
    INFO("code " << code);
    const SendResult result = send_result({code, "x"});
    CHECK(result.kind == SendResult::Kind::kRetryable);
    CHECK(result.retry_after == 0ms);
  }
  for (const Code code :
       {Code::UNKNOWN, Code::INVALID_ARGUMENT, Code::NOT_FOUND, Code::ALREADY_EXISTS,
        Code::PERMISSION_DENIED, Code::FAILED_PRECONDITION, Code::UNIMPLEMENTED, Code::INTERNAL,
        Code::UNAUTHENTICATED, Code::RESOURCE_EXHAUSTED}) {
    INFO("code " << code);
    CHECK(send_result({code, "x"}).kind == SendResult::Kind::kPermanent);
  }
}

TEST_CASE("RESOURCE_EXHAUSTED is retryable only with RetryInfo, whose delay rounds up to ms") {
  const SendResult throttled =
      send_result(with_retry_info(grpc::StatusCode::RESOURCE_EXHAUSTED, 2'000'000'001ns));
  CHECK(throttled.kind == SendResult::Kind::kRetryable);
  CHECK(throttled.retry_after == 2001ms);
  CHECK(throttled.message == "jaeger PostSpans: RESOURCE_EXHAUSTED: slow down");

  const SendResult zero = send_result(with_retry_info(grpc::StatusCode::RESOURCE_EXHAUSTED, 0ns));
  CHECK(zero.kind == SendResult::Kind::kRetryable);
  CHECK(zero.retry_after == 0ms);

  // Details that are not a google.rpc.Status, or hold no RetryInfo, are no RetryInfo.
  CHECK(send_result({grpc::StatusCode::RESOURCE_EXHAUSTED, "full", "\xff\xff"}).kind ==
        SendResult::Kind::kPermanent);
  google::rpc::Status other;
  other.add_details()->PackFrom(google::rpc::Status());
  CHECK(
      send_result({grpc::StatusCode::RESOURCE_EXHAUSTED, "full", other.SerializeAsString()}).kind ==
      SendResult::Kind::kPermanent);
  // A permanent code stays permanent with RetryInfo.
  CHECK(send_result(with_retry_info(grpc::StatusCode::INVALID_ARGUMENT, 1s)).kind ==
        SendResult::Kind::kPermanent);
}
