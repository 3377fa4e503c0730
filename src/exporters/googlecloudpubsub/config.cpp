#include "exporters/googlecloudpubsub/config.h"

#include <string_view>

#include "net/endpoint.h"

namespace spanflow::exporters::googlecloudpubsub {

namespace {

constexpr std::string_view kTopicFormat = "use 'projects/<project_id>/topics/<name>'";

bool is_lower_or_digit_or_dash(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The Collector's project rule: [a-z][a-z0-9-]*(:[a-z0-9-]+)? (a domain-scoped project has
// the domain first).
std::string project_problem(std::string_view project) {
  if (project.empty()) return "the project id is empty";
  if (project.front() < 'a' || project.front() > 'z') {
    return "the project id must start with a lowercase letter";
  }
  const std::size_t colon = project.find(':');
  const std::string_view head = project.substr(0, colon);
  for (const char c : head) {
    if (!is_lower_or_digit_or_dash(c)) {
      return "the project id may only hold lowercase letters, digits and '-'";
    }
  }
  if (colon != std::string_view::npos) {
    const std::string_view tail = project.substr(colon + 1);
    if (tail.empty()) return "the project id ends with ':'";
    for (const char c : tail) {
      if (!is_lower_or_digit_or_dash(c)) {
        return "the project id may only hold lowercase letters, digits and '-' after ':'";
      }
    }
  }
  return {};
}

// Google's resource-name rule for a topic id: 3 to 255 characters from [A-Za-z0-9-_.~+%],
// starting with a letter, not starting with "goog".
std::string topic_id_problem(std::string_view id) {
  if (id.size() < 3 || id.size() > 255) {
    return "the topic name must be 3 to 255 characters long";
  }
  if (!is_letter(id.front())) return "the topic name must start with a letter";
  if (id.starts_with("goog")) return "the topic name must not start with 'goog'";
  for (const char c : id) {
    const bool ok = is_letter(c) || (c >= '0' && c <= '9') ||
                    std::string_view("-_.~+%").find(c) != std::string_view::npos;
    if (!ok) {
      return std::string("the topic name may not hold '") + c +
             "' (allowed: letters, digits, '-', '_', '.', '~', '+', '%')";
    }
  }
  return {};
}

void validate_topic(config::ConfigNode& node, const std::string& topic) {
  constexpr std::string_view kProjects = "projects/";
  constexpr std::string_view kTopics = "/topics/";
  const std::string quoted = "'" + topic + "'";
  const std::string_view text = topic;
  const std::size_t topics_at = text.find(kTopics);
  if (!text.starts_with(kProjects) || topics_at == std::string_view::npos ||
      topics_at < kProjects.size()) {
    node.error_at("topic", "topic " + quoted + " is not a valid format", std::string(kTopicFormat));
    return;
  }
  const std::string_view project = text.substr(kProjects.size(), topics_at - kProjects.size());
  const std::string_view id = text.substr(topics_at + kTopics.size());
  std::string problem = project_problem(project);
  if (problem.empty()) problem = topic_id_problem(id);
  if (!problem.empty()) {
    node.error_at("topic", "topic " + quoted + " is not valid: " + problem,
                  std::string(kTopicFormat));
  }
}

void parse_watermark(config::ConfigNode& node, WatermarkConfig& out) {
  std::string behavior = "current";
  node.read_enum("behavior", behavior, {"current", "earliest"});
  out.behavior =
      behavior == "earliest" ? WatermarkBehavior::kEarliest : WatermarkBehavior::kCurrent;
  node.read("allowed_drift", out.allowed_drift);
  node.finish();
}

void parse_ordering(config::ConfigNode& node, OrderingConfig& out) {
  node.read("enabled", out.enabled);
  node.read("from_resource_attribute", out.from_resource_attribute);
  node.read("remove_resource_attribute", out.remove_resource_attribute);
  if (out.enabled && out.from_resource_attribute.empty()) {
    node.error("'from_resource_attribute' is required if ordering is enabled",
               "name the resource attribute whose value becomes the ordering key");
  }
  node.finish();
}

void parse_traces(config::ConfigNode& node, std::map<std::string, std::string>& attributes) {
  if (node.has("encoding")) {
    node.error_at("encoding", "encoding extensions are not supported by spanflow",
                  "remove it: messages hold OTLP protobuf (application/protobuf)");
  }
  if (auto attrs = node.child("attributes")) {
    for (auto& [key, value] : attrs->entries()) {
      if (auto text = value.as_string()) attributes[key] = *text;
    }
  }
  node.finish();
}

}  // namespace

Config Config::parse(config::ConfigNode& node) {
  Config c;
  node.read("project", c.project);
  node.require("topic");
  node.read("topic", c.topic);
  // spanflow also takes a bare topic name with `project` (seed configs write
  // `topic: otel-traces-${ENVIRONMENT}`): it means projects/<project>/topics/<name>.
  if (!c.topic.empty() && c.topic.find('/') == std::string::npos) {
    if (c.project.empty()) {
      node.error_at("topic", "topic '" + c.topic + "' is a bare name but 'project' is not set",
                    "set 'project', or " + std::string(kTopicFormat));
    } else {
      c.topic = "projects/" + c.project + "/topics/" + c.topic;
    }
  }
  if (node.has("topic")) validate_topic(node, c.topic);
  node.read("endpoint", c.endpoint);
  if (!c.endpoint.empty()) {
    const auto endpoint = net::Endpoint::parse(c.endpoint);
    if (!endpoint || endpoint->host.empty() || endpoint->port == 0) {
      node.error_at("endpoint", "'" + c.endpoint + "' is not host:port",
                    "e.g. pubsub.googleapis.com:443 or localhost:8085");
    }
  }
  node.read("insecure", c.insecure);
  if (c.insecure && c.endpoint.empty()) {
    node.warn("'insecure' has no effect without 'endpoint'",
              "set endpoint (or PUBSUB_EMULATOR_HOST, which is always plaintext)");
  }
  node.read("universe_domain", c.universe_domain);
  node.read("user_agent", c.user_agent);
  std::string compression;
  node.read("compression", compression);
  if (compression == "gzip") {
    c.gzip = true;
  } else if (!compression.empty() && compression != "none") {
    node.error_at("compression", "compression '" + compression + "' is not supported",
                  "supported: gzip (or leave it out for none)");
  }
  if (auto watermark = node.child("watermark")) parse_watermark(*watermark, c.watermark);
  if (auto ordering = node.child("ordering")) parse_ordering(*ordering, c.ordering);
  if (auto traces = node.child("traces")) parse_traces(*traces, c.attributes);
  for (const char* signal : {"metrics", "logs"}) {
    if (node.has(signal)) {
      node.warn(std::string("'") + signal + "' is ignored: spanflow exports traces only");
    }
  }

  c.delivery = exporters::DeliveryConfig::parse(node, std::chrono::seconds(12));
  return c;
}

Connection resolve_connection(const Config& config, const config::Environment& env) {
  if (!config.endpoint.empty()) {
    return {config.endpoint, config.insecure, false};
  }
  if (const auto emulator = env("PUBSUB_EMULATOR_HOST"); emulator && !emulator->empty()) {
    return {*emulator, true, true};
  }
  const std::string domain =
      config.universe_domain.empty() ? "googleapis.com" : config.universe_domain;
  return {"pubsub." + domain + ":443", false, false};
}

}  // namespace spanflow::exporters::googlecloudpubsub
