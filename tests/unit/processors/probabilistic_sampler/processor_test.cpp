// The processor on whole batches: what is forwarded, copy-on-write, pruning, metrics, rates.
#include <catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "processors/probabilistic_sampler/probabilistic_sampler.h"
#include "support/trace_sink.h"
#include "telemetry/metrics.h"
#include "unit/processors/probabilistic_sampler/helpers.h"

using namespace spanflow;
using namespace spanflow::processors::probabilistic_sampler;
using spanflow::testing::TraceSink;
using spanflow::testing::sampler::make_config;
using spanflow::testing::sampler::trace_id_from_hex;

namespace {

CreateSettings settings(telemetry::Metrics* metrics = nullptr) {
  return CreateSettings{ComponentId{"probabilistic_sampler", ""}, nullptr, metrics};
}

// 16 random bytes, never all zero.
std::string random_trace_id(std::mt19937_64& rng) {
  std::string id(16, '\0');
  for (int half = 0; half < 2; ++half) {
    const std::uint64_t bits = rng() | (half == 0 ? 1u : 0u);
    for (int i = 0; i < 8; ++i) id[half * 8 + i] = static_cast<char>(bits >> (8 * i));
  }
  return id;
}

otlp::Span* add_span(otlp::ScopeSpans* scope, const std::string& name, const std::string& id,
                     const std::string& trace_state = "") {
  otlp::Span* span = scope->add_spans();
  span->set_trace_id(id);
  span->set_span_id("spanid00");
  span->set_name(name);
  span->set_trace_state(trace_state);
  return span;
}

void set_priority(otlp::Span* span, std::int64_t priority) {
  auto* kv = span->add_attributes();
  kv->set_key("sampling.priority");
  kv->mutable_value()->set_int_value(priority);
}

TraceBatch random_batch(std::mt19937_64& rng, int spans, const std::string& trace_state = "") {
  TraceBatch batch;
  otlp::ScopeSpans* scope = batch.mutable_request().add_resource_spans()->add_scope_spans();
  for (int i = 0; i < spans; ++i) {
    add_span(scope, "s" + std::to_string(i), random_trace_id(rng), trace_state);
  }
  return batch;
}

std::vector<std::string> names(const otlp::ExportRequest& request) {
  std::vector<std::string> out;
  for (const auto& rs : request.resource_spans()) {
    for (const auto& ss : rs.scope_spans()) {
      for (const auto& span : ss.spans()) out.push_back(span.name());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a batch kept whole and unchanged is forwarded as it came, without a copy") {
  TraceSink sink;
  ProbabilisticSampler sampler(settings(), make_config("100", Mode::kProportional), sink);
  std::mt19937_64 rng(1);
  TraceBatch batch = random_batch(rng, 5, "ot=th:0,vendor=x");
  const TraceBatch sibling = batch.share();
  const otlp::ExportRequest* payload = &batch.request();
  REQUIRE(sampler.consume(std::move(batch)).is_ok());
  REQUIRE(sink.batches().size() == 1);
  CHECK(&sink.batches()[0].request() == payload);
}

TEST_CASE("empty scopes and resources are pruned even when every span passes unchanged") {
  TraceSink sink;
  ProbabilisticSampler sampler(settings(), make_config("100", Mode::kProportional), sink);
  std::mt19937_64 rng(6);
  for (const bool empty_resource : {true, false}) {
    INFO("empty " << (empty_resource ? "resource" : "scope"));
    TraceBatch batch = random_batch(rng, 3, "ot=th:0");
    if (empty_resource) {
      batch.mutable_request().add_resource_spans();
    } else {
      batch.mutable_request().mutable_resource_spans(0)->add_scope_spans();
    }
    REQUIRE(sampler.consume(std::move(batch)).is_ok());
    const otlp::ExportRequest& out = sink.batches().back().request();
    CHECK(out.resource_spans_size() == 1);
    CHECK(out.resource_spans(0).scope_spans_size() == 1);
    CHECK(out.resource_spans(0).scope_spans(0).spans_size() == 3);
  }
}

TEST_CASE("a shared batch is untouched for its sibling") {
  TraceSink sink;
  ProbabilisticSampler sampler(settings(), make_config("50"), sink);
  std::mt19937_64 rng(2);
  TraceBatch batch = random_batch(rng, 200, "vendor=x");
  const TraceBatch sibling = batch.share();
  REQUIRE(sampler.consume(std::move(batch)).is_ok());
  REQUIRE(sink.batches().size() == 1);
  const otlp::ExportRequest& out = sink.batches()[0].request();
  CHECK(&out != &sibling.request());
  CHECK(sink.span_count() > 50);
  CHECK(sink.span_count() < 150);
  CHECK(out.resource_spans(0).scope_spans(0).spans(0).trace_state().starts_with("ot=rv:"));
  CHECK(sibling.span_count() == 200);
  for (const auto& span : sibling.request().resource_spans(0).scope_spans(0).spans()) {
    CHECK(span.trace_state() == "vendor=x");
  }
}

TEST_CASE("a batch sampled down to nothing is not forwarded") {
  TraceSink sink;
  telemetry::Metrics metrics;
  ProbabilisticSampler sampler(settings(&metrics), make_config("0"), sink);
  std::mt19937_64 rng(3);
  CHECK(sampler.consume(random_batch(rng, 20)).is_ok());
  CHECK(sink.batches().empty());
  CHECK(metrics.value("otelcol_processor_probabilistic_sampler_count_traces_sampled_total",
                      {{"policy", "sampling_priority"}, {"sampled", "false"}}) == 20);
}

TEST_CASE("dropped spans leave no empty scope or resource behind, and order is kept") {
  TraceSink sink;
  ProbabilisticSampler sampler(settings(), make_config("100"), sink);
  std::mt19937_64 rng(4);
  TraceBatch batch;
  auto& request = batch.mutable_request();
  auto* a = request.add_resource_spans();
  a->mutable_resource()->add_attributes()->set_key("a");
  auto* a1 = a->add_scope_spans();
  a1->mutable_scope()->set_name("a1");
  add_span(a1, "k1", random_trace_id(rng));
  set_priority(add_span(a1, "d1", random_trace_id(rng)), 0);
  add_span(a1, "k2", random_trace_id(rng), "vendor=x");
  auto* a2 = a->add_scope_spans();
  set_priority(add_span(a2, "d2", random_trace_id(rng)), 0);
  set_priority(add_span(a2, "d3", random_trace_id(rng)), 0);
  auto* b = request.add_resource_spans();
  set_priority(add_span(b->add_scope_spans(), "d4", random_trace_id(rng)), 0);
  auto* c = request.add_resource_spans();
  c->mutable_resource()->add_attributes()->set_key("c");
  add_span(c->add_scope_spans(), "k3", random_trace_id(rng));
  c->add_scope_spans();          // empty on arrival
  request.add_resource_spans();  // empty on arrival

  REQUIRE(sampler.consume(std::move(batch)).is_ok());
  REQUIRE(sink.batches().size() == 1);
  const otlp::ExportRequest& out = sink.batches()[0].request();
  CHECK(names(out) == std::vector<std::string>{"k1", "k2", "k3"});
  REQUIRE(out.resource_spans_size() == 2);
  CHECK(out.resource_spans(0).resource().attributes(0).key() == "a");
  REQUIRE(out.resource_spans(0).scope_spans_size() == 1);
  CHECK(out.resource_spans(0).scope_spans(0).scope().name() == "a1");
  CHECK(out.resource_spans(1).resource().attributes(0).key() == "c");
  CHECK(out.resource_spans(1).scope_spans_size() == 1);
  const auto& k2 = out.resource_spans(0).scope_spans(0).spans(1);
  CHECK(k2.trace_state().starts_with("ot=rv:"));
  CHECK(k2.trace_state().ends_with(";th:0,vendor=x"));
}

TEST_CASE("every span is counted by policy and outcome, on counters registered up front") {
  TraceSink sink;
  telemetry::Metrics metrics;
  ProbabilisticSampler sampler(settings(&metrics), make_config("10"), sink);
  const std::string text = metrics.prometheus_text();
  for (const char* policy : {"trace_id_hash", "trace_id_w3c", "sampling_randomness",
                             "sampling_priority", "missing_randomness"}) {
    for (const char* sampled : {"false", "true"}) {
      INFO(policy << " " << sampled);
      CHECK(text.find(std::string("otelcol_processor_probabilistic_sampler_count_traces_sampled_"
                                  "total{policy=\"") +
                      policy + "\",sampled=\"" + sampled + "\"} 0\n") != std::string::npos);
    }
  }
  std::mt19937_64 rng(5);
  TraceBatch batch = random_batch(rng, 1000);
  auto* scope = batch.mutable_request().mutable_resource_spans(0)->mutable_scope_spans(0);
  set_priority(scope->mutable_spans(0), 1);
  add_span(scope, "zero", std::string(16, '\0'));
  REQUIRE(sampler.consume(std::move(batch)).is_ok());
  const auto value = [&](const char* policy, const char* sampled) {
    return metrics.value("otelcol_processor_probabilistic_sampler_count_traces_sampled_total",
                         {{"policy", policy}, {"sampled", sampled}});
  };
  CHECK(value("sampling_priority", "true") == 1);
  CHECK(value("missing_randomness", "false") == 1);
  CHECK(value("trace_id_hash", "true") + value("trace_id_hash", "false") == 999);
  CHECK(value("trace_id_hash", "true") + 1 == static_cast<double>(sink.span_count()));
}

TEST_CASE("the fraction kept over 100k random trace ids is within a binomial bound") {
  struct Case {
    const char* percentage;
    Mode mode;
    double p;  // the exact probability the mode implements
  };
  const double p333 = threshold_to_probability(*probability_to_threshold(33.3f / 100.0, 4));
  for (const Case& c :
       {Case{"10", Mode::kHashSeed, 1638.0 / 16384}, Case{"33.3", Mode::kHashSeed, 5455.0 / 16384},
        Case{"25", Mode::kProportional, 0.25}, Case{"33.3", Mode::kEqualizing, p333}}) {
    INFO(c.percentage << "% " << to_string(c.mode));
    TraceSink sink;
    ProbabilisticSampler sampler(settings(), make_config(c.percentage, c.mode, 42), sink);
    std::mt19937_64 rng(20240611);
    constexpr int kBatches = 100;
    constexpr int kPerBatch = 1000;
    for (int i = 0; i < kBatches; ++i)
      REQUIRE(sampler.consume(random_batch(rng, kPerBatch)).is_ok());
    const double n = kBatches * kPerBatch;
    const double kept = static_cast<double>(sink.span_count());
    const double sd = std::sqrt(n * c.p * (1 - c.p));
    CHECK(std::abs(kept - n * c.p) < 5 * sd);
  }
}
