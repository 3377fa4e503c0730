#include "config/config_value.h"

#include <algorithm>
#include <utility>

namespace spanflow::config {

const ConfigValue* ConfigValue::find(std::string_view key) const {
  if (kind != Kind::kMap) return nullptr;
  auto it = std::find_if(map.begin(), map.end(), [&](const Entry& e) { return e.key == key; });
  return it == map.end() ? nullptr : &it->value;
}

ConfigValue* ConfigValue::find(std::string_view key) {
  return const_cast<ConfigValue*>(std::as_const(*this).find(key));
}

const char* describe(ConfigValue::Kind kind) {
  switch (kind) {
    case ConfigValue::Kind::kNull:
      return "null";
    case ConfigValue::Kind::kScalar:
      return "a string";
    case ConfigValue::Kind::kMap:
      return "a map";
    case ConfigValue::Kind::kSequence:
      return "a list";
  }
  return "a value";
}

}  // namespace spanflow::config
