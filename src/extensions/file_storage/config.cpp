#include "extensions/file_storage/config.h"

namespace spanflow::extensions::file_storage {

Config Config::parse(config::ConfigNode& node) {
  Config c;
  if (!node.has("directory")) {
    node.error("missing required key 'directory'",
               "the Collector's default is /var/lib/otelcol/file_storage; spanflow asks for it "
               "explicitly");
  }
  node.read("directory", c.directory);
  if (c.directory.empty() && node.has("directory")) {
    node.error_at("directory", "must not be empty");
  }
  node.read("create_directory", c.create_directory);
  std::string permissions;
  node.read("directory_permissions", permissions);
  if (!permissions.empty()) {
    std::size_t used = 0;
    unsigned long value = 0;
    try {
      value = std::stoul(permissions, &used, 8);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != permissions.size() || value > 07777) {
      node.error_at("directory_permissions",
                    "expected an octal mode such as \"0750\", got \"" + permissions + "\"");
    } else {
      c.directory_permissions = static_cast<unsigned>(value);
    }
    if (!c.create_directory) {
      node.warn("directory_permissions only applies with create_directory: true");
    }
  }
  node.read("fsync", c.fsync);
  node.read("timeout", c.timeout);
  node.read("segment_size_mib", c.segment_size_mib);
  if (c.segment_size_mib == 0) node.error_at("segment_size_mib", "must be greater than 0");
  if (node.has("compaction")) {
    node.warn("'compaction' is accepted and ignored",
              "spanflow's queue files delete themselves once every record in them is sent");
  }
  return c;
}

}  // namespace spanflow::extensions::file_storage
