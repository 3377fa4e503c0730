#include "exporters/debug/debug_exporter.h"

#include "codec/otlp_json.h"

namespace spanflow::exporters::debug {

namespace {
std::string hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}
}  // namespace

ConsumeResult DebugExporter::consume(TraceBatch&& batch) {
  const auto& request = batch.request();
  auto& log = *settings_.logger;
  log.info("{} Traces resource spans={} spans={}", settings_.id.to_string(),
           request.resource_spans_size(), batch.span_count());
  if (config_.verbosity == "normal") {
    for (const auto& rs : request.resource_spans()) {
      for (const auto& ss : rs.scope_spans()) {
        for (const auto& span : ss.spans()) {
          log.info("{} span name={} trace_id={} span_id={} kind={} status={}",
                   settings_.id.to_string(), span.name(), hex(span.trace_id()), hex(span.span_id()),
                   static_cast<int>(span.kind()), static_cast<int>(span.status().code()));
        }
      }
    }
  } else if (config_.verbosity == "detailed") {
    std::string json;
    codec::encode_trace_request(request, json);
    log.info("{} {}", settings_.id.to_string(), json);
  }
  telemetry_.sent.add(batch.span_count());
  return ConsumeResult::ok();
}

}  // namespace spanflow::exporters::debug
