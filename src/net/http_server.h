// HttpServer: a small HTTP/1.1 server on Boost.Beast for the OTLP/HTTP receiver, the health
// check and self-metrics.
//
// Threads: `threads` io threads run accept, read, the handler and write; the handler is called
// concurrently from them and must be thread-safe. Connections are keep-alive; chunked bodies
// are accepted; a body over `body_limit` gets 413; a client that sends nothing for
// `idle_timeout` is disconnected without holding up anyone else.
//
// With `tls`, connections are HTTPS only: the handshake must finish within `idle_timeout`, and
// the certificate files are re-read as TlsContextSource describes.
#pragma once

#include <spdlog/logger.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/component.h"
#include "net/endpoint.h"
#include "net/tls_server.h"

namespace spanflow::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using HttpHandler = std::function<HttpResponse(HttpRequest& request)>;

struct HttpServerOptions {
  Endpoint endpoint;
  std::uint64_t body_limit = 20 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{60'000};
  int threads = 2;
  std::optional<TlsServerConfig> tls{};
};

// A plain-text response with the request's version and keep-alive.
HttpResponse make_response(const HttpRequest& request, unsigned status, std::string body,
                           std::string_view content_type = "text/plain; charset=utf-8");

class HttpServer {
 public:
  HttpServer(std::string name, HttpServerOptions options, HttpHandler handler,
             std::shared_ptr<spdlog::logger> logger);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving; throws std::runtime_error naming the endpoint when it cannot bind,
  // or the file when a TLS file does not load.
  void start();
  // The bound port (useful with port 0); valid after start().
  std::uint16_t port() const;
  // Stops accepting, lets requests in progress finish until `deadline`, then closes everything.
  // Idempotent.
  void stop(Deadline deadline);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spanflow::net
