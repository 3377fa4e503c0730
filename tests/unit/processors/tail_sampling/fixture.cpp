#include "fixture.h"

#include <spdlog/sinks/null_sink.h>

#include <catch.hpp>

#include "config/config_node.h"
#include "config/yaml_document.h"
#include "processors/tail_sampling/policies/policy.h"
#include "support/spans.h"

namespace spanflow::tail_sampling_test {

namespace {
constexpr std::uint64_t kEpochNanos = 1'700'000'000'000'000'000ULL;
const char* const kProcessor = "tail_sampling";
}  // namespace

ts::Config parse_config(const std::string& yaml, config::ConfigErrors& errors) {
  const config::ConfigValue root = config::parse_yaml(
      yaml, "ts.yaml", [](const std::string&) { return std::optional<std::string>(); }, errors);
  config::ConfigNode node(root, "tail_sampling", errors);
  ts::Config c = ts::Config::parse(node);
  node.finish();
  return c;
}

ts::Config valid_config(const std::string& yaml) {
  config::ConfigErrors errors;
  ts::Config c = parse_config(yaml, errors);
  INFO(errors.report());
  REQUIRE_FALSE(errors.has_errors());
  return c;
}

std::string config_report(const std::string& yaml) {
  config::ConfigErrors errors;
  parse_config(yaml, errors);
  return errors.report();
}

std::shared_ptr<spdlog::logger> null_logger() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

otlp::Span make_span(std::uint64_t trace, std::uint64_t span, std::uint64_t parent,
                     std::int64_t start_ms, std::int64_t end_ms) {
  otlp::Span s;
  s.set_trace_id(testing::trace_id(trace));
  s.set_span_id(testing::span_id(span));
  if (parent != 0) s.set_parent_span_id(testing::span_id(parent));
  s.set_name("op-" + std::to_string(span));
  s.set_kind(otlp::Span::SPAN_KIND_SERVER);
  s.set_start_time_unix_nano(kEpochNanos + static_cast<std::uint64_t>(start_ms) * 1'000'000);
  s.set_end_time_unix_nano(kEpochNanos + static_cast<std::uint64_t>(end_ms) * 1'000'000);
  return s;
}

void set_status(otlp::Span& span, int code) {
  span.mutable_status()->set_code(static_cast<otlp::Status::StatusCode>(code));
}

void add_string(otlp::Span& span, const std::string& key, const std::string& value) {
  otlp::KeyValue* kv = span.add_attributes();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

void add_int(otlp::Span& span, const std::string& key, std::int64_t value) {
  otlp::KeyValue* kv = span.add_attributes();
  kv->set_key(key);
  kv->mutable_value()->set_int_value(value);
}

void add_bool(otlp::Span& span, const std::string& key, bool value) {
  otlp::KeyValue* kv = span.add_attributes();
  kv->set_key(key);
  kv->mutable_value()->set_bool_value(value);
}

otlp::ExportRequest request_of(const std::vector<otlp::Span>& spans, const std::string& service) {
  otlp::ExportRequest request;
  otlp::ResourceSpans* rs = request.add_resource_spans();
  otlp::KeyValue* kv = rs->mutable_resource()->add_attributes();
  kv->set_key("service.name");
  kv->mutable_value()->set_string_value(service);
  otlp::ScopeSpans* ss = rs->add_scope_spans();
  ss->mutable_scope()->set_name("test.scope");
  for (const otlp::Span& span : spans) *ss->add_spans() = span;
  return request;
}

ts::Decision evaluate(const std::string& policy_yaml, const otlp::ExportRequest& spans,
                      std::uint64_t trace) {
  const ts::Config c = valid_config("policies:\n" + policy_yaml);
  REQUIRE(c.policies.size() == 1);
  const std::unique_ptr<ts::Policy> policy = ts::build_policy(c.policies[0]);
  const ts::TraceId id = ts::TraceId::from(testing::trace_id(trace));
  std::uint64_t count = 0;
  for (const auto& rs : spans.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) count += static_cast<std::uint64_t>(ss.spans_size());
  }
  ts::Evaluation out;
  return policy->evaluate({id, spans, count, testing::ManualClock().now()}, out);
}

std::uint64_t trace_number(const std::string& trace_id) {
  std::uint64_t n = 0;
  for (std::size_t i = 8; i < 16 && i < trace_id.size(); ++i) {
    n = (n << 8) | static_cast<unsigned char>(trace_id[i]);
  }
  return n;
}

std::uint64_t span_number(const std::string& span_id) {
  std::uint64_t n = 0;
  for (std::size_t i = 1; i < 8 && i < span_id.size(); ++i) {
    n = (n << 8) | static_cast<unsigned char>(span_id[i]);
  }
  return n;
}

std::map<std::uint64_t, std::set<std::uint64_t>> CapturingOutput::spans_by_trace() const {
  std::map<std::uint64_t, std::set<std::uint64_t>> out;
  for (const otlp::Span& span : all_spans()) {
    out[trace_number(span.trace_id())].insert(span_number(span.span_id()));
  }
  return out;
}

std::vector<otlp::Span> CapturingOutput::all_spans() const {
  std::vector<otlp::Span> out;
  for (const TraceBatch& batch : batches) {
    for (const auto& rs : batch.request().resource_spans()) {
      for (const auto& ss : rs.scope_spans()) {
        for (const auto& span : ss.spans()) out.push_back(span);
      }
    }
  }
  return out;
}

Harness::Harness(const std::string& yaml)
    : config(valid_config(yaml)),
      logger(null_logger()),
      instruments(metrics, kProcessor),
      decider(config, kProcessor, "", metrics, instruments.policy_evaluation_errors, logger),
      sampler(config, clock, decider, instruments, output, logger, kProcessor) {}

void Harness::advance(Clock::duration by) {
  clock.advance(by);
  for (std::size_t shard = 0; shard < sampler.shard_count(); ++shard) {
    while (sampler.decide_due(shard, clock.now()) <= clock.now()) {
    }
  }
}

double Harness::metric(const std::string& name, telemetry::Labels labels) const {
  labels.insert(labels.begin(), {"processor", kProcessor});
  return metrics.value(name, labels);
}

}  // namespace spanflow::tail_sampling_test
