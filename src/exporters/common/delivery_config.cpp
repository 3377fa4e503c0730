#include "exporters/common/delivery_config.h"

namespace spanflow::exporters {

namespace {

using std::chrono::nanoseconds;

void positive_duration(config::ConfigNode& node, std::string_view key, nanoseconds value) {
  if (value.count() <= 0) node.error_at(key, "must be greater than 0");
}

RetryConfig parse_retry(config::ConfigNode& node) {
  RetryConfig c;
  node.read("enabled", c.enabled);
  node.read("initial_interval", c.initial_interval);
  node.read("randomization_factor", c.randomization_factor);
  node.read("multiplier", c.multiplier);
  node.read("max_interval", c.max_interval);
  node.read("max_elapsed_time", c.max_elapsed_time);
  positive_duration(node, "initial_interval", c.initial_interval);
  positive_duration(node, "max_interval", c.max_interval);
  if (!(c.randomization_factor >= 0 && c.randomization_factor <= 1)) {
    node.error_at("randomization_factor", "must be within [0, 1]");
  }
  if (!(c.multiplier >= 1)) {
    node.error_at("multiplier", "must be at least 1",
                  "a multiplier below 1 would shorten the interval after each failure");
  }
  node.finish();
  return c;
}

QueueConfig parse_queue(config::ConfigNode& node) {
  QueueConfig c;
  node.read("enabled", c.enabled);
  node.read("num_consumers", c.num_consumers);
  node.read("queue_size", c.queue_size);
  node.read_enum("sizer", c.sizer, {"requests", "items", "bytes"});
  if (node.has("blocking")) {
    node.warn("'blocking' is deprecated", "use 'block_on_overflow'");
    node.read("blocking", c.block_on_overflow);
  }
  node.read("block_on_overflow", c.block_on_overflow);
  if (c.num_consumers <= 0) node.error_at("num_consumers", "must be greater than 0");
  if (c.queue_size <= 0) node.error_at("queue_size", "must be greater than 0");
  std::string storage;
  node.read("storage", storage);
  if (!storage.empty()) {
    c.storage = ComponentId::parse(storage);
    if (!c.storage) {
      node.error_at("storage", "invalid extension id \"" + storage + "\"",
                    "expected type or type/name, e.g. file_storage/queue");
    }
  } else if (node.has("storage")) {
    node.error_at("storage", "must not be empty");
  }
  bool wait_for_result = false;
  node.read("wait_for_result", wait_for_result);
  if (wait_for_result) {
    node.error_at("wait_for_result", "is not supported by spanflow",
                  "set 'enabled: false' to send on the caller's thread and return the outcome");
  }
  if (node.has("batch")) {
    node.error_at("batch", "exporter-side batching is not supported by spanflow",
                  "put the batch processor in the pipeline instead");
  }
  node.finish();
  return c;
}

}  // namespace

std::vector<ComponentId> DeliveryConfig::required_extensions() const {
  if (sending_queue.enabled && sending_queue.storage) return {*sending_queue.storage};
  return {};
}

DeliveryConfig DeliveryConfig::parse(config::ConfigNode& node, nanoseconds default_timeout) {
  DeliveryConfig c;
  c.timeout = default_timeout;
  node.read("timeout", c.timeout);
  if (auto retry = node.child("retry_on_failure"); retry && !retry->is_null()) {
    c.retry_on_failure = parse_retry(*retry);
  }
  if (auto queue = node.child("sending_queue"); queue && !queue->is_null()) {
    c.sending_queue = parse_queue(*queue);
  }
  return c;
}

}  // namespace spanflow::exporters
