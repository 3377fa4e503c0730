#include "extensions/file_storage/factory.h"

#include "extensions/file_storage/config.h"
#include "extensions/file_storage/file_storage.h"

namespace spanflow::extensions::file_storage {

namespace {
class Factory final : public ExtensionFactoryFor<Config> {
 public:
  std::string_view type() const override { return "file_storage"; }

 protected:
  std::unique_ptr<Extension> make(const CreateSettings& settings,
                                  const Config& config) const override {
    return std::make_unique<FileStorage>(settings, config);
  }
};
}  // namespace

std::unique_ptr<ExtensionFactory> make_factory() {
  return std::make_unique<Factory>();
}

}  // namespace spanflow::extensions::file_storage
