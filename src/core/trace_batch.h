// TraceBatch: the one unit of data that flows through a pipeline.
//
// An ExportTraceServiceRequest allocated on its own protobuf arena, held by a small handle.
// Moving the handle is free; share() is the explicit, counted copy fan-out uses, and
// mutable_request() copies the payload into a fresh arena only while it is shared, so a
// mutating branch never changes what a sibling branch reads.
//
// A batch made from_wire() holds the request's encoding and decodes it on the first
// request(): a pipeline in which no stage reads spans (receive, batch, export) never decodes.
// The encoding stays valid until the request is changed; exporters write it as it is
// (wire_size(), write_wire()) and the batch processor concatenates encodings (concatenate()).
// Thread-safety: a handle is used by one thread at a time; shared payloads are read-only (a
// lazy decode of a shared payload happens once, whichever handle asks first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/memory_budget.h"
#include "core/otlp.h"

namespace spanflow {

// How the arena of a batch grows: the first block, and the cap blocks double up to. Batches
// decoded from requests use the defaults; a stage making many small batches (one per decided
// trace, in tail_sampling) starts smaller so a mostly empty first block costs little.
struct ArenaSizing {
  std::size_t start_block = 16 * 1024;
  std::size_t max_block = 1024 * 1024;
};

class TraceBatch {
 public:
  // An empty request on a new arena.
  TraceBatch();
  explicit TraceBatch(const ArenaSizing& sizing);

  TraceBatch(TraceBatch&&) noexcept = default;
  TraceBatch& operator=(TraceBatch&&) noexcept = default;
  TraceBatch(const TraceBatch&) = delete;
  TraceBatch& operator=(const TraceBatch&) = delete;
  ~TraceBatch() = default;

  // A batch holding `wire`, the encoding of a request with `spans` spans that
  // scan_export_request() accepted (so that it decodes), decoded when first read.
  static TraceBatch from_wire(std::string wire, std::size_t spans);
  // One request holding the encoded batches' spans in order: their encodings, concatenated
  // (protobuf appends repeated fields, so the result is one request with every
  // ResourceSpans). Every batch must hold its encoding (has_wire()); their payloads are kept
  // alive, not copied.
  static TraceBatch concatenate(std::vector<TraceBatch>&& batches);

  // A second handle on the same payload (fan-out). Both become read-only until one copies.
  TraceBatch share() const { return TraceBatch(payload_); }

  // The request, decoded from the wire first if it has not been.
  const otlp::ExportRequest& request() const;
  // Copy-on-write: clones into a new arena first when another handle shares the payload.
  // The encoding is gone afterwards (the request may change).
  otlp::ExportRequest& mutable_request();

  // Whether the batch still holds the encoding it was received as.
  bool has_wire() const;
  // The request's encoded size: the wire bytes held, or the serialized size.
  std::size_t wire_size() const;
  // Writes the encoding to out[0, size), where size is what wire_size() just returned (the
  // serializer uses the sizes that call cached).
  void write_wire(std::uint8_t* out, std::size_t size) const;
  // Appends the encoding to `out`.
  void append_wire(std::string& out) const;
  // The encoding held (has_wire()), in parts (each one a whole request, together the request),
  // and an owner that keeps their bytes alive however long a writer holds it, so that they
  // can be sent without a copy (gRPC slices).
  struct WireParts {
    std::vector<std::string_view> parts;
    std::shared_ptr<const void> owner;
  };
  WireParts wire_parts() const;

  // Spans in the request; counted on demand, cached until the next mutable_request().
  std::size_t span_count() const;
  bool shared() const { return payload_.use_count() > 1; }

  // Bytes the arena has allocated (the decoded request's real memory, block slack included)
  // and the wire bytes held, with those of the payloads this batch keeps alive.
  std::size_t arena_bytes() const;
  // Keeps `from`'s payload (its arena, its reservations) alive as long as this one, so that
  // messages allocated on that arena can be linked into this request without a copy
  // (RepeatedPtrField::UnsafeArenaAddAllocated; the batch processor's merge and split). `from`
  // must not be shared: nobody else may read what gets linked here. Take `from`'s
  // mutable_request() first: once kept alive, `from` is shared and would copy.
  void keep_alive(const TraceBatch& from);
  // Memory reservations held for as long as the payload lives.
  void hold(Reservations&& reservations);
  // Takes over `from`'s reservations when this batch now holds its data (batch merging);
  // a shared `from` keeps them.
  void take_reservations(TraceBatch& from);
  bool holds_reservation_of(const MemoryBudget& budget) const;

 private:
  struct Payload;
  explicit TraceBatch(std::shared_ptr<Payload> payload) : payload_(std::move(payload)) {}

  std::shared_ptr<Payload> payload_;
  mutable std::size_t span_count_ = kUnknown;
  static constexpr std::size_t kUnknown = static_cast<std::size_t>(-1);
};

// Spans in a request (sum over resources and scopes).
std::size_t count_spans(const otlp::ExportRequest& request);

}  // namespace spanflow
