#include "service/service_config.h"

#include <set>

#include "config/config_node.h"

namespace spanflow::service {

namespace {

using config::ConfigNode;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Parses one of receivers/processors/exporters/extensions.
// Parses one of receivers/processors/exporters/extensions. Ids whose section was reported as
// broken go to `broken`, so references to them are not reported a second time.
std::map<ComponentId, ComponentSection> parse_section(ConfigNode& root, std::string_view key,
                                                      ComponentKind kind, const Registry& registry,
                                                      std::set<ComponentId>& broken) {
  std::map<ComponentId, ComponentSection> out;
  auto section = root.child(key);
  if (!section) return out;
  for (auto& [name, node] : section->entries()) {
    const auto id = ComponentId::parse(name);
    if (!id) {
      node.error("invalid component id '" + name + "'", "expected type or type/name");
      continue;
    }
    const Factory* factory = registry.find(kind, id->type);
    if (factory == nullptr) {
      const auto known = registry.types(kind);
      std::string hint = config::did_you_mean(id->type, known);
      hint = hint.empty() ? "spanflow has: " + join(known)
                          : "did you mean '" + hint + "'? spanflow has: " + join(known);
      section->error_at(
          name, "unknown " + std::string(to_string(kind)) + " type '" + id->type + "'", hint);
      broken.insert(*id);
      continue;
    }
    config::ConfigValue empty{config::ConfigValue::Kind::kMap, node.mark(), {}, {}, {}};
    ConfigNode typed_node = node.is_null() ? ConfigNode(empty, node.path(), node.errors()) : node;
    if (typed_node.kind() != config::ConfigValue::Kind::kMap) {
      node.error("expected a map of settings, found " + std::string(config::describe(node.kind())));
      broken.insert(*id);
      continue;
    }
    out.emplace(*id, ComponentSection{*id, factory, factory->parse(typed_node)});
  }
  return out;
}

std::vector<ComponentId> parse_ids(ConfigNode& pipeline, std::string_view key,
                                   const std::map<ComponentId, ComponentSection>& defined,
                                   const std::set<ComponentId>& broken, std::string_view section,
                                   std::string_view kind, bool required) {
  std::vector<ComponentId> out;
  auto list = pipeline.child(key);
  if (!list || list->is_null()) {
    if (required) {
      pipeline.error("pipeline must have at least one " + std::string(kind),
                     "add '" + std::string(key) + ": [...]'");
    }
    return out;
  }
  auto items = list->items();
  if (items.empty() && required && list->kind() == config::ConfigValue::Kind::kSequence) {
    list->error("pipeline must have at least one " + std::string(kind));
  }
  std::vector<std::string> defined_names;
  for (const auto& [id, _] : defined) defined_names.push_back(id.to_string());
  std::set<ComponentId> seen;
  for (auto& item : items) {
    const auto text = item.as_string();
    if (!text) continue;
    const auto id = ComponentId::parse(*text);
    if (!id) {
      item.error("invalid component id '" + *text + "'", "expected type or type/name");
      continue;
    }
    if (broken.contains(*id)) continue;  // its definition already has an error
    if (!defined.contains(*id)) {
      const std::string close = config::did_you_mean(*text, defined_names);
      item.error("references " + std::string(kind) + " '" + *text +
                     "' which is not defined under '" + std::string(section) + "'",
                 close.empty() ? "" : "did you mean '" + close + "'?");
      continue;
    }
    if (!seen.insert(*id).second) {
      item.error(std::string(kind) + " '" + *text + "' is listed twice in this pipeline");
      continue;
    }
    out.push_back(*id);
  }
  return out;
}

void warn_unused(const std::map<ComponentId, ComponentSection>& defined,
                 const std::set<ComponentId>& used, std::string_view kind, ConfigNode& root,
                 std::string_view section) {
  auto node = root.child(section);
  for (const auto& [id, _] : defined) {
    if (used.contains(id)) continue;
    node->warn(std::string(kind) + " '" + id.to_string() + "' is defined but not used" +
               (kind == "extension" ? " in service::extensions" : " in any pipeline"));
  }
}

// Components that need an extension (a persistent queue's storage) name one that is defined
// and listed in service::extensions, or their start would fail.
void check_required_extensions(const ServiceConfig& sc, const std::set<ComponentId>& broken,
                               const std::set<ComponentId>& enabled, ConfigNode& root) {
  const auto check = [&](const std::map<ComponentId, ComponentSection>& sections,
                         std::string_view key) {
    for (const auto& [id, section] : sections) {
      for (const ComponentId& ext : section.config->required_extensions()) {
        if (broken.contains(ext) || enabled.contains(ext)) continue;
        const bool defined = sc.extensions.contains(ext);
        root.child(key)->error_at(
            id.to_string(),
            "needs extension '" + ext.to_string() + "', which is not " +
                (defined ? "listed in service::extensions" : "defined under 'extensions'"),
            defined ? "add it to service::extensions"
                    : "define it under 'extensions' and list it in service::extensions");
      }
    }
  };
  check(sc.receivers, "receivers");
  check(sc.processors, "processors");
  check(sc.exporters, "exporters");
}

}  // namespace

ServiceConfig parse_service_config(const config::ConfigValue& root, const Registry& registry,
                                   config::ConfigErrors& errors) {
  ServiceConfig sc;
  if (root.kind != config::ConfigValue::Kind::kMap) {
    errors.error(root.mark, "",
                 "expected a map with receivers, exporters and service, found " +
                     std::string(config::describe(root.kind)));
    return sc;
  }
  ConfigNode top(root, "", errors);
  std::set<ComponentId> broken;
  sc.receivers = parse_section(top, "receivers", ComponentKind::kReceiver, registry, broken);
  sc.processors = parse_section(top, "processors", ComponentKind::kProcessor, registry, broken);
  sc.exporters = parse_section(top, "exporters", ComponentKind::kExporter, registry, broken);
  sc.extensions = parse_section(top, "extensions", ComponentKind::kExtension, registry, broken);
  if (top.has("connectors")) {
    top.error_at("connectors", "connectors are not supported by spanflow");
  }

  auto service = top.required_child("service");
  std::set<ComponentId> used_receivers, used_processors, used_exporters, used_extensions;
  if (service) {
    if (auto exts = service->child("extensions")) {
      std::vector<std::string> names;
      for (auto& item : exts->items()) {
        const auto text = item.as_string();
        if (!text) continue;
        const auto id = ComponentId::parse(*text);
        if (id && broken.contains(*id)) continue;  // its definition already has an error
        if (!id || !sc.extensions.contains(*id)) {
          std::vector<std::string> defined;
          for (const auto& [eid, _] : sc.extensions) defined.push_back(eid.to_string());
          const std::string close = config::did_you_mean(*text, defined);
          item.error("references extension '" + *text + "' which is not defined under 'extensions'",
                     close.empty() ? "" : "did you mean '" + close + "'?");
          continue;
        }
        if (used_extensions.insert(*id).second) sc.service_extensions.push_back(*id);
      }
    }
    if (auto telemetry = service->child("telemetry")) {
      if (auto logs = telemetry->child("logs")) {
        sc.logs = telemetry::LogsConfig::parse(*logs);
        logs->finish();
      }
      if (auto metrics = telemetry->child("metrics")) {
        sc.metrics = telemetry::MetricsConfig::parse(*metrics);
        metrics->finish();
      }
      telemetry->finish();
    }
    service->read("shutdown_timeout", sc.shutdown_timeout);

    auto pipelines = service->required_child("pipelines");
    if (pipelines) {
      for (auto& [name, node] : pipelines->entries()) {
        const std::string signal = name.substr(0, name.find('/'));
        if (signal == "metrics" || signal == "logs" || signal == "profiles") {
          pipelines->warn("pipeline '" + name + "' is ignored: spanflow handles traces only");
          continue;
        }
        if (signal != "traces" || !ComponentId::parse(name)) {
          pipelines->error_at(name, "unknown pipeline '" + name + "'",
                              "expected traces or traces/<name>");
          continue;
        }
        PipelineConfig p;
        p.name = name;
        p.receivers =
            parse_ids(node, "receivers", sc.receivers, broken, "receivers", "receiver", true);
        p.processors =
            parse_ids(node, "processors", sc.processors, broken, "processors", "processor", false);
        p.exporters =
            parse_ids(node, "exporters", sc.exporters, broken, "exporters", "exporter", true);
        node.finish();
        used_receivers.insert(p.receivers.begin(), p.receivers.end());
        used_processors.insert(p.processors.begin(), p.processors.end());
        used_exporters.insert(p.exporters.begin(), p.exporters.end());
        sc.pipelines.push_back(std::move(p));
      }
      if (sc.pipelines.empty() && !errors.has_errors()) {
        pipelines->error("no traces pipeline is defined",
                         "add 'traces: {receivers: [...], "
                         "exporters: [...]}'");
      }
      pipelines->finish();
    }
    service->finish();
  }
  check_required_extensions(sc, broken, used_extensions, top);
  warn_unused(sc.receivers, used_receivers, "receiver", top, "receivers");
  warn_unused(sc.processors, used_processors, "processor", top, "processors");
  warn_unused(sc.exporters, used_exporters, "exporter", top, "exporters");
  warn_unused(sc.extensions, used_extensions, "extension", top, "extensions");
  top.finish();
  return sc;
}

}  // namespace spanflow::service
