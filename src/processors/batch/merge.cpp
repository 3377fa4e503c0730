#include "processors/batch/merge.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace spanflow::processors::batch {

namespace {

std::string resource_key(const otlp::ResourceSpans& rs) {
  std::string key;
  rs.resource().SerializeToString(&key);
  key.push_back('\0');
  key += rs.schema_url();
  return key;
}

std::string scope_key(const otlp::ScopeSpans& ss) {
  std::string key;
  ss.scope().SerializeToString(&key);
  key.push_back('\0');
  key += ss.schema_url();
  return key;
}

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

using Scopes = std::unordered_map<std::string, otlp::ScopeSpans*>;
struct Target {
  otlp::ResourceSpans* rs;
  Scopes scopes;
};

template <class Request>
void merge_into(Request& request, std::unordered_map<std::string, Target>& resources,
                otlp::ExportRequest& out) {
  for (auto& rs : resource_spans(request)) {
    auto [it, fresh] = resources.try_emplace(resource_key(rs));
    if (fresh) it->second.rs = add_resource(out, rs);
    for (auto& ss : scope_spans(rs)) {
      auto [sit, sfresh] = it->second.scopes.try_emplace(scope_key(ss));
      if (sfresh) sit->second = add_scope(*it->second.rs, ss);
      append_spans(ss, 0, ss.spans_size(), *sit->second);
      release_spans(ss);
    }
  }
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
  TraceBatch merged;
  auto& out = merged.mutable_request();
  std::unordered_map<std::string, Target> resources;
  for (auto& batch : batches) {
    merged.take_reservations(batch);
    if (batch.shared()) {
      merge_into(batch.request(), resources, out);
    } else {
      otlp::ExportRequest& request = batch.mutable_request();  // unshared: no copy
      merged.keep_alive(batch);  // (after: keeping it alive makes it shared)
      merge_into(request, resources, out);
    }
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
