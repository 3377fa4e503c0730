#include "processors/filter/config.h"

#include <string>

namespace spanflow::processors::filter {

namespace {

// Compiles the list at `key`; false when the key is absent.
bool read_conditions(config::ConfigNode& traces, std::string_view key, ottl::ContextKind kind,
                     std::vector<ottl::Condition>& out) {
  std::optional<config::ConfigNode> list = traces.child(key);
  if (!list) return false;
  for (config::ConfigNode& item : list->items()) {
    const std::optional<std::string> text = item.as_string();
    if (!text) continue;
    ottl::CompileError error;
    if (std::optional<ottl::Condition> condition = ottl::Condition::compile(*text, kind, error)) {
      out.push_back(std::move(*condition));
    } else {
      item.error(error.message);
    }
  }
  return true;
}

}  // namespace

Config Config::parse(config::ConfigNode& node) {
  Config c;
  std::string mode = "propagate";
  node.read_enum("error_mode", mode, {"propagate", "ignore", "silent"});
  c.error_mode = mode == "ignore"   ? ErrorMode::kIgnore
                 : mode == "silent" ? ErrorMode::kSilent
                                    : ErrorMode::kPropagate;
  if (node.has("spans")) {
    node.error_at("spans",
                  "the legacy 'spans' include/exclude matching is not supported; write OTTL "
                  "conditions under 'traces: span:' instead",
                  "e.g. traces: {span: ['attributes[\"http.route\"] == \"/health\"']}");
  }
  for (const std::string_view signal : {"metrics", "logs"}) {
    if (node.has(signal)) {
      node.child(signal)->warn("ignored: spanflow handles traces only");
    }
  }
  bool listed = false;
  if (std::optional<config::ConfigNode> traces = node.child("traces")) {
    listed = read_conditions(*traces, "span", ottl::ContextKind::kSpan, c.span_conditions);
    listed = read_conditions(*traces, "spanevent", ottl::ContextKind::kSpanEvent,
                             c.spanevent_conditions) ||
             listed;
    traces->finish();
  }
  if (!listed) node.warn("no conditions under 'traces': every span passes");
  return c;
}

}  // namespace spanflow::processors::filter
