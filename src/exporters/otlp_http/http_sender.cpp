#include "exporters/otlp_http/http_sender.h"

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <stdexcept>

#include "codec/gzip.h"
#include "codec/otlp_json.h"
#include "google/rpc/status.pb.h"

namespace spanflow::exporters::otlp_http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t kMaxResponseBody = 4 * 1024 * 1024;  // the OTLP recommendation
// Past the attempt deadline, how long name resolution may still take (it has no timeout).
constexpr auto kResolveGrace = std::chrono::milliseconds(200);

using Request = http::request<http::string_body>;
using Parser = http::response_parser<http::string_body>;

std::string status_detail(const http::response<http::string_body>& res) {
  const std::string type(res[http::field::content_type]);
  google::rpc::Status status;
  std::string error;
  if (type.starts_with("application/x-protobuf") && status.ParseFromString(res.body())) {
    return status.message();
  }
  if (type.starts_with("application/json") && codec::decode_status(res.body(), status, error)) {
    return status.message();
  }
  return res.body().substr(0, 256);
}

}  // namespace

class HttpSender::Connection {
 public:
  Connection(const Config& config, asio::ssl::context* tls) : url_(config.url) {
    if (tls == nullptr) {
      plain_.emplace(ioc_);
      return;
    }
    tls_.emplace(ioc_, *tls);
    const std::string& name =
        config.tls.server_name_override.empty() ? url_.host : config.tls.server_name_override;
    boost::system::error_code not_an_address;
    asio::ip::make_address(name, not_an_address);
    if (not_an_address) SSL_set_tlsext_host_name(tls_->native_handle(), name.c_str());  // SNI
    if (!config.tls.insecure_skip_verify) {
      tls_->set_verify_callback(asio::ssl::host_name_verification(name));
    }
  }

  bool reused() const { return used_; }

  // One request and its response by `deadline`; `ec` is set when the transport failed.
  void exchange(Request& request, Parser& parser, Deadline deadline, beast::error_code& ec) {
    used_ = true;
    ioc_.restart();
    bool finished = false;
    const auto finish = [&](beast::error_code e) {
      ec = e;
      finished = true;
    };
    beast::tcp_stream& tcp = plain_ ? *plain_ : beast::get_lowest_layer(*tls_);
    tcp.expires_at(deadline);
    const auto on_read = [&](beast::error_code e, std::size_t) { finish(e); };
    const auto on_write = [&](beast::error_code e, std::size_t) {
      if (e) return finish(e);
      if (plain_) return http::async_read(*plain_, buffer_, parser, on_read);
      http::async_read(*tls_, buffer_, parser, on_read);
    };
    const auto write = [&] {
      if (plain_) return http::async_write(*plain_, request, on_write);
      http::async_write(*tls_, request, on_write);
    };
    const auto on_handshake = [&](beast::error_code e) {
      if (e) return finish(e);
      connected_ = true;
      write();
    };
    const auto on_connect = [&](beast::error_code e, const tcp::endpoint&) {
      if (e) return finish(e);
      if (tls_) return tls_->async_handshake(asio::ssl::stream_base::client, on_handshake);
      connected_ = true;
      write();
    };
    const auto on_resolve = [&](beast::error_code e, const tcp::resolver::results_type& found) {
      if (e) return finish(e);
      tcp.async_connect(found, on_connect);
    };
    if (connected_) {
      write();
    } else {
      resolver_.async_resolve(url_.host, url_.port, on_resolve);
    }
    ioc_.run_until(deadline + kResolveGrace);
    if (!finished) {
      resolver_.cancel();
      tcp.close();
      ioc_.run();
      ec = beast::error::timeout;
    }
  }

 private:
  Url url_;
  asio::io_context ioc_;
  tcp::resolver resolver_{ioc_};
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
  bool used_ = false;
};

HttpSender::HttpSender(Config config) : config_(std::move(config)) {}

HttpSender::~HttpSender() = default;

void HttpSender::start() {
  if (!config_.url.https) return;
  const auto use = [](const char* key, const std::string& file, auto&& load) {
    try {
      load();
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("tls::") + key + ": cannot use " + file + ": " +
                               e.what());
    }
  };
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  if (config_.tls.ca_file.empty()) {
    tls->set_default_verify_paths();
  } else {
    use("ca_file", config_.tls.ca_file, [&] { tls->load_verify_file(config_.tls.ca_file); });
  }
  if (!config_.tls.cert_file.empty()) {
    use("cert_file", config_.tls.cert_file,
        [&] { tls->use_certificate_chain_file(config_.tls.cert_file); });
    use("key_file", config_.tls.key_file,
        [&] { tls->use_private_key_file(config_.tls.key_file, asio::ssl::context::pem); });
  }
  tls->set_verify_mode(config_.tls.insecure_skip_verify ? asio::ssl::verify_none
                                                        : asio::ssl::verify_peer);
  tls_ = std::move(tls);
}

void HttpSender::shutdown() {
  std::lock_guard lock(mu_);
  idle_.clear();
}

std::unique_ptr<HttpSender::Connection> HttpSender::checkout() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  return std::make_unique<Connection>(config_, tls_.get());
}

void HttpSender::checkin(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(connection));
}

SendResult HttpSender::send(const TraceBatch& batch, Deadline deadline) {
  try {
    return attempt(batch, deadline);
  } catch (const std::exception& e) {  // allocation or TLS setup failures: never thrown on
    return SendResult::retryable("POST " + config_.url.to_string() + ": " + e.what());
  }
}

SendResult HttpSender::attempt(const TraceBatch& batch, Deadline deadline) {
  if (config_.url.https && !tls_) return SendResult::retryable("exporter is not started");
  const bool json = config_.encoding == "json";
  std::string body;
  if (json) {
    codec::encode_trace_request(batch.request(), body);
  } else {
    batch.append_wire(body);
  }
  Request request{http::verb::post, config_.url.target, 11};
  request.set(http::field::host, config_.url.host_header);
  request.set(http::field::user_agent, "spanflow/" SPANFLOW_VERSION);
  request.set(http::field::content_type, json ? "application/json" : "application/x-protobuf");
  if (config_.compression == "gzip") {
    body = codec::gzip(body);
    request.set(http::field::content_encoding, "gzip");
  }
  for (const auto& [name, value] : config_.headers) request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();

  for (;;) {
    std::unique_ptr<Connection> connection = checkout();
    const bool reused = connection->reused();
    Parser parser;
    parser.body_limit(kMaxResponseBody);
    beast::error_code ec;
    connection->exchange(request, parser, deadline, ec);
    if (ec) {
      // A kept-alive connection the server has closed meanwhile: once more on a new one.
      if (reused && ec != beast::error::timeout) continue;
      return SendResult::retryable("POST " + config_.url.to_string() + ": " + ec.message());
    }
    const http::response<http::string_body>& res = parser.get();
    if (res.keep_alive()) checkin(std::move(connection));
    const unsigned status = res.result_int();
    if (status < 200 || status >= 300) {
      return classify_status(status, res[http::field::retry_after], status_detail(res),
                             std::chrono::system_clock::now());
    }
    SendResult result = SendResult::ok();
    otlp::ExportResponse response;
    std::string error;
    const bool parsed =
        std::string_view(res[http::field::content_type]).starts_with("application/json")
            ? codec::decode_trace_response(res.body(), response, error)
            : response.ParseFromString(res.body());
    if (parsed && response.has_partial_success()) {
      result.rejected_spans = static_cast<long>(response.partial_success().rejected_spans());
      result.message = response.partial_success().error_message();
    }
    return result;
  }
}

}  // namespace spanflow::exporters::otlp_http
