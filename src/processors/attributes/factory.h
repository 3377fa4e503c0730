#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::processors::attributes {
std::unique_ptr<ProcessorFactory> make_factory();
}
