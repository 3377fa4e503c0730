#include "exporters/debug/factory.h"

#include "exporters/debug/config.h"
#include "exporters/debug/debug_exporter.h"

namespace spanflow::exporters::debug {

namespace {
class Factory final : public ExporterFactoryFor<Config> {
 public:
  std::string_view type() const override { return "debug"; }

 protected:
  std::unique_ptr<Exporter> make(const CreateSettings& settings,
                                 const Config& config) const override {
    return std::make_unique<DebugExporter>(settings, config);
  }
};
}  // namespace

std::unique_ptr<ExporterFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::exporters::debug
