#include "exporters/googlecloudpubsub/pubsub_sender.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <stdexcept>

#include "exporters/common/grpc_client.h"
#include "exporters/googlecloudpubsub/cloudevents.h"
#include "google/pubsub/v1/pubsub.grpc.pb.h"
#include "google/rpc/status.pb.h"

namespace spanflow::exporters::googlecloudpubsub {

namespace {

namespace pubsub = google::pubsub::v1;

std::chrono::system_clock::time_point to_system(Deadline deadline) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(
             deadline - std::chrono::steady_clock::now());
}

std::string replace_version(std::string text) {
  constexpr std::string_view kPlaceholder = "{{version}}";
  constexpr std::string_view kVersion = SPANFLOW_VERSION;
  for (auto at = text.find(kPlaceholder); at != std::string::npos;
       at = text.find(kPlaceholder, at + kVersion.size())) {
    text.replace(at, kPlaceholder.size(), kVersion);
  }
  return text;
}

}  // namespace

class PubsubSender::Stub {
 public:
  explicit Stub(const std::shared_ptr<grpc::Channel>& channel)
      : stub_(pubsub::Publisher::NewStub(channel)) {}
  pubsub::Publisher::Stub& get() { return *stub_; }

 private:
  std::unique_ptr<pubsub::Publisher::Stub> stub_;
};

PubsubSender::PubsubSender(Config config, std::shared_ptr<grpc::Channel> channel,
                           PublishLimits limits)
    : config_(std::move(config)),
      limits_(limits),
      ce_source_(googlecloudpubsub::ce_source(SPANFLOW_VERSION)),
      stub_(std::make_unique<Stub>(channel)) {}

PubsubSender::~PubsubSender() = default;

SendResult PubsubSender::send(const TraceBatch& batch, Deadline deadline) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const MessageContext context{ce_source_,
                               std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()};
  const PublishPlan plan = plan_publish(batch.request(), config_, context, limits_);
  if (!plan.error.empty()) return SendResult::retryable(plan.error);
  const auto grpc_deadline = to_system(deadline);
  for (std::size_t i = 0; i < plan.requests.size(); ++i) {
    grpc::ClientContext call;
    call.set_deadline(grpc_deadline);
    pubsub::PublishResponse response;
    const grpc::Status status = stub_->get().Publish(&call, plan.requests[i], &response);
    if (!status.ok()) {
      SendResult result = map_publish_status(status, config_.topic);
      if (i > 0) {
        result.message += " (after " + std::to_string(i) + " of " +
                          std::to_string(plan.requests.size()) +
                          " publish requests of the batch succeeded; a retry publishes them again)";
      }
      return result;
    }
  }
  SendResult result = SendResult::ok();
  if (plan.rejected_spans > 0) {
    result.rejected_spans = plan.rejected_spans;
    result.message = std::to_string(plan.rejected_spans) + " span(s) not published to " +
                     config_.topic +
                     ": each alone is larger than a Pub/Sub publish request may be (" +
                     std::to_string(limits_.max_request_bytes) + " bytes)";
  }
  return result;
}

SendResult map_publish_status(const grpc::Status& status, const std::string& topic) {
  const std::string detail =
      std::string(grpc_code_name(status.error_code())) + ": " + status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
      return SendResult::retryable("publishing to " + topic + " failed (" + detail + ")",
                                   grpc_retry_delay(status).value_or(std::chrono::milliseconds(0)));
    case grpc::StatusCode::NOT_FOUND:
      return SendResult::permanent("Pub/Sub topic " + topic + " does not exist (" + detail +
                                   "); the exporter never creates topics");
    case grpc::StatusCode::PERMISSION_DENIED:
      return SendResult::permanent("permission denied publishing to " + topic + " (" + detail +
                                   "); the credentials need roles/pubsub.publisher on it");
    case grpc::StatusCode::UNAUTHENTICATED:
      return SendResult::permanent("not authenticated to publish to " + topic + " (" + detail +
                                   "); check the Google default credentials");
    case grpc::StatusCode::INVALID_ARGUMENT:
      return SendResult::permanent("Pub/Sub rejected the publish request to " + topic +
                                   " as invalid (" + detail + ")");
    default:
      return SendResult::permanent("publishing to " + topic + " failed (" + detail + ")");
  }
}

std::shared_ptr<grpc::Channel> make_pubsub_channel(const Config& config,
                                                   const config::Environment& env) {
  const Connection connection = resolve_connection(config, env);
  grpc::ChannelArguments args;
  if (!config.user_agent.empty()) args.SetUserAgentPrefix(replace_version(config.user_agent));
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (connection.plaintext) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    credentials = grpc::GoogleDefaultCredentials();
    if (credentials == nullptr) {
      throw std::runtime_error(
          "googlecloudpubsub: no Google default credentials for " + connection.target +
          " (set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, run "
          "'gcloud auth application-default login', or run on GCP with a service account; "
          "for the emulator set PUBSUB_EMULATOR_HOST or endpoint with insecure: true)");
    }
  }
  return grpc::CreateCustomChannel(connection.target, credentials, args);
}

}  // namespace spanflow::exporters::googlecloudpubsub
