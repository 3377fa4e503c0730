// The otlp receiver's `tls` blocks: read for both protocols, and the TLS versions gRPC 1.51
// cannot enforce refused on the gRPC one.
#include <catch.hpp>

#include "config/config_node.h"
#include "config/yaml_document.h"
#include "receivers/otlp/config.h"

using namespace spanflow;
using spanflow::receivers::otlp::Config;
using namespace std::chrono_literals;

namespace {

struct Parsed {
  config::ConfigErrors errors;
  config::ConfigValue root;
  Config config;

  explicit Parsed(const std::string& yaml)
      : root(config::parse_yaml(
            yaml, "c.yaml", [](const std::string&) { return std::optional<std::string>(); },
            errors)) {
    config::ConfigNode node(root, "otlp", errors);
    config = Config::parse(node);
    node.finish();
  }
};

}  // namespace

TEST_CASE("the otlp receiver reads a tls block for each protocol") {
  Parsed p(R"(protocols:
  grpc:
    endpoint: 127.0.0.1:4317
    tls: {cert_file: g.crt, key_file: g.key, client_ca_file: ca.crt, reload_interval: 1500ms}
  http:
    endpoint: 127.0.0.1:4318
    tls: {cert_file: h.crt, key_file: h.key, min_version: "1.3"}
)");
  CHECK(p.errors.report() == "");
  REQUIRE(p.config.grpc->tls);
  CHECK(p.config.grpc->tls->cert_file == "g.crt");
  CHECK(p.config.grpc->tls->client_ca_file == "ca.crt");
  CHECK(p.config.grpc->tls->reload_interval == 1500ms);
  REQUIRE(p.config.http->tls);
  CHECK(p.config.http->tls->key_file == "h.key");
  CHECK(p.config.http->tls->min_version == "1.3");

  Parsed plain("protocols:\n  grpc:\n    tls:\n  http: {}\n");
  CHECK(plain.errors.report() == "");
  CHECK_FALSE(plain.config.grpc->tls);
  CHECK_FALSE(plain.config.http->tls);
}

TEST_CASE("otlp receiver tls mistakes are reported where they are") {
  CHECK(Parsed("protocols:\n  http:\n    tls: {cert_file: a}\n").errors.report() ==
        "c.yaml:3:10: error: otlp::protocols::http::tls: cert_file and key_file are both "
        "required (a TLS server needs its certificate and private key)\n");
  CHECK(Parsed("protocols:\n  grpc:\n    tls: {cert_file: a, key_file: b, key_fil: c}\n")
            .errors.report() ==
        "c.yaml:3:38: error: otlp::protocols::grpc::tls: unknown key 'key_fil' (did you mean "
        "'key_file'?)\n");
  CHECK(Parsed("protocols:\n  grpc:\n    tls: {cert_file: a, key_file: b, min_version: \"1.3\"}\n")
            .errors.report() ==
        "c.yaml:3:38: error: otlp::protocols::grpc::tls::min_version: \"1.3\" cannot be "
        "enforced by the gRPC receiver (gRPC 1.51 always offers TLS 1.2 and 1.3; the http "
        "protocol can enforce it)\n");
  CHECK(Parsed("protocols:\n  grpc:\n    tls: {cert_file: a, key_file: b, max_version: \"1.2\"}\n")
            .errors.report() ==
        "c.yaml:3:38: error: otlp::protocols::grpc::tls::max_version: \"1.2\" cannot be "
        "enforced by the gRPC receiver (gRPC 1.51 always offers TLS 1.2 and 1.3; the http "
        "protocol can enforce it)\n");
  // Versions below 1.2 are accepted: gRPC's floor of 1.2 is stricter.
  CHECK(Parsed("protocols:\n  grpc:\n    tls: {cert_file: a, key_file: b, min_version: \"1.0\"}\n")
            .errors.report() == "");
}
