#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::processors::probabilistic_sampler {
std::unique_ptr<ProcessorFactory> make_factory();
}
