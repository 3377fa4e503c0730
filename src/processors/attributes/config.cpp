#include "processors/attributes/config.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "processors/attributes/yaml_value.h"

namespace spanflow::processors::attributes {

namespace {

constexpr std::array<std::pair<std::string_view, ActionType>, 7> kActions = {{
    {"insert", ActionType::kInsert},
    {"update", ActionType::kUpdate},
    {"upsert", ActionType::kUpsert},
    {"delete", ActionType::kDelete},
    {"hash", ActionType::kHash},
    {"extract", ActionType::kExtract},
    {"convert", ActionType::kConvert},
}};

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

// A capture group name to suggest for `key`: its word characters, e.g. "http_url_base".
std::string suggested_group_name(const std::string& key) {
  std::string name;
  for (const char c : key) {
    const bool word =
        c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    name += word ? c : '_';
  }
  return (name.empty() ? "value" : name) + "_base";
}

// Reads one entry of `actions`. Every key is read whatever the action, so that finish() reports
// only keys the processor does not know; which keys the action allows is checked afterwards.
class ActionParser {
 public:
  explicit ActionParser(config::ConfigNode& item) : item_(item) {}

  std::optional<Action> parse() {
    std::string action_text;
    item_.read("action", action_text);
    item_.read("key", action_.key);
    if (auto value = item_.child("value"); value && !value->is_null()) {
      action_.value = to_any_value(value->value());
    }
    item_.read("from_attribute", action_.from_attribute);
    item_.read("from_context", action_.from_context);
    item_.read("pattern", pattern_);
    item_.read("converted_type", converted_type_);
    has_hash_key_ = item_.has("hash_key");
    item_.read("hash_key", hash_key_);
    const bool known = read_type(action_text);
    item_.finish();
    if (!known) return std::nullopt;
    check_keys();
    return std::move(action_);
  }

 private:
  bool read_type(const std::string& text) {
    if (!item_.has("action")) {
      item_.error("missing required key 'action'",
                  "one of insert, update, upsert, delete, hash, extract, convert");
      return false;
    }
    name_ = lowercase(text);
    for (const auto& [name, type] : kActions) {
      if (name == name_) {
        action_.type = type;
        return true;
      }
    }
    std::vector<std::string> names;
    for (const auto& entry : kActions) names.emplace_back(entry.first);
    const std::string suggestion = config::did_you_mean(name_, names);
    item_.error_at("action",
                   "unknown action " + quoted(text) +
                       "; expected insert, update, upsert, delete, hash, extract or convert",
                   suggestion.empty() ? "" : "did you mean '" + suggestion + "'?");
    return false;
  }

  void check_keys() {
    switch (action_.type) {
      case ActionType::kInsert:
      case ActionType::kUpdate:
      case ActionType::kUpsert:
        require_key();
        check_sources();
        refuse({"pattern", "converted_type", "hash_key"});
        break;
      case ActionType::kDelete:
      case ActionType::kHash:
        if (action_.key.empty() && pattern_.empty()) {
          item_.error("action " + quoted(name_) + " needs \"key\", \"pattern\" or both");
        }
        refuse({"value", "from_attribute", "from_context", "converted_type"});
        if (action_.type == ActionType::kDelete) refuse({"hash_key"});
        if (!pattern_.empty()) compile_pattern();
        if (action_.type == ActionType::kHash) make_hasher();
        break;
      case ActionType::kExtract:
        require_key();
        refuse({"value", "from_attribute", "from_context", "converted_type", "hash_key"});
        if (pattern_.empty()) {
          item_.error(
              "action \"extract\" needs \"pattern\", a regular expression with named "
              "capture groups");
        } else if (compile_pattern()) {
          check_extract_groups();
        }
        break;
      case ActionType::kConvert:
        require_key();
        refuse({"value", "from_attribute", "from_context", "pattern", "hash_key"});
        check_converted_type();
        break;
    }
  }

  void require_key() {
    if (action_.key.empty()) {
      item_.error("missing required key 'key'",
                  "action " + quoted(name_) + " needs the name of the attribute to act on");
    }
  }

  // A key counts as given as the Collector counts it: `value` when not null, the others when
  // not empty.
  bool given(std::string_view key) const {
    if (key == "value") return action_.value.has_value();
    if (key == "from_attribute") return !action_.from_attribute.empty();
    if (key == "from_context") return !action_.from_context.empty();
    if (key == "pattern") return !pattern_.empty();
    if (key == "converted_type") return !converted_type_.empty();
    return has_hash_key_;
  }

  void refuse(std::initializer_list<std::string_view> keys) {
    for (const std::string_view key : keys) {
      if (given(key)) {
        item_.error_at(key, "action " + quoted(name_) + " does not use " + quoted(key));
      }
    }
  }

  void check_sources() {
    std::vector<std::string> found;
    for (const std::string_view key : {"value", "from_attribute", "from_context"}) {
      if (given(key)) found.push_back(quoted(key));
    }
    if (found.empty()) {
      item_.error("action " + quoted(name_) +
                  " needs one of \"value\", \"from_attribute\" or \"from_context\"");
    } else if (found.size() > 1) {
      std::string list = found[0];
      for (std::size_t i = 1; i < found.size(); ++i) {
        list += (i + 1 == found.size() ? " and " : ", ") + found[i];
      }
      item_.error("action " + quoted(name_) +
                  " takes only one of \"value\", \"from_attribute\" or \"from_context\", found " +
                  list);
    } else if (given("from_context")) {
      item_.child("from_context")
          ->warn(
              "spanflow has no client metadata or auth context yet: from_context resolves to "
              "nothing, so this action does nothing");
    }
  }

  bool compile_pattern() {
    std::string reason;
    action_.pattern = Re2Pattern::compile(pattern_, reason);
    if (!action_.pattern) {
      item_.error_at("pattern", "invalid regular expression " + quoted(pattern_) + ": " + reason);
    }
    return action_.pattern.has_value();
  }

  void check_extract_groups() {
    const auto& names = action_.pattern->group_names();
    const auto& offsets = action_.pattern->group_offsets();
    const auto unnamed = std::find(names.begin(), names.end(), "");
    const bool any_named =
        std::any_of(names.begin(), names.end(), [](const std::string& n) { return !n.empty(); });
    if (!any_named) {
      std::string example = pattern_;
      const std::string group = "?P<" + suggested_group_name(action_.key) + ">";
      if (offsets.empty()) {
        example = "(" + group + example + ")";
      } else {
        example.insert(offsets.front() + 1, group);
      }
      item_.error_at("pattern", "extract pattern " + quoted(pattern_) +
                                    " has no named capture groups; name the part to keep, e.g. " +
                                    quoted(example));
      return;
    }
    if (unnamed != names.end()) {
      item_.error_at("pattern",
                     "extract pattern " + quoted(pattern_) +
                         " has an unnamed capture group; name it (\"(?P<name>...)\") or make it "
                         "non-capturing (\"(?:...)\")");
      return;
    }
    std::size_t last = names.size();
    for (std::size_t g = 0; g < names.size(); ++g) {
      if (names[g] == action_.key) {
        last = g;
      } else {
        action_.extract_order.push_back(g);
      }
    }
    if (last != names.size()) action_.extract_order.push_back(last);
  }

  void check_converted_type() {
    if (converted_type_.empty()) {
      item_.error("action \"convert\" needs \"converted_type\": \"int\", \"double\" or \"string\"");
      return;
    }
    constexpr std::array<std::pair<std::string_view, ConvertTo>, 3> kTypes = {{
        {"int", ConvertTo::kInt},
        {"double", ConvertTo::kDouble},
        {"string", ConvertTo::kString},
    }};
    for (const auto& [name, type] : kTypes) {
      if (converted_type_ == name) {
        action_.converted_type = type;
        return;
      }
    }
    const std::string suggestion =
        config::did_you_mean(converted_type_, {"int", "double", "string"});
    item_.error_at("converted_type",
                   "expected \"int\", \"double\" or \"string\", found " + quoted(converted_type_),
                   suggestion.empty() ? "" : "did you mean '" + suggestion + "'?");
  }

  void make_hasher() {
    if (has_hash_key_ && hash_key_.empty()) {
      item_.error_at("hash_key",
                     "\"hash_key\" is empty; set a secret (e.g. \"${env:ATTRIBUTES_HASH_KEY}\") "
                     "or remove the key for plain SHA-256");
      return;
    }
    try {
      action_.hasher = has_hash_key_ ? Hasher::hmac_sha256(hash_key_) : Hasher::sha256();
    } catch (const std::runtime_error& e) {
      item_.error(e.what());
    }
  }

  config::ConfigNode& item_;
  Action action_;
  std::string name_;
  std::string pattern_;
  std::string converted_type_;
  std::string hash_key_;
  bool has_hash_key_ = false;
};

}  // namespace

Config Config::parse(config::ConfigNode& node) {
  Config c;
  if (auto actions = node.required_child("actions")) {
    std::vector<config::ConfigNode> items = actions->items();
    const auto kind = actions->kind();
    if (items.empty() && (kind == config::ConfigValue::Kind::kNull ||
                          kind == config::ConfigValue::Kind::kSequence)) {
      actions->error("'actions' is empty; list at least one action");
    }
    for (config::ConfigNode& item : items) {
      if (auto action = ActionParser(item).parse()) c.actions.push_back(std::move(*action));
    }
  }
  if (auto include = node.child("include"); include && !include->is_null()) {
    c.include = SpanMatcher::parse(*include);
  }
  if (auto exclude = node.child("exclude"); exclude && !exclude->is_null()) {
    c.exclude = SpanMatcher::parse(*exclude);
  }
  return c;
}

}  // namespace spanflow::processors::attributes
