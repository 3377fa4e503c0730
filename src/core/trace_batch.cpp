#include "core/trace_batch.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
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
  struct Wire {};
  explicit Payload(const ArenaSizing& sizing = {}) : arena(std::in_place, arena_options(sizing)) {
    request = google::protobuf::Arena::CreateMessage<otlp::ExportRequest>(&*arena);
    has_arena = true;
  }
  // A payload whose request is decoded from `wire` when first read. Its arena comes then: an
  // arena with options allocates its first block (16 KiB) as it is made.
  explicit Payload(Wire) {}

  std::optional<google::protobuf::Arena> arena;
  std::atomic<bool> has_arena = false;     // `arena` is there (set once, after it is made)
  otlp::ExportRequest* request = nullptr;  // set by decoded() for a wire payload
  std::once_flag decode_once;
  // The request's encoding, in parts (each one a whole request), while it matches `request`.
  bool has_wire = false;
  std::vector<std::string_view> wire;
  std::size_t wire_spans = 0;
  std::string owned_wire;  // the bytes `wire` views, for a payload made from_wire()
  Reservations reservations;
  std::vector<std::shared_ptr<const Payload>> kept;  // arenas and wire bytes this one uses

  otlp::ExportRequest& decoded() {
    std::call_once(decode_once, [this] {
      if (request != nullptr) return;
      arena.emplace(arena_options({}));
      has_arena.store(true, std::memory_order_release);
      request = google::protobuf::Arena::CreateMessage<otlp::ExportRequest>(&*arena);
      for (const std::string_view part : wire) {
        google::protobuf::io::CodedInputStream in(
            reinterpret_cast<const std::uint8_t*>(part.data()), static_cast<int>(part.size()));
        // scan_export_request() accepted these bytes: the parser cannot refuse them.
        if (!request->MergeFromCodedStream(&in)) {
          throw std::logic_error("a scanned ExportTraceServiceRequest does not decode");
        }
      }
    });
    return *request;
  }

  void drop_wire() {
    has_wire = false;
    wire.clear();
    std::string().swap(owned_wire);
  }

  std::size_t bytes() const {
    std::size_t n = owned_wire.capacity();
    if (has_arena.load(std::memory_order_acquire)) n += arena->SpaceAllocated();
    for (const auto& p : kept) n += p->bytes();
    return n;
  }
};

TraceBatch::TraceBatch() : payload_(std::make_shared<Payload>()) {}

TraceBatch::TraceBatch(const ArenaSizing& sizing) : payload_(std::make_shared<Payload>(sizing)) {}

TraceBatch TraceBatch::from_wire(std::string wire, std::size_t spans) {
  auto payload = std::make_shared<Payload>(Payload::Wire{});
  payload->owned_wire = std::move(wire);
  payload->wire.push_back(payload->owned_wire);
  payload->has_wire = true;
  payload->wire_spans = spans;
  return TraceBatch(std::move(payload));
}

TraceBatch TraceBatch::concatenate(std::vector<TraceBatch>&& batches) {
  if (batches.size() == 1) return std::move(batches.front());
  TraceBatch out(std::make_shared<Payload>(Payload::Wire{}));
  Payload& payload = *out.payload_;
  payload.has_wire = true;
  for (TraceBatch& batch : batches) {
    if (!batch.has_wire()) throw std::logic_error("concatenate: a batch without its encoding");
    const Payload& from = *batch.payload_;
    payload.wire.insert(payload.wire.end(), from.wire.begin(), from.wire.end());
    payload.wire_spans += from.wire_spans;
    out.take_reservations(batch);
    payload.kept.push_back(batch.payload_);
  }
  batches.clear();
  return out;
}

const otlp::ExportRequest& TraceBatch::request() const {
  return payload_->decoded();
}

otlp::ExportRequest& TraceBatch::mutable_request() {
  if (payload_.use_count() > 1) {
    auto copy = std::make_shared<Payload>();
    copy->request->CopyFrom(payload_->decoded());
    payload_ = std::move(copy);
  } else {
    payload_->decoded();
    payload_->drop_wire();
  }
  span_count_ = kUnknown;
  return *payload_->request;
}

bool TraceBatch::has_wire() const {
  return payload_->has_wire;
}

std::size_t TraceBatch::wire_size() const {
  if (!payload_->has_wire) return payload_->decoded().ByteSizeLong();
  std::size_t n = 0;
  for (const std::string_view part : payload_->wire) n += part.size();
  return n;
}

void TraceBatch::write_wire(std::uint8_t* out, std::size_t size) const {
  if (!payload_->has_wire) {
    payload_->decoded().SerializeWithCachedSizesToArray(out);
    return;
  }
  for (const std::string_view part : payload_->wire) {
    if (part.size() > size) throw std::logic_error("write_wire: smaller than wire_size()");
    std::memcpy(out, part.data(), part.size());
    out += part.size();
    size -= part.size();
  }
}

void TraceBatch::append_wire(std::string& out) const {
  if (!payload_->has_wire) {
    payload_->decoded().AppendToString(&out);
    return;
  }
  out.reserve(out.size() + wire_size());
  for (const std::string_view part : payload_->wire) out.append(part);
}

TraceBatch::WireParts TraceBatch::wire_parts() const {
  if (!payload_->has_wire) throw std::logic_error("wire_parts: the batch has no encoding");
  return {payload_->wire, payload_};
}

std::size_t TraceBatch::span_count() const {
  if (span_count_ == kUnknown) {
    span_count_ = payload_->has_wire ? payload_->wire_spans : count_spans(payload_->decoded());
  }
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
