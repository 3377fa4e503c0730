// Reading an encoded ExportTraceServiceRequest without decoding it.
//
// A pipeline that only batches and forwards never needs the decoded messages: the receiver
// checks the bytes once here, the batch processor concatenates them, the exporter sends them.
// The check accepts exactly what protobuf's parser accepts (the tests compare the two on
// mutated and truncated requests), so bytes that pass always decode later.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace spanflow {

struct WireScan {
  std::uint64_t spans = 0;
  // Spans whose ids cannot be valid (trace id not 16 non-zero bytes, span id not 8 non-zero
  // bytes, parent id neither empty nor 8 bytes): the receiver decodes such a request to
  // remove them.
  std::uint64_t invalid_ids = 0;
};

// Walks every message of the request as protobuf's parser would (wire types, lengths, UTF-8
// of string fields, nesting limit of 100, unknown fields skipped); nullopt when the parser
// would refuse the bytes.
std::optional<WireScan> scan_export_request(std::string_view wire);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool valid_utf8(std::string_view text);

}  // namespace spanflow
