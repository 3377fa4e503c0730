#include "processors/tail_sampling/policy_config.h"

#include <array>
#include <map>
#include <optional>

namespace spanflow::processors::tail_sampling {

namespace {

using config::ConfigNode;
using detail::Level;

struct TypeInfo {
  PolicyType type;
  std::string_view name;
  bool has_settings;  // reads a map under the key named like the type
};

constexpr std::array<TypeInfo, 16> kTypes = {{
    {PolicyType::kAlwaysSample, "always_sample", false},
    {PolicyType::kLatency, "latency", true},
    {PolicyType::kNumericAttribute, "numeric_attribute", true},
    {PolicyType::kProbabilistic, "probabilistic", true},
    {PolicyType::kStatusCode, "status_code", true},
    {PolicyType::kStringAttribute, "string_attribute", true},
    {PolicyType::kRateLimiting, "rate_limiting", true},
    {PolicyType::kBytesLimiting, "bytes_limiting", true},
    {PolicyType::kSpanCount, "span_count", true},
    {PolicyType::kBooleanAttribute, "boolean_attribute", true},
    {PolicyType::kTraceState, "trace_state", true},
    {PolicyType::kTraceFlags, "trace_flags", false},
    {PolicyType::kOttlCondition, "ottl_condition", true},
    {PolicyType::kAnd, "and", true},
    {PolicyType::kDrop, "drop", true},
    {PolicyType::kComposite, "composite", true},
}};

bool is_combinator(PolicyType type) {
  return type == PolicyType::kAnd || type == PolicyType::kDrop || type == PolicyType::kComposite;
}

bool allowed(PolicyType type, Level level) {
  switch (level) {
    case Level::kTop:
      return true;
    case Level::kCompositeSub:
      return !is_combinator(type) || type == PolicyType::kAnd;
    case Level::kAndSub:
      return !is_combinator(type);
  }
  return false;
}

std::string allowed_list(Level level) {
  std::string out;
  for (const TypeInfo& info : kTypes) {
    if (!allowed(info.type, level)) continue;
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::kTop:
      return "policies";
    case Level::kCompositeSub:
      return "composite_sub_policy";
    case Level::kAndSub:
      return "and_sub_policy / drop_sub_policy";
  }
  return "";
}

std::string mark_text(const config::Mark& mark) {
  return mark.file + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.col);
}

// The sub-policy list at `key` of `settings`, parsed at `level`; an error when it is missing
// or empty.
std::vector<PolicyConfig> parse_sub_policies(ConfigNode& settings, std::string_view key,
                                             Level level) {
  std::vector<PolicyConfig> out;
  std::optional<ConfigNode> list = settings.child(key);
  if (!list || list->is_null()) {
    settings.error("missing required key '" + std::string(key) + "' (a list of sub-policies)");
    return out;
  }
  std::vector<ConfigNode> items = list->items();
  if (items.empty() && list->kind() == config::ConfigValue::Kind::kSequence) {
    list->error("must list at least one sub-policy");
  }
  for (ConfigNode& item : items) {
    // Kept even when invalid, so its name still counts in rate_allocation checks (a config
    // with errors is never built).
    PolicyConfig sub;
    detail::parse_policy(item, level, sub);
    out.push_back(std::move(sub));
  }
  return out;
}

}  // namespace

std::string_view to_string(PolicyType type) {
  for (const TypeInfo& info : kTypes) {
    if (info.type == type) return info.name;
  }
  return "?";
}

namespace detail {

bool parse_policy(ConfigNode& node, Level level, PolicyConfig& out) {
  if (node.kind() != config::ConfigValue::Kind::kMap) {
    node.error("expected a map with 'name', 'type' and the type's settings, found " +
               std::string(config::describe(node.kind())));
    return false;
  }
  node.read("name", out.name);
  if (level != Level::kAndSub) {
    if (!node.has("name")) {
      node.error("missing required key 'name' (policies are told apart by name in metrics)");
    } else if (out.name.empty()) {
      node.error_at("name", "policy name cannot be empty");
    }
  }
  if (!node.has("type")) {
    node.error("missing required key 'type'", "one of: " + allowed_list(level));
    return false;
  }
  std::string type_text;
  node.read("type", type_text);
  const TypeInfo* info = nullptr;
  std::vector<std::string> names;
  for (const TypeInfo& candidate : kTypes) {
    names.emplace_back(candidate.name);
    if (candidate.name == type_text) info = &candidate;
  }
  if (info == nullptr) {
    const std::string suggestion = config::did_you_mean(type_text, names);
    node.error_at("type", "unknown policy type '" + type_text + "'",
                  suggestion.empty() ? "expected one of: " + allowed_list(level)
                                     : "did you mean '" + suggestion + "'?");
    return false;
  }
  if (!allowed(info->type, level)) {
    node.error_at("type",
                  "a '" + type_text + "' policy cannot be used in " + level_name(level) +
                      " (as in the Collector)",
                  "allowed here: " + allowed_list(level));
    return false;
  }
  out.type = info->type;
  // Settings of other types are ignored by the Collector; say so instead of failing.
  for (const TypeInfo& other : kTypes) {
    if (!other.has_settings || other.type == info->type || !node.has(other.name)) continue;
    node.child(other.name)->warn("ignored: this policy's type is '" + type_text + "'");
  }
  if (info->has_settings) {
    std::optional<ConfigNode> settings = node.child(info->name);
    if (!settings || settings->is_null()) {
      node.error("missing key '" + type_text + "': a '" + type_text +
                 "' policy reads its settings from it");
    } else {
      switch (info->type) {
        case PolicyType::kAnd:
          out.sub_policies = parse_sub_policies(*settings, "and_sub_policy", Level::kAndSub);
          settings->finish();
          break;
        case PolicyType::kDrop:
          out.sub_policies = parse_sub_policies(*settings, "drop_sub_policy", Level::kAndSub);
          settings->finish();
          break;
        case PolicyType::kComposite:
          parse_composite(*settings, out);
          break;
        default:
          parse_settings(*settings, out);
          break;
      }
    }
  }
  node.finish();
  return true;
}

void parse_composite(ConfigNode& settings, PolicyConfig& out) {
  CompositeConfig& c = out.composite;
  settings.require("max_total_spans_per_second");
  settings.read("max_total_spans_per_second", c.max_total_spans_per_second);
  if (settings.has("max_total_spans_per_second") && c.max_total_spans_per_second <= 0) {
    settings.error_at("max_total_spans_per_second", "must be greater than 0");
  }
  out.sub_policies = parse_sub_policies(settings, "composite_sub_policy", Level::kCompositeSub);

  // Sub-policy names: needed to allocate rates, so required and unique.
  std::map<std::string, const PolicyConfig*> by_name;
  std::vector<std::string> names;
  for (const PolicyConfig& sub : out.sub_policies) {
    if (sub.name.empty()) continue;  // reported by parse_policy ("missing required key")
    if (!by_name.emplace(sub.name, &sub).second) {
      settings.error_at("composite_sub_policy", "duplicate sub-policy name '" + sub.name + "'");
    }
    names.push_back(sub.name);
  }
  const auto check_name = [&](ConfigNode& at, std::string_view key, const std::string& name) {
    if (by_name.contains(name)) return true;
    const std::string suggestion = config::did_you_mean(name, names);
    at.error_at(key, "'" + name + "' is not a composite_sub_policy name",
                suggestion.empty() ? "" : "did you mean '" + suggestion + "'?");
    return false;
  };

  settings.read("policy_order", c.policy_order);
  if (settings.has("policy_order")) {
    for (const std::string& name : c.policy_order) check_name(settings, "policy_order", name);
    if (c.policy_order != names) {
      settings.child("policy_order")
          ->warn(
              "sub-policies are tried in composite_sub_policy order; policy_order is checked "
              "but does not reorder them (the Collector ignores it too)");
    }
  }

  std::int64_t total_percent = 0;
  std::map<std::string, bool> allocated;
  if (std::optional<ConfigNode> list = settings.child("rate_allocation")) {
    for (ConfigNode& item : list->items()) {
      RateAllocation allocation;
      item.require("policy");
      item.read("policy", allocation.policy);
      item.read("percent", allocation.percent);
      if (allocation.percent < 0 || allocation.percent > 100) {
        item.error_at("percent",
                      "must be between 0 and 100, found " + std::to_string(allocation.percent));
      }
      if (!allocation.policy.empty() && check_name(item, "policy", allocation.policy)) {
        if (!allocated.emplace(allocation.policy, true).second) {
          item.error_at("policy", "'" + allocation.policy + "' is allocated twice");
        }
      }
      total_percent += allocation.percent;
      item.finish();
      c.rate_allocation.push_back(std::move(allocation));
    }
    if (total_percent > 100) {
      list->error("the percentages add up to " + std::to_string(total_percent) +
                  "%, more than 100%");
    }
  }
  for (const std::string& name : names) {
    if (!allocated.contains(name)) {
      settings.warn("sub-policy '" + name +
                    "' has no rate_allocation entry: it gets no budget and never samples (as in "
                    "the Collector)");
    }
  }
  settings.finish();
}

}  // namespace detail

std::vector<PolicyConfig> parse_policies(ConfigNode& node) {
  std::vector<PolicyConfig> out;
  std::map<std::string, config::Mark> seen;
  for (ConfigNode& item : node.items()) {
    PolicyConfig policy;
    detail::parse_policy(item, Level::kTop, policy);
    if (!policy.name.empty()) {
      const auto [it, fresh] = seen.emplace(policy.name, item.mark());
      if (!fresh) {
        item.error_at("name", "duplicate policy name '" + policy.name + "'",
                      "first used at " + mark_text(it->second));
      }
    }
    out.push_back(std::move(policy));
  }
  return out;
}

}  // namespace spanflow::processors::tail_sampling
