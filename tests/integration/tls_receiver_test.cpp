// TLS on the OTLP receiver, against the real binary: gRPC and HTTPS clients with and without
// client certificates (mTLS), plaintext clients refused, files that do not load named at start,
// and certificates rotated with reload_interval.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <catch.hpp>
#include <thread>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/spans.h"
#include "support/tls_cert.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace std::chrono_literals;
using TraceService = opentelemetry::proto::collector::trace::v1::TraceService;

namespace {

// The receiver's CA and certificate, a CA for clients, and the files the daemon reads.
struct Certs {
  TempDir dir;
  Pem ca = make_test_ca();
  Pem server = make_test_leaf(ca, {"IP:127.0.0.1", "DNS:localhost"});
  Pem client_ca = make_test_ca();
  Pem client = make_test_leaf(client_ca, {"DNS:agent.test"});
  Pem stranger = make_test_leaf(make_test_ca(), {"DNS:agent.test"});
  std::string cert_file = dir.write("server.crt", server.cert);
  std::string key_file = dir.write("server.key", server.key);
  std::string client_ca_file = dir.write("clients.crt", client_ca.cert);

  // The `tls` block: `extra` goes inside it (", client_ca_file: ...").
  std::string tls(const std::string& extra = "") const {
    return "{cert_file: " + cert_file + ", key_file: " + key_file + extra + "}";
  }
};

// The otlp receiver with `tls` on both protocols into a file exporter; with `health`, also the
// health_check extension with the same `tls`.
std::string receiver_config(const std::string& tls, const std::string& path, bool health = false) {
  std::string config = R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0", tls: )" +
                       tls + R"(}
      http: {endpoint: "127.0.0.1:0", tls: )" +
                       tls + R"(}
exporters:
  file: {path: ")" + path +
                       R"(", flush_interval: 50ms}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)";
  if (health) {
    config +=
        "  extensions: [health_check]\nextensions:\n  health_check: {endpoint: "
        "\"127.0.0.1:0\", tls: " +
        tls + "}\n";
  }
  return config;
}

// An Export over TLS trusting `ca`, with `client` as the client certificate when given; a new
// channel (and connection) every call.
grpc::Status grpc_export(std::uint16_t port, const Pem& ca, const Pem* client, int spans,
                         std::uint64_t first_id) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca.cert;
  if (client) {
    options.pem_cert_chain = client->cert;
    options.pem_private_key = client->key;
  }
  // A unique argument keeps gRPC from reusing a connection another channel made.
  grpc::ChannelArguments args;
  args.SetInt("spanflow.test.channel", static_cast<int>(first_id));
  auto stub = TraceService::NewStub(grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                                              grpc::SslCredentials(options), args));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  otlp::ExportResponse response;
  return stub->Export(&context, make_request(spans, first_id), &response);
}

HttpsResult https_export(std::uint16_t port, const Pem& ca, const Pem* client, int spans,
                         std::uint64_t first_id) {
  HttpsRequest request;
  request.method = "POST";
  request.target = "/v1/traces";
  request.content_type = "application/x-protobuf";
  request.body = make_request(spans, first_id).SerializeAsString();
  request.ca_cert = ca.cert;
  if (client) request.client = *client;
  return https_request(port, request);
}

}  // namespace

TEST_CASE("the OTLP receiver serves gRPC and HTTP over TLS and refuses plaintext") {
  Certs certs;
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(receiver_config(certs.tls(), path, true));
  CHECK(daemon.log().find("listening protocol=grpc endpoint=127.0.0.1:" +
                          std::to_string(daemon.grpc_port()) + " tls=true") != std::string::npos);

  // The health check answers over HTTPS too.
  HttpsRequest health;
  health.ca_cert = certs.ca.cert;
  const HttpsResult healthy = https_request(daemon.extension_port("health_check"), health);
  CHECK(healthy.error == "");
  CHECK(healthy.status == 200);

  CHECK(grpc_export(daemon.grpc_port(), certs.ca, nullptr, 3, 1).ok());
  const HttpsResult https = https_export(daemon.http_port(), certs.ca, nullptr, 4, 100);
  CHECK(https.error == "");
  CHECK(https.status == 200);

  // Plaintext clients get nowhere.
  auto plain = TraceService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(daemon.grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  otlp::ExportResponse response;
  CHECK(plain->Export(&context, make_request(5, 200), &response).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  HttpClient plain_http(daemon.http_port());
  CHECK_THROWS(plain_http.post("/v1/traces", make_request(5, 300).SerializeAsString(),
                               "application/x-protobuf"));

  // A client that does not trust the receiver's certificate does not send.
  const Pem other_ca = make_test_ca();
  CHECK(grpc_export(daemon.grpc_port(), other_ca, nullptr, 5, 400).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  CHECK(https_export(daemon.http_port(), other_ca, nullptr, 5, 500).error != "");

  // Still serving.
  CHECK(grpc_export(daemon.grpc_port(), certs.ca, nullptr, 1, 600).ok());
  CHECK(https_export(daemon.http_port(), certs.ca, nullptr, 1, 700).status == 200);

  REQUIRE(daemon.stop(SIGTERM) == 0);
  CHECK(span_total(read_json_lines(path)) == 3 + 4 + 1 + 1);
}

TEST_CASE("with client_ca_file the OTLP receiver serves only clients with a certificate") {
  Certs certs;
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(receiver_config(certs.tls(", client_ca_file: " + certs.client_ca_file), path));
  const auto grpc_port = daemon.grpc_port();
  const auto http_port = daemon.http_port();

  CHECK(grpc_export(grpc_port, certs.ca, &certs.client, 2, 1).ok());
  CHECK(grpc_export(grpc_port, certs.ca, nullptr, 5, 100).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  CHECK(grpc_export(grpc_port, certs.ca, &certs.stranger, 5, 200).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  CHECK(grpc_export(grpc_port, certs.ca, &certs.client, 2, 300).ok());

  CHECK(https_export(http_port, certs.ca, &certs.client, 3, 400).status == 200);
  CHECK(https_export(http_port, certs.ca, nullptr, 5, 500).error != "");
  CHECK(https_export(http_port, certs.ca, &certs.stranger, 5, 600).error != "");
  CHECK(https_export(http_port, certs.ca, &certs.client, 3, 700).status == 200);

  REQUIRE(daemon.stop(SIGTERM) == 0);
  const auto spans = spans_by_id(read_json_lines(path));
  CHECK(spans.size() == 2 + 2 + 3 + 3);
  for (std::uint64_t refused : {100, 200, 500, 600}) {
    CHECK(spans.count(span_id(refused)) == 0);
  }
}

TEST_CASE("receiver TLS files that do not load stop the start and are named") {
  Certs certs;
  TempDir out;
  SECTION("a missing certificate") {
    const auto result = run_spanflow(
        {"--config", out.write("c.yaml", receiver_config("{cert_file: " + out.file("missing.crt") +
                                                             ", key_file: " + certs.key_file + "}",
                                                         out.file("traces.jsonl")))});
    CHECK(result.exit_code == 1);
    CHECK(result.output.find("receiver otlp: tls::cert_file: cannot read " +
                             out.file("missing.crt") + ": No such file or directory") !=
          std::string::npos);
  }
  SECTION("a key for another certificate") {
    const std::string key = out.write("other.key", make_test_leaf(certs.ca, {"DNS:x"}).key);
    const auto result = run_spanflow(
        {"--config", out.write("c.yaml", receiver_config("{cert_file: " + certs.cert_file +
                                                             ", key_file: " + key + "}",
                                                         out.file("traces.jsonl")))});
    CHECK(result.exit_code == 1);
    CHECK(result.output.find("tls::key_file: the key in " + key +
                             " does not belong to the certificate in " + certs.cert_file) !=
          std::string::npos);
  }
  SECTION("TLS 1.3 as the gRPC minimum is a config error") {
    const auto result =
        run_spanflow({"validate", "--config",
                      out.write("c.yaml", receiver_config(certs.tls(", min_version: \"1.3\""),
                                                          out.file("traces.jsonl")))});
    CHECK(result.exit_code != 0);
    CHECK(result.output.find("receivers::otlp::protocols::grpc::tls::min_version: \"1.3\" "
                             "cannot be enforced by the gRPC receiver") != std::string::npos);
  }
}

TEST_CASE("with reload_interval the OTLP receiver picks up rotated certificates") {
  Certs certs;
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  Daemon daemon(receiver_config(certs.tls(", reload_interval: 1s"), path));
  CHECK(grpc_export(daemon.grpc_port(), certs.ca, nullptr, 1, 1).ok());
  CHECK(https_export(daemon.http_port(), certs.ca, nullptr, 1, 2).status == 200);

  const Pem next_ca = make_test_ca();
  const Pem next = make_test_leaf(next_ca, {"IP:127.0.0.1"});
  certs.dir.write("server.crt", next.cert);
  certs.dir.write("server.key", next.key);

  // gRPC's file watcher and the HTTP server both look again within a second or two.
  bool grpc_rotated = false;
  bool http_rotated = false;
  std::uint64_t id = 10;
  for (const auto until = std::chrono::steady_clock::now() + 10s;
       !(grpc_rotated && http_rotated) && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(200ms)) {
    if (!grpc_rotated)
      grpc_rotated = grpc_export(daemon.grpc_port(), next_ca, nullptr, 1, ++id).ok();
    if (!http_rotated)
      http_rotated = https_export(daemon.http_port(), next_ca, nullptr, 1, ++id).status == 200;
  }
  CHECK(grpc_rotated);
  CHECK(http_rotated);
  // The old certificate is gone.
  CHECK(grpc_export(daemon.grpc_port(), certs.ca, nullptr, 1, 1000).error_code() ==
        grpc::StatusCode::UNAVAILABLE);
  CHECK(https_export(daemon.http_port(), certs.ca, nullptr, 1, 1001).error != "");
  REQUIRE(daemon.stop(SIGTERM) == 0);
  CHECK(daemon.log().find("TLS files changed; new connections use") != std::string::npos);
}
