#include "load.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace spanflow::loadgen {

namespace {

using Clock = std::chrono::steady_clock;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct ThreadResult {
  std::int64_t requests = 0;
  std::int64_t bytes = 0;
  std::map<std::string, std::int64_t> statuses;
  std::vector<double> latencies_ms;
};

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    default:
      return "OTHER";
  }
}

// Sends one request and returns its status name.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual std::string send(std::string_view payload) = 0;
};

class GrpcConnection final : public Connection {
 public:
  GrpcConnection(const LoadOptions& o, int index) : gzip_(o.gzip) {
    grpc::ChannelArguments args;
    args.SetInt("spanflow.loadgen.connection", index);  // a distinct channel: its own socket
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxSendMessageSize(-1);
    channel_ = grpc::CreateCustomChannel(o.host + ":" + std::to_string(o.port),
                                         grpc::InsecureChannelCredentials(), args);
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  std::string send(std::string_view payload) override {
    grpc::Slice slice(payload.data(), payload.size(), grpc::Slice::STATIC_SLICE);
    grpc::ByteBuffer request(&slice, 1), response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (gzip_) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    std::promise<grpc::Status> done;
    stub_->UnaryCall(&context, "/opentelemetry.proto.collector.trace.v1.TraceService/Export", {},
                     &request, &response, [&done](grpc::Status s) { done.set_value(s); });
    return code_name(done.get_future().get().error_code());
  }

 private:
  bool gzip_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

class HttpConnection final : public Connection {
 public:
  explicit HttpConnection(const LoadOptions& o) : options_(o), socket_(io_) {}

  std::string send(std::string_view payload) override {
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        if (!socket_.is_open()) {
          socket_.connect(
              tcp::endpoint(boost::asio::ip::make_address(options_.host), options_.port));
        }
        http::request<http::string_body> req{http::verb::post, options_.path, 11};
        req.set(http::field::host, options_.host);
        req.set(http::field::content_type,
                options_.json ? "application/json" : "application/x-protobuf");
        if (options_.gzip) req.set(http::field::content_encoding, "gzip");
        req.body() = payload;
        req.prepare_payload();
        http::write(socket_, req);
        http::response<http::string_body> res;
        http::read(socket_, buffer_, res);
        if (!res.keep_alive()) socket_.close();
        return std::to_string(res.result_int());
      } catch (const boost::system::system_error&) {
        socket_.close();
      }
    }
    return "CONNECTION_ERROR";
  }

 private:
  LoadOptions options_;
  boost::asio::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace

double LoadReport::percentile(double p) const {
  if (latencies_ms.empty()) return 0;
  const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(latencies_ms.size() - 1));
  return latencies_ms[i];
}

LoadReport run_load(const LoadOptions& o, const PayloadPool& payloads) {
  const auto start = Clock::now();
  const auto end = start + o.duration;
  std::atomic<std::int64_t> next_request{0};
  std::vector<ThreadResult> results(static_cast<std::size_t>(o.connections));
  std::vector<std::thread> threads;
  // Each connection paces its share of the rate.
  const double per_thread_rate = o.rate > 0 ? o.rate / o.connections : 0;
  for (int t = 0; t < o.connections; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Connection> connection;
      if (o.grpc) {
        connection = std::make_unique<GrpcConnection>(o, t);
      } else {
        connection = std::make_unique<HttpConnection>(o);
      }
      auto& r = results[static_cast<std::size_t>(t)];
      std::string scratch;
      auto due = Clock::now();
      for (;;) {
        const std::int64_t i = next_request.fetch_add(1);
        if (o.count > 0 ? i >= o.count : Clock::now() >= end) break;
        if (per_thread_rate > 0) {
          std::this_thread::sleep_until(due);
          due += std::chrono::duration_cast<Clock::duration>(
              std::chrono::duration<double>(o.spans_per_request / per_thread_rate));
        }
        const std::string_view payload = payloads.body(i, scratch);
        const auto sent = Clock::now();
        const std::string status = connection->send(payload);
        r.latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        ++r.statuses[status];
        ++r.requests;
        r.bytes += static_cast<std::int64_t>(payload.size());
      }
    });
  }
  for (auto& t : threads) t.join();
  LoadReport report;
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& r : results) {
    report.requests += r.requests;
    report.bytes += r.bytes;
    for (const auto& [k, v] : r.statuses) report.statuses[k] += v;
    report.latencies_ms.insert(report.latencies_ms.end(), r.latencies_ms.begin(),
                               r.latencies_ms.end());
  }
  report.spans = report.requests * o.spans_per_request;
  std::sort(report.latencies_ms.begin(), report.latencies_ms.end());
  return report;
}

}  // namespace spanflow::loadgen
