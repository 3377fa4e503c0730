#include "unit/processors/probabilistic_sampler/helpers.h"

#include <cstdlib>
#include <stdexcept>

namespace spanflow::testing::sampler {

std::string trace_id_from_hex(const std::string& hex) {
  if (hex.size() != 32) throw std::invalid_argument("trace id must be 32 hex digits: " + hex);
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

otlp::Span make_span(const std::string& trace_id, const std::string& trace_state) {
  otlp::Span span;
  span.set_trace_id(trace_id);
  span.set_span_id(std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  span.set_name("op");
  span.set_trace_state(trace_state);
  return span;
}

processors::probabilistic_sampler::Config make_config(const std::string& percentage,
                                                      processors::probabilistic_sampler::Mode mode,
                                                      std::uint32_t seed, bool fail_closed) {
  processors::probabilistic_sampler::Config config;
  // YAML numbers are float64 in the Collector, then stored in a float32.
  config.sampling_percentage = static_cast<float>(std::strtod(percentage.c_str(), nullptr));
  config.mode = mode;
  config.hash_seed = seed;
  config.fail_closed = fail_closed;
  return config;
}

}  // namespace spanflow::testing::sampler
