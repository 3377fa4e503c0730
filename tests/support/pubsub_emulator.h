// PubsubEmulator: Google's Cloud Pub/Sub emulator (the Java cloud-pubsub-emulator of the
// Google Cloud SDK) on a free loopback port, for integration tests.
//
// It runs in its own process group; stop() and the destructor kill that group and reap it, so
// no JVM outlives the test. State lives in the emulator's memory only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "google/pubsub/v1/pubsub.pb.h"
#include "support/temp_dir.h"

namespace grpc {
class Channel;
}

namespace spanflow::testing {

class PubsubEmulator {
 public:
  // Why the emulator cannot run on this machine (launcher or Java missing), or nullopt.
  // Looks in /usr/lib/google-cloud-sdk, then asks `gcloud info` for the SDK root.
  static std::optional<std::string> unavailable_reason();

  // Starts the emulator and waits until it answers gRPC; throws std::runtime_error with its
  // log when it does not within `timeout`.
  explicit PubsubEmulator(std::chrono::seconds timeout = std::chrono::seconds(90));
  ~PubsubEmulator();
  PubsubEmulator(const PubsubEmulator&) = delete;
  PubsubEmulator& operator=(const PubsubEmulator&) = delete;

  std::uint16_t port() const { return port_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  // Plaintext, no receive size limit (pulled messages may be 10 MB each).
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // Kills the process group and reaps the emulator; idempotent.
  void stop();
  // Freezes (SIGSTOP) and thaws (SIGCONT) the emulator's process group: an outage that keeps
  // its in-memory topics and messages.
  void pause();
  void resume();
  std::string log() const;

  // Admin and subscriber calls; each throws std::runtime_error on a gRPC error.
  void create_topic(const std::string& topic);
  void create_subscription(const std::string& subscription, const std::string& topic,
                           bool message_ordering = false);
  // Pulls (and acknowledges) until `count` messages arrived or `timeout` passed; returns what
  // arrived, in arrival order.
  std::vector<google::pubsub::v1::ReceivedMessage> pull(
      const std::string& subscription, std::size_t count,
      std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  // One launch on a fresh port; false when the process exited before it was ready.
  bool launch(const std::string& launcher, std::chrono::steady_clock::time_point deadline);

  TempDir dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace spanflow::testing
