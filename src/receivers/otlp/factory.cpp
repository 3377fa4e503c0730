#include "receivers/otlp/factory.h"

#include "receivers/otlp/config.h"
#include "receivers/otlp/otlp_receiver.h"

namespace spanflow::receivers::otlp {

namespace {
class Factory final : public ReceiverFactoryFor<Config> {
 public:
  std::string_view type() const override { return "otlp"; }

 protected:
  std::unique_ptr<Receiver> make(const CreateSettings& settings, const Config& config,
                                 TraceConsumer& next) const override {
    return std::make_unique<OtlpReceiver>(settings, config, next);
  }
};
}  // namespace

std::unique_ptr<ReceiverFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::receivers::otlp
