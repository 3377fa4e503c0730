#include "exporters/otlp_http/factory.h"

#include "exporters/common/queued_exporter.h"
#include "exporters/otlp_http/config.h"
#include "exporters/otlp_http/http_sender.h"

namespace spanflow::exporters::otlp_http {

namespace {
class Factory final : public ExporterFactoryFor<Config> {
 public:
  std::string_view type() const override { return "otlp_http"; }

 protected:
  std::unique_ptr<Exporter> make(const CreateSettings& settings,
                                 const Config& config) const override {
    return std::make_unique<QueuedExporter>(settings, config.delivery,
                                            std::make_unique<HttpSender>(config));
  }
};
}  // namespace

std::unique_ptr<ExporterFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::exporters::otlp_http
