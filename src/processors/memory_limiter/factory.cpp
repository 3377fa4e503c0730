#include "processors/memory_limiter/factory.h"

#include "processors/memory_limiter/config.h"
#include "processors/memory_limiter/memory_limiter.h"

namespace spanflow::processors::memory_limiter {

namespace {
class Factory final : public ProcessorFactoryFor<Config> {
 public:
  std::string_view type() const override { return "memory_limiter"; }

 protected:
  std::unique_ptr<Processor> make(const CreateSettings& settings, const Config& config,
                                  TraceConsumer& next) const override {
    return std::make_unique<MemoryLimiter>(settings, config, next);
  }
};
}  // namespace

std::unique_ptr<ProcessorFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::processors::memory_limiter
