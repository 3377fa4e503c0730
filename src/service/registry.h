// Registry: every component type compiled into spanflow, by kind and YAML type name.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/factory.h"

namespace spanflow::service {

class Registry {
 public:
  // The one list of built-in factories (registry.cpp).
  static Registry builtin();

  // `aliases` are further type names for the same factory (e.g. the removed `logging`).
  void add(std::unique_ptr<Factory> factory, std::vector<std::string> aliases = {});
  const Factory* find(ComponentKind kind, std::string_view type) const;
  // Type names of a kind, sorted, aliases included.
  std::vector<std::string> types(ComponentKind kind) const;

 private:
  std::vector<std::unique_ptr<Factory>> factories_;
  std::map<std::pair<ComponentKind, std::string>, const Factory*, std::less<>> by_type_;
};

}  // namespace spanflow::service
