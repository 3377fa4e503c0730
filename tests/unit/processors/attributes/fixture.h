// Helpers for the attributes processor's unit tests: a processor built from YAML (through its
// factory, as the service builds it), spans with typed attributes, and a readable rendering of
// attribute lists written independently of the processor's own value formatting.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/factory.h"
#include "core/otlp.h"
#include "support/trace_sink.h"

namespace spanflow::testing::attributes {

using Attributes = google::protobuf::RepeatedPtrField<otlp::KeyValue>;

// The processor's settings parsed from `yaml` (the body of processors::attributes); `report`
// holds every error and warning, one per line, as `spanflow validate` prints them.
struct Loaded {
  std::unique_ptr<ComponentConfig> config;
  std::string report;
  bool ok = false;
};
Loaded load(const std::string& yaml, const std::map<std::string, std::string>& env = {});

// A processor from valid `yaml` feeding a TraceSink.
class Harness {
 public:
  explicit Harness(const std::string& yaml, const std::map<std::string, std::string>& env = {});
  ~Harness();

  // Runs `request` through the processor; returns what reached the sink.
  otlp::ExportRequest run(const otlp::ExportRequest& request);
  // Runs one span (in a "checkout" resource and "spanflow.test" scope) with `attrs`; returns its
  // attributes afterwards, rendered by render().
  std::string run_attributes(const Attributes& attrs);
  Processor& processor() { return *processor_; }
  TraceSink& sink() { return sink_; }

 private:
  TraceSink sink_;
  std::unique_ptr<Processor> processor_;
};

// Typed attribute builders: each appends to `attrs` and returns the value for nesting.
otlp::AnyValue& put(Attributes& attrs, const std::string& key);
void put_str(Attributes& attrs, const std::string& key, const std::string& v);
void put_int(Attributes& attrs, const std::string& key, std::int64_t v);
void put_double(Attributes& attrs, const std::string& key, double v);
void put_bool(Attributes& attrs, const std::string& key, bool v);
void put_bytes(Attributes& attrs, const std::string& key, const std::string& v);

// "key=Str(v), key=Int(1), key=Double(1.5), key=Bool(true), key=Bytes(3), key=Slice[Str(a)],
// key=Map{k=Int(1)}, key=Empty" in list order.
std::string render(const Attributes& attrs);
std::string render(const otlp::AnyValue& value);

}  // namespace spanflow::testing::attributes
