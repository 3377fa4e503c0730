// Hasher: the digest the `hash` action writes, SHA-256 as in the Collector or, with the spanflow
// `hash_key` extension, HMAC-SHA-256 under a secret key.
//
// Why a key: ids such as user or patient numbers have few possible values, so an unkeyed hash
// of one is reversed by hashing every candidate; without the key that dictionary cannot be built.
// Thread-safety: immutable after construction; digest() may run on any number of threads.
#pragma once

#include <openssl/types.h>

#include <array>
#include <memory>
#include <string_view>

namespace spanflow::processors::attributes {

class Hasher {
 public:
  // Throws std::runtime_error if OpenSSL cannot provide SHA-256 or HMAC (a broken install).
  static Hasher sha256();
  static Hasher hmac_sha256(std::string_view key);

  bool keyed() const { return mac_template_ != nullptr; }
  // The 64 lowercase hex digits of the digest of `input`; false only if OpenSSL fails.
  bool hex_digest(std::string_view input, std::array<char, 64>& out) const;

 private:
  Hasher() = default;

  // Fetched once: OpenSSL 3 otherwise looks the algorithm up, under a lock, on every use.
  std::shared_ptr<const EVP_MD> md_;
  // A context already keyed; each digest works on a copy, so the key is set up only once.
  std::shared_ptr<const EVP_MAC_CTX> mac_template_;
};

}  // namespace spanflow::processors::attributes
