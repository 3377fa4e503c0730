#include "service/fanout.h"

namespace spanflow::service {

ConsumeResult Fanout::consume(TraceBatch&& batch) {
  ConsumeResult result = ConsumeResult::ok();
  const std::size_t last = consumers_.size() - 1;
  for (std::size_t i = 0; i < last; ++i) {
    result = combine(std::move(result), consumers_[i]->consume(batch.share()));
  }
  return combine(std::move(result), consumers_[last]->consume(std::move(batch)));
}

}  // namespace spanflow::service
