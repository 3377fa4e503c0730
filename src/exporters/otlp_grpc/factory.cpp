#include "exporters/otlp_grpc/factory.h"

#include "exporters/common/queued_exporter.h"
#include "exporters/otlp_grpc/config.h"
#include "exporters/otlp_grpc/grpc_sender.h"

namespace spanflow::exporters::otlp_grpc {

namespace {
class Factory final : public ExporterFactoryFor<Config> {
 public:
  std::string_view type() const override { return "otlp_grpc"; }

 protected:
  std::unique_ptr<Exporter> make(const CreateSettings& settings,
                                 const Config& config) const override {
    return std::make_unique<QueuedExporter>(settings, config.delivery,
                                            std::make_unique<GrpcSender>(config.client));
  }
};
}  // namespace

std::unique_ptr<ExporterFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::exporters::otlp_grpc
