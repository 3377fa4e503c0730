// Component: the lifecycle every receiver, processor, exporter and extension shares.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/consumer.h"

namespace spanflow {

using Deadline = std::chrono::steady_clock::time_point;

// A component's id in config: "type" or "type/name".
struct ComponentId {
  std::string type;
  std::string name;

  static std::optional<ComponentId> parse(std::string_view text);
  std::string to_string() const { return name.empty() ? type : type + "/" + name; }
  auto operator<=>(const ComponentId&) const = default;
};

class Extension;

// What a running component may ask of the service that hosts it.
class Host {
 public:
  virtual ~Host() = default;
  // True while every pipeline is started and not yet stopping (health_check reports it).
  virtual bool pipelines_ready() const = 0;
  // A running extension listed in service::extensions, or null (e.g. file_storage for a
  // persistent queue). Extensions start before any pipeline component.
  virtual Extension* extension(const ComponentId& /*id*/) const { return nullptr; }
};

// start() runs on the main thread, before any data; it throws std::runtime_error with context
// when the component cannot run (port in use, unreadable file). shutdown() stops intake,
// hands on or flushes what it holds, and returns by the deadline; it is idempotent and safe
// without start().
class Component {
 public:
  virtual ~Component() = default;
  virtual void start(Host& host) = 0;
  virtual void shutdown(Deadline deadline) = 0;
};

// Owns its listeners; constructed with the consumer that fans its data into its pipelines.
class Receiver : public Component {};

// A stage between receivers and exporters that hands what it keeps to `next`; stateless
// processors run on the caller's thread. Admission (TraceConsumer::admit, before a receiver
// decodes) is the next stage's unless the processor decides it: memory_limiter reserves
// memory, batch refuses while its buffer is full, tail_sampling buffers whatever comes.
// A processor reads spans (reads_spans() is true) unless it says otherwise.
class Processor : public Component, public TraceConsumer {
 public:
  explicit Processor(TraceConsumer& next) : next_(next) {}
  ConsumeResult admit(std::uint64_t bytes, Reservations& out) override {
    return next_.admit(bytes, out);
  }

 protected:
  TraceConsumer& next_;
};

// The end of a pipeline; may be shared by several pipelines (concurrent consume()).
class Exporter : public Component, public TraceConsumer {};

class Extension : public Component {};

}  // namespace spanflow
