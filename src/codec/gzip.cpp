#include "codec/gzip.h"

#include <zlib.h>

#include <stdexcept>

namespace spanflow::codec {

namespace {
// Owns a z_stream for inflation; ends it on scope exit.
class Inflater {
 public:
  explicit Inflater(bool zlib_format) {
    if (inflateInit2(&z_, zlib_format ? MAX_WBITS : 16 + MAX_WBITS) != Z_OK) {
      throw std::bad_alloc();
    }
  }
  ~Inflater() { inflateEnd(&z_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream& get() { return z_; }

 private:
  z_stream z_{};
};
}  // namespace

InflateStatus inflate(std::string_view in, bool zlib_format, std::size_t limit, std::string& out,
                      std::string& error) {
  out.clear();
  Inflater inflater(zlib_format);
  z_stream& z = inflater.get();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  out.resize(std::min<std::size_t>(limit + 1, std::max<std::size_t>(in.size() * 4, 4096)));
  std::size_t produced = 0;
  for (;;) {
    if (produced == out.size()) {
      if (out.size() > limit) return InflateStatus::kTooLarge;
      out.resize(std::min<std::size_t>(limit + 1, out.size() * 2));
    }
    z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z.avail_out = static_cast<uInt>(out.size() - produced);
    const int rc = ::inflate(&z, Z_NO_FLUSH);
    produced = out.size() - z.avail_out;
    if (produced > limit) return InflateStatus::kTooLarge;
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      if (inflateReset(&z) != Z_OK) break;  // the next gzip member follows
      continue;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0 && z.avail_out != 0) {
      error = zlib_format ? "truncated deflate stream" : "truncated gzip stream";
      return InflateStatus::kCorrupt;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error = z.msg != nullptr ? z.msg : "corrupt compressed data";
      return InflateStatus::kCorrupt;
    }
  }
  out.resize(produced);
  return InflateStatus::kOk;
}

std::string gzip(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::bad_alloc();
  }
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

}  // namespace spanflow::codec
