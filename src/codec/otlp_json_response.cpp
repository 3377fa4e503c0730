// OTLP/JSON decoding of what a server answers: ExportTraceServiceResponse and the
// google.rpc.Status of an error body (the OTLP/HTTP exporter reads both).
#include <string>
#include <string_view>

#include "codec/json_reader.h"
#include "codec/otlp_json.h"

namespace spanflow::codec {
namespace {

using detail::FieldName;
using detail::JsonReader;
using detail::Path;

constexpr FieldName kResponseFields[] = {{"partialSuccess", "partial_success"}};
enum : int { kRejectedSpans, kErrorMessage };
constexpr FieldName kPartialSuccessFields[] = {{"rejectedSpans", "rejected_spans"},
                                               {"errorMessage", "error_message"}};
enum : int { kCode, kMessage };
constexpr FieldName kStatusFields[] = {{"code", "code"}, {"message", "message"}};

}  // namespace

bool decode_trace_response(std::string_view json, otlp::ExportResponse& out, std::string& error) {
  out.Clear();
  JsonReader reader(json, error);
  const Path root{nullptr, "response", 0};
  return reader.object(root, kResponseFields, [&](int, const Path& fp) {
    auto& partial = *out.mutable_partial_success();
    return reader.object(fp, kPartialSuccessFields, [&](int f, const Path& p) {
      if (f == kErrorMessage) {
        return reader.text(p, *partial.mutable_error_message());
      }
      return reader.int64(p, [&](std::int64_t v) { partial.set_rejected_spans(v); });
    });
  }) && reader.finish();
}

bool decode_status(std::string_view json, google::rpc::Status& out, std::string& error) {
  out.Clear();
  JsonReader reader(json, error);
  const Path root{nullptr, "status", 0};
  return reader.object(root, kStatusFields, [&](int field, const Path& fp) {
    if (field == kMessage) return reader.text(fp, *out.mutable_message());
    return reader.int64(fp, [&](std::int64_t v) { out.set_code(static_cast<std::int32_t>(v)); });
  }) && reader.finish();
}

}  // namespace spanflow::codec
