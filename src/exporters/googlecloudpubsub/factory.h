#pragma once

#include <memory>

#include "core/factory.h"

namespace spanflow::exporters::googlecloudpubsub {
std::unique_ptr<ExporterFactory> make_factory();
}
