#include "exporters/file/factory.h"

#include "exporters/file/config.h"
#include "exporters/file/file_exporter.h"

namespace spanflow::exporters::file {

namespace {
class Factory final : public ExporterFactoryFor<Config> {
 public:
  std::string_view type() const override { return "file"; }

 protected:
  std::unique_ptr<Exporter> make(const CreateSettings& settings,
                                 const Config& config) const override {
    return std::make_unique<FileExporter>(settings, config);
  }
};
}  // namespace

std::unique_ptr<ExporterFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::exporters::file
