#include "service/fanout.h"

#include <algorithm>

namespace spanflow::service {

bool Fanout::reads_spans() const {
  return std::any_of(consumers_.begin(), consumers_.end(),
                     [](const TraceConsumer* c) { return c->reads_spans(); });
}

ConsumeResult Fanout::consume(TraceBatch&& batch) {
  ConsumeResult result = ConsumeResult::ok();
  const std::size_t last = consumers_.size() - 1;
  for (std::size_t i = 0; i < last; ++i) {
    result = combine(std::move(result), consumers_[i]->consume(batch.share()));
  }
  return combine(std::move(result), consumers_[last]->consume(std::move(batch)));
}

ConsumeResult Fanout::admit(std::uint64_t bytes, Reservations& out) {
  const std::size_t before = out.size();
  for (auto* consumer : consumers_) {
    ConsumeResult result = consumer->admit(bytes, out);
    if (!result.is_ok()) {
      out.erase(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
      return result;
    }
  }
  return ConsumeResult::ok();
}

}  // namespace spanflow::service
