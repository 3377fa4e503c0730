#include "receivers/otlp/grpc_server.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include <algorithm>
#include <stdexcept>

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "receivers/otlp/otlp_receiver.h"

namespace spanflow::receivers::otlp {

namespace {

using TraceService = opentelemetry::proto::collector::trace::v1::TraceService;

// UNAVAILABLE with a google.rpc.RetryInfo in grpc-status-details-bin (the stage's hint, or 1 s).
grpc::Status unavailable(const ConsumeResult& result) {
  return {grpc::StatusCode::UNAVAILABLE, result.message,
          rpc_status(grpc::StatusCode::UNAVAILABLE, result.message, retry_hint(result))
              .SerializeAsString()};
}

// TLS credentials from checked files: fixed, or re-read by gRPC every reload_interval (rounded
// up to whole seconds). With a client CA, clients need a certificate it signed. Throws
// std::runtime_error naming the file when the files do not load: gRPC's file watcher would only
// log that.
std::shared_ptr<grpc::ServerCredentials> tls_credentials(const net::TlsServerConfig& tls) {
  namespace ex = grpc::experimental;
  const net::TlsServerFiles files = net::read_tls_files(tls);
  std::shared_ptr<ex::CertificateProviderInterface> provider;
  if (tls.reload_interval.count() > 0) {
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(tls.reload_interval).count();
    provider = std::make_shared<ex::FileWatcherCertificateProvider>(
        tls.key_file, tls.cert_file, tls.client_ca_file,
        static_cast<unsigned int>(std::clamp<std::int64_t>(seconds, 1, 86'400 * 365)));
  } else {
    provider = std::make_shared<ex::StaticDataCertificateProvider>(
        files.client_ca, std::vector<ex::IdentityKeyCertPair>{{files.key, files.cert_chain}});
  }
  ex::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (!tls.client_ca_file.empty()) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return ex::TlsServerCredentials(options);
}

// Threads serving calls, each polling its own completion queue: half the cores, 1 to 4. One
// thread costs least at a node agent's rates (every extra poller hands requests over to the
// thread of their queue: futex wake-ups, context switches); more add throughput when the
// pipeline behind is busy (decoding, processors run on these threads).
unsigned serving_threads() {
  return std::clamp(std::thread::hardware_concurrency() / 2, 1u, 4u);
}

// Calls each queue keeps waiting for a request, so a burst of calls is matched without a wait.
constexpr int kCallsAwaited = 4;

}  // namespace

// Export on gRPC's asynchronous API. Each thread owns a completion queue and runs the calls it
// receives there: the thread that polls a connection reads the request, handles it and writes
// the response, with no hand-off between gRPC's poller and a callback thread.
class GrpcServer::Service final : public TraceService::WithRawMethod_Export<TraceService::Service> {
 public:
  Service(TraceConsumer& next, telemetry::Metrics& metrics, const std::string& id)
      : next_(next), decode_now_(next.reads_spans()), counters_(metrics, id, "grpc") {}

  // A call waiting for a request, then for its response to be sent. Its address is the tag.
  struct Call {
    grpc::ServerContext context;
    grpc::ByteBuffer request;
    grpc::ServerAsyncResponseWriter<grpc::ByteBuffer> writer{&context};
    bool finishing = false;
  };

  void await_call(grpc::ServerCompletionQueue& cq) {
    auto call = std::make_unique<Call>();
    Call& c = *call;
    RequestExport(&c.context, &c.request, &c.writer, &cq, &cq, call.release());
  }

  // Runs the calls of `cq` until it is shut down and drained.
  void serve(grpc::ServerCompletionQueue& cq) {
    void* tag = nullptr;
    bool ok = false;
    while (cq.Next(&tag, &ok)) {
      std::unique_ptr<Call> call(static_cast<Call*>(tag));
      if (call->finishing || !ok) continue;  // sent, or the server shut down: the call ends
      await_call(cq);
      grpc::ByteBuffer response;
      const grpc::Status status = handle(call->request, response);
      call->finishing = true;
      if (status.ok()) {
        call->writer.Finish(response, status, call.get());
      } else {
        call->writer.FinishWithError(status, call.get());
      }
      (void)call.release();  // back as a tag once the response is sent
    }
  }

 private:
  grpc::Status handle(const grpc::ByteBuffer& request, grpc::ByteBuffer& response) {
    Reservations held;
    if (ConsumeResult refusal = admit(next_, request.Length(), held); !refusal.is_ok()) {
      grpc::ProtoBufferReader counting(const_cast<grpc::ByteBuffer*>(&request));
      counters_.refused.add(count_encoded_spans(counting).value_or(0));
      return unavailable(refusal);
    }
    std::optional<TraceBatch> batch = decode_now_ ? decode(request) : read_protobuf(copy(request));
    if (!batch) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              "cannot decode ExportTraceServiceRequest: invalid protobuf"};
    }
    attach(*batch, std::move(held));
    const ConsumeResult result = deliver(next_, std::move(*batch), counters_);
    switch (result.kind) {
      case ConsumeResult::Kind::kOk:
        break;
      case ConsumeResult::Kind::kRetryable:
        return unavailable(result);
      case ConsumeResult::Kind::kPermanent:
        return {grpc::StatusCode::INTERNAL, result.message};
    }
    bool own_buffer = false;
    return grpc::SerializationTraits<spanflow::otlp::ExportResponse>::Serialize(
        export_response(result), &response, &own_buffer);
  }

  // The request parsed straight from gRPC's slices into a batch's arena.
  static std::optional<TraceBatch> decode(const grpc::ByteBuffer& request) {
    TraceBatch batch;
    // ProtoBufferReader reads the slices in place; it needs a non-const buffer but does not
    // change its contents.
    grpc::ProtoBufferReader reader(const_cast<grpc::ByteBuffer*>(&request));
    if (!batch.mutable_request().ParseFromZeroCopyStream(&reader)) return std::nullopt;
    return batch;
  }

  // The request's bytes in one string, for a batch that keeps them.
  static std::string copy(const grpc::ByteBuffer& request) {
    std::string wire;
    wire.reserve(request.Length());
    std::vector<grpc::Slice> slices;
    (void)request.Dump(&slices);
    for (const grpc::Slice& slice : slices) {
      wire.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    return wire;
  }

  TraceConsumer& next_;
  const bool decode_now_;  // a stage behind reads spans (TraceConsumer::reads_spans)
  TransportCounters counters_;
};

GrpcServer::GrpcServer(std::string id, const GrpcConfig& config, TraceConsumer& next,
                       telemetry::Metrics& metrics)
    : id_(std::move(id)),
      config_(config),
      service_(std::make_unique<Service>(next, metrics, id_)) {}

GrpcServer::~GrpcServer() {
  stop(std::chrono::steady_clock::now());
}

std::uint16_t GrpcServer::start() {
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string address = config_.endpoint.to_string();
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (config_.tls) {
    try {
      credentials = tls_credentials(*config_.tls);
    } catch (const std::exception& e) {
      throw std::runtime_error("receiver " + id_ + ": " + e.what());
    }
  }
  builder.AddListeningPort(address, credentials, &port);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config_.max_recv_msg_size_mib * 1024 * 1024));
  builder.RegisterService(service_.get());
  for (unsigned i = 0; i < serving_threads(); ++i) queues_.push_back(builder.AddCompletionQueue());
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0) {
    server_.reset();
    throw std::runtime_error("receiver " + id_ + ": cannot listen for gRPC on " + address +
                             " (address in use or not available)");
  }
  for (auto& cq : queues_) {
    for (int i = 0; i < kCallsAwaited; ++i) service_->await_call(*cq);
    threads_.emplace_back([this, &cq] { service_->serve(*cq); });
  }
  return static_cast<std::uint16_t>(port);
}

void GrpcServer::stop(Deadline deadline) {
  if (!server_) return;
  server_->Shutdown(std::chrono::system_clock::now() +
                    (deadline - std::chrono::steady_clock::now()));
  server_->Wait();
  for (auto& cq : queues_) cq->Shutdown();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  server_.reset();
  queues_.clear();
}

}  // namespace spanflow::receivers::otlp
