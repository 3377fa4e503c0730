// TraceSink: a consumer for tests that keeps what it gets and answers what it is told to.
#pragma once

#include <mutex>
#include <vector>

#include "core/consumer.h"

namespace spanflow::testing {

class TraceSink final : public TraceConsumer {
 public:
  ConsumeResult consume(TraceBatch&& batch) override {
    std::lock_guard lock(mu_);
    batches_.push_back(std::move(batch));
    return answer_;
  }
  // What it says to TraceConsumer::reads_spans (true unless told).
  bool reads_spans() const override { return reads_spans_; }
  void set_reads_spans(bool reads) { reads_spans_ = reads; }
  void answer(ConsumeResult result) {
    std::lock_guard lock(mu_);
    answer_ = std::move(result);
  }
  std::vector<TraceBatch>& batches() { return batches_; }
  std::size_t span_count() const {
    std::size_t n = 0;
    for (const auto& b : batches_) n += b.span_count();
    return n;
  }

 private:
  bool reads_spans_ = true;
  std::mutex mu_;
  std::vector<TraceBatch> batches_;
  ConsumeResult answer_;
};

}  // namespace spanflow::testing
