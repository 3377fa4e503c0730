#include "core/trace_batch.h"

#include <google/protobuf/arena.h>

#include <vector>

namespace spanflow {

namespace {
google::protobuf::ArenaOptions arena_options(const ArenaSizing& sizing) {
  google::protobuf::ArenaOptions options;
  options.start_block_size = sizing.start_block;
  options.max_block_size = sizing.max_block;
  return options;
}
}  // namespace

struct TraceBatch::Payload {
  explicit Payload(const ArenaSizing& sizing = {}) : arena(arena_options(sizing)) {
    request = google::protobuf::Arena::CreateMessage<otlp::ExportRequest>(&arena);
  }
  google::protobuf::Arena arena;
  otlp::ExportRequest* request;
  Reservations reservations;
  std::vector<std::shared_ptr<const Payload>> kept;  // arenas parts of `request` live on

  std::size_t bytes() const {
    std::size_t n = arena.SpaceAllocated();
    for (const auto& p : kept) n += p->bytes();
    return n;
  }
};

TraceBatch::TraceBatch() : payload_(std::make_shared<Payload>()) {}

TraceBatch::TraceBatch(const ArenaSizing& sizing) : payload_(std::make_shared<Payload>(sizing)) {}

const otlp::ExportRequest& TraceBatch::request() const {
  return *payload_->request;
}

otlp::ExportRequest& TraceBatch::mutable_request() {
  if (payload_.use_count() > 1) {
    auto copy = std::make_shared<Payload>();
    copy->request->CopyFrom(*payload_->request);
    payload_ = std::move(copy);
  }
  span_count_ = kUnknown;
  return *payload_->request;
}

google::protobuf::Arena& TraceBatch::arena() {
  return payload_->arena;
}

std::size_t TraceBatch::span_count() const {
  if (span_count_ == kUnknown) span_count_ = count_spans(*payload_->request);
  return span_count_;
}

std::size_t TraceBatch::arena_bytes() const {
  return payload_->bytes();
}

void TraceBatch::keep_alive(const TraceBatch& from) {
  if (from.payload_ != payload_) payload_->kept.push_back(from.payload_);
}

void TraceBatch::hold(Reservations&& reservations) {
  for (auto& r : reservations) payload_->reservations.push_back(std::move(r));
  reservations.clear();
}

void TraceBatch::take_reservations(TraceBatch& from) {
  if (from.shared() || from.payload_ == payload_) return;
  hold(std::move(from.payload_->reservations));
}

bool TraceBatch::holds_reservation_of(const MemoryBudget& budget) const {
  for (const auto& r : payload_->reservations) {
    if (budget.owns(r)) return true;
  }
  return false;
}

std::size_t count_spans(const otlp::ExportRequest& request) {
  std::size_t n = 0;
  for (const auto& rs : request.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) n += static_cast<std::size_t>(ss.spans_size());
  }
  return n;
}

}  // namespace spanflow
