#include "processors/tail_sampling/config.h"

#include <algorithm>
#include <thread>

namespace spanflow::processors::tail_sampling {

namespace {
constexpr std::uint32_t kMaxShards = 256;  // as the Collector
constexpr std::size_t kMaxAutoShards = 64;
}  // namespace

Config Config::parse(config::ConfigNode& node) {
  Config c;
  node.read("decision_wait", c.decision_wait);
  node.read("num_traces", c.num_traces);
  node.read("expected_new_traces_per_sec", c.expected_new_traces_per_sec);
  if (std::optional<config::ConfigNode> cache = node.child("decision_cache")) {
    cache->read("sampled_cache_size", c.decision_cache.sampled_cache_size);
    cache->read("non_sampled_cache_size", c.decision_cache.non_sampled_cache_size);
    cache->finish();
  }
  node.read("sample_on_first_match", c.sample_on_first_match);
  node.read("drop_pending_traces_on_shutdown", c.drop_pending_traces_on_shutdown);
  node.read("block_on_overflow", c.block_on_overflow);
  node.read("maximum_trace_size_bytes", c.maximum_trace_size_bytes);
  node.read("decision_wait_after_root_received", c.decision_wait_after_root_received);
  node.read("num_shards", c.num_shards);
  node.read("max_memory_mib", c.max_memory_mib);
  node.read("explain", c.explain);
  std::string strategy = "trace-complete";
  node.read_enum("sampling_strategy", strategy, {"trace-complete", "span-ingest"});
  if (strategy == "span-ingest") {
    node.error_at("sampling_strategy",
                  "'span-ingest' is not supported: spanflow decides whole traces "
                  "(trace-complete)",
                  "decision_wait_after_root_received decides early once a trace is complete");
  }

  if (c.decision_wait.count() <= 0) {
    node.error_at("decision_wait", "must be greater than 0");
  }
  if (c.num_traces == 0) node.error_at("num_traces", "must be greater than 0");
  if (c.max_memory_mib == 0) node.error_at("max_memory_mib", "must be greater than 0");
  if (c.num_shards > kMaxShards) {
    node.error_at("num_shards", "must be at most " + std::to_string(kMaxShards) +
                                    " (0 picks one shard per core)");
  }
  if (c.decision_wait_after_root_received.count() > 0 &&
      c.decision_wait_after_root_received >= c.decision_wait) {
    node.warn(
        "decision_wait_after_root_received is not shorter than decision_wait: it never decides "
        "earlier");
  }

  if (!node.has("policies")) {
    node.error("missing required key 'policies' (a list of sampling policies)");
  } else {
    std::optional<config::ConfigNode> list = node.child("policies");
    const bool empty = list->is_null() || (list->kind() == config::ConfigValue::Kind::kSequence &&
                                           list->value().seq.empty());
    if (empty) list->error("must list at least one policy");
    c.policies = parse_policies(*list);
  }
  return c;
}

std::size_t Config::shard_count() const {
  if (num_shards != 0) return num_shards;
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min(cores, kMaxAutoShards);
}

}  // namespace spanflow::processors::tail_sampling
