// PubsubSender: one delivery attempt of a batch to a Pub/Sub topic, as the Collector's
// googlecloudpubsub exporter publishes it (see publish_plan.h and cloudevents.h for the message
// format). The shared delivery layer adds the queue, retries and the per-attempt timeout.
#pragma once

#include <memory>
#include <string>

#include "config/yaml_document.h"
#include "exporters/common/sender.h"
#include "exporters/googlecloudpubsub/config.h"
#include "exporters/googlecloudpubsub/publish_plan.h"

namespace grpc {
class Channel;
class Status;
}  // namespace grpc

namespace spanflow::exporters::googlecloudpubsub {

class PubsubSender final : public Sender {
 public:
  // `channel` reaches Pub/Sub or the emulator: make_pubsub_channel() in the daemon, any
  // channel in tests. `limits` are Pub/Sub's unless a test lowers them.
  PubsubSender(Config config, std::shared_ptr<grpc::Channel> channel, PublishLimits limits = {});
  ~PubsubSender() override;

  // Publishes every request of the batch's plan in order, all by `deadline`; the first failure
  // ends the attempt (a retry publishes the whole batch again: at-least-once). Thread-safe.
  SendResult send(const TraceBatch& batch, Deadline deadline) override;

 private:
  class Stub;
  Config config_;
  PublishLimits limits_;
  std::string ce_source_;
  std::unique_ptr<Stub> stub_;
};

// The channel for the config: see resolve_connection(). The user agent is `user_agent` with
// {{version}} replaced. Throws std::runtime_error when TLS with Google default credentials is
// wanted and none can be found.
std::shared_ptr<grpc::Channel> make_pubsub_channel(const Config& config,
                                                   const config::Environment& env);

// A failed Publish as a SendResult. Retryable: UNAVAILABLE, DEADLINE_EXCEEDED,
// RESOURCE_EXHAUSTED, ABORTED, INTERNAL, CANCELLED and UNKNOWN (Google's own publish retry
// codes), with the server's google.rpc.RetryInfo delay as the hint. Everything else is
// permanent: NOT_FOUND (a missing topic), PERMISSION_DENIED, UNAUTHENTICATED, INVALID_ARGUMENT...
// The message names the topic.
SendResult map_publish_status(const grpc::Status& status, const std::string& topic);

}  // namespace spanflow::exporters::googlecloudpubsub
