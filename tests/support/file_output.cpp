#include "support/file_output.h"

#include <fstream>
#include <iterator>
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

std::vector<otlp::ExportRequest> read_proto_records(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<otlp::ExportRequest> out;
  std::size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < 4) throw std::runtime_error(path + ": a length prefix cut short");
    const auto* p = reinterpret_cast<const unsigned char*>(data.data() + at);
    const std::size_t length = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) |
                               (std::size_t{p[2]} << 8) | std::size_t{p[3]};
    at += 4;
    if (data.size() - at < length) throw std::runtime_error(path + ": a record cut short");
    if (!out.emplace_back().ParseFromArray(data.data() + at, static_cast<int>(length))) {
      throw std::runtime_error(path + ": a record that does not decode");
    }
    at += length;
  }
  return out;
}

std::vector<otlp::ExportRequest> read_requests(const std::string& path, const std::string& format) {
  return format == "proto" ? read_proto_records(path) : read_json_lines(path);
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
