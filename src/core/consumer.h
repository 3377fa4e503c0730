// TraceConsumer: the only edge between pipeline stages.
#pragma once

#include <chrono>
#include <string>

#include "core/memory_budget.h"
#include "core/trace_batch.h"

namespace spanflow {

// What a stage says about a batch it was given. Data-plane code returns it; it never throws.
struct ConsumeResult {
  enum class Kind {
    kOk,         // accepted: delivered, or deliberately dropped (filtered, sampled out)
    kRetryable,  // refused for now (memory, full queue); the sender should retry
    kPermanent,  // can never be accepted (bad data); the sender must not retry
  };
  Kind kind = Kind::kOk;
  std::string message;
  std::chrono::milliseconds retry_after{0};  // a hint for kRetryable; 0 = none
  long rejected_spans = 0;                   // with kOk: spans dropped as invalid (partial success)

  static ConsumeResult ok() { return {}; }
  static ConsumeResult retryable(std::string msg, std::chrono::milliseconds after = {}) {
    return {Kind::kRetryable, std::move(msg), after, 0};
  }
  static ConsumeResult permanent(std::string msg) { return {Kind::kPermanent, std::move(msg)}; }
  bool is_ok() const { return kind == Kind::kOk; }
};

// Combines the results of fan-out branches: the worst kind wins; messages are joined.
ConsumeResult combine(ConsumeResult a, const ConsumeResult& b);

// Takes ownership of a batch. After consume() the caller no longer holds it (enforced by &&).
// May be called concurrently from several receiver threads; implementations say how they cope.
// A stage that changes data calls batch.mutable_request(), which copies only while a fan-out
// sibling still shares the payload, so no "mutates data" flag is needed.
class TraceConsumer {
 public:
  virtual ~TraceConsumer() = default;
  virtual ConsumeResult consume(TraceBatch&& batch) = 0;

  // Admission, before a receiver decodes a request of about `bytes`: a stage that accounts
  // memory (memory_limiter) reserves room into `out` or refuses (retryable). Others grant
  // without reserving. The receiver attaches `out` to the decoded batch.
  virtual ConsumeResult admit(std::uint64_t /*bytes*/, Reservations& /*out*/) {
    return ConsumeResult::ok();
  }

  // Whether this stage, or one it hands batches to, reads the decoded request (the Collector
  // asks its consumers for capabilities the same way). Receivers ask once, at start: when
  // nothing reads spans they keep a protobuf request's bytes (TraceBatch::from_wire) and a
  // pipeline that only forwards never decodes; otherwise they decode up front.
  virtual bool reads_spans() const { return true; }
};

}  // namespace spanflow
