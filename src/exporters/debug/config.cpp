#include "exporters/debug/config.h"

namespace spanflow::exporters::debug {

Config Config::parse(config::ConfigNode& node) {
  Config c;
  node.read_enum("verbosity", c.verbosity, {"basic", "normal", "detailed"});
  node.read("sampling_initial", c.sampling_initial);
  node.read("sampling_thereafter", c.sampling_thereafter);
  node.read("use_internal_logger", c.use_internal_logger);
  // `loglevel` of the removed `logging` exporter, mapped as the Collector did when it migrated.
  std::string loglevel;
  node.read_enum("loglevel", loglevel, {"debug", "info", "warn", "error"});
  if (!loglevel.empty()) {
    c.verbosity = loglevel == "debug" ? "detailed" : loglevel == "info" ? "normal" : "basic";
    node.warn("'loglevel' is deprecated, use 'verbosity: " + c.verbosity + "'");
  }
  return c;
}

}  // namespace spanflow::exporters::debug
