// OTLP/HTTP: POST traces_url_path with application/x-protobuf or application/json bodies,
// optionally gzip/deflate encoded. Statuses follow the OTLP/HTTP specification.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/component.h"
#include "net/http_server.h"
#include "receivers/otlp/config.h"
#include "receivers/otlp/otlp_receiver.h"

namespace spanflow::receivers::otlp {

class HttpReceiver {
 public:
  HttpReceiver(std::string id, const HttpConfig& config, TraceConsumer& next,
               std::shared_ptr<spdlog::logger> logger, telemetry::Metrics& metrics);

  std::uint16_t start();
  void stop(Deadline deadline);

  // One request to one response; public for tests.
  net::HttpResponse handle(net::HttpRequest& request);

 private:
  HttpConfig config_;
  TraceConsumer& next_;
  const bool decode_now_;  // a stage behind reads spans (TraceConsumer::reads_spans)
  TransportCounters counters_;
  net::HttpServer server_;
};

}  // namespace spanflow::receivers::otlp
