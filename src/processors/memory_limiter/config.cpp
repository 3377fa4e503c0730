#include "processors/memory_limiter/config.h"

#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace spanflow::processors::memory_limiter {

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

std::optional<std::uint64_t> read_number(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text) || text == "max") return std::nullopt;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

Config Config::parse(config::ConfigNode& node) {
  Config c;
  node.require("check_interval");
  node.read("check_interval", c.check_interval);
  node.read("limit_mib", c.limit_mib);
  node.read("spike_limit_mib", c.spike_limit_mib);
  node.read("limit_percentage", c.limit_percentage);
  node.read("spike_limit_percentage", c.spike_limit_percentage);
  if (node.has("check_interval") && c.check_interval.count() <= 0) {
    node.error_at("check_interval", "check_interval must be greater than zero",
                  "the Collector recommends 1s");
  }
  if (c.limit_mib == 0 && c.limit_percentage == 0) {
    node.error("'limit_mib' or 'limit_percentage' must be greater than zero");
  }
  if (c.limit_mib > 0 && c.spike_limit_mib >= c.limit_mib) {
    node.error_at("spike_limit_mib", "'spike_limit_mib' (" + std::to_string(c.spike_limit_mib) +
                                         ") must be smaller than 'limit_mib' (" +
                                         std::to_string(c.limit_mib) + ")");
  }
  if (c.limit_percentage > 100) {
    node.error_at("limit_percentage", "'limit_percentage' must be at most 100");
  }
  if (c.limit_percentage > 0 && c.spike_limit_percentage >= c.limit_percentage) {
    node.error_at("spike_limit_percentage",
                  "'spike_limit_percentage' must be smaller than 'limit_percentage'");
  }
  return c;
}

Limits limits_for(const Config& config, std::uint64_t total_memory) {
  Limits l;
  if (config.limit_mib > 0) {  // limit_mib wins when both are set, as in the Collector
    l.hard = std::uint64_t{config.limit_mib} * kMiB;
    const std::uint64_t spike =
        config.spike_limit_mib > 0 ? std::uint64_t{config.spike_limit_mib} * kMiB : l.hard / 5;
    l.soft = l.hard - spike;
  } else {
    l.hard = total_memory / 100 * config.limit_percentage;
    const std::uint64_t spike_pct =
        config.spike_limit_percentage > 0 ? config.spike_limit_percentage : 0;
    const std::uint64_t spike = spike_pct > 0 ? total_memory / 100 * spike_pct : l.hard / 5;
    l.soft = l.hard - spike;
  }
  return l;
}

std::uint64_t total_memory(const std::string& root) {
  const std::string base = root.back() == '/' ? root : root + "/";
  // cgroup v2, then v1; "max" or absurdly large values mean no limit.
  for (const char* file :
       {"sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    if (auto limit = read_number(base + file); limit && *limit < (std::uint64_t{1} << 60)) {
      return *limit;
    }
  }
  std::ifstream meminfo(base + "proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    if (line.rfind("MemTotal:", 0) == 0) {
      std::istringstream fields(line.substr(9));
      std::uint64_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

}  // namespace spanflow::processors::memory_limiter
