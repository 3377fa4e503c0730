// PayloadPool: the pre-encoded request bodies a load sends, round-robin.
//
// With fresh trace ids, every pass over the pool rewrites the first 4 bytes of each trace id
// (8 hex digits in OTLP/JSON) with the pass number, so a long run sends new traces all along,
// as production does, instead of the same few hundred again (which tail sampling would treat
// as ever-growing traces). It costs one copy of the body per request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/otlp.h"

namespace spanflow::loadgen {

enum class Encoding { kProtobuf, kJson };

class PayloadPool {
 public:
  PayloadPool(Encoding encoding, bool fresh_trace_ids)
      : encoding_(encoding), fresh_(fresh_trace_ids) {}

  // Adds `body`, the encoding of `request` (possibly compressed when fresh ids are off).
  void add(const otlp::ExportRequest& request, std::string body);

  std::size_t size() const { return bodies_.size(); }
  // The body of send number `n`; patched into `scratch` with fresh trace ids.
  std::string_view body(std::int64_t n, std::string& scratch) const;

 private:
  Encoding encoding_;
  bool fresh_;
  std::vector<std::string> bodies_;
  std::vector<std::vector<std::size_t>> trace_id_offsets_;  // per body
};

}  // namespace spanflow::loadgen
