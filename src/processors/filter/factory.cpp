#include "processors/filter/factory.h"

#include "processors/filter/config.h"
#include "processors/filter/filter_processor.h"

namespace spanflow::processors::filter {

namespace {
class Factory final : public ProcessorFactoryFor<Config> {
 public:
  std::string_view type() const override { return "filter"; }

 protected:
  std::unique_ptr<Processor> make(const CreateSettings& settings, const Config& config,
                                  TraceConsumer& next) const override {
    return std::make_unique<FilterProcessor>(settings, config, next);
  }
};
}  // namespace

std::unique_ptr<ProcessorFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::processors::filter
