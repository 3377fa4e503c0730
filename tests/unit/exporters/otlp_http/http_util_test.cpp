#include "exporters/otlp_http/http_util.h"

#include <catch.hpp>

#include "config/yaml_document.h"
#include "exporters/otlp_http/config.h"

using namespace spanflow;
using namespace spanflow::exporters;
using namespace spanflow::exporters::otlp_http;
using namespace std::chrono_literals;

namespace {

Url url(const std::string& text) {
  std::string error;
  auto parsed = parse_url(text, error);
  INFO(error);
  REQUIRE(parsed);
  return *parsed;
}

std::string url_error(const std::string& text) {
  std::string error;
  CHECK_FALSE(parse_url(text, error));
  return error;
}

std::string config_report(const std::string& yaml) {
  config::ConfigErrors errors;
  const auto root = config::parse_yaml(
      yaml, "c.yaml", [](const std::string&) { return std::optional<std::string>(); }, errors);
  config::ConfigNode node(root, "otlp_http", errors);
  Config::parse(node);
  node.finish();
  return errors.report();
}

}  // namespace

TEST_CASE("endpoint URLs are split into what the connection and the request need") {
  const Url plain = url("http://gateway:4318/v1/traces");
  CHECK_FALSE(plain.https);
  CHECK(plain.host == "gateway");
  CHECK(plain.port == "4318");
  CHECK(plain.target == "/v1/traces");
  CHECK(plain.host_header == "gateway:4318");
  const Url tls = url("https://[::1]/otlp/v1/traces?tenant=a");
  CHECK(tls.https);
  CHECK(tls.host == "::1");
  CHECK(tls.port == "443");
  CHECK(tls.target == "/otlp/v1/traces?tenant=a");
  CHECK(tls.host_header == "[::1]");
  CHECK(url("http://h").target == "/");
  CHECK(url("http://h").port == "80");
  CHECK(url_error("gateway:4318") == "expected a URL starting with http:// or https://");
  CHECK(url_error("http://h:99999/") == "invalid port \"99999\"");
  CHECK(url_error("http://:80/") == "missing host");
}

TEST_CASE("the traces URL is the base endpoint plus /v1/traces unless traces_endpoint is set") {
  CHECK(traces_url("http://gw:4318", "") == "http://gw:4318/v1/traces");
  CHECK(traces_url("http://gw:4318/", "") == "http://gw:4318/v1/traces");
  CHECK(traces_url("https://gw/otlp", "") == "https://gw/otlp/v1/traces");
  CHECK(traces_url("http://gw:4318", "http://other/custom") == "http://other/custom");
}

TEST_CASE("Retry-After is read as seconds or as an HTTP date") {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // 1994-11-06 08:49:37 UTC
  CHECK(parse_retry_after("120", now) == std::optional(std::chrono::milliseconds(120s)));
  CHECK(parse_retry_after(" 0 ", now) == std::optional(std::chrono::milliseconds(0)));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now) ==
        std::optional(std::chrono::milliseconds(10s)));
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", now) ==
        std::optional(std::chrono::milliseconds(60s)));
  CHECK(parse_retry_after("Sun Nov  6 08:49:38 1994", now) ==
        std::optional(std::chrono::milliseconds(1s)));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) ==
        std::optional(std::chrono::milliseconds(0)));  // in the past
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("", now));
  CHECK_FALSE(parse_retry_after("-5", now));
}

TEST_CASE(
    "429, 502, 503 and 504 are retryable with their Retry-After; other statuses are "
    "permanent") {
  const auto now = std::chrono::system_clock::now();
  for (const unsigned status : {429u, 502u, 503u, 504u}) {
    const SendResult r = classify_status(status, "3", "", now);
    CHECK(r.kind == SendResult::Kind::kRetryable);
    CHECK(r.retry_after == 3s);
  }
  CHECK(classify_status(503, "", "", now).retry_after == 0ms);
  for (const unsigned status : {400u, 401u, 403u, 404u, 405u, 413u, 415u, 500u, 501u}) {
    CHECK(classify_status(status, "3", "", now).kind == SendResult::Kind::kPermanent);
  }
  CHECK(classify_status(400, "", "invalid span id", now).message == "HTTP 400: invalid span id");
}

TEST_CASE("the otlp_http config needs an http(s) endpoint and knows the Collector's keys") {
  CHECK(config_report("endpoint: http://gw:4318\nencoding: json\ncompression: none\n"
                      "headers: {X-Tenant: a}\ntimeout: 3s\n") == "");
  CHECK(config_report("compression: gzip\n") ==
        "c.yaml:1:1: error: otlp_http: at least one of 'endpoint' or 'traces_endpoint' must be "
        "set (e.g. endpoint: http://gateway:4318)\n");
  CHECK(config_report("endpoint: gw:4318\n") ==
        "c.yaml:1:1: error: otlp_http::endpoint: expected a URL starting with http:// or "
        "https://\n");
  CHECK(config_report("traces_endpoint: http://gw:4318/custom\nencoding: yaml\n") ==
        "c.yaml:2:11: error: otlp_http::encoding: expected one of \"proto\" or \"json\", found "
        "\"yaml\"\n");
  CHECK(config_report("endpoint: http://gw\ncompression: snappy\n") ==
        "c.yaml:2:1: error: otlp_http::compression: \"snappy\" is not supported by spanflow "
        "(use gzip or none)\n");
}
