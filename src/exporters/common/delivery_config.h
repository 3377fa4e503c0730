// The delivery keys every network exporter shares (the Collector's exporterhelper):
// timeout, retry_on_failure, sending_queue.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config_node.h"
#include "core/component.h"

namespace spanflow::exporters {

struct RetryConfig {
  bool enabled = true;
  std::chrono::nanoseconds initial_interval = std::chrono::seconds(5);
  double randomization_factor = 0.5;
  double multiplier = 1.5;
  std::chrono::nanoseconds max_interval = std::chrono::seconds(30);
  std::chrono::nanoseconds max_elapsed_time = std::chrono::seconds(300);  // 0 = forever
};

struct QueueConfig {
  bool enabled = true;
  int num_consumers = 10;
  std::int64_t queue_size = 1000;  // capacity, in units of `sizer`
  std::string sizer = "requests";  // requests | items (spans) | bytes (serialized request)
  bool block_on_overflow = false;
  std::optional<ComponentId> storage;  // a file_storage extension: persistent queue
};

struct DeliveryConfig {
  std::chrono::nanoseconds timeout = std::chrono::seconds(5);  // per attempt; 0 = none
  RetryConfig retry_on_failure;
  QueueConfig sending_queue;

  // Reads timeout, retry_on_failure and sending_queue from an exporter's section (other keys
  // are the exporter's own) and records every invalid value in the node's errors.
  // `default_timeout` differs per exporter (Pub/Sub: 12 s).
  // The storage extension of an enabled persistent queue (for the service's config checks).
  std::vector<ComponentId> required_extensions() const;

  static DeliveryConfig parse(config::ConfigNode& node,
                              std::chrono::nanoseconds default_timeout = std::chrono::seconds(5));
};

}  // namespace spanflow::exporters
