#include "processors/probabilistic_sampler/factory.h"

#include "processors/probabilistic_sampler/config.h"
#include "processors/probabilistic_sampler/probabilistic_sampler.h"

namespace spanflow::processors::probabilistic_sampler {

namespace {
class Factory final : public ProcessorFactoryFor<Config> {
 public:
  std::string_view type() const override { return "probabilistic_sampler"; }

 protected:
  std::unique_ptr<Processor> make(const CreateSettings& settings, const Config& config,
                                  TraceConsumer& next) const override {
    return std::make_unique<ProbabilisticSampler>(settings, config, next);
  }
};
}  // namespace

std::unique_ptr<ProcessorFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::processors::probabilistic_sampler
