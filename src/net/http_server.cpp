#include "net/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

namespace spanflow::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpResponse make_response(const HttpRequest& request, unsigned status, std::string body,
                           std::string_view content_type) {
  HttpResponse response{static_cast<http::status>(status), request.version()};
  response.set(http::field::content_type, content_type);
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

namespace {

constexpr std::size_t kHeaderLimit = 64 * 1024;

struct Shared {
  HttpServerOptions options;
  HttpHandler handler;
  std::shared_ptr<spdlog::logger> logger;
  std::string name;
  std::atomic<int> in_flight{0};
};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// How long a closing TLS connection waits for the client's close_notify.
constexpr std::chrono::milliseconds kTlsShutdownTimeout{5'000};

// One connection: (TLS handshake,) read a request, call the handler, write the response, repeat.
// `Stream` is beast::tcp_stream or TlsStream.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  // `tls` is the context of a TLS session (null otherwise); the session keeps it alive.
  Session(tcp::socket socket, Shared& shared, std::shared_ptr<asio::ssl::context> tls)
      : tls_(std::move(tls)),
        stream_(make_stream(std::move(socket), tls_.get())),
        shared_(shared) {}

  void run() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(shared_.options.idle_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->on_handshake_error(ec);
                                self->read_header();
                              });
    } else {
      read_header();
    }
  }

 private:
  static Stream make_stream(tcp::socket socket, asio::ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  void on_handshake_error(beast::error_code ec) {
    beast::error_code ignored;
    const auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ignored);
    shared_.logger->debug("{}: TLS handshake with {}:{} failed: {}", shared_.name,
                          peer.address().to_string(), peer.port(), ec.message());
    close_socket();
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(shared_.options.body_limit);
    beast::get_lowest_layer(stream_).expires_after(shared_.options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_error(ec);
    auto& req = parser_->get();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     req.version());
      http::async_write(
          stream_, *cont,
          [self = this->shared_from_this(), cont](beast::error_code wec, std::size_t) {
            if (wec) return self->close();
            self->read_body();
          });
      return;
    }
    read_body();
  }

  void read_body() {
    beast::get_lowest_layer(stream_).expires_after(shared_.options.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec) return on_error(ec);
    HttpRequest request = parser_->release();
    shared_.in_flight.fetch_add(1, std::memory_order_relaxed);
    response_ = shared_.handler(request);
    write();
  }

  void on_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      return close();
    }
    if constexpr (kTls) {
      // The client went away without close_notify, or the TLS layer broke: nothing can be
      // answered on it.
      if (ec == asio::ssl::error::stream_truncated ||
          ec.category() == asio::error::get_ssl_category()) {
        return close_socket();
      }
    }
    // The request cannot be read any further: answer it, then close the connection.
    HttpRequest request;
    if (parser_ && parser_->is_header_done()) request = parser_->release();
    request.keep_alive(false);
    if (ec == http::error::body_limit) {
      response_ = make_response(request, 413,
                                "request body exceeds the limit of " +
                                    std::to_string(shared_.options.body_limit) + " bytes");
    } else if (ec == http::error::header_limit) {
      response_ = make_response(request, 431, "request header fields too large");
    } else {
      response_ = make_response(request, 400, "malformed HTTP request: " + ec.message());
    }
    response_.keep_alive(false);
    shared_.in_flight.fetch_add(1, std::memory_order_relaxed);
    write();
  }

  void write() {
    http::async_write(stream_, response_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->shared_.in_flight.fetch_sub(1, std::memory_order_relaxed);
                        if (ec || !self->response_.keep_alive()) return self->close();
                        self->read_header();
                      });
  }

  // Ends the connection: a TLS one with close_notify first.
  void close() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(
          std::min<std::chrono::milliseconds>(shared_.options.idle_timeout, kTlsShutdownTimeout));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->close_socket(); });
    } else {
      close_socket();
    }
  }

  void close_socket() {
    auto& lowest = beast::get_lowest_layer(stream_);
    beast::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest.close();
  }

  std::shared_ptr<asio::ssl::context> tls_;  // before stream_, which uses it
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpResponse response_;
  Shared& shared_;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(std::string name, HttpServerOptions options, HttpHandler handler,
       std::shared_ptr<spdlog::logger> logger)
      : shared_{std::move(options), std::move(handler), std::move(logger), std::move(name)},
        acceptor_(asio::make_strand(io_)) {}

  ~Impl() { stop(std::chrono::steady_clock::now()); }

  void start() {
    const auto& ep = shared_.options.endpoint;
    if (shared_.options.tls) {
      try {
        tls_ =
            std::make_unique<TlsContextSource>(*shared_.options.tls, shared_.name, shared_.logger);
      } catch (const std::exception& e) {
        throw std::runtime_error(shared_.name + ": " + e.what());
      }
    }
    try {
      tcp::resolver resolver(io_);
      const std::string host = ep.host.empty() ? "0.0.0.0" : ep.host;
      const auto results = resolver.resolve(
          host, std::to_string(ep.port), tcp::resolver::passive | tcp::resolver::numeric_service);
      const tcp::endpoint endpoint = *results.begin();
      acceptor_.open(endpoint.protocol());
      acceptor_.set_option(asio::socket_base::reuse_address(true));
      acceptor_.bind(endpoint);
      acceptor_.listen(asio::socket_base::max_listen_connections);
      port_ = acceptor_.local_endpoint().port();
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error(shared_.name + ": cannot listen on " + ep.to_string() + ": " +
                               e.code().message());
    }
    accept();
    for (int i = 0; i < std::max(1, shared_.options.threads); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
  }

  std::uint16_t port() const { return port_; }

  void stop(Deadline deadline) {
    if (stopped_.exchange(true) || threads_.empty()) return;
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    while (shared_.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (const int left = shared_.in_flight.load(); left > 0) {
      shared_.logger->warn("{}: stopped with {} requests still in progress", shared_.name, left);
    }
    io_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (!ec) {
        if (tls_) {
          std::make_shared<Session<TlsStream>>(std::move(s), shared_, tls_->current())->run();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(std::move(s), shared_, nullptr)->run();
        }
      }
      accept();
    });
  }

  Shared shared_;
  std::unique_ptr<TlsContextSource> tls_;  // with options.tls, from start()
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

HttpServer::HttpServer(std::string name, HttpServerOptions options, HttpHandler handler,
                       std::shared_ptr<spdlog::logger> logger)
    : impl_(std::make_unique<Impl>(std::move(name), std::move(options), std::move(handler),
                                   std::move(logger))) {}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  impl_->start();
}
std::uint16_t HttpServer::port() const {
  return impl_->port();
}
void HttpServer::stop(Deadline deadline) {
  impl_->stop(deadline);
}

}  // namespace spanflow::net
