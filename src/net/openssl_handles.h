// Owning handles for the OpenSSL objects spanflow creates (RAII around the *_free calls).
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace spanflow::net {

struct OpensslFree {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using Bio = std::unique_ptr<BIO, OpensslFree>;
using Cert = std::unique_ptr<X509, OpensslFree>;
using Key = std::unique_ptr<EVP_PKEY, OpensslFree>;
using Extension = std::unique_ptr<X509_EXTENSION, OpensslFree>;

}  // namespace spanflow::net
