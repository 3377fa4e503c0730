#include "processors/attributes/hasher.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace spanflow::processors::attributes {

namespace {

void to_hex(const unsigned char* digest, std::array<char, 64>& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < 32; ++i) {
    out[2 * i] = kDigits[digest[i] >> 4];
    out[2 * i + 1] = kDigits[digest[i] & 15];
  }
}

std::shared_ptr<const EVP_MD> fetch_sha256() {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("OpenSSL does not provide SHA-256");
  return {md, [](const EVP_MD* p) { EVP_MD_free(const_cast<EVP_MD*>(p)); }};
}

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

}  // namespace

Hasher Hasher::sha256() {
  Hasher h;
  h.md_ = fetch_sha256();
  return h;
}

Hasher Hasher::hmac_sha256(std::string_view key) {
  Hasher h;
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                        &EVP_MAC_free);
  if (!mac) throw std::runtime_error("OpenSSL does not provide HMAC");
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac.get()));
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0), OSSL_PARAM_END};
  if (!ctx || EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()),
                           key.size(), params) != 1) {
    throw std::runtime_error("OpenSSL cannot set up HMAC-SHA-256");
  }
  h.mac_template_ = std::shared_ptr<const EVP_MAC_CTX>(
      ctx.release(), [](const EVP_MAC_CTX* p) { EVP_MAC_CTX_free(const_cast<EVP_MAC_CTX*>(p)); });
  return h;
}

bool Hasher::hex_digest(std::string_view input, std::array<char, 64>& out) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (mac_template_) {
    const std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_dup(mac_template_.get()));
    std::size_t length = 0;
    if (!ctx || EVP_MAC_update(ctx.get(), data, input.size()) != 1 ||
        EVP_MAC_final(ctx.get(), digest, &length, sizeof digest) != 1 || length != 32) {
      return false;
    }
  } else {
    unsigned int length = 0;
    if (EVP_Digest(data, input.size(), digest, &length, md_.get(), nullptr) != 1 || length != 32) {
      return false;
    }
  }
  to_hex(digest, out);
  return true;
}

}  // namespace spanflow::processors::attributes
