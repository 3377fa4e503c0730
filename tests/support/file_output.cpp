#include "support/file_output.h"

#include <fstream>
#include <stdexcept>

#include "codec/otlp_json.h"

namespace spanflow::testing {

std::vector<otlp::ExportRequest> read_json_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<otlp::ExportRequest> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string error;
    if (!codec::decode_trace_request(line, out.emplace_back(), error)) {
      throw std::runtime_error("cannot decode line of " + path + ": " + error);
    }
  }
  return out;
}

std::map<std::string, SpanRecord> spans_by_id(const std::vector<otlp::ExportRequest>& requests) {
  std::map<std::string, SpanRecord> out;
  for (const auto& request : requests) {
    for (const auto& rs : request.resource_spans()) {
      for (const auto& ss : rs.scope_spans()) {
        for (const auto& span : ss.spans()) out[span.span_id()] = {span, rs.resource(), ss.scope()};
      }
    }
  }
  return out;
}

std::size_t span_total(const std::vector<otlp::ExportRequest>& requests) {
  std::size_t n = 0;
  for (const auto& r : requests) {
    for (const auto& rs : r.resource_spans()) {
      for (const auto& ss : rs.scope_spans()) n += static_cast<std::size_t>(ss.spans_size());
    }
  }
  return n;
}

}  // namespace spanflow::testing
