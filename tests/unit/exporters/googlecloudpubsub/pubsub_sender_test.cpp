// PubsubSender against an in-process fake Publisher: what it sends, and how each gRPC status
// the server answers becomes a SendResult.
#include "exporters/googlecloudpubsub/pubsub_sender.h"

#include <grpcpp/grpcpp.h>

#include <catch.hpp>
#include <mutex>
#include <vector>

#include "google/pubsub/v1/pubsub.grpc.pb.h"
#include "google/rpc/status.pb.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::exporters;
using namespace spanflow::exporters::googlecloudpubsub;
using Catch::Contains;
namespace pubsub = google::pubsub::v1;

namespace {

constexpr char kTopic[] = "projects/p/topics/traces";

// Records every PublishRequest; answers `answer` (OK by default).
class FakePublisher final : public pubsub::Publisher::Service {
 public:
  grpc::Status Publish(grpc::ServerContext*, const pubsub::PublishRequest* request,
                       pubsub::PublishResponse* response) override {
    std::lock_guard lock(mu_);
    requests_.push_back(*request);
    if (fail_after_ >= 0 && static_cast<int>(requests_.size()) > fail_after_) return answer_;
    for (int i = 0; i < request->messages_size(); ++i) {
      response->add_message_ids(std::to_string(requests_.size()) + "-" + std::to_string(i));
    }
    return grpc::Status::OK;
  }
  // Answers `status` from the (n+1)-th request on.
  void fail_after(int n, grpc::Status status) {
    std::lock_guard lock(mu_);
    fail_after_ = n;
    answer_ = std::move(status);
  }
  std::vector<pubsub::PublishRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  std::vector<pubsub::PublishRequest> requests_;
  int fail_after_ = -1;
  grpc::Status answer_;
};

struct FakeServer {
  FakePublisher service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  FakeServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.SetMaxReceiveMessageSize(-1);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
  }
  ~FakeServer() { server->Shutdown(std::chrono::system_clock::now()); }
  std::shared_ptr<grpc::Channel> channel() const {
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(-1);
    return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                     grpc::InsecureChannelCredentials(), args);
  }
};

Config config_for(bool ordering = false) {
  Config config;
  config.topic = kTopic;
  if (ordering) config.ordering = {true, "service.name", false};
  return config;
}

TraceBatch batch_of(const otlp::ExportRequest& request) {
  TraceBatch batch;
  batch.mutable_request() = request;
  return batch;
}

Deadline in_seconds(int s) {
  return std::chrono::steady_clock::now() + std::chrono::seconds(s);
}

grpc::Status with_retry_info(grpc::StatusCode code, int seconds, int nanos) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(seconds);
  retry.mutable_retry_delay()->set_nanos(nanos);
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message("slow down");
  details.add_details()->PackFrom(retry);
  return grpc::Status(code, "slow down", details.SerializeAsString());
}

}  // namespace

TEST_CASE("PubsubSender publishes the batch's plan to the topic") {
  FakeServer fake;
  PubsubSender sender(config_for(), fake.channel());
  otlp::ExportRequest request = testing::make_request(3, 1, "alpha", "alpha");
  request.MergeFrom(testing::make_request(2, 10, "beta", "beta"));
  const SendResult result = sender.send(batch_of(request), in_seconds(10));
  CHECK(result.kind == SendResult::Kind::kOk);
  CHECK(result.rejected_spans == 0);
  const auto requests = fake.service.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].topic() == kTopic);
  REQUIRE(requests[0].messages_size() == 1);
  const auto& message = requests[0].messages(0);
  CHECK(message.attributes().at("ce-source") ==
        std::string("/opentelemetry/collector/googlecloudpubsub/") + SPANFLOW_VERSION);
  otlp::ExportRequest decoded;
  REQUIRE(decoded.ParseFromString(message.data()));
  CHECK(count_spans(decoded) == 5);
}

TEST_CASE("PubsubSender splits into requests within the limits and reports oversize spans") {
  FakeServer fake;
  PubsubSender sender(config_for(), fake.channel(), PublishLimits{3000, 1000});
  otlp::ExportRequest request = testing::make_request(60, 1);
  testing::add_attribute(request.mutable_resource_spans(0)
                             ->mutable_scope_spans(0)
                             ->mutable_spans(7)
                             ->mutable_attributes(),
                         "huge", std::string(4000, 'h'));
  const SendResult result = sender.send(batch_of(request), in_seconds(10));
  CHECK(result.kind == SendResult::Kind::kOk);
  CHECK(result.rejected_spans == 1);
  CHECK_THAT(result.message, Contains("1 span(s) not published to projects/p/topics/traces"));
  const auto requests = fake.service.requests();
  CHECK(requests.size() > 1);
  std::size_t spans = 0;
  for (const auto& r : requests) {
    CHECK(r.ByteSizeLong() <= 3000);
    for (const auto& m : r.messages()) {
      otlp::ExportRequest decoded;
      REQUIRE(decoded.ParseFromString(m.data()));
      spans += count_spans(decoded);
    }
  }
  CHECK(spans == 59);
}

TEST_CASE("PubsubSender: a failure midway names the progress; the retry hint is honoured") {
  FakeServer fake;
  PubsubSender sender(config_for(true), fake.channel());
  otlp::ExportRequest request = testing::make_request(1, 1, "alpha", "alpha");
  request.MergeFrom(testing::make_request(1, 2, "beta", "beta"));
  fake.service.fail_after(1, with_retry_info(grpc::StatusCode::RESOURCE_EXHAUSTED, 2, 500'000'000));
  const SendResult result = sender.send(batch_of(request), in_seconds(10));
  CHECK(result.kind == SendResult::Kind::kRetryable);
  CHECK(result.retry_after == std::chrono::milliseconds(2500));
  CHECK_THAT(result.message, Contains("publishing to projects/p/topics/traces failed "
                                      "(RESOURCE_EXHAUSTED: slow down)"));
  CHECK_THAT(result.message, Contains("after 1 of 2 publish requests of the batch succeeded"));
  const auto requests = fake.service.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].messages(0).ordering_key() == "alpha");
  CHECK(requests[1].messages(0).ordering_key() == "beta");
}

TEST_CASE("PubsubSender: gRPC status codes map to retryable or permanent") {
  FakeServer fake;
  PubsubSender sender(config_for(), fake.channel());
  const otlp::ExportRequest request = testing::make_request(1);
  using Code = grpc::StatusCode;
  for (const Code code : {Code::UNAVAILABLE, Code::DEADLINE_EXCEEDED, Code::RESOURCE_EXHAUSTED,
                          Code::ABORTED, Code::INTERNAL, Code::CANCELLED, Code::UNKNOWN}) {
    INFO(static_cast<int>(code));
    fake.service.fail_after(0, grpc::Status(code, "boom"));
    const SendResult result = sender.send(batch_of(request), in_seconds(10));
    CHECK(result.kind == SendResult::Kind::kRetryable);
    CHECK(result.retry_after == std::chrono::milliseconds(0));
    CHECK_THAT(result.message, Contains(kTopic));
  }
  const std::vector<std::pair<Code, std::string>> permanent{
      {Code::NOT_FOUND, "Pub/Sub topic projects/p/topics/traces does not exist (NOT_FOUND: boom)"},
      {Code::PERMISSION_DENIED, "permission denied publishing to projects/p/topics/traces"},
      {Code::UNAUTHENTICATED, "not authenticated to publish to projects/p/topics/traces"},
      {Code::INVALID_ARGUMENT, "rejected the publish request to projects/p/topics/traces"},
      {Code::FAILED_PRECONDITION, "publishing to projects/p/topics/traces failed"},
  };
  for (const auto& [code, message] : permanent) {
    INFO(static_cast<int>(code));
    fake.service.fail_after(0, grpc::Status(code, "boom"));
    const SendResult result = sender.send(batch_of(request), in_seconds(10));
    CHECK(result.kind == SendResult::Kind::kPermanent);
    CHECK_THAT(result.message, Contains(message));
  }
}

TEST_CASE("PubsubSender: nothing listening, or no time left, is retryable") {
  std::shared_ptr<grpc::Channel> channel;
  {
    FakeServer gone;  // a port that was just free, closed again
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(gone.port),
                                  grpc::InsecureChannelCredentials());
  }
  PubsubSender sender(config_for(), channel);
  const SendResult refused = sender.send(batch_of(testing::make_request(2)), in_seconds(5));
  CHECK(refused.kind == SendResult::Kind::kRetryable);
  CHECK_THAT(refused.message, Contains("UNAVAILABLE"));

  FakeServer fake;
  PubsubSender late(config_for(), fake.channel());
  const SendResult expired = late.send(batch_of(testing::make_request(2)),
                                       std::chrono::steady_clock::now() - std::chrono::seconds(1));
  CHECK(expired.kind == SendResult::Kind::kRetryable);
  CHECK_THAT(expired.message, Contains("DEADLINE_EXCEEDED"));
}

TEST_CASE("PubsubSender: an empty batch is ok without a call") {
  FakeServer fake;
  PubsubSender sender(config_for(), fake.channel());
  CHECK(sender.send(TraceBatch{}, in_seconds(5)).kind == SendResult::Kind::kOk);
  CHECK(fake.service.requests().empty());
}
