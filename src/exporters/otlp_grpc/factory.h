#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::exporters::otlp_grpc {
// Type `otlp_grpc`; the registry adds the alias `otlp`.
std::unique_ptr<ExporterFactory> make_factory();
}  // namespace spanflow::exporters::otlp_grpc
