// Sender: what a network exporter implements, one delivery attempt of one batch. The shared
// delivery layer (queued_exporter.h) adds the sending queue, retries with backoff, the
// per-attempt timeout and the exporter metrics around it.
#pragma once

#include <chrono>
#include <string>

#include "core/component.h"
#include "core/trace_batch.h"

namespace spanflow::exporters {

struct SendResult {
  enum class Kind {
    kOk,         // delivered (possibly partially: see rejected_spans)
    kRetryable,  // try again later (UNAVAILABLE, 429/503, timeouts, connection refused)
    kPermanent,  // will never succeed (bad request, auth, not found): drop and count
  };
  Kind kind = Kind::kOk;
  std::string message;
  std::chrono::milliseconds retry_after{0};  // server's RetryInfo / Retry-After, 0 = none
  long rejected_spans = 0;                   // with kOk: partial success (logged, counted)

  static SendResult ok() { return {}; }
  static SendResult retryable(std::string m, std::chrono::milliseconds after = {}) {
    return {Kind::kRetryable, std::move(m), after, 0};
  }
  static SendResult permanent(std::string m) { return {Kind::kPermanent, std::move(m)}; }
};

// Thread-safety: send() is called concurrently by the queue's consumers (num_consumers).
class Sender {
 public:
  virtual ~Sender() = default;
  // Connects or prepares; throws std::runtime_error with context when it cannot (bad TLS
  // files, unparsable endpoint). Not called for a config that is only validated.
  virtual void start() {}
  // One attempt, to return by `deadline` (the per-attempt timeout). Never throws.
  virtual SendResult send(const TraceBatch& batch, Deadline deadline) = 0;
  // Whether send() reads the decoded request (see TraceConsumer::reads_spans); a sender that
  // writes the batch as protobuf (TraceBatch::write_wire) does not.
  virtual bool reads_spans() const { return true; }
  virtual void shutdown() {}
};

}  // namespace spanflow::exporters
