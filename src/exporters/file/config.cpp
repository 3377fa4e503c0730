#include "exporters/file/config.h"

namespace spanflow::exporters::file {

Config Config::parse(config::ConfigNode& node) {
  Config c;
  node.require("path");
  node.read("path", c.path);
  node.read_enum("format", c.format, {"json", "proto"});
  node.read("append", c.append);
  node.read("create_directory", c.create_directory);
  node.read("flush_interval", c.flush_interval);
  if (c.flush_interval.count() <= 0) {
    node.error_at("flush_interval", "must be greater than 0");
  }
  if (auto rotation = node.child("rotation")) {
    c.rotation.emplace();
    rotation->read("max_megabytes", c.rotation->max_megabytes);
    rotation->read("max_days", c.rotation->max_days);
    rotation->read("max_backups", c.rotation->max_backups);
    rotation->read("localtime", c.rotation->localtime);
    if (c.rotation->max_megabytes == 0) c.rotation->max_megabytes = 100;
    if (c.rotation->max_days < 0) rotation->error_at("max_days", "must not be negative");
    if (c.rotation->max_backups < 0) rotation->error_at("max_backups", "must not be negative");
    rotation->finish();
    if (c.append) {
      node.error_at("append", "append is incompatible with rotation",
                    "remove 'append' or the 'rotation' block");
    }
  }
  if (c.path.empty() && node.has("path")) node.error_at("path", "must not be empty");
  return c;
}

}  // namespace spanflow::exporters::file
