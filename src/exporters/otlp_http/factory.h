#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::exporters::otlp_http {
// Type `otlp_http`; the registry adds the alias `otlphttp`.
std::unique_ptr<ExporterFactory> make_factory();
}  // namespace spanflow::exporters::otlp_http
