// Loads config files into ConfigValue trees: YAML parsing, ${env:VAR} expansion, and the
// OpenTelemetry Collector's merge of several --config files.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_value.h"

namespace spanflow::config {

// Looks up an environment variable; injected so tests need not touch the process environment.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

// Expands ${env:VAR}, ${VAR}, ${env:VAR:-default} and the $$ escape in one scalar.
// Bare $VAR is left as is (as in the Collector). As in the Collector's envprovider, a default
// applies only when VAR is unset: a set but empty VAR expands to "". An unset variable without a
// default, or a malformed reference, is an error at `mark`; the returned text then keeps the
// reference.
std::string expand_env(std::string_view text, const Mark& mark, const std::string& path,
                       const Environment& env, ConfigErrors& errors);

// Parses one YAML document. Syntax errors are reported with file:line:col and yield kNull.
ConfigValue parse_yaml(std::string_view text, const std::string& file_name, const Environment& env,
                       ConfigErrors& errors);

// Reads and parses each file, then deep-merges them in order: maps merge key by key, any
// other value (lists included) is replaced by the later file's. A missing file is an error.
ConfigValue load_files(const std::vector<std::string>& paths, const Environment& env,
                       ConfigErrors& errors);

// Deep-merges `overlay` into `base` (rules as load_files).
void merge_into(ConfigValue& base, ConfigValue overlay);

}  // namespace spanflow::config
