// SpanMatcher::parse: reads an include/exclude block into SpanMatcher::Properties.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value_text.h"
#include "processors/attributes/span_matcher.h"
#include "processors/attributes/span_matcher_properties.h"
#include "processors/attributes/yaml_value.h"

namespace spanflow::processors::attributes {

namespace {

// The kinds match_type strict accepts: the Collector leaves SPAN_KIND_UNSPECIFIED out.
constexpr std::array<std::string_view, 5> kStrictKinds = {"SPAN_KIND_CLIENT", "SPAN_KIND_CONSUMER",
                                                          "SPAN_KIND_INTERNAL",
                                                          "SPAN_KIND_PRODUCER", "SPAN_KIND_SERVER"};

// Keys of the Collector's match properties for other signals; accepted so that a config
// written for logs or metrics pipelines loads, and reported as doing nothing here.
constexpr std::array<std::string_view, 4> kOtherSignalKeys = {
    "log_bodies", "log_severity_texts", "log_severity_number", "metric_names"};

class BlockParser {
 public:
  explicit BlockParser(config::ConfigNode& node) : node_(node) {
    node_.read_enum("match_type", match_type_, {"strict", "regexp"});
    regexp_ = match_type_ == "regexp";
    if (auto cache = node_.child("regexp")) {
      // The Collector's result cache for regexp matches; spanflow keeps none, so it is accepted
      // and has no effect.
      bool enabled = false;
      int entries = 0;
      cache->read("cacheenabled", enabled);
      cache->read("cachemaxnumentries", entries);
      cache->finish();
    }
    for (const std::string_view key : kOtherSignalKeys) {
      if (auto other = node_.child(key)) {
        other->warn("'" + std::string(key) + "' does not apply to spans; ignored");
      }
    }
  }

  void strings(std::string_view key, StringFilter& out, bool kinds = false) {
    auto list = node_.child(key);
    if (!list) return;
    for (config::ConfigNode& item : list->items()) {
      any_items_ = true;
      if (auto text = item.as_string()) {
        if (kinds && !regexp_) check_kind(item, *text);
        add(item, *text, out);
      }
    }
  }

  void conditions(std::string_view key, std::vector<AttributeCondition>& out) {
    auto list = node_.child(key);
    if (!list) return;
    for (config::ConfigNode& item : list->items()) {
      any_items_ = true;
      AttributeCondition c;
      item.read("key", c.key);
      if (!item.has("key")) {
        item.error("missing required key 'key'");
      } else if (c.key.empty()) {
        item.error_at("key", "'key' must not be empty");
      }
      if (auto value = item.child("value"); value && !value->is_null()) {
        needs_match_type_ = true;
        otlp::AnyValue typed = to_any_value(value->value());
        if (!regexp_) {
          c.value = std::move(typed);
        } else if (typed.value_case() != otlp::AnyValue::kStringValue) {
          const bool scalar = value->kind() == config::ConfigValue::Kind::kScalar;
          value->error("match_type regexp needs a string pattern for \"" + c.key + "\", found " +
                           std::string(type_name(typed)) +
                           (scalar ? " " + value->value().scalar : std::string()),
                       "quote it to match the value's text");
        } else {
          c.pattern = compile(*value, typed.string_value());
        }
      }
      item.finish();
      out.push_back(std::move(c));
    }
  }

  void libraries(std::vector<LibraryCondition>& out) {
    auto list = node_.child("libraries");
    if (!list) return;
    for (config::ConfigNode& item : list->items()) {
      any_items_ = true;
      LibraryCondition l;
      std::string name;
      item.read("name", name);
      add(item, name, l.name);
      if (auto version = item.child("version"); version && !version->is_null()) {
        if (auto text = version->as_string()) {
          l.version.emplace();
          add(*version, *text, *l.version);
        }
      }
      item.finish();
      out.push_back(std::move(l));
    }
  }

  void finish() {
    if (!any_items_) {
      node_.error(
          "nothing to match: set at least one of services, span_names, span_kinds, attributes, "
          "resources or libraries");
    }
    if (needs_match_type_ && !node_.has("match_type")) {
      node_.error("missing required key 'match_type'", "use \"strict\" or \"regexp\"");
    }
    node_.finish();
  }

 private:
  void add(const config::ConfigNode& at, const std::string& text, StringFilter& out) {
    needs_match_type_ = true;
    if (!regexp_) {
      out.exact.push_back(text);
    } else if (auto pattern = compile(at, text)) {
      out.patterns.push_back(std::move(*pattern));
    }
  }

  static std::optional<Re2Pattern> compile(const config::ConfigNode& at, const std::string& text) {
    std::string reason;
    auto pattern = Re2Pattern::compile(text, reason);
    if (!pattern) at.error("invalid regular expression \"" + text + "\": " + reason);
    return pattern;
  }

  static void check_kind(const config::ConfigNode& at, const std::string& kind) {
    for (const std::string_view valid : kStrictKinds) {
      if (kind == valid) return;
    }
    std::string upper = "SPAN_KIND_";
    for (const char c : kind) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    std::vector<std::string> candidates(kStrictKinds.begin(), kStrictKinds.end());
    std::string suggestion = config::did_you_mean(kind, candidates);
    for (const std::string_view valid : kStrictKinds) {
      if (upper == valid) suggestion = upper;
    }
    at.error("unknown span kind \"" + kind +
                 "\"; match_type strict takes SPAN_KIND_CLIENT, SPAN_KIND_CONSUMER, "
                 "SPAN_KIND_INTERNAL, SPAN_KIND_PRODUCER or SPAN_KIND_SERVER",
             suggestion.empty() ? "" : "did you mean '" + suggestion + "'?");
  }

  config::ConfigNode& node_;
  std::string match_type_;
  bool regexp_ = false;
  bool needs_match_type_ = false;
  bool any_items_ = false;  // some property lists an item (valid or not)
};

}  // namespace

SpanMatcher SpanMatcher::parse(config::ConfigNode& node) {
  auto p = std::make_shared<Properties>();
  BlockParser parser(node);
  parser.strings("services", p->services);
  parser.strings("span_names", p->span_names);
  parser.strings("span_kinds", p->span_kinds, /*kinds=*/true);
  parser.conditions("attributes", p->attributes);
  parser.conditions("resources", p->resources);
  parser.libraries(p->libraries);
  parser.finish();
  return SpanMatcher(std::move(p));
}

}  // namespace spanflow::processors::attributes
