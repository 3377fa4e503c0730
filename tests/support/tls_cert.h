// Certificates for TLS tests, made in memory with OpenSSL: a CA and leaf certificates it signs;
// and a blocking HTTPS client that uses them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spanflow::testing {

struct Pem {
  std::string cert;
  std::string key;
};

// A self-signed CA, valid for a day.
Pem make_test_ca();
// A certificate signed by `ca` for `names`: "DNS:host" or "IP:127.0.0.1" entries. Its extended
// key usage allows both server and client authentication.
Pem make_test_leaf(const Pem& ca, const std::vector<std::string>& names);

struct HttpsRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type;
  std::string ca_cert;        // the CA (PEM) the server's certificate must chain to
  std::optional<Pem> client;  // a client certificate to present
  int max_version = 0;        // the newest TLS version offered (TLS1_2_VERSION, ...); 0 = any
};

struct HttpsResult {
  std::string error;  // what failed (handshake, write or read); empty when a response came
  unsigned status = 0;
  std::string body;
};

// One request on a new connection to 127.0.0.1:port, verifying the server's certificate.
HttpsResult https_request(std::uint16_t port, const HttpsRequest& request);

}  // namespace spanflow::testing
