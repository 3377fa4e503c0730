// TLS on the exporters' side, against backends written here with certificates made for the
// test: CA files, server_name_override, insecure_skip_verify, client certificates, and a
// certificate that does not match being refused.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <catch.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "codec/gzip.h"
#include "core/trace_batch.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "support/daemon.h"
#include "support/spans.h"
#include "support/tls_cert.h"

using namespace spanflow;
using namespace spanflow::testing;
using namespace std::chrono_literals;
using TraceService = opentelemetry::proto::collector::trace::v1::TraceService;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Spans received, shared by both backends.
class Received {
 public:
  void add(const otlp::ExportRequest& request) {
    std::lock_guard lock(mu_);
    spans_ += count_spans(request);
    changed_.notify_all();
  }
  bool await(std::size_t spans, std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return spans_ >= spans; });
  }
  std::size_t spans() {
    std::lock_guard lock(mu_);
    return spans_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::size_t spans_ = 0;
};

class Collecting final : public TraceService::Service {
 public:
  explicit Collecting(Received& received) : received_(received) {}
  grpc::Status Export(grpc::ServerContext*, const otlp::ExportRequest* request,
                      otlp::ExportResponse*) override {
    received_.add(*request);
    return grpc::Status::OK;
  }

 private:
  Received& received_;
};

struct GrpcTlsBackend {
  GrpcTlsBackend(const Pem& leaf, const Pem* client_ca) : service(received) {
    grpc::SslServerCredentialsOptions options(
        client_ca ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                  : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    options.pem_key_cert_pairs.push_back({leaf.key, leaf.cert});
    if (client_ca) options.pem_root_certs = client_ca->cert;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(options), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
    REQUIRE(server);
  }
  ~GrpcTlsBackend() { server->Shutdown(std::chrono::system_clock::now() + 1s); }

  Received received;
  Collecting service;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

// An HTTPS server answering every POST with an empty ExportTraceServiceResponse, one
// connection at a time, closing each after its response.
class HttpsBackend {
 public:
  explicit HttpsBackend(const Pem& leaf) : tls_(asio::ssl::context::tls_server) {
    tls_.use_certificate_chain(asio::buffer(leaf.cert));
    tls_.use_private_key(asio::buffer(leaf.key), asio::ssl::context::pem);
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~HttpsBackend() {
    stop_ = true;
    tcp::socket wake(io_);  // unblocks accept()
    beast::error_code ec;
    wake.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    thread_.join();
  }

  Received received;
  std::atomic<int> failed_handshakes{0};
  std::uint16_t port = 0;

 private:
  void serve() {
    for (;;) {
      tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (stop_) return;
      if (ec) continue;
      beast::ssl_stream<tcp::socket> stream(std::move(socket), tls_);
      stream.handshake(asio::ssl::stream_base::server, ec);
      if (ec) {
        ++failed_handshakes;
        continue;
      }
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(stream, buffer, request, ec);
      if (ec) continue;
      std::string body = request.body();
      if (request[http::field::content_encoding] == "gzip") {
        std::string error;
        codec::inflate(request.body(), false, 1 << 24, body, error);
      }
      otlp::ExportRequest decoded;
      if (decoded.ParseFromString(body)) received.add(decoded);
      http::response<http::string_body> response{http::status::ok, 11};
      response.set(http::field::content_type, "application/x-protobuf");
      response.keep_alive(false);
      response.prepare_payload();
      http::write(stream, response, ec);
      stream.shutdown(ec);
    }
  }

  asio::io_context io_;
  asio::ssl::context tls_;
  tcp::acceptor acceptor_{io_};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string agent_config(const std::string& exporter) {
  return R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
exporters:
)" + exporter +
         R"(
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [)" +
         exporter.substr(2, exporter.find(':') - 2) + "]}\n";
}

void send(const Daemon& agent, int spans) {
  auto stub = TraceService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(agent.grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  otlp::ExportResponse response;
  REQUIRE(stub->Export(&context, make_request(spans), &response).ok());
}

// Waits until the agent has logged a failed attempt.
bool logged_failure(const Daemon& agent) {
  const auto until = std::chrono::steady_clock::now() + 15s;
  while (agent.log().find("retrying in") == std::string::npos) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

}  // namespace

TEST_CASE("otlp_grpc over TLS verifies the server against ca_file") {
  TempDir dir;
  const Pem ca = make_test_ca();
  const std::string ca_file = dir.write("ca.pem", ca.cert);
  const std::string retry = "    retry_on_failure: {initial_interval: 50ms, max_interval: 100ms}\n";
  SECTION("a certificate for the endpoint's address") {
    GrpcTlsBackend backend(make_test_leaf(ca, {"IP:127.0.0.1"}), nullptr);
    Daemon agent(agent_config("  otlp:\n    endpoint: 127.0.0.1:" + std::to_string(backend.port) +
                              "\n    tls: {ca_file: " + ca_file + "}\n" + retry));
    send(agent, 3);
    CHECK(backend.received.await(3));
  }
  SECTION("server_name_override names the certificate's host") {
    GrpcTlsBackend backend(make_test_leaf(ca, {"DNS:gateway.test"}), nullptr);
    Daemon agent(agent_config("  otlp:\n    endpoint: 127.0.0.1:" + std::to_string(backend.port) +
                              "\n    tls: {ca_file: " + ca_file +
                              ", server_name_override: gateway.test}\n" + retry));
    send(agent, 3);
    CHECK(backend.received.await(3));
  }
  SECTION("insecure_skip_verify accepts a certificate nobody vouches for") {
    const Pem stranger = make_test_ca();
    GrpcTlsBackend backend(make_test_leaf(stranger, {"DNS:elsewhere.test"}), nullptr);
    Daemon agent(agent_config("  otlp:\n    endpoint: 127.0.0.1:" + std::to_string(backend.port) +
                              "\n    tls: {insecure_skip_verify: true}\n" + retry));
    send(agent, 3);
    CHECK(backend.received.await(3));
  }
  SECTION("a client certificate from cert_file and key_file") {
    const Pem client = make_test_leaf(ca, {"DNS:agent.test"});
    GrpcTlsBackend backend(make_test_leaf(ca, {"IP:127.0.0.1"}), &ca);
    Daemon agent(agent_config("  otlp:\n    endpoint: 127.0.0.1:" + std::to_string(backend.port) +
                              "\n    tls: {ca_file: " + ca_file +
                              ", cert_file: " + dir.write("c.pem", client.cert) +
                              ", key_file: " + dir.write("k.pem", client.key) + "}\n" + retry));
    send(agent, 3);
    CHECK(backend.received.await(3));
  }
  SECTION("a certificate for another host is refused and nothing is sent") {
    GrpcTlsBackend backend(make_test_leaf(ca, {"DNS:elsewhere.test"}), nullptr);
    Daemon agent(agent_config("  otlp:\n    endpoint: 127.0.0.1:" + std::to_string(backend.port) +
                              "\n    tls: {ca_file: " + ca_file + "}\n" + retry));
    send(agent, 3);
    CHECK(logged_failure(agent));
    CHECK(backend.received.spans() == 0);
    CHECK(agent.log().find("Peer name 127.0.0.1 is not in peer certificate") != std::string::npos);
  }
}

TEST_CASE("otlp_http over https verifies the server against ca_file") {
  TempDir dir;
  const Pem ca = make_test_ca();
  const std::string ca_file = dir.write("ca.pem", ca.cert);
  const std::string retry = "    retry_on_failure: {initial_interval: 50ms, max_interval: 100ms}\n";
  SECTION("a certificate for the URL's address") {
    HttpsBackend backend(make_test_leaf(ca, {"IP:127.0.0.1"}));
    Daemon agent(agent_config(
        "  otlp_http:\n    endpoint: https://127.0.0.1:" + std::to_string(backend.port) +
        "\n    tls: {ca_file: " + ca_file + "}\n" + retry));
    send(agent, 3);
    CHECK(backend.received.await(3));
  }
  SECTION("server_name_override names the certificate's host") {
    HttpsBackend backend(make_test_leaf(ca, {"DNS:gateway.test"}));
    Daemon agent(agent_config(
        "  otlp_http:\n    endpoint: https://127.0.0.1:" + std::to_string(backend.port) +
        "\n    tls: {ca_file: " + ca_file + ", server_name_override: gateway.test}\n" + retry));
    send(agent, 3);
    CHECK(backend.received.await(3));
  }
  SECTION("insecure_skip_verify accepts a certificate nobody vouches for") {
    const Pem stranger = make_test_ca();
    HttpsBackend backend(make_test_leaf(stranger, {"DNS:elsewhere.test"}));
    Daemon agent(agent_config(
        "  otlp_http:\n    endpoint: https://127.0.0.1:" + std::to_string(backend.port) +
        "\n    tls: {insecure_skip_verify: true}\n" + retry));
    send(agent, 3);
    CHECK(backend.received.await(3));
  }
  SECTION("a certificate for another host is refused and nothing is sent") {
    HttpsBackend backend(make_test_leaf(ca, {"DNS:elsewhere.test"}));
    Daemon agent(agent_config(
        "  otlp_http:\n    endpoint: https://127.0.0.1:" + std::to_string(backend.port) +
        "\n    tls: {ca_file: " + ca_file + "}\n" + retry));
    send(agent, 3);
    CHECK(logged_failure(agent));
    CHECK(backend.received.spans() == 0);
    CHECK(agent.log().find("certificate verify failed") != std::string::npos);
  }
}

TEST_CASE("an unreadable ca_file stops the start and names the file") {
  TempDir dir;
  const auto result = run_spanflow({"--config", dir.write("c.yaml", agent_config(R"(  otlp:
    endpoint: 127.0.0.1:1
    tls: {ca_file: /nonexistent/ca.pem}
)") + "  telemetry: {metrics: {level: none}}\n")});
  CHECK(result.exit_code == 1);
  CHECK(result.output.find("tls::ca_file: cannot read /nonexistent/ca.pem") != std::string::npos);
}
