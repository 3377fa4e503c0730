#include "support/tls_cert.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <stdexcept>

#include "net/openssl_handles.h"

namespace spanflow::testing {

namespace {

using net::Bio;
using net::Cert;
using net::Key;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what);
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Pem to_pem(X509* cert, EVP_PKEY* key) {
  Bio cert_bio(BIO_new(BIO_s_mem()));
  Bio key_bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(cert_bio.get(), cert) == 1, "write cert");
  check(PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "write key");
  return {bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  net::Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  check(ext != nullptr, "extension");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "add extension");
}

// A new certificate for `key` named `cn`, valid from a minute ago for a day.
Cert new_cert(EVP_PKEY* key, const std::string& cn, long serial) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

Key read_key(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  check(key != nullptr, "read key");
  return key;
}

Cert read_cert(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  check(cert != nullptr, "read cert");
  return cert;
}

}  // namespace

Pem make_test_ca() {
  Key key(EVP_EC_gen("P-256"));
  check(key != nullptr, "CA key");
  Cert cert = new_cert(key.get(), "spanflow test CA", 1);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign CA");
  return to_pem(cert.get(), key.get());
}

Pem make_test_leaf(const Pem& ca, const std::vector<std::string>& names) {
  const Key ca_key = read_key(ca.key);
  const Cert ca_cert = read_cert(ca.cert);
  Key key(EVP_EC_gen("P-256"));
  check(key != nullptr, "leaf key");
  Cert cert = new_cert(key.get(), "spanflow test server", 2);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  std::string san;
  for (const auto& name : names) san += (san.empty() ? "" : ",") + name;
  add_extension(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
  add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "CA:FALSE");
  add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "sign leaf");
  return to_pem(cert.get(), key.get());
}

HttpsResult https_request(std::uint16_t port, const HttpsRequest& request) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.add_certificate_authority(asio::buffer(request.ca_cert));
  tls.set_verify_mode(asio::ssl::verify_peer);
  if (request.client) {
    tls.use_certificate_chain(asio::buffer(request.client->cert));
    tls.use_private_key(asio::buffer(request.client->key), asio::ssl::context::pem);
  }
  if (request.max_version != 0) {
    SSL_CTX_set_max_proto_version(tls.native_handle(), request.max_version);
  }
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(std::chrono::seconds(10));
  const auto failed = [](const std::string& step, const beast::error_code& ec) {
    return HttpsResult{step + ": " + ec.message(), 0, {}};
  };
  beast::error_code ec;
  tcp.socket().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return failed("connect", ec);
  stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return failed("handshake", ec);
  http::request<http::string_body> req{http::string_to_verb(request.method), request.target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!request.content_type.empty()) req.set(http::field::content_type, request.content_type);
  req.body() = request.body;
  req.keep_alive(false);
  req.prepare_payload();
  http::write(stream, req, ec);
  if (ec) return failed("write", ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response, ec);
  if (ec) return failed("read", ec);
  stream.shutdown(ec);  // the server may close first; that is fine
  return {"", response.result_int(), response.body()};
}

}  // namespace spanflow::testing
