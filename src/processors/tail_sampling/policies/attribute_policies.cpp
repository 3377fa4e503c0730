// Policies on attribute values: string_attribute, numeric_attribute, boolean_attribute, and
// on the W3C tracestate: trace_state.
//
// An attribute counts only with the value type the policy reads (a string for
// string_attribute, an int for numeric_attribute, a bool for boolean_attribute). The Collector
// reads other types as "", 0 or false, so there `min_value: -5` matches a string attribute;
// spanflow does not.
#include <limits>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "core/tracestate_lookup.h"
#include "processors/tail_sampling/policies/makers.h"
#include "processors/tail_sampling/policies/match.h"

namespace spanflow::processors::tail_sampling::policies {

namespace {

const std::string* string_value(const Attributes& attributes, const std::string& key) {
  const otlp::AnyValue* value = find_attribute(attributes, key);
  if (value == nullptr || value->value_case() != otlp::AnyValue::kStringValue) return nullptr;
  return &value->string_value();
}

class StringAttribute final : public Policy {
 public:
  explicit StringAttribute(const StringAttributeConfig& config) : config_(config) {
    for (const std::string& value : config.values) {
      if (!value.empty()) exact_.insert(value);  // the Collector ignores empty values
    }
  }

  Decision evaluate(const TraceView& trace, Evaluation&) override {
    // Resource values match as they are; span values only when non-empty (the Collector's rule).
    const auto resource_match = [this](const otlp::Resource& r) {
      const std::string* v = string_value(r.attributes(), config_.key);
      return v != nullptr && matches(*v);
    };
    const auto span_match = [this](const otlp::Span& s) {
      const std::string* v = string_value(s.attributes(), config_.key);
      return v != nullptr && !v->empty() && matches(*v);
    };
    if (!config_.invert_match) {
      return any_resource_or_span(trace.spans, resource_match, span_match);
    }
    return all_resources_and_spans(
        trace.spans, [&](const otlp::Resource& r) { return !resource_match(r); },
        [&](const otlp::Span& s) { return !span_match(s); });
  }

 private:
  bool matches(const std::string& value) {
    if (!config_.enabled_regex_matching) return exact_.contains(value);
    {
      std::lock_guard lock(cache_mu_);
      if (const auto it = cache_.find(value); it != cache_.end()) return it->second;
    }
    bool match = false;
    for (const attributes::Re2Pattern& pattern : config_.patterns) {
      if (pattern.search(value)) {
        match = true;
        break;
      }
    }
    std::lock_guard lock(cache_mu_);
    // Bounded by cache_max_size: emptied when full rather than evicting one by one.
    if (cache_.size() >= static_cast<std::size_t>(config_.cache_max_size)) cache_.clear();
    cache_.emplace(value, match);
    return match;
  }

  StringAttributeConfig config_;
  std::unordered_set<std::string> exact_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, bool> cache_;  // regex results by value
};

// An int attribute in [min, max]; a 0 bound is unbounded, as in the Collector.
class NumericAttribute final : public Policy {
 public:
  explicit NumericAttribute(const NumericAttributeConfig& config)
      : key_(config.key),
        min_(config.min_value != 0 ? config.min_value : std::numeric_limits<std::int64_t>::min()),
        max_(config.max_value != 0 ? config.max_value : std::numeric_limits<std::int64_t>::max()),
        invert_(config.invert_match) {}

  Decision evaluate(const TraceView& trace, Evaluation&) override {
    const auto in_range = [this](const Attributes& attributes) {
      const otlp::AnyValue* v = find_attribute(attributes, key_);
      return v != nullptr && v->value_case() == otlp::AnyValue::kIntValue &&
             v->int_value() >= min_ && v->int_value() <= max_;
    };
    const auto resource = [&](const otlp::Resource& r) { return in_range(r.attributes()); };
    const auto span = [&](const otlp::Span& s) { return in_range(s.attributes()); };
    if (!invert_) return any_resource_or_span(trace.spans, resource, span);
    return all_resources_and_spans(
        trace.spans, [&](const otlp::Resource& r) { return !resource(r); },
        [&](const otlp::Span& s) { return !span(s); });
  }

 private:
  std::string key_;
  std::int64_t min_;
  std::int64_t max_;
  bool invert_;
};

class BooleanAttribute final : public Policy {
 public:
  explicit BooleanAttribute(const BooleanAttributeConfig& config) : config_(config) {}

  Decision evaluate(const TraceView& trace, Evaluation&) override {
    const auto equal = [this](const Attributes& attributes) {
      const otlp::AnyValue* v = find_attribute(attributes, config_.key);
      return v != nullptr && v->value_case() == otlp::AnyValue::kBoolValue &&
             v->bool_value() == config_.value;
    };
    const auto resource = [&](const otlp::Resource& r) { return equal(r.attributes()); };
    const auto span = [&](const otlp::Span& s) { return equal(s.attributes()); };
    if (!config_.invert_match) return any_resource_or_span(trace.spans, resource, span);
    return all_resources_and_spans(
        trace.spans, [&](const otlp::Resource& r) { return !resource(r); },
        [&](const otlp::Span& s) { return !span(s); });
  }

 private:
  BooleanAttributeConfig config_;
};

class TraceState final : public Policy {
 public:
  explicit TraceState(const TraceStateConfig& config) : key_(config.key) {
    for (const std::string& value : config.values) {
      // As in the Collector: an entry ("key=value") must stay under 256 characters.
      if (!value.empty() && key_.size() + value.size() < 256) values_.insert(value);
    }
  }

  Decision evaluate(const TraceView& trace, Evaluation&) override {
    const bool match = any_span(trace.spans, [this](const otlp::Span& s) {
      const TraceStateEntry entry = find_tracestate_entry(s.trace_state(), key_);
      return entry.valid && entry.value && values_.contains(std::string(*entry.value));
    });
    return match ? Decision::kSampled : Decision::kNotSampled;
  }

 private:
  std::string key_;
  std::unordered_set<std::string> values_;
};

}  // namespace

std::unique_ptr<Policy> make_string_attribute(const StringAttributeConfig& config) {
  return std::make_unique<StringAttribute>(config);
}
std::unique_ptr<Policy> make_numeric_attribute(const NumericAttributeConfig& config) {
  return std::make_unique<NumericAttribute>(config);
}
std::unique_ptr<Policy> make_boolean_attribute(const BooleanAttributeConfig& config) {
  return std::make_unique<BooleanAttribute>(config);
}
std::unique_ptr<Policy> make_trace_state(const TraceStateConfig& config) {
  return std::make_unique<TraceState>(config);
}

}  // namespace spanflow::processors::tail_sampling::policies
