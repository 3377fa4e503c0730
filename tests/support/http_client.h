// A blocking HTTP/1.1 client for tests: one keep-alive connection to 127.0.0.1:port.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace spanflow::testing {

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercased names
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port);
  ~HttpClient();

  // Sends one request on the connection (reconnecting if the server closed it). With
  // `chunked`, the body goes in chunked transfer encoding without Content-Length.
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {}, bool chunked = false);
  HttpResult post(const std::string& target, const std::string& body,
                  const std::string& content_type,
                  std::map<std::string, std::string> headers = {}) {
    headers["Content-Type"] = content_type;
    return request("POST", target, body, headers);
  }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spanflow::testing
