#include "extensions/health_check/factory.h"

#include "extensions/health_check/config.h"
#include "extensions/health_check/health_check.h"

namespace spanflow::extensions::health_check {

namespace {
class Factory final : public ExtensionFactoryFor<Config> {
 public:
  std::string_view type() const override { return "health_check"; }

 protected:
  std::unique_ptr<Extension> make(const CreateSettings& settings,
                                  const Config& config) const override {
    return std::make_unique<HealthCheck>(settings, config);
  }
};
}  // namespace

std::unique_ptr<ExtensionFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::extensions::health_check
