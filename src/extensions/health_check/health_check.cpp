#include "extensions/health_check/health_check.h"

#include <boost/beast/http/verb.hpp>
#include <ctime>

namespace spanflow::extensions::health_check {

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A Go-style duration ("1h2m3.5s") as the Collector prints uptime.
std::string go_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  const auto h = duration_cast<hours>(d);
  const auto m = duration_cast<minutes>(d - h);
  const double s = duration<double>(d - h - m).count();
  std::string out;
  if (h.count() > 0) out += std::to_string(h.count()) + "h";
  if (h.count() > 0 || m.count() > 0) out += std::to_string(m.count()) + "m";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", s);
  return out + buf + "s";
}

}  // namespace

HealthCheck::HealthCheck(const CreateSettings& settings, const Config& config)
    : settings_(settings), config_(config) {}

HealthCheck::~HealthCheck() {
  shutdown(std::chrono::steady_clock::now());
}

void HealthCheck::start(Host& host) {
  host_ = &host;
  up_since_ = std::chrono::system_clock::now();
  net::HttpServerOptions options{config_.endpoint, 64 * 1024};
  options.threads = 1;
  options.tls = config_.tls;
  server_ = std::make_unique<net::HttpServer>(
      "extension " + settings_.id.to_string(), options,
      [this](net::HttpRequest& request) { return handle(request); }, settings_.logger);
  server_->start();
  settings_.logger->info("extension {} listening endpoint={}:{}{}", settings_.id.to_string(),
                         config_.endpoint.host, server_->port(), config_.tls ? " tls=true" : "");
}

void HealthCheck::shutdown(Deadline deadline) {
  if (server_) server_->stop(deadline);
  server_.reset();
}

net::HttpResponse HealthCheck::handle(const net::HttpRequest& request) {
  const std::string_view target = request.target();
  if (target.substr(0, target.find('?')) != config_.path) {
    return net::make_response(request, 404, "404 page not found");
  }
  if (request.method() != boost::beast::http::verb::get &&
      request.method() != boost::beast::http::verb::head) {
    return net::make_response(request, 405, "method not allowed, supported: [GET]");
  }
  const bool ready = host_ != nullptr && host_->pipelines_ready();
  std::string body;
  if (ready) {
    body = R"({"status":"Server available","upSince":")" + rfc3339(up_since_) + R"(","uptime":")" +
           go_duration(std::chrono::system_clock::now() - up_since_) + "\"}";
  } else {
    body = R"({"status":"Server not available","upSince":"0001-01-01T00:00:00Z","uptime":""})";
  }
  return net::make_response(request, ready ? 200 : 503, std::move(body), "application/json");
}

}  // namespace spanflow::extensions::health_check
