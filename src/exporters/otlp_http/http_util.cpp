#include "exporters/otlp_http/http_util.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace spanflow::exporters::otlp_http {

std::string Url::to_string() const {
  return (https ? "https://" : "http://") + host_header + target;
}

std::optional<Url> parse_url(std::string_view text, std::string& error) {
  Url url;
  if (text.starts_with("https://")) {
    url.https = true;
    text.remove_prefix(8);
  } else if (text.starts_with("http://")) {
    text.remove_prefix(7);
  } else {
    error = "expected a URL starting with http:// or https://";
    return std::nullopt;
  }
  const std::size_t slash = text.find_first_of("/?");
  std::string_view authority = text.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  if (url.target.front() == '?') url.target.insert(0, "/");
  url.host_header = std::string(authority);
  if (authority.find('@') != std::string_view::npos) {
    error = "user info in the URL is not supported; use headers";
    return std::nullopt;
  }
  std::string_view port;
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated IPv6 address";
      return std::nullopt;
    }
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(":")) {
      error = "unexpected text after the IPv6 address";
      return std::nullopt;
    }
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const std::size_t colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) {
    error = "missing host";
    return std::nullopt;
  }
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      error = "invalid port \"" + std::string(port) + "\"";
      return std::nullopt;
    }
  }
  url.port = port.empty() ? (url.https ? "443" : "80") : std::string(port);
  return url;
}

std::string traces_url(const std::string& endpoint, const std::string& traces_endpoint) {
  if (!traces_endpoint.empty()) return traces_endpoint;
  std::string base = endpoint;
  while (base.ends_with('/')) base.pop_back();
  return base + "/v1/traces";
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc()) return std::nullopt;
    return std::chrono::milliseconds(std::min<std::int64_t>(seconds, 86400 * 365) * 1000);
  }
  const std::string text(value);
  for (const char* format :
       {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = ::strptime(text.c_str(), format, &tm);
    if (end == nullptr || *end != '\0') continue;
    const auto at = std::chrono::system_clock::from_time_t(::timegm(&tm));
    const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
    return std::max(delay, std::chrono::milliseconds(0));
  }
  return std::nullopt;
}

SendResult classify_status(unsigned status, std::string_view retry_after, const std::string& detail,
                           std::chrono::system_clock::time_point now) {
  std::string message = "HTTP " + std::to_string(status);
  if (!detail.empty()) message += ": " + detail;
  if (status == 429 || status == 502 || status == 503 || status == 504) {
    const auto delay = parse_retry_after(retry_after, now);
    return SendResult::retryable(std::move(message), delay.value_or(std::chrono::milliseconds(0)));
  }
  return SendResult::permanent(std::move(message));
}

}  // namespace spanflow::exporters::otlp_http
