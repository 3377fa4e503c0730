// Config of the `googlecloudpubsub` exporter (the Collector contrib exporter's keys and
// defaults) and where it connects.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "config/config_node.h"
#include "config/yaml_document.h"
#include "exporters/common/delivery_config.h"

namespace spanflow::exporters::googlecloudpubsub {

enum class WatermarkBehavior {
  kCurrent,   // ce-time = the time of the export
  kEarliest,  // ce-time = the earliest span start, no earlier than now - allowed_drift
};

struct WatermarkConfig {
  WatermarkBehavior behavior = WatermarkBehavior::kCurrent;
  // 0 = unlimited (the Collector turns 0 into the largest duration).
  std::chrono::nanoseconds allowed_drift{0};
};

struct OrderingConfig {
  bool enabled = false;
  std::string from_resource_attribute;  // required when enabled
  bool remove_resource_attribute = false;
};

struct Config {
  std::string project;
  std::string topic;      // projects/<project>/topics/<name>
  std::string endpoint;   // "" = PUBSUB_EMULATOR_HOST if set, else pubsub.<universe_domain>:443
  bool insecure = false;  // plaintext gRPC; only with `endpoint`
  std::string universe_domain;
  std::string user_agent = "spanflow {{version}}";
  bool gzip = false;  // compression: gzip
  WatermarkConfig watermark;
  OrderingConfig ordering;
  // traces.attributes: extra message attributes; the CloudEvents attributes win over them.
  std::map<std::string, std::string> attributes;

  // timeout (per Publish attempt, default 12 s; all Publish calls of a batch share it),
  // retry_on_failure and sending_queue. Unlike the Collector (which leaves the queue and
  // retries off for this exporter), both are on by default: acknowledged data is not lost.
  exporters::DeliveryConfig delivery;

  static Config parse(config::ConfigNode& node);
};

// Where and how the exporter connects, after the environment is taken into account.
struct Connection {
  std::string target;  // host:port
  // Plaintext gRPC without credentials; otherwise TLS with Google default credentials
  // (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application default credentials, the GCE/GKE
  // metadata server), as production Pub/Sub needs.
  bool plaintext = false;
  bool emulator = false;  // from PUBSUB_EMULATOR_HOST
};

// An explicit `endpoint` wins (plaintext with `insecure`, else TLS with Google credentials).
// Without one, PUBSUB_EMULATOR_HOST=host:port means plaintext to it without credentials, as
// Google's client libraries do; otherwise pubsub.<universe_domain or googleapis.com>:443.
Connection resolve_connection(const Config& config, const config::Environment& env);

}  // namespace spanflow::exporters::googlecloudpubsub
