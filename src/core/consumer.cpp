#include "core/consumer.h"

#include <algorithm>

namespace spanflow {

ConsumeResult combine(ConsumeResult a, const ConsumeResult& b) {
  if (b.kind > a.kind) {
    a.kind = b.kind;
  }
  if (!b.message.empty()) {
    a.message = a.message.empty() ? b.message : a.message + "; " + b.message;
  }
  a.retry_after = std::max(a.retry_after, b.retry_after);
  a.rejected_spans = std::max(a.rejected_spans, b.rejected_spans);
  return a;
}

}  // namespace spanflow
