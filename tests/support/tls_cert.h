// Certificates for TLS tests, made in memory with OpenSSL: a CA and leaf certificates it signs.
#pragma once

#include <string>
#include <vector>

namespace spanflow::testing {

struct Pem {
  std::string cert;
  std::string key;
};

// A self-signed CA, valid for a day.
Pem make_test_ca();
// A server certificate signed by `ca` for `names`: "DNS:host" or "IP:127.0.0.1" entries.
Pem make_test_leaf(const Pem& ca, const std::vector<std::string>& names);

}  // namespace spanflow::testing
