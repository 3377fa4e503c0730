// Content-Encoding decoders for request bodies (gzip, deflate), bounded against decompression
// bombs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace spanflow::codec {

enum class InflateStatus { kOk, kTooLarge, kCorrupt };

// Decodes a gzip stream (one or more members) or, with `zlib_format`, a zlib "deflate" stream
// into `out`. Stops with kTooLarge as soon as the output would exceed `limit` bytes. On
// kCorrupt, `error` says why ("truncated gzip stream", zlib's message).
InflateStatus inflate(std::string_view in, bool zlib_format, std::size_t limit, std::string& out,
                      std::string& error);

// Compresses `in` as one gzip member (for tests and exporters).
std::string gzip(std::string_view in);

}  // namespace spanflow::codec
