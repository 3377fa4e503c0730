#include "processors/attributes/factory.h"

#include "processors/attributes/attributes_processor.h"
#include "processors/attributes/config.h"

namespace spanflow::processors::attributes {

namespace {
class Factory final : public ProcessorFactoryFor<Config> {
 public:
  std::string_view type() const override { return "attributes"; }

 protected:
  std::unique_ptr<Processor> make(const CreateSettings& settings, const Config& config,
                                  TraceConsumer& next) const override {
    return std::make_unique<AttributesProcessor>(settings, config, next);
  }
};
}  // namespace

std::unique_ptr<ProcessorFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::processors::attributes
