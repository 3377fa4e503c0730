#include "exporters/jaeger/factory.h"

#include "exporters/common/grpc_client.h"
#include "exporters/common/queued_exporter.h"
#include "exporters/jaeger/config.h"
#include "exporters/jaeger/jaeger_sender.h"

namespace spanflow::exporters::jaeger {

namespace {
class Factory final : public ExporterFactoryFor<Config> {
 public:
  std::string_view type() const override { return "jaeger"; }

 protected:
  std::unique_ptr<Exporter> make(const CreateSettings& settings,
                                 const Config& config) const override {
    auto sender = std::make_unique<JaegerSender>(
        config.client, [client = config.client] { return make_channel(client); });
    return std::make_unique<QueuedExporter>(settings, config.delivery, std::move(sender));
  }
};
}  // namespace

std::unique_ptr<ExporterFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::exporters::jaeger
