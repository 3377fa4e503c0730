#include "service/registry.h"

#include "exporters/debug/factory.h"
#include "exporters/file/factory.h"
#include "exporters/googlecloudpubsub/factory.h"
#include "exporters/jaeger/factory.h"
#include "exporters/otlp_grpc/factory.h"
#include "exporters/otlp_http/factory.h"
#include "extensions/file_storage/factory.h"
#include "extensions/health_check/factory.h"
#include "processors/attributes/factory.h"
#include "processors/batch/factory.h"
#include "processors/filter/factory.h"
#include "processors/memory_limiter/factory.h"
#include "processors/probabilistic_sampler/factory.h"
#include "processors/tail_sampling/factory.h"
#include "receivers/otlp/factory.h"

namespace spanflow::service {

Registry Registry::builtin() {
  Registry r;
  r.add(receivers::otlp::make_factory());
  r.add(processors::memory_limiter::make_factory());
  r.add(processors::batch::make_factory());
  r.add(processors::filter::make_factory());
  r.add(processors::attributes::make_factory());
  r.add(processors::probabilistic_sampler::make_factory());
  r.add(processors::tail_sampling::make_factory());
  r.add(exporters::debug::make_factory(), {"logging"});
  r.add(exporters::file::make_factory());
  r.add(exporters::otlp_grpc::make_factory(), {"otlp"});
  r.add(exporters::otlp_http::make_factory(), {"otlphttp"});
  r.add(exporters::jaeger::make_factory());
  r.add(exporters::googlecloudpubsub::make_factory(), {"pubsub", "googlepubsub"});
  r.add(extensions::health_check::make_factory());
  r.add(extensions::file_storage::make_factory());
  return r;
}

void Registry::add(std::unique_ptr<Factory> factory, std::vector<std::string> aliases) {
  const Factory* f = factory.get();
  by_type_[{f->kind(), std::string(f->type())}] = f;
  for (auto& alias : aliases) by_type_[{f->kind(), std::move(alias)}] = f;
  factories_.push_back(std::move(factory));
}

const Factory* Registry::find(ComponentKind kind, std::string_view type) const {
  const auto it = by_type_.find(std::pair{kind, std::string(type)});
  return it == by_type_.end() ? nullptr : it->second;
}

std::vector<std::string> Registry::types(ComponentKind kind) const {
  std::vector<std::string> out;
  for (const auto& [key, factory] : by_type_) {
    if (key.first == kind) out.push_back(key.second);
  }
  return out;
}

}  // namespace spanflow::service
