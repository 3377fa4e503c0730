// Pieces of the OTLP/HTTP exporter that need no network: the endpoint URL, Retry-After, and
// the OTLP reading of an HTTP status.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "exporters/common/sender.h"

namespace spanflow::exporters::otlp_http {

struct Url {
  bool https = false;
  std::string host;         // without IPv6 brackets
  std::string port;         // defaults to 80 / 443
  std::string target;       // path and query, starting with '/'
  std::string host_header;  // what the Host header says (brackets and explicit port kept)

  std::string to_string() const;
};

// http(s)://host[:port][/path][?query]; nullopt with `error` for anything else.
std::optional<Url> parse_url(std::string_view text, std::string& error);

// The traces URL from `endpoint` (a base URL: "/v1/traces" is appended to its path) or
// `traces_endpoint` (used as it is, and winning when both are set).
std::string traces_url(const std::string& endpoint, const std::string& traces_endpoint);

// A Retry-After value: delay-seconds, or an HTTP-date (IMF-fixdate, RFC 850 or asctime) taken
// relative to `now` (a past date is 0). nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// A non-2xx answer as the OTLP specification reads it: 429, 502, 503 and 504 are retryable
// (with the Retry-After delay when there is one), every other status is permanent.
// `detail` (e.g. the google.rpc.Status message of the body) goes into the message.
SendResult classify_status(unsigned status, std::string_view retry_after, const std::string& detail,
                           std::chrono::system_clock::time_point now);

}  // namespace spanflow::exporters::otlp_http
