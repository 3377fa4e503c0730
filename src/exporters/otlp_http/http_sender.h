// The otlp_http exporter's Sender: one POST of the request (protobuf or JSON, gzip by
// default) per attempt, over keep-alive HTTP/1.1 connections (TLS for https:// URLs).
//
// Threads: send() is called concurrently; each call takes an idle connection from the pool
// (or opens one) and gives it back when the server keeps it alive. Each connection runs its
// own io_context on the calling thread, so no thread is spawned here.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "exporters/common/sender.h"
#include "exporters/otlp_http/config.h"

namespace boost::asio::ssl {
class context;
}

namespace spanflow::exporters::otlp_http {

class HttpSender final : public Sender {
 public:
  explicit HttpSender(Config config);
  ~HttpSender() override;

  // Builds the TLS context for https:// (reads ca_file, cert_file, key_file); throws
  // std::runtime_error naming the file that cannot be used.
  void start() override;
  // 2xx: ok (partial_success read from the body in its Content-Type); 429/502/503/504 and
  // transport failures (refused, reset, timeout): retryable (Retry-After honoured); any other
  // status: permanent, with the body's google.rpc.Status message.
  SendResult send(const TraceBatch& batch, Deadline deadline) override;
  // Sends protobuf as it is; OTLP/JSON is encoded from the decoded request.
  bool reads_spans() const override { return config_.encoding == "json"; }
  void shutdown() override;

 private:
  class Connection;
  SendResult attempt(const TraceBatch& batch, Deadline deadline);
  std::unique_ptr<Connection> checkout();
  void checkin(std::unique_ptr<Connection> connection);

  Config config_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace spanflow::exporters::otlp_http
