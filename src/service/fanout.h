// Fanout: hands one batch to several consumers (a pipeline's exporters, a receiver's
// pipelines). All but the last get a shared handle; the last gets the batch itself. A branch
// that mutates copies only while the payload is shared (TraceBatch::mutable_request).
#pragma once

#include <vector>

#include "core/consumer.h"

namespace spanflow::service {

class Fanout final : public TraceConsumer {
 public:
  explicit Fanout(std::vector<TraceConsumer*> consumers) : consumers_(std::move(consumers)) {}

  // Every branch gets the batch, whatever the others answered; the results are combined
  // (the worst kind wins), so a refusing exporter makes the sender retry.
  ConsumeResult consume(TraceBatch&& batch) override;
  // Every branch must admit; a refusal releases what the others reserved.
  ConsumeResult admit(std::uint64_t bytes, Reservations& out) override;
  // Any branch that reads spans makes the batch worth decoding once, before it is shared.
  bool reads_spans() const override;

 private:
  std::vector<TraceConsumer*> consumers_;
};

}  // namespace spanflow::service
