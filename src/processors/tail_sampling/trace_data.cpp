#include "processors/tail_sampling/trace_data.h"

#include <functional>

namespace spanflow::processors::tail_sampling {

namespace {

// Field numbers shared by ResourceSpans (resource, scope_spans, schema_url) and ScopeSpans
// (scope, spans, schema_url), and ExportTraceServiceRequest.resource_spans.
constexpr std::uint32_t kHeaderField = 1;
constexpr std::uint32_t kItemsField = 2;
constexpr std::uint32_t kSchemaUrlField = 3;
constexpr std::uint32_t kLengthDelimited = 2;

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::uint64_t varint_size(std::uint64_t v) {
  std::uint64_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

// Tag, length and payload of a length-delimited field of `size` bytes (field numbers < 16).
std::uint64_t field_size(std::uint64_t size) {
  return 1 + varint_size(size) + size;
}

void put_tag(std::string& out, std::uint32_t field) {
  out.push_back(static_cast<char>(field << 3 | kLengthDelimited));
}

void put_field(std::string& out, std::uint32_t field, std::string_view bytes) {
  put_tag(out, field);
  put_varint(out, bytes.size());
  out.append(bytes);
}

// The header of a ResourceSpans or ScopeSpans: its resource/scope message and schema_url.
std::string header_bytes(const google::protobuf::MessageLite* header,
                         const std::string& schema_url) {
  std::string out;
  if (header != nullptr) put_field(out, kHeaderField, header->SerializeAsString());
  if (!schema_url.empty()) put_field(out, kSchemaUrlField, schema_url);
  return out;
}

std::uint64_t hash(const std::string& bytes) {
  return std::hash<std::string_view>()(bytes);
}

std::uint64_t string_heap(const std::string& s) {
  // libstdc++ keeps up to 15 characters inline; longer ones are one malloc chunk (+16 header).
  return s.capacity() > 15 ? s.capacity() + 1 + 16 : 0;
}

}  // namespace

SpanSource SpanSource::of(const otlp::ResourceSpans& rs, const otlp::ScopeSpans& ss) {
  SpanSource source;
  source.resource = header_bytes(rs.has_resource() ? &rs.resource() : nullptr, rs.schema_url());
  source.scope = header_bytes(ss.has_scope() ? &ss.scope() : nullptr, ss.schema_url());
  source.resource_key = hash(source.resource);
  source.scope_key = hash(source.scope);
  return source;
}

std::shared_ptr<const std::string> HeaderPool::intern(std::uint64_t key, const std::string& bytes) {
  const auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (*it->second == bytes) return it->second;
    return std::make_shared<const std::string>(bytes);  // a hash collision: not pooled
  }
  if (entries_.size() >= sweep_at_) sweep();
  auto pooled = std::make_shared<const std::string>(bytes);
  bytes_ += cost(*pooled);
  entries_.emplace(key, pooled);
  return pooled;
}

void HeaderPool::sweep() {
  std::erase_if(entries_, [this](const auto& entry) {
    if (entry.second.use_count() > 1) return false;
    bytes_ -= cost(*entry.second);
    return true;
  });
  sweep_at_ = std::max<std::size_t>(64, 2 * entries_.size());
}

std::uint64_t HeaderPool::cost(const std::string& s) {
  // The string, its shared_ptr control block and the map node, each with a malloc header.
  return string_heap(s) + sizeof(std::string) + 32 + 16 + 48 + 16;
}

void TraceData::append(const SpanSource& source, const otlp::Span& span, HeaderPool& pool) {
  Group* group = nullptr;
  for (Group& g : groups_) {
    if (g.resource_key == source.resource_key && g.scope_key == source.scope_key &&
        *g.resource == source.resource && *g.scope == source.scope) {
      group = &g;
      break;
    }
  }
  if (group == nullptr) {
    Group fresh;
    fresh.resource_key = source.resource_key;
    fresh.scope_key = source.scope_key;
    fresh.resource = pool.intern(source.resource_key, source.resource);
    fresh.scope = pool.intern(source.scope_key, source.scope);
    groups_.push_back(std::move(fresh));
    group = &groups_.back();
  }
  const std::size_t size = span.ByteSizeLong();
  std::string& out = group->spans;
  put_tag(out, kItemsField);
  put_varint(out, size);
  const std::size_t at = out.size();
  out.resize(at + size);
  span.SerializeWithCachedSizesToArray(reinterpret_cast<std::uint8_t*>(out.data() + at));
  ++spans_;
}

std::uint64_t TraceData::encoded_bytes() const {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    bool first_of_resource = true;
    for (std::size_t j = 0; j < i; ++j) {
      if (groups_[j].resource == groups_[i].resource) first_of_resource = false;
    }
    if (!first_of_resource) continue;
    std::uint64_t resource_spans = groups_[i].resource->size();
    for (std::size_t j = i; j < groups_.size(); ++j) {
      if (groups_[j].resource != groups_[i].resource) continue;
      resource_spans += field_size(groups_[j].scope->size() + groups_[j].spans.size());
    }
    total += field_size(resource_spans);
  }
  return total;
}

std::uint64_t TraceData::memory_bytes() const {
  std::uint64_t total = groups_.capacity() * sizeof(Group) + (groups_.empty() ? 0 : 16);
  for (const Group& g : groups_) total += string_heap(g.spans);
  return total;
}

bool TraceData::decode(otlp::ExportRequest& out) const {
  bool ok = true;
  std::vector<std::pair<const std::string*, otlp::ResourceSpans*>> resources;
  for (const Group& g : groups_) {
    otlp::ResourceSpans* rs = nullptr;
    for (const auto& [header, made] : resources) {
      if (header == g.resource.get()) rs = made;
    }
    if (rs == nullptr) {
      rs = out.add_resource_spans();
      ok = rs->MergeFromString(*g.resource) && ok;
      resources.emplace_back(g.resource.get(), rs);
    }
    otlp::ScopeSpans* ss = rs->add_scope_spans();
    // Merging the `spans` fields appends every span to the ScopeSpans.
    ok = ss->MergeFromString(*g.scope) && ok;
    ok = ss->MergeFromString(g.spans) && ok;
  }
  return ok;
}

}  // namespace spanflow::processors::tail_sampling
