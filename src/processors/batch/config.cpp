#include "processors/batch/config.h"

namespace spanflow::processors::batch {

Config Config::parse(config::ConfigNode& node) {
  Config c;
  node.read("send_batch_size", c.send_batch_size);
  node.read("timeout", c.timeout);
  node.read("send_batch_max_size", c.send_batch_max_size);
  node.read("metadata_keys", c.metadata_keys);
  node.read("metadata_cardinality_limit", c.metadata_cardinality_limit);
  if (c.send_batch_max_size != 0 && c.send_batch_max_size < c.send_batch_size) {
    node.error_at("send_batch_max_size", "send_batch_max_size (" +
                                             std::to_string(c.send_batch_max_size) +
                                             ") must be greater or equal to send_batch_size (" +
                                             std::to_string(c.send_batch_size) + ")");
  }
  if (c.send_batch_size == 0) {
    node.error_at("send_batch_size", "must be greater than 0");
  }
  if (!c.metadata_keys.empty()) {
    node.warn(
        "metadata_keys: spanflow receivers do not keep client metadata yet, so all data "
        "shares one batcher");
  }
  return c;
}

}  // namespace spanflow::processors::batch
