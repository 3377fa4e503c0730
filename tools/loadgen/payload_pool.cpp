#include "payload_pool.h"

#include <set>
#include <stdexcept>

namespace spanflow::loadgen {

namespace {

std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace

void PayloadPool::add(const otlp::ExportRequest& request, std::string body) {
  std::vector<std::size_t> offsets;
  if (fresh_) {
    std::set<std::string> ids;
    for (const auto& rs : request.resource_spans()) {
      for (const auto& ss : rs.scope_spans()) {
        for (const auto& span : ss.spans()) ids.insert(span.trace_id());
      }
    }
    for (const auto& id : ids) {
      // Random 16-byte ids: an occurrence in the body is this id, never something else.
      const std::string needle = encoding_ == Encoding::kJson ? hex(id) : id;
      std::size_t at = 0, found = 0;
      while ((at = body.find(needle, at)) != std::string::npos) {
        offsets.push_back(at);
        at += needle.size();
        ++found;
      }
      if (found == 0) throw std::logic_error("trace id not found in its encoded request");
    }
  }
  bodies_.push_back(std::move(body));
  trace_id_offsets_.push_back(std::move(offsets));
}

std::string_view PayloadPool::body(std::int64_t n, std::string& scratch) const {
  const auto index = static_cast<std::size_t>(n) % bodies_.size();
  const std::string& body = bodies_[index];
  if (!fresh_) return body;
  const auto pass = static_cast<std::uint32_t>(static_cast<std::uint64_t>(n) / bodies_.size());
  scratch.assign(body);
  for (const std::size_t at : trace_id_offsets_[index]) {
    for (int i = 0; i < 4; ++i) {
      const auto byte = static_cast<unsigned char>(pass >> (8 * i));
      if (encoding_ == Encoding::kJson) {
        static constexpr char kDigits[] = "0123456789abcdef";
        scratch[at + 2 * static_cast<std::size_t>(i)] = kDigits[byte >> 4];
        scratch[at + 2 * static_cast<std::size_t>(i) + 1] = kDigits[byte & 15];
      } else {
        scratch[at + static_cast<std::size_t>(i)] = static_cast<char>(byte);
      }
    }
  }
  return scratch;
}

}  // namespace spanflow::loadgen
