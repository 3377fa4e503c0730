// The server `tls` block: parsing and its mistakes, the files checked at start, and HttpServer
// over TLS: server certificates, client certificates (mTLS), versions and reloading.
#include "net/tls_server.h"

#include <openssl/ssl.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch.hpp>
#include <sstream>
#include <thread>

#include "config/config_node.h"
#include "config/yaml_document.h"
#include "net/http_server.h"
#include "support/http_client.h"
#include "support/temp_dir.h"
#include "support/tls_cert.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace std::chrono_literals;
using net::TlsServerConfig;

namespace {

struct Parsed {
  config::ConfigErrors errors;
  config::ConfigValue root;
  TlsServerConfig config;

  explicit Parsed(const std::string& yaml)
      : root(config::parse_yaml(
            yaml, "c.yaml", [](const std::string&) { return std::optional<std::string>(); },
            errors)) {
    config::ConfigNode node(root, "tls", errors);
    config = TlsServerConfig::parse(node);
  }
};

// A CA, a server certificate it signed for 127.0.0.1, and both written to files.
struct ServerFiles {
  TempDir dir;
  Pem ca = make_test_ca();
  Pem leaf = make_test_leaf(ca, {"IP:127.0.0.1", "DNS:localhost"});
  std::string cert_file = dir.write("server.crt", leaf.cert);
  std::string key_file = dir.write("server.key", leaf.key);

  TlsServerConfig config() const {
    TlsServerConfig c;
    c.cert_file = cert_file;
    c.key_file = key_file;
    return c;
  }
};

// An HttpServer on 127.0.0.1:0 answering 200 "hello" to everything, logging into `log`.
struct Server {
  explicit Server(TlsServerConfig tls, std::uint64_t body_limit = 1024,
                  std::chrono::milliseconds idle_timeout = 60s)
      : logger(std::make_shared<spdlog::logger>(
            "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log))),
        server(
            "test",
            net::HttpServerOptions{.endpoint = *net::Endpoint::parse("127.0.0.1:0"),
                                   .body_limit = body_limit,
                                   .idle_timeout = idle_timeout,
                                   .tls = std::move(tls)},
            [](net::HttpRequest& request) { return net::make_response(request, 200, "hello"); },
            logger) {
    server.start();
  }
  ~Server() { server.stop(std::chrono::steady_clock::now() + 1s); }

  std::uint16_t port() const { return server.port(); }
  std::string logged() {
    logger->flush();
    return log.str();
  }

  std::ostringstream log;
  std::shared_ptr<spdlog::logger> logger;
  net::HttpServer server;
};

HttpsRequest trusting(const Pem& ca) {
  HttpsRequest request;
  request.ca_cert = ca.cert;
  return request;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the server tls block reads files, versions and the reload interval") {
  Parsed p(R"(cert_file: server.crt
key_file: server.key
client_ca_file: ca.crt
ca_file: other.crt
min_version: "1.3"
max_version: "1.3"
reload_interval: 1m
)");
  CHECK(p.errors.report() == "");
  CHECK(p.config.cert_file == "server.crt");
  CHECK(p.config.key_file == "server.key");
  CHECK(p.config.client_ca_file == "ca.crt");
  CHECK(p.config.ca_file == "other.crt");
  CHECK(p.config.min_version == "1.3");
  CHECK(p.config.max_version == "1.3");
  CHECK(p.config.reload_interval == 60s);

  Parsed defaults("cert_file: a\nkey_file: b\nmin_version: \"\"\n");
  CHECK(defaults.errors.report() == "");
  CHECK(defaults.config.min_version == "1.2");
  CHECK(defaults.config.max_version == "");
  CHECK(defaults.config.reload_interval == 0s);
  CHECK(Parsed("cert_file: a\nkey_file: b\nmin_version: 1.0\nmax_version: 1.1\n").errors.report() ==
        "");
}

TEST_CASE("server tls mistakes are reported where they are") {
  CHECK(Parsed("cert_file: a\n").errors.report() ==
        "c.yaml:1:1: error: tls: cert_file and key_file are both required (a TLS server needs "
        "its certificate and private key)\n");
  CHECK(Parsed("key_file: a\n").errors.report() ==
        "c.yaml:1:1: error: tls: cert_file and key_file are both required (a TLS server needs "
        "its certificate and private key)\n");
  CHECK(Parsed("cert_file: a\nkey_file: b\nmin_version: \"1.4\"\n").errors.report() ==
        "c.yaml:3:14: error: tls::min_version: expected one of \"1.0\", \"1.1\", \"1.2\" or "
        "\"1.3\", found \"1.4\" (did you mean '1.0'?)\n");
  CHECK(Parsed("cert_file: a\nkey_file: b\nmax_version: TLS13\n").errors.report() ==
        "c.yaml:3:14: error: tls::max_version: expected one of \"1.0\", \"1.1\", \"1.2\" or "
        "\"1.3\", found \"TLS13\"\n");
  CHECK(Parsed("cert_file: a\nkey_file: b\nmin_version: \"1.3\"\nmax_version: \"1.2\"\n")
            .errors.report() ==
        "c.yaml:1:1: error: tls: min_version \"1.3\" is greater than max_version \"1.2\"\n");
  CHECK(Parsed("cert_file: a\nkey_file: b\nreload_interval: soon\n").errors.report() ==
        "c.yaml:3:18: error: tls::reload_interval: expected a duration like \"200ms\" or "
        "\"1m30s\", found \"soon\"\n");
  CHECK(Parsed("cert_file: a\nkey_file: b\nclient_ca_fil: c\n").errors.report() ==
        "c.yaml:3:1: error: tls: unknown key 'client_ca_fil' (did you mean 'client_ca_file'?)\n");
}

TEST_CASE("TLS files that do not load are named") {
  ServerFiles files;
  TlsServerConfig config = files.config();
  CHECK(net::read_tls_files(config).cert_chain == files.leaf.cert);

  config.cert_file = files.dir.file("missing.crt");
  CHECK_THROWS_WITH(net::read_tls_files(config), "tls::cert_file: cannot read " + config.cert_file +
                                                     ": No such file or directory");
  config.cert_file = files.dir.write("garbage.crt", "not a certificate\n");
  CHECK_THROWS_WITH(net::read_tls_files(config),
                    "tls::cert_file: " + config.cert_file + " holds no PEM certificate");
  config.cert_file = files.cert_file;
  config.key_file = files.dir.write("garbage.key", files.leaf.cert);
  CHECK_THROWS_WITH(net::read_tls_files(config),
                    "tls::key_file: " + config.key_file +
                        " holds no PEM private key (encrypted keys are not supported)");
  config.key_file = files.dir.write("other.key", make_test_leaf(files.ca, {"DNS:x"}).key);
  CHECK_THROWS_WITH(net::read_tls_files(config), "tls::key_file: the key in " + config.key_file +
                                                     " does not belong to the certificate in " +
                                                     config.cert_file);
  config.key_file = files.key_file;
  config.client_ca_file = files.dir.write("empty.crt", "");
  CHECK_THROWS_WITH(net::read_tls_files(config),
                    "tls::client_ca_file: " + config.client_ca_file + " holds no PEM certificate");

  config.client_ca_file = files.dir.file("missing-ca.crt");
  CHECK_THROWS_WITH(Server(config), "test: tls::client_ca_file: cannot read " +
                                        config.client_ca_file + ": No such file or directory");
}

TEST_CASE("an HTTPS server answers TLS clients and refuses plaintext ones") {
  ServerFiles files;
  Server server(files.config());

  const HttpsResult ok = https_request(server.port(), trusting(files.ca));
  CHECK(ok.error == "");
  CHECK(ok.status == 200);
  CHECK(ok.body == "hello");

  // A client that does not trust the server's CA refuses it.
  CHECK(https_request(server.port(), trusting(make_test_ca())).error.starts_with("handshake:"));

  HttpClient plain(server.port());
  CHECK_THROWS(plain.request("GET", "/"));

  SECTION("a body over the limit still gets 413 over TLS") {
    HttpsRequest big = trusting(files.ca);
    big.method = "POST";
    big.body = std::string(4096, 'x');
    const HttpsResult refused = https_request(server.port(), big);
    CHECK(refused.error == "");
    CHECK(refused.status == 413);
  }
  // The server keeps serving.
  CHECK(https_request(server.port(), trusting(files.ca)).status == 200);
}

TEST_CASE("with client_ca_file only clients with a certificate from that CA are served") {
  ServerFiles files;
  const Pem client_ca = make_test_ca();
  TlsServerConfig config = files.config();
  config.client_ca_file = files.dir.write("clients.crt", client_ca.cert);
  Server server(config);

  HttpsRequest anonymous = trusting(files.ca);
  CHECK(https_request(server.port(), anonymous).error != "");

  HttpsRequest known = trusting(files.ca);
  known.client = make_test_leaf(client_ca, {"DNS:agent.test"});
  const HttpsResult ok = https_request(server.port(), known);
  CHECK(ok.error == "");
  CHECK(ok.status == 200);

  HttpsRequest stranger = trusting(files.ca);
  stranger.client = make_test_leaf(make_test_ca(), {"DNS:agent.test"});
  CHECK(https_request(server.port(), stranger).error != "");

  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    INFO("client TLS version " << version);
    anonymous.max_version = known.max_version = stranger.max_version = version;
    CHECK(https_request(server.port(), anonymous).error != "");
    CHECK(https_request(server.port(), known).status == 200);
    CHECK(https_request(server.port(), stranger).error != "");
  }
}

TEST_CASE("min_version and max_version bound the TLS versions a client can use") {
  ServerFiles files;
  HttpsRequest tls12 = trusting(files.ca);
  tls12.max_version = TLS1_2_VERSION;
  SECTION("min_version 1.3 refuses a TLS 1.2 client") {
    TlsServerConfig config = files.config();
    config.min_version = "1.3";
    Server server(config);
    CHECK(https_request(server.port(), tls12).error.starts_with("handshake:"));
    CHECK(https_request(server.port(), trusting(files.ca)).status == 200);
  }
  SECTION("the default min_version 1.2 serves a TLS 1.2 client") {
    Server server(files.config());
    CHECK(https_request(server.port(), tls12).status == 200);
  }
  SECTION("max_version 1.2 still serves a client that offers 1.3") {
    TlsServerConfig config = files.config();
    config.max_version = "1.2";
    Server server(config);
    CHECK(https_request(server.port(), trusting(files.ca)).status == 200);
  }
}

TEST_CASE("with reload_interval new connections get rotated certificates") {
  ServerFiles files;
  TlsServerConfig config = files.config();
  config.reload_interval = 1s;
  Server server(config);
  CHECK(https_request(server.port(), trusting(files.ca)).status == 200);

  // Rotate to a certificate from another CA.
  const Pem next_ca = make_test_ca();
  const Pem next = make_test_leaf(next_ca, {"IP:127.0.0.1"});
  files.dir.write("server.crt", next.cert);
  files.dir.write("server.key", next.key);
  std::this_thread::sleep_for(1100ms);
  CHECK(https_request(server.port(), trusting(next_ca)).status == 200);
  CHECK(https_request(server.port(), trusting(files.ca)).error.starts_with("handshake:"));
  CHECK(server.logged().find("test: TLS files changed; new connections use " + files.cert_file) !=
        std::string::npos);

  // A broken rotation is logged once and the last good certificate stays in use.
  files.dir.write("server.crt", "half written");
  for (int round = 0; round < 2; ++round) {
    std::this_thread::sleep_for(1100ms);
    CHECK(https_request(server.port(), trusting(next_ca)).status == 200);
  }
  const std::string log = server.logged();
  CHECK(count(log,
              "test: TLS files changed but cannot be used, keeping the previous ones: "
              "tls::cert_file: " +
                  files.cert_file + " holds no PEM certificate") == 1);

  // Fixed again: picked up.
  files.dir.write("server.crt", files.leaf.cert);
  files.dir.write("server.key", files.leaf.key);
  std::this_thread::sleep_for(1100ms);
  CHECK(https_request(server.port(), trusting(files.ca)).status == 200);
}

TEST_CASE("a client that never finishes the TLS handshake is dropped after the idle timeout") {
  ServerFiles files;
  Server server(files.config(), 1024, 200ms);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket silent(io);
  silent.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  const auto start = std::chrono::steady_clock::now();
  char byte = 0;
  boost::system::error_code ec;
  silent.read_some(boost::asio::buffer(&byte, 1), ec);  // returns when the server closes
  CHECK(ec == boost::asio::error::eof);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  // Meanwhile others are served.
  CHECK(https_request(server.port(), trusting(files.ca)).status == 200);
}
