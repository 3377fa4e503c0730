#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::processors::memory_limiter {
std::unique_ptr<ProcessorFactory> make_factory();
}
