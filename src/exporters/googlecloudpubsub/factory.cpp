#include "exporters/googlecloudpubsub/factory.h"

#include "config/yaml_document.h"
#include "exporters/common/queued_exporter.h"
#include "exporters/googlecloudpubsub/config.h"
#include "exporters/googlecloudpubsub/pubsub_sender.h"

namespace spanflow::exporters::googlecloudpubsub {

namespace {
class Factory final : public ExporterFactoryFor<Config> {
 public:
  std::string_view type() const override { return "googlecloudpubsub"; }

 protected:
  // The channel (and Google credentials) are made here, so `spanflow validate` never looks
  // for credentials.
  std::unique_ptr<Exporter> make(const CreateSettings& settings,
                                 const Config& config) const override {
    auto sender = std::make_unique<PubsubSender>(
        config, make_pubsub_channel(config, config::process_environment()));
    return std::make_unique<QueuedExporter>(settings, config.delivery, std::move(sender));
  }
};
}  // namespace

std::unique_ptr<ExporterFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::exporters::googlecloudpubsub
