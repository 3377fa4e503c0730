// The settings map of each leaf policy type, with the checks that make a policy buildable.
#include <optional>

#include "processors/tail_sampling/policy_config.h"

namespace spanflow::processors::tail_sampling::detail {

namespace {

using config::ConfigNode;

// A required, non-empty string key.
void read_key(ConfigNode& node, std::string& out) {
  node.require("key");
  node.read("key", out);
  if (node.has("key") && out.empty()) node.error_at("key", "must not be empty");
}

// A required list of strings with at least one element.
void read_values(ConfigNode& node, std::string_view key, std::vector<std::string>& out) {
  node.require(key);
  node.read(key, out);
  if (node.has(key) && out.empty()) node.error_at(key, "must list at least one value");
}

void parse_latency(ConfigNode& node, LatencyConfig& c) {
  if (!node.has("threshold_ms") && !node.has("upper_threshold_ms")) {
    node.error("missing required key 'threshold_ms'", "trace duration in ms at which to sample");
  }
  node.read("threshold_ms", c.threshold_ms);
  node.read("upper_threshold_ms", c.upper_threshold_ms);
  if (c.threshold_ms < 0) node.error_at("threshold_ms", "must not be negative");
  if (c.upper_threshold_ms < 0) node.error_at("upper_threshold_ms", "must not be negative");
  if (c.upper_threshold_ms != 0 && c.upper_threshold_ms <= c.threshold_ms) {
    node.error_at("upper_threshold_ms",
                  "must be greater than threshold_ms (" + std::to_string(c.threshold_ms) +
                      "): traces are sampled when threshold_ms < duration <= upper_threshold_ms");
  }
}

void parse_numeric(ConfigNode& node, NumericAttributeConfig& c) {
  read_key(node, c.key);
  node.read("min_value", c.min_value);
  node.read("max_value", c.max_value);
  node.read("invert_match", c.invert_match);
  if (c.min_value == 0 && c.max_value == 0) {
    node.error("set min_value or max_value: 0 means unbounded, so at least one must be non-zero");
  } else if (c.min_value != 0 && c.max_value != 0 && c.min_value > c.max_value) {
    node.error_at("min_value", "min_value (" + std::to_string(c.min_value) +
                                   ") must be less than or equal to max_value (" +
                                   std::to_string(c.max_value) + ")");
  }
}

void parse_probabilistic(ConfigNode& node, ProbabilisticConfig& c) {
  node.require("sampling_percentage");
  node.read("sampling_percentage", c.sampling_percentage);
  node.read("hash_salt", c.hash_salt);
  if (c.sampling_percentage < 0) {
    node.error_at("sampling_percentage", "must not be negative");
  }
}

void parse_status_code(ConfigNode& node, StatusCodeConfig& c) {
  std::vector<std::string> names;
  read_values(node, "status_codes", names);
  const std::vector<std::string> known = {"OK", "ERROR", "UNSET"};
  for (const std::string& name : names) {
    if (name == "OK") {
      c.codes.push_back(1);
    } else if (name == "ERROR") {
      c.codes.push_back(2);
    } else if (name == "UNSET") {
      c.codes.push_back(0);
    } else {
      const std::string suggestion = config::did_you_mean(name, known);
      node.error_at("status_codes",
                    "unknown status code \"" + name + "\", supported: OK, ERROR, UNSET",
                    suggestion.empty() ? "" : "did you mean '" + suggestion + "'?");
    }
  }
}

void parse_string_attribute(ConfigNode& node, StringAttributeConfig& c) {
  read_key(node, c.key);
  read_values(node, "values", c.values);
  node.read("enabled_regex_matching", c.enabled_regex_matching);
  node.read("cache_max_size", c.cache_max_size);
  node.read("invert_match", c.invert_match);
  if (c.cache_max_size < 0) node.error_at("cache_max_size", "must not be negative");
  if (c.cache_max_size == 0) c.cache_max_size = 128;  // the Collector's default for <= 0
  if (!c.enabled_regex_matching) return;
  bool unanchored = false;
  for (const std::string& value : c.values) {
    std::string problem;
    if (std::optional<attributes::Re2Pattern> pattern =
            attributes::Re2Pattern::compile(value, problem)) {
      c.patterns.push_back(std::move(*pattern));
      unanchored = unanchored || value.empty() || value.front() != '^' || value.back() != '$';
    } else {
      node.error_at("values", "invalid regular expression '" + value + "': " + problem);
    }
  }
  if (unanchored) {
    node.child("values")->warn(
        "regular expressions match anywhere in the value (unanchored, as in the Collector); "
        "write ^...$ to match whole values");
  }
}

void parse_count(ConfigNode& node, SpanCountConfig& c) {
  if (!node.has("min_spans") && !node.has("max_spans")) {
    node.error("missing required key 'min_spans'", "the fewest spans a sampled trace has");
  }
  node.read("min_spans", c.min_spans);
  node.read("max_spans", c.max_spans);
  if (c.min_spans < 0) node.error_at("min_spans", "must not be negative");
  if (c.max_spans < 0) node.error_at("max_spans", "must not be negative");
  if (c.max_spans != 0 && c.max_spans < c.min_spans) {
    node.error_at("max_spans", "must be 0 (no upper bound) or at least min_spans (" +
                                   std::to_string(c.min_spans) + ")");
  }
}

// rate_limiting and bytes_limiting: a positive rate and an optional burst.
void parse_rate(ConfigNode& node, std::string_view rate_key, std::int64_t& rate,
                std::int64_t& burst) {
  node.require(rate_key);
  node.read(rate_key, rate);
  node.read("burst_capacity", burst);
  if (node.has(rate_key) && rate <= 0) node.error_at(rate_key, "must be greater than 0");
  if (burst < 0) node.error_at("burst_capacity", "must not be negative");
}

void parse_boolean(ConfigNode& node, BooleanAttributeConfig& c) {
  read_key(node, c.key);
  node.require("value");
  node.read("value", c.value);
  node.read("invert_match", c.invert_match);
}

void parse_trace_state(ConfigNode& node, TraceStateConfig& c) {
  read_key(node, c.key);
  read_values(node, "values", c.values);
}

void read_conditions(ConfigNode& node, std::string_view key, ottl::ContextKind kind,
                     std::vector<ottl::Condition>& out) {
  std::optional<ConfigNode> list = node.child(key);
  if (!list) return;
  for (ConfigNode& item : list->items()) {
    const std::optional<std::string> text = item.as_string();
    if (!text) continue;
    ottl::CompileError error;
    if (std::optional<ottl::Condition> condition = ottl::Condition::compile(*text, kind, error)) {
      out.push_back(std::move(*condition));
    } else {
      item.error(error.message);
    }
  }
}

void parse_ottl(ConfigNode& node, OttlConditionConfig& c) {
  std::string mode = "propagate";
  node.read_enum("error_mode", mode, {"propagate", "ignore", "silent"});
  c.error_mode = mode == "ignore"   ? OttlErrorMode::kIgnore
                 : mode == "silent" ? OttlErrorMode::kSilent
                                    : OttlErrorMode::kPropagate;
  read_conditions(node, "span", ottl::ContextKind::kSpan, c.span);
  read_conditions(node, "spanevent", ottl::ContextKind::kSpanEvent, c.spanevent);
  if (!node.has("span") && !node.has("spanevent")) {
    node.error("expected at least one OTTL condition to filter on, under 'span' or 'spanevent'");
  }
}

}  // namespace

void parse_settings(ConfigNode& settings, PolicyConfig& out) {
  switch (out.type) {
    case PolicyType::kLatency:
      parse_latency(settings, out.latency);
      break;
    case PolicyType::kNumericAttribute:
      parse_numeric(settings, out.numeric_attribute);
      break;
    case PolicyType::kProbabilistic:
      parse_probabilistic(settings, out.probabilistic);
      break;
    case PolicyType::kStatusCode:
      parse_status_code(settings, out.status_code);
      break;
    case PolicyType::kStringAttribute:
      parse_string_attribute(settings, out.string_attribute);
      break;
    case PolicyType::kRateLimiting:
      parse_rate(settings, "spans_per_second", out.rate_limiting.spans_per_second,
                 out.rate_limiting.burst_capacity);
      break;
    case PolicyType::kBytesLimiting:
      parse_rate(settings, "bytes_per_second", out.bytes_limiting.bytes_per_second,
                 out.bytes_limiting.burst_capacity);
      break;
    case PolicyType::kSpanCount:
      parse_count(settings, out.span_count);
      break;
    case PolicyType::kBooleanAttribute:
      parse_boolean(settings, out.boolean_attribute);
      break;
    case PolicyType::kTraceState:
      parse_trace_state(settings, out.trace_state);
      break;
    case PolicyType::kOttlCondition:
      parse_ottl(settings, out.ottl_condition);
      break;
    default:
      break;  // no settings (always_sample, trace_flags) or a combinator (parsed elsewhere)
  }
  settings.finish();
}

}  // namespace spanflow::processors::tail_sampling::detail
