#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::exporters::jaeger {
std::unique_ptr<ExporterFactory> make_factory();
}
