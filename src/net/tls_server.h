// TLS on the server side (the Collector's configtls server block): the `tls` settings of the
// OTLP receiver's gRPC and HTTP protocols, the certificate files they name, and the asio TLS
// context HTTPS servers hand new connections.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace spanflow::config {
class ConfigNode;
}

namespace spanflow::net {

struct TlsServerConfig {
  std::string cert_file;            // the server's certificate (chain), PEM
  std::string key_file;             // its private key, PEM, not encrypted
  std::string client_ca_file;       // set: mTLS, clients need a certificate this CA signed
  std::string ca_file;              // accepted as in the Collector; unused on a server
  std::string min_version = "1.2";  // "1.0" | "1.1" | "1.2" | "1.3"
  std::string max_version;          // "" = the newest the library offers (1.3)
  std::chrono::nanoseconds reload_interval{0};  // > 0: re-read the files this often

  // Reads the `tls` block (and reports its unknown keys).
  static TlsServerConfig parse(config::ConfigNode& node);
};

// The PEM text of a config's files.
struct TlsServerFiles {
  std::string cert_chain;
  std::string key;
  std::string client_ca;  // empty without client_ca_file

  bool operator==(const TlsServerFiles&) const = default;
};

// Reads the files and checks them with OpenSSL: the certificates and the key parse and the key
// belongs to the certificate. Throws std::runtime_error naming the key and the file
// ("tls::cert_file: cannot read /etc/tls/server.crt: No such file or directory").
TlsServerFiles read_tls_files(const TlsServerConfig& config);

// An asio TLS server context for checked files: the versions from the config, and with a client
// CA, a client certificate it signed is required.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsServerConfig& config,
                                                            const TlsServerFiles& files);

// The context new connections get. With a reload_interval, current() re-reads the files at most
// once per interval and, when they changed, builds a new context; a change that does not load
// is logged once and the previous context stays in use. Thread-safe.
class TlsContextSource {
 public:
  // Loads the files; throws std::runtime_error naming the file when they do not load.
  TlsContextSource(TlsServerConfig config, std::string name,
                   std::shared_ptr<spdlog::logger> logger);

  std::shared_ptr<boost::asio::ssl::context> current();

 private:
  void reload();

  const TlsServerConfig config_;
  const std::string name_;
  const std::shared_ptr<spdlog::logger> logger_;
  std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> context_;
  TlsServerFiles loaded_;
  std::string rejected_;  // the files (or read error) of the last change that did not load
  std::chrono::steady_clock::time_point checked_;
};

}  // namespace spanflow::net
