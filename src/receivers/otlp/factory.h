#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::receivers::otlp {
std::unique_ptr<ReceiverFactory> make_factory();
}
