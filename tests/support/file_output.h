// Reads what the file exporter wrote.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/otlp.h"

namespace spanflow::testing {

// Each line decoded as OTLP/JSON; throws on a line that does not decode.
std::vector<otlp::ExportRequest> read_json_lines(const std::string& path);
// Each record of a `format: proto` file (a 4-byte big-endian length, then the request);
// throws on a record cut short or one that does not decode.
std::vector<otlp::ExportRequest> read_proto_records(const std::string& path);
// The requests in a file the exporter wrote in `format` (json or proto).
std::vector<otlp::ExportRequest> read_requests(const std::string& path, const std::string& format);
// Every span in the requests by span id, with the resource and scope it came under.
struct SpanRecord {
  otlp::Span span;
  otlp::Resource resource;
  otlp::Scope scope;
};
std::map<std::string, SpanRecord> spans_by_id(const std::vector<otlp::ExportRequest>& requests);
std::size_t span_total(const std::vector<otlp::ExportRequest>& requests);

}  // namespace spanflow::testing
