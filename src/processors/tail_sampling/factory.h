#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::processors::tail_sampling {
std::unique_ptr<ProcessorFactory> make_factory();
}
