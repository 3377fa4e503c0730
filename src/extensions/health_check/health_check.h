// The `health_check` extension: GET <path> answers 200 while every pipeline runs and 503
// while starting or stopping, with the Collector's JSON body.
#pragma once

#include <chrono>
#include <memory>

#include "core/component.h"
#include "core/factory.h"
#include "extensions/health_check/config.h"
#include "net/http_server.h"

namespace spanflow::extensions::health_check {

class HealthCheck final : public Extension {
 public:
  HealthCheck(const CreateSettings& settings, const Config& config);
  ~HealthCheck() override;

  void start(Host& host) override;
  void shutdown(Deadline deadline) override;
  // The bound port (after start); useful with port 0.
  std::uint16_t port() const { return server_ ? server_->port() : 0; }

 private:
  net::HttpResponse handle(const net::HttpRequest& request);

  CreateSettings settings_;
  Config config_;
  Host* host_ = nullptr;
  std::chrono::system_clock::time_point up_since_;
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace spanflow::extensions::health_check
