// TraceData: the spans of one buffered trace, kept in their OTLP wire encoding.
//
// Why encoded: a decoded OTLP span with ten attributes takes about 7x its encoded size in
// C++ (a message object per attribute and value, a std::string per key and string value; see
// docs/configuration.md for the measurement), so holding spans encoded lets max_memory_mib
// hold several times more traces. A trace is decoded once, when it is decided, straight into
// the request that is sent on; no other copy is made.
//
// Layout: one group per (resource, scope) the trace's spans arrived under. A group holds the
// encoded resource and scope headers (interned per shard in a HeaderPool, so traces share
// them) and one byte string of `ScopeSpans.spans` fields appended back to back; appending a
// span serializes it into the string's tail (amortized growth, no allocation per span).
// Not thread-safe: guarded by the owning shard's lock while buffered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/otlp.h"

namespace spanflow::processors::tail_sampling {

// An incoming span's resource and scope, encoded once per incoming ResourceSpans /
// ScopeSpans: `resource` is a ResourceSpans holding only its resource and schema_url,
// `scope` a ScopeSpans holding only its scope and schema_url.
struct SpanSource {
  std::string resource;
  std::string scope;
  std::uint64_t resource_key = 0;  // hashes of the bytes above
  std::uint64_t scope_key = 0;

  static SpanSource of(const otlp::ResourceSpans& rs, const otlp::ScopeSpans& ss);
};

// Encoded headers shared by the traces of one shard. Entries nobody holds any more are swept
// when the pool has doubled since the last sweep. Not thread-safe.
class HeaderPool {
 public:
  // The pooled copy of `bytes` (interned by `key`, compared byte for byte).
  std::shared_ptr<const std::string> intern(std::uint64_t key, const std::string& bytes);
  // Heap bytes of the pooled strings and their entries.
  std::uint64_t bytes() const { return bytes_; }
  std::size_t size() const { return entries_.size(); }
  // Forgets the entries no trace holds any more.
  void sweep();

 private:
  static std::uint64_t cost(const std::string& s);

  std::unordered_map<std::uint64_t, std::shared_ptr<const std::string>> entries_;
  std::size_t sweep_at_ = 64;
  std::uint64_t bytes_ = 0;
};

class TraceData {
 public:
  // Appends `span` under `source`'s resource and scope.
  void append(const SpanSource& source, const otlp::Span& span, HeaderPool& pool);

  std::uint64_t spans() const { return spans_; }
  // The OTLP size of the trace as one ExportTraceServiceRequest (maximum_trace_size_bytes).
  std::uint64_t encoded_bytes() const;
  // Heap bytes held by this trace's own buffers (pooled headers excluded).
  std::uint64_t memory_bytes() const;
  // Decodes every span into `out` (one ResourceSpans per resource, one ScopeSpans per scope).
  // False if the stored bytes did not decode (not expected: they were encoded here).
  bool decode(otlp::ExportRequest& out) const;

 private:
  struct Group {
    std::uint64_t resource_key;
    std::uint64_t scope_key;
    std::shared_ptr<const std::string> resource;
    std::shared_ptr<const std::string> scope;
    std::string spans;  // `spans` fields (tag, length, Span) back to back
  };
  std::vector<Group> groups_;
  std::uint64_t spans_ = 0;
};

}  // namespace spanflow::processors::tail_sampling
