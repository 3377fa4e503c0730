#include "net/tls_server.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "config/config_node.h"
#include "net/openssl_handles.h"

namespace spanflow::net {

namespace {

namespace ssl = boost::asio::ssl;

struct Version {
  std::string_view name;
  int openssl;
};
constexpr std::array<Version, 4> kVersions{{{"1.0", TLS1_VERSION},
                                            {"1.1", TLS1_1_VERSION},
                                            {"1.2", TLS1_2_VERSION},
                                            {"1.3", TLS1_3_VERSION}}};

// OpenSSL's number for a version name that parse() accepted.
int openssl_version(std::string_view name) {
  for (const auto& v : kVersions) {
    if (v.name == name) return v.openssl;
  }
  throw std::logic_error("unknown TLS version " + std::string(name));
}

// An empty value keeps the default; anything else must name a version.
void read_version(config::ConfigNode& node, std::string_view key, std::string& out) {
  std::string text;
  node.read(key, text);
  if (!text.empty()) node.read_enum(key, out, {"1.0", "1.1", "1.2", "1.3"});
}

Bio memory_bio(const std::string& text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// The certificates in a PEM text, in order.
std::vector<Cert> read_certs(const std::string& pem) {
  std::vector<Cert> certs;
  const Bio bio = memory_bio(pem);
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(cert);
  }
  ERR_clear_error();  // the end of the text reads as an error
  return certs;
}

// Refuses encrypted keys instead of asking for a passphrase on the terminal.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

std::string read_text(const std::string& path, std::string_view key) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  std::string text;
  if (in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in || in.bad()) {
    const int error = errno;
    throw std::runtime_error("tls::" + std::string(key) + ": cannot read " + path + ": " +
                             (error != 0 ? std::strerror(error) : "unreadable"));
  }
  return text;
}

TlsServerFiles read_raw(const TlsServerConfig& config) {
  TlsServerFiles files;
  files.cert_chain = read_text(config.cert_file, "cert_file");
  files.key = read_text(config.key_file, "key_file");
  if (!config.client_ca_file.empty()) {
    files.client_ca = read_text(config.client_ca_file, "client_ca_file");
  }
  return files;
}

void check_files(const TlsServerConfig& config, const TlsServerFiles& files) {
  const std::vector<Cert> chain = read_certs(files.cert_chain);
  if (chain.empty()) {
    throw std::runtime_error("tls::cert_file: " + config.cert_file + " holds no PEM certificate");
  }
  const Bio key_bio = memory_bio(files.key);
  const Key key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr));
  ERR_clear_error();
  if (!key) {
    throw std::runtime_error("tls::key_file: " + config.key_file +
                             " holds no PEM private key (encrypted keys are not supported)");
  }
  if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
    ERR_clear_error();
    throw std::runtime_error("tls::key_file: the key in " + config.key_file +
                             " does not belong to the certificate in " + config.cert_file);
  }
  if (!config.client_ca_file.empty() && read_certs(files.client_ca).empty()) {
    throw std::runtime_error("tls::client_ca_file: " + config.client_ca_file +
                             " holds no PEM certificate");
  }
}

}  // namespace

TlsServerConfig TlsServerConfig::parse(config::ConfigNode& node) {
  TlsServerConfig c;
  node.read("cert_file", c.cert_file);
  node.read("key_file", c.key_file);
  node.read("client_ca_file", c.client_ca_file);
  node.read("ca_file", c.ca_file);
  read_version(node, "min_version", c.min_version);
  read_version(node, "max_version", c.max_version);
  node.read("reload_interval", c.reload_interval);
  if (c.cert_file.empty() || c.key_file.empty()) {
    node.error("cert_file and key_file are both required",
               "a TLS server needs its certificate and private key");
  }
  if (!c.max_version.empty() && c.min_version > c.max_version) {  // "1.x" sort as versions
    node.error("min_version \"" + c.min_version + "\" is greater than max_version \"" +
               c.max_version + "\"");
  }
  node.finish();
  return c;
}

TlsServerFiles read_tls_files(const TlsServerConfig& config) {
  TlsServerFiles files = read_raw(config);
  check_files(config, files);
  return files;
}

std::shared_ptr<ssl::context> make_tls_context(const TlsServerConfig& config,
                                               const TlsServerFiles& files) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  try {
    context->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);
    SSL_CTX* native = context->native_handle();
    if (SSL_CTX_set_min_proto_version(native, openssl_version(config.min_version)) != 1 ||
        (!config.max_version.empty() &&
         SSL_CTX_set_max_proto_version(native, openssl_version(config.max_version)) != 1)) {
      ERR_clear_error();
      throw std::runtime_error("tls: OpenSSL refuses TLS versions " + config.min_version + " to " +
                               (config.max_version.empty() ? "1.3" : config.max_version));
    }
    context->use_certificate_chain(boost::asio::buffer(files.cert_chain));
    context->use_private_key(boost::asio::buffer(files.key), ssl::context::pem);
    if (!files.client_ca.empty()) {
      context->add_certificate_authority(boost::asio::buffer(files.client_ca));
      context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("tls: cannot use " + config.cert_file + " and " + config.key_file +
                             ": " + e.code().message());
  }
  return context;
}

TlsContextSource::TlsContextSource(TlsServerConfig config, std::string name,
                                   std::shared_ptr<spdlog::logger> logger)
    : config_(std::move(config)),
      name_(std::move(name)),
      logger_(std::move(logger)),
      loaded_(read_tls_files(config_)),
      checked_(std::chrono::steady_clock::now()) {
  context_ = make_tls_context(config_, loaded_);
}

std::shared_ptr<ssl::context> TlsContextSource::current() {
  std::lock_guard lock(mu_);
  if (config_.reload_interval.count() > 0) {
    const auto now = std::chrono::steady_clock::now();
    if (now - checked_ >= config_.reload_interval) {
      checked_ = now;
      reload();
    }
  }
  return context_;
}

void TlsContextSource::reload() {
  TlsServerFiles files;
  std::string failure;
  try {
    files = read_raw(config_);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (failure.empty() && files == loaded_) {
    rejected_.clear();
    return;
  }
  const std::string change =
      failure.empty() ? files.cert_chain + '\n' + files.key + '\n' + files.client_ca : failure;
  if (change == rejected_) return;
  if (failure.empty()) {
    try {
      check_files(config_, files);
      context_ = make_tls_context(config_, files);
      loaded_ = std::move(files);
      rejected_.clear();
      logger_->info("{}: TLS files changed; new connections use {}", name_, config_.cert_file);
      return;
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  rejected_ = change;
  logger_->error("{}: TLS files changed but cannot be used, keeping the previous ones: {}", name_,
                 failure);
}

}  // namespace spanflow::net
