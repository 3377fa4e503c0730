#include "receivers/otlp/http_receiver.h"

#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <optional>

#include "codec/gzip.h"
#include "codec/otlp_json.h"
#include "google/rpc/status.pb.h"
#include "receivers/otlp/otlp_receiver.h"

namespace spanflow::receivers::otlp {

namespace http = boost::beast::http;

namespace {

enum class Encoding { kProtobuf, kJson };

constexpr std::string_view kProtobufType = "application/x-protobuf";
constexpr std::string_view kJsonType = "application/json";

// The media type without parameters, lowercased: "application/json; charset=utf-8" -> json.
std::optional<Encoding> media_type(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  if (boost::beast::iequals(type, kProtobufType)) return Encoding::kProtobuf;
  if (boost::beast::iequals(type, kJsonType)) return Encoding::kJson;
  return std::nullopt;
}

std::string_view content_type_of(Encoding e) {
  return e == Encoding::kJson ? kJsonType : kProtobufType;
}

// Error bodies are a google.rpc.Status in the request's encoding (OTLP/HTTP spec).
net::HttpResponse status_response(const net::HttpRequest& request, Encoding encoding,
                                  unsigned http_status, int grpc_code, const std::string& message,
                                  std::chrono::milliseconds retry_after = {}) {
  const google::rpc::Status status = rpc_status(grpc_code, message, retry_after);
  std::string body;
  if (encoding == Encoding::kJson) {
    codec::encode_status(status, body);
  } else {
    status.SerializeToString(&body);
  }
  auto response =
      net::make_response(request, http_status, std::move(body), content_type_of(encoding));
  if (retry_after.count() > 0) {
    response.set(http::field::retry_after, std::to_string((retry_after.count() + 999) / 1000));
  }
  return response;
}

constexpr int kInvalidArgument = 3;
constexpr int kInternal = 13;
constexpr int kUnavailable = 14;

}  // namespace

HttpReceiver::HttpReceiver(std::string id, const HttpConfig& config, TraceConsumer& next,
                           std::shared_ptr<spdlog::logger> logger, telemetry::Metrics& metrics)
    : config_(config),
      next_(next),
      decode_now_(next.reads_spans()),
      counters_(metrics, id, "http"),
      server_(
          "receiver " + id,
          net::HttpServerOptions{.endpoint = config.endpoint,
                                 .body_limit = config.max_request_body_size,
                                 .tls = config.tls},
          [this](net::HttpRequest& request) { return handle(request); }, std::move(logger)) {}

std::uint16_t HttpReceiver::start() {
  server_.start();
  return server_.port();
}

void HttpReceiver::stop(Deadline deadline) {
  server_.stop(deadline);
}

net::HttpResponse HttpReceiver::handle(net::HttpRequest& request) {
  const std::string_view target = request.target();
  if (target.substr(0, target.find('?')) != config_.traces_url_path) {
    return net::make_response(request, 404, "404 page not found");
  }
  if (request.method() != http::verb::post) {
    auto response = net::make_response(request, 405, "method not allowed, supported: [POST]");
    response.set(http::field::allow, "POST");
    return response;
  }
  const auto encoding = media_type(request[http::field::content_type]);
  if (!encoding) {
    return net::make_response(request, 415,
                              "unsupported content type \"" +
                                  std::string(request[http::field::content_type]) +
                                  "\", supported: [application/json, application/x-protobuf]");
  }

  // A request refused at admission is not decoded: its spans are counted on the wire
  // (protobuf, after inflating), and only a JSON body is decoded, to count them.
  Reservations held;
  std::optional<ConsumeResult> refused;
  if (ConsumeResult refusal = admit(next_, request.body().size(), held); !refusal.is_ok()) {
    refused = std::move(refusal);
  }
  const auto refuse = [&](std::uint64_t spans) {
    counters_.refused.add(spans);
    return status_response(request, *encoding, 503, kUnavailable, refused->message,
                           retry_hint(*refused));
  };
  std::string_view body = request.body();
  std::string inflated;
  const std::string_view content_encoding = request[http::field::content_encoding];
  const bool gzip = boost::beast::iequals(content_encoding, "gzip") ||
                    boost::beast::iequals(content_encoding, "x-gzip");
  const bool deflate = boost::beast::iequals(content_encoding, "deflate");
  if (gzip || deflate) {
    std::string error;
    switch (codec::inflate(body, deflate, config_.max_request_body_size, inflated, error)) {
      case codec::InflateStatus::kOk:
        body = inflated;
        break;
      case codec::InflateStatus::kTooLarge:
        return status_response(request, *encoding, 413, kInvalidArgument,
                               "decompressed body exceeds the limit of " +
                                   std::to_string(config_.max_request_body_size) + " bytes");
      case codec::InflateStatus::kCorrupt:
        return status_response(
            request, *encoding, 400, kInvalidArgument,
            "cannot decompress " + std::string(content_encoding) + " body: " + error);
    }
  } else if (!content_encoding.empty() && !boost::beast::iequals(content_encoding, "identity")) {
    return status_response(request, *encoding, 400, kInvalidArgument,
                           "unsupported Content-Encoding \"" + std::string(content_encoding) +
                               "\", supported: [gzip, deflate, identity]");
  }

  if (refused && *encoding == Encoding::kProtobuf) {
    google::protobuf::io::ArrayInputStream wire(body.data(), static_cast<int>(body.size()));
    return refuse(count_encoded_spans(wire).value_or(0));
  }

  std::optional<TraceBatch> batch;
  if (*encoding == Encoding::kJson) {
    std::string error;
    batch.emplace();
    if (!codec::decode_trace_request(body, batch->mutable_request(), error)) {
      return status_response(request, *encoding, 400, kInvalidArgument,
                             "cannot decode OTLP/JSON: " + error);
    }
  } else if (decode_now_) {
    batch.emplace();
    if (!batch->mutable_request().ParseFromArray(body.data(), static_cast<int>(body.size()))) {
      batch.reset();
    }
  } else {
    // The body's bytes become the batch's (inflated or as received); `body` views them.
    batch = read_protobuf(gzip || deflate ? std::move(inflated) : std::move(request.body()));
  }
  if (!batch) {
    return status_response(request, *encoding, 400, kInvalidArgument,
                           "cannot decode ExportTraceServiceRequest: invalid protobuf");
  }

  if (refused) return refuse(batch->span_count());

  attach(*batch, std::move(held));
  const ConsumeResult result = deliver(next_, std::move(*batch), counters_);
  switch (result.kind) {
    case ConsumeResult::Kind::kOk:
      break;
    case ConsumeResult::Kind::kRetryable:
      return status_response(request, *encoding, 503, kUnavailable, result.message,
                             retry_hint(result));
    case ConsumeResult::Kind::kPermanent:
      return status_response(request, *encoding, 500, kInternal, result.message);
  }
  const spanflow::otlp::ExportResponse reply = export_response(result);
  std::string out;
  if (*encoding == Encoding::kJson) {
    codec::encode_trace_response(reply, out);
  } else {
    reply.SerializeToString(&out);
  }
  return net::make_response(request, 200, std::move(out), content_type_of(*encoding));
}

}  // namespace spanflow::receivers::otlp
