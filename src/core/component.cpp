#include "core/component.h"

#include <algorithm>

namespace spanflow {

namespace {
bool valid_part(std::string_view part) {
  return !part.empty() && std::none_of(part.begin(), part.end(), [](char c) {
    return c == '/' || c == ' ' || c == '\t' || c == '\n';
  });
}
}  // namespace

std::optional<ComponentId> ComponentId::parse(std::string_view text) {
  const auto slash = text.find('/');
  ComponentId id;
  id.type = std::string(text.substr(0, slash));
  if (!valid_part(id.type)) return std::nullopt;
  if (slash != std::string_view::npos) {
    id.name = std::string(text.substr(slash + 1));
    if (!valid_part(id.name)) return std::nullopt;
  }
  return id;
}

}  // namespace spanflow
