#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::processors::filter {
std::unique_ptr<ProcessorFactory> make_factory();
}
