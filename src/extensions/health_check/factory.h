#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::extensions::health_check {
std::unique_ptr<ExtensionFactory> make_factory();
}
