#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::extensions::file_storage {
std::unique_ptr<ExtensionFactory> make_factory();
}
