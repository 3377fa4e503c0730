#include "core/factory.h"

namespace spanflow {

std::string_view to_string(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kReceiver:
      return "receiver";
    case ComponentKind::kProcessor:
      return "processor";
    case ComponentKind::kExporter:
      return "exporter";
    case ComponentKind::kExtension:
      return "extension";
  }
  return "component";
}

}  // namespace spanflow
