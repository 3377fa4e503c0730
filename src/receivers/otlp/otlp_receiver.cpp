#include "receivers/otlp/otlp_receiver.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <algorithm>

#include "core/otlp_wire.h"
#include "receivers/otlp/grpc_server.h"
#include "receivers/otlp/http_receiver.h"

namespace spanflow::receivers::otlp {

namespace {

bool all_zero(const std::string& id) {
  return std::all_of(id.begin(), id.end(), [](char c) { return c == 0; });
}

const char* invalid_reason(const spanflow::otlp::Span& span) {
  if (span.trace_id().size() != 16 || all_zero(span.trace_id())) {
    return "trace_id must be 16 bytes, not all zero";
  }
  if (span.span_id().size() != 8 || all_zero(span.span_id())) {
    return "span_id must be 8 bytes, not all zero";
  }
  if (!span.parent_span_id().empty() && span.parent_span_id().size() != 8) {
    return "parent_span_id must be empty or 8 bytes";
  }
  return nullptr;
}

// Removes invalid spans in place; returns how many, and the first reason.
long remove_invalid(spanflow::otlp::ExportRequest& request, std::string& reason) {
  long removed = 0;
  for (auto& rs : *request.mutable_resource_spans()) {
    for (auto& ss : *rs.mutable_scope_spans()) {
      auto* spans = ss.mutable_spans();
      const auto keep_end =
          std::stable_partition(spans->begin(), spans->end(), [&](const spanflow::otlp::Span& s) {
            const char* why = invalid_reason(s);
            if (why != nullptr && reason.empty()) reason = why;
            return why == nullptr;
          });
      const int drop = static_cast<int>(spans->end() - keep_end);
      if (drop > 0) spans->DeleteSubrange(spans->size() - drop, drop);
      removed += drop;
    }
  }
  return removed;
}

bool any_invalid(const spanflow::otlp::ExportRequest& request) {
  for (const auto& rs : request.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& span : ss.spans()) {
        if (invalid_reason(span) != nullptr) return true;
      }
    }
  }
  return false;
}

}  // namespace

TransportCounters::TransportCounters(telemetry::Metrics& metrics, const std::string& receiver,
                                     const std::string& transport)
    : accepted(metrics.counter("otelcol_receiver_accepted_spans_total",
                               "Spans successfully pushed into the pipeline",
                               {{"receiver", receiver}, {"transport", transport}})),
      refused(metrics.counter("otelcol_receiver_refused_spans_total",
                              "Spans that could not be pushed into the pipeline",
                              {{"receiver", receiver}, {"transport", transport}})) {}

std::chrono::milliseconds retry_hint(const ConsumeResult& refusal) {
  return refusal.retry_after.count() > 0 ? refusal.retry_after : std::chrono::seconds(1);
}

google::rpc::Status rpc_status(int code, const std::string& message,
                               std::chrono::milliseconds retry_after) {
  google::rpc::Status status;
  status.set_code(code);
  status.set_message(message);
  if (retry_after.count() > 0) {
    google::rpc::RetryInfo retry;
    retry.mutable_retry_delay()->set_seconds(retry_after.count() / 1000);
    retry.mutable_retry_delay()->set_nanos(static_cast<int>(retry_after.count() % 1000) *
                                           1'000'000);
    status.add_details()->PackFrom(retry);
  }
  return status;
}

spanflow::otlp::ExportResponse export_response(const ConsumeResult& accepted) {
  spanflow::otlp::ExportResponse reply;
  if (accepted.rejected_spans > 0) {
    reply.mutable_partial_success()->set_rejected_spans(accepted.rejected_spans);
    reply.mutable_partial_success()->set_error_message(accepted.message);
  }
  return reply;
}

namespace {

using google::protobuf::internal::WireFormatLite;

// Counts the length-delimited fields numbered `items` in the message that ends at the
// stream's current limit; at `depth` 0 each one is a span, above it each is descended into
// (resource_spans and scope_spans are both field 2 of their parents, spans field 2 of
// ScopeSpans; the request's resource_spans is field 1). Other fields are skipped.
bool count_items(google::protobuf::io::CodedInputStream& in, int items, int depth,
                 std::uint64_t& spans) {
  while (const std::uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) != items ||
        WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&in, tag)) return false;
      continue;
    }
    std::uint32_t length = 0;
    if (!in.ReadVarint32(&length)) return false;
    if (depth == 0) {
      ++spans;
      if (!in.Skip(static_cast<int>(length))) return false;
      continue;
    }
    const auto limit = in.PushLimit(static_cast<int>(length));
    // A message cut short by the end of input ends its loop early: its limit is not reached.
    if (!count_items(in, 2, depth - 1, spans) || in.BytesUntilLimit() != 0) return false;
    in.PopLimit(limit);
  }
  return in.ConsumedEntireMessage();
}

}  // namespace

std::optional<std::uint64_t> count_encoded_spans(google::protobuf::io::ZeroCopyInputStream& in) {
  google::protobuf::io::CodedInputStream coded(&in);
  std::uint64_t spans = 0;
  if (!count_items(coded, 1, 2, spans)) return std::nullopt;
  return spans;
}

ConsumeResult admit(TraceConsumer& next, std::uint64_t wire_bytes, Reservations& held) {
  return next.admit(wire_bytes * kDecodeFactor, held);
}

std::optional<TraceBatch> read_protobuf(std::string&& wire) {
  const std::optional<WireScan> scan = scan_export_request(wire);
  if (!scan) return std::nullopt;
  if (scan->invalid_ids == 0) return TraceBatch::from_wire(std::move(wire), scan->spans);
  TraceBatch batch;
  if (!batch.mutable_request().ParseFromString(wire)) return std::nullopt;
  return batch;
}

void attach(TraceBatch& batch, Reservations&& held) {
  if (held.empty()) return;
  const auto used = batch.arena_bytes();
  for (auto& r : held) r.resize(used);
  batch.hold(std::move(held));
}

ConsumeResult deliver(TraceConsumer& next, TraceBatch&& batch, TransportCounters& counters) {
  long rejected = 0;
  std::string reason;
  if (!batch.has_wire() && any_invalid(batch.request())) {
    rejected = remove_invalid(batch.mutable_request(), reason);
  }
  counters.refused.add(static_cast<std::uint64_t>(rejected));
  ConsumeResult result = ConsumeResult::ok();
  if (const auto spans = batch.span_count(); spans > 0) {
    result = next.consume(std::move(batch));
    (result.is_ok() ? counters.accepted : counters.refused).add(spans);
  }
  if (rejected > 0 && result.is_ok()) {
    result.rejected_spans = rejected;
    result.message = std::to_string(rejected) + " spans rejected: " + reason;
  }
  return result;
}

OtlpReceiver::OtlpReceiver(const CreateSettings& settings, const Config& config,
                           TraceConsumer& next)
    : settings_(settings), config_(config), next_(next) {}

OtlpReceiver::~OtlpReceiver() {
  shutdown(std::chrono::steady_clock::now());
}

void OtlpReceiver::start(Host&) {
  const std::string id = settings_.id.to_string();
  if (config_.grpc) {
    grpc_ = std::make_unique<GrpcServer>(id, *config_.grpc, next_, *settings_.metrics);
    const auto port = grpc_->start();
    settings_.logger->info("receiver {} listening protocol=grpc endpoint={}:{}{}", id,
                           config_.grpc->endpoint.host, port, config_.grpc->tls ? " tls=true" : "");
  }
  if (config_.http) {
    http_ = std::make_unique<HttpReceiver>(id, *config_.http, next_, settings_.logger,
                                           *settings_.metrics);
    const auto port = http_->start();
    settings_.logger->info("receiver {} listening protocol=http endpoint={}:{}{}", id,
                           config_.http->endpoint.host, port, config_.http->tls ? " tls=true" : "");
  }
}

void OtlpReceiver::shutdown(Deadline deadline) {
  if (http_) http_->stop(deadline);
  if (grpc_) grpc_->stop(deadline);
  http_.reset();
  grpc_.reset();
}

}  // namespace spanflow::receivers::otlp
