// RefusingConsumer: a next stage that refuses the first N batches (retryable with a hint, or
// permanent; N = -1 refuses forever), then counts what it takes. For tests of stages that
// retry. Also `eventually`, to await a condition instead of sleeping a fixed time.
#pragma once

#include <chrono>
#include <mutex>
#include <thread>

#include "core/consumer.h"

namespace spanflow::testing {

class RefusingConsumer final : public TraceConsumer {
 public:
  RefusingConsumer(int refusals, bool permanent,
                   std::chrono::milliseconds hint = std::chrono::milliseconds(0))
      : left_(refusals), permanent_(permanent), hint_(hint) {}

  ConsumeResult consume(TraceBatch&& batch) override {
    std::lock_guard lock(mu_);
    ++calls_;
    if (left_ != 0) {
      if (left_ > 0) --left_;
      return permanent_ ? ConsumeResult::permanent("no") : ConsumeResult::retryable("busy", hint_);
    }
    spans_ += batch.span_count();
    return ConsumeResult::ok();
  }
  std::size_t spans() {
    std::lock_guard lock(mu_);
    return spans_;
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  int left_;
  bool permanent_;
  std::chrono::milliseconds hint_;
  int calls_ = 0;
  std::size_t spans_ = 0;
};

// Polls `condition` until it holds (true) or `limit` passes (false).
template <class F>
bool eventually(F condition, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace spanflow::testing
