// OTLP/JSON codec for trace export requests and responses (OTLP spec, "JSON Protobuf Encoding").
//
// A purpose-built single-pass codec: the decoder is a recursive-descent parser over the input that
// writes straight into the protobuf message, the encoder appends compact JSON to one string.
// Ids are hex (not base64 as in generic proto3 JSON), 64-bit integers are decimal strings on output
// and numbers or strings on input, enums are integers on output and integers or names on input,
// default values are omitted, unknown fields are skipped. All functions are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/otlp.h"
#include "google/rpc/status.pb.h"

namespace spanflow::codec {

// Decodes an OTLP/JSON ExportTraceServiceRequest into `out`, which is cleared first and filled in
// place (so it may live on an arena). On failure returns false, sets `error` to an English message
// that names the field path and byte offset, and leaves `out` partially filled.
bool decode_trace_request(std::string_view json, otlp::ExportRequest& out, std::string& error);

// Appends the request as compact one-line OTLP/JSON (no trailing newline) to `out`.
void encode_trace_request(const otlp::ExportRequest& request, std::string& out);

// Appends the response, e.g. {} or {"partialSuccess":{"rejectedSpans":"3","errorMessage":"x"}}.
void encode_trace_response(const otlp::ExportResponse& response, std::string& out);

// Decodes an OTLP/JSON ExportTraceServiceResponse ({} or {"partialSuccess":{...}}) into `out`;
// false with `error` set when it is not one.
bool decode_trace_response(std::string_view json, otlp::ExportResponse& out, std::string& error);

// Decodes the code and message of a JSON google.rpc.Status (details are skipped).
bool decode_status(std::string_view json, google::rpc::Status& out, std::string& error);

// Appends {"code":3,"message":"..."}; zero code, empty message and empty details are omitted.
// A google.rpc.RetryInfo detail is written as {"@type":"type.googleapis.com/google.rpc.RetryInfo",
// "retryDelay":"1.500s"}; any other detail as {"@type":"<type url>","value":"<base64>"}.
void encode_status(const google::rpc::Status& status, std::string& out);

}  // namespace spanflow::codec
