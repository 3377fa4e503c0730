#include "processors/batch/merge.h"

#include <algorithm>

namespace spanflow::processors::batch {

namespace {

// A new ResourceSpans/ScopeSpans in `out` with the header (not the spans) of the input.
otlp::ResourceSpans* add_resource(otlp::ExportRequest& out, const otlp::ResourceSpans& from) {
  auto* rs = out.add_resource_spans();
  if (from.has_resource()) rs->mutable_resource()->CopyFrom(from.resource());
  rs->set_schema_url(from.schema_url());
  return rs;
}

otlp::ScopeSpans* add_scope(otlp::ResourceSpans& rs, const otlp::ScopeSpans& from) {
  auto* ss = rs.add_scope_spans();
  if (from.has_scope()) ss->mutable_scope()->CopyFrom(from.scope());
  ss->set_schema_url(from.schema_url());
  return ss;
}

// Reading a shared request (const: its spans are copied) or taking an unshared one apart
// (mutable: its span messages move by pointer, no copy; the caller keeps its arena alive).
const auto& resource_spans(const otlp::ExportRequest& r) {
  return r.resource_spans();
}
auto& resource_spans(otlp::ExportRequest& r) {
  return *r.mutable_resource_spans();
}
const auto& scope_spans(const otlp::ResourceSpans& rs) {
  return rs.scope_spans();
}
auto& scope_spans(otlp::ResourceSpans& rs) {
  return *rs.mutable_scope_spans();
}

// Appends spans [begin, end) of `from` to `to`.
void append_spans(const otlp::ScopeSpans& from, int begin, int end, otlp::ScopeSpans& to) {
  auto* out = to.mutable_spans();
  out->Reserve(out->size() + end - begin);
  for (int i = begin; i < end; ++i) out->Add()->CopyFrom(from.spans(i));
}

void append_spans(otlp::ScopeSpans& from, int begin, int end, otlp::ScopeSpans& to) {
  auto* out = to.mutable_spans();
  out->Reserve(out->size() + end - begin);
  for (int i = begin; i < end; ++i) out->UnsafeArenaAddAllocated(from.mutable_spans(i));
}

// After its spans were appended elsewhere: a taken-apart source lets go of them (without
// deleting: they live on its arena, now linked from the other request).
void release_spans(const otlp::ScopeSpans&) {}
void release_spans(otlp::ScopeSpans& from) {
  from.mutable_spans()->UnsafeArenaExtractSubrange(0, from.spans_size(), nullptr);
}

template <class Request>
void split_into(Request& request, std::size_t max_spans, std::vector<TraceBatch>& out,
                const TraceBatch* source) {
  std::size_t in_chunk = max_spans;  // forces a new chunk at the first span
  for (auto& rs : resource_spans(request)) {
    otlp::ResourceSpans* out_rs = nullptr;
    for (auto& ss : scope_spans(rs)) {
      otlp::ScopeSpans* out_ss = nullptr;
      const int total = ss.spans_size();
      int i = 0;
      while (i < total) {
        if (in_chunk == max_spans) {
          out.emplace_back();
          if (source) out.back().keep_alive(*source);
          in_chunk = 0;
          out_rs = nullptr;
        }
        if (out_rs == nullptr) {
          out_rs = add_resource(out.back().mutable_request(), rs);
          out_ss = nullptr;
        }
        if (out_ss == nullptr) out_ss = add_scope(*out_rs, ss);
        const int n = static_cast<int>(
            std::min<std::size_t>(max_spans - in_chunk, static_cast<std::size_t>(total - i)));
        append_spans(ss, i, i + n, *out_ss);
        i += n;
        in_chunk += static_cast<std::size_t>(n);
      }
      release_spans(ss);
    }
  }
}

}  // namespace

TraceBatch merge(std::vector<TraceBatch>&& batches) {
  if (batches.size() == 1) return std::move(batches.front());
  if (std::all_of(batches.begin(), batches.end(),
                  [](const TraceBatch& b) { return b.has_wire(); })) {
    return TraceBatch::concatenate(std::move(batches));
  }
  TraceBatch merged;
  auto& out = *merged.mutable_request().mutable_resource_spans();
  for (auto& batch : batches) {
    merged.take_reservations(batch);
    if (batch.shared()) {
      for (const auto& rs : batch.request().resource_spans()) out.Add()->CopyFrom(rs);
      continue;
    }
    auto& from = *batch.mutable_request().mutable_resource_spans();  // unshared: no copy
    merged.keep_alive(batch);  // (after: keeping it alive makes it shared)
    out.Reserve(out.size() + from.size());
    for (auto& rs : from) out.UnsafeArenaAddAllocated(&rs);
    from.UnsafeArenaExtractSubrange(0, from.size(), nullptr);
  }
  return merged;
}

std::vector<TraceBatch> split(TraceBatch&& batch, std::size_t max_spans) {
  std::vector<TraceBatch> out;
  if (max_spans == 0 || batch.span_count() <= max_spans) {
    out.push_back(std::move(batch));
    return out;
  }
  if (batch.shared()) {
    split_into(batch.request(), max_spans, out, nullptr);
  } else {
    otlp::ExportRequest& request = batch.mutable_request();  // unshared: no copy
    split_into(request, max_spans, out, &batch);
  }
  return out;
}

}  // namespace spanflow::processors::batch
