// ConfigValue: a YAML document as plain data with a source mark on every node.
// Built by yaml_document.cpp from yaml-cpp, after env expansion and merging; read by ConfigNode.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"

namespace spanflow::config {

struct ConfigValue {
  enum class Kind { kNull, kScalar, kMap, kSequence };
  struct Entry;

  Kind kind = Kind::kNull;
  Mark mark;
  std::string scalar;            // kScalar: the text after env expansion
  std::vector<Entry> map;        // kMap: entries in document order, keys unique
  std::vector<ConfigValue> seq;  // kSequence
  // kScalar: quoted, a block scalar or tagged !!str, so a string whatever its text; a plain
  // scalar's type (int, float, bool, null, string) is inferred from its text, as YAML does.
  bool string_typed = false;

  const ConfigValue* find(std::string_view key) const;
  ConfigValue* find(std::string_view key);
};

struct ConfigValue::Entry {
  std::string key;
  Mark key_mark;
  ConfigValue value;
};

// A name for a node kind in messages: "a string", "a map", "a list", "null".
const char* describe(ConfigValue::Kind kind);

}  // namespace spanflow::config
