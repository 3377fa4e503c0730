#include "processors/batch/merge.h"

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

}  // namespace

TraceBatch merge(std::vector<TraceBatch>&& batches) {
  if (batches.size() == 1) return std::move(batches.front());
  TraceBatch merged;
  auto& out = merged.mutable_request();
  struct Target {
    otlp::ResourceSpans* rs;
    std::unordered_map<std::string, otlp::ScopeSpans*> scopes;
  };
  std::unordered_map<std::string, Target> resources;
  for (auto& batch : batches) {
    merged.take_reservations(batch);
    for (const auto& rs : batch.request().resource_spans()) {
      auto [it, fresh] = resources.try_emplace(resource_key(rs));
      if (fresh) it->second.rs = add_resource(out, rs);
      for (const auto& ss : rs.scope_spans()) {
        auto [sit, sfresh] = it->second.scopes.try_emplace(scope_key(ss));
        if (sfresh) sit->second = add_scope(*it->second.rs, ss);
        auto* spans = sit->second->mutable_spans();
        spans->Reserve(spans->size() + ss.spans_size());
        for (const auto& span : ss.spans()) spans->Add()->CopyFrom(span);
      }
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
  std::size_t in_chunk = max_spans;  // forces a new chunk at the first span
  for (const auto& rs : batch.request().resource_spans()) {
    otlp::ResourceSpans* out_rs = nullptr;
    for (const auto& ss : rs.scope_spans()) {
      otlp::ScopeSpans* out_ss = nullptr;
      for (const auto& span : ss.spans()) {
        if (in_chunk == max_spans) {
          out.emplace_back();
          in_chunk = 0;
          out_rs = nullptr;
        }
        if (out_rs == nullptr) {
          out_rs = add_resource(out.back().mutable_request(), rs);
          out_ss = nullptr;
        }
        if (out_ss == nullptr) out_ss = add_scope(*out_rs, ss);
        out_ss->add_spans()->CopyFrom(span);
        ++in_chunk;
      }
    }
  }
  return out;
}

}  // namespace spanflow::processors::batch
