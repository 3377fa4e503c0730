#include "unit/processors/attributes/fixture.h"

#include <spdlog/sinks/null_sink.h>

#include <catch.hpp>
#include <sstream>

#include "config/yaml_document.h"
#include "processors/attributes/factory.h"
#include "support/spans.h"

namespace spanflow::testing::attributes {

Loaded load(const std::string& yaml, const std::map<std::string, std::string>& env) {
  config::ConfigErrors errors;
  const config::Environment lookup = [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  const config::ConfigValue root = config::parse_yaml(yaml, "test.yaml", lookup, errors);
  config::ConfigNode node(root, "processors::attributes", errors);
  Loaded out;
  out.config = processors::attributes::make_factory()->parse(node);
  out.report = errors.report();
  out.ok = !errors.has_errors();
  return out;
}

Harness::Harness(const std::string& yaml, const std::map<std::string, std::string>& env) {
  const Loaded loaded = load(yaml, env);
  INFO(loaded.report);
  REQUIRE(loaded.ok);
  const CreateSettings settings{
      ComponentId{"attributes", ""},
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()),
      nullptr};
  processor_ = processors::attributes::make_factory()->create(settings, *loaded.config, sink_);
}

Harness::~Harness() = default;

otlp::ExportRequest Harness::run(const otlp::ExportRequest& request) {
  TraceBatch batch;
  batch.mutable_request() = request;
  const std::size_t before = sink_.batches().size();
  REQUIRE(processor_->consume(std::move(batch)).is_ok());
  REQUIRE(sink_.batches().size() == before + 1);
  return sink_.batches().back().request();
}

std::string Harness::run_attributes(const Attributes& attrs) {
  otlp::ExportRequest request = make_request(1);
  auto* span = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0);
  *span->mutable_attributes() = attrs;
  const otlp::ExportRequest out = run(request);
  return render(out.resource_spans(0).scope_spans(0).spans(0).attributes());
}

otlp::AnyValue& put(Attributes& attrs, const std::string& key) {
  auto* kv = attrs.Add();
  kv->set_key(key);
  return *kv->mutable_value();
}
void put_str(Attributes& attrs, const std::string& key, const std::string& v) {
  put(attrs, key).set_string_value(v);
}
void put_int(Attributes& attrs, const std::string& key, std::int64_t v) {
  put(attrs, key).set_int_value(v);
}
void put_double(Attributes& attrs, const std::string& key, double v) {
  put(attrs, key).set_double_value(v);
}
void put_bool(Attributes& attrs, const std::string& key, bool v) {
  put(attrs, key).set_bool_value(v);
}
void put_bytes(Attributes& attrs, const std::string& key, const std::string& v) {
  put(attrs, key).set_bytes_value(v);
}

std::string render(const otlp::AnyValue& value) {
  std::ostringstream out;
  switch (value.value_case()) {
    case otlp::AnyValue::kStringValue:
      out << "Str(" << value.string_value() << ")";
      break;
    case otlp::AnyValue::kIntValue:
      out << "Int(" << value.int_value() << ")";
      break;
    case otlp::AnyValue::kDoubleValue:
      out.precision(17);
      out << "Double(" << value.double_value() << ")";
      break;
    case otlp::AnyValue::kBoolValue:
      out << "Bool(" << (value.bool_value() ? "true" : "false") << ")";
      break;
    case otlp::AnyValue::kBytesValue:
      out << "Bytes(" << value.bytes_value().size() << ")";
      break;
    case otlp::AnyValue::kArrayValue: {
      out << "Slice[";
      const char* sep = "";
      for (const auto& item : value.array_value().values()) {
        out << sep << render(item);
        sep = ", ";
      }
      out << "]";
      break;
    }
    case otlp::AnyValue::kKvlistValue:
      out << "Map{" << render(value.kvlist_value().values()) << "}";
      break;
    case otlp::AnyValue::VALUE_NOT_SET:
      out << "Empty";
      break;
  }
  return out.str();
}

std::string render(const Attributes& attrs) {
  std::string out;
  for (const auto& kv : attrs) {
    if (!out.empty()) out += ", ";
    out += kv.key() + "=" + render(kv.value());
  }
  return out;
}

}  // namespace spanflow::testing::attributes
