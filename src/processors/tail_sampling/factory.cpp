#include "processors/tail_sampling/factory.h"

#include "processors/tail_sampling/config.h"
#include "processors/tail_sampling/tail_sampling_processor.h"

namespace spanflow::processors::tail_sampling {

namespace {
class Factory final : public ProcessorFactoryFor<Config> {
 public:
  std::string_view type() const override { return "tail_sampling"; }

 protected:
  std::unique_ptr<Processor> make(const CreateSettings& settings, const Config& config,
                                  TraceConsumer& next) const override {
    return std::make_unique<TailSamplingProcessor>(settings, config, next);
  }
};
}  // namespace

std::unique_ptr<ProcessorFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::processors::tail_sampling
