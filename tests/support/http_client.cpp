#include "support/http_client.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/chunk_encode.hpp>

namespace spanflow::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string HttpResult::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

class HttpClient::Impl {
 public:
  explicit Impl(std::uint16_t port) : port_(port), socket_(io_) {}

  HttpResult request(const std::string& method, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers, bool chunked) {
    for (int attempt = 0;; ++attempt) {
      try {
        if (!socket_.is_open()) connect();
        return send(method, target, body, headers, chunked);
      } catch (const beast::system_error&) {
        socket_.close();
        if (attempt == 1) throw;
      }
    }
  }

 private:
  void connect() { socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_)); }

  HttpResult send(const std::string& method, const std::string& target, const std::string& body,
                  const std::map<std::string, std::string>& headers, bool chunked) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (chunked) {
      req.chunked(true);
      http::request_serializer<http::string_body> head(req);
      http::write_header(socket_, head);
      // Three chunks of the body, then the last chunk.
      const std::size_t third = body.size() / 3 + 1;
      for (std::size_t off = 0; off < body.size(); off += third) {
        const std::size_t n = std::min(third, body.size() - off);
        asio::write(socket_, http::make_chunk(asio::buffer(body.data() + off, n)));
      }
      asio::write(socket_, http::make_chunk_last());
    } else {
      req.body() = body;
      req.prepare_payload();
      http::write(socket_, req);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(socket_, buffer_, parser);
    auto res = parser.release();
    HttpResult out;
    out.status = res.result_int();
    out.body = res.body();
    for (const auto& field : res) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      out.headers[name] = std::string(field.value());
    }
    if (!res.keep_alive()) socket_.close();
    return out;
  }

  std::uint16_t port_;
  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

HttpClient::HttpClient(std::uint16_t port) : impl_(std::make_unique<Impl>(port)) {}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers, bool chunked) {
  return impl_->request(method, target, body, headers, chunked);
}

}  // namespace spanflow::testing
