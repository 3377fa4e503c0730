#include "generator.h"

#include <array>
#include <cmath>
#include <random>
#include <string>

namespace spanflow::loadgen {

namespace {

using Rng = std::mt19937_64;

struct Service {
  const char* name;
  const char* version;
  const char* language;
};
constexpr std::array<Service, 3> kServices = {
    {{"checkout", "1.4.2", "go"}, {"payments", "2.0.1", "java"}, {"inventory", "0.9.7", "nodejs"}}};
constexpr std::array<const char*, 6> kRoutes = {"/api/cart", "/api/checkout", "/api/items/{id}",
                                                "/api/pay",  "/api/stock",    "/api/users/{id}"};

void str(google::protobuf::RepeatedPtrField<otlp::KeyValue>* a, const char* k, std::string v) {
  auto* kv = a->Add();
  kv->set_key(k);
  kv->mutable_value()->set_string_value(std::move(v));
}
void num(google::protobuf::RepeatedPtrField<otlp::KeyValue>* a, const char* k, std::int64_t v) {
  auto* kv = a->Add();
  kv->set_key(k);
  kv->mutable_value()->set_int_value(v);
}

std::string random_bytes(Rng& rng, int n) {
  std::string out(static_cast<std::size_t>(n), '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  out[0] = static_cast<char>(out[0] | 1);  // never all zero
  return out;
}

void fill_resource(otlp::Resource& r, const Service& s, int instance) {
  auto* a = r.mutable_attributes();
  str(a, "service.name", s.name);
  str(a, "service.version", s.version);
  str(a, "service.instance.id", std::string(s.name) + "-" + std::to_string(instance));
  str(a, "deployment.environment", "prod");
  str(a, "telemetry.sdk.language", s.language);
  str(a, "telemetry.sdk.name", "opentelemetry");
  str(a, "k8s.namespace.name", "shop");
  str(a, "k8s.pod.name", std::string(s.name) + "-7d9f8c6b5-" + std::to_string(10000 + instance));
}

// One span with the attributes a typical HTTP/DB instrumentation writes.
void fill_span(otlp::Span& span, Rng& rng, const std::string& trace_id, const std::string& parent,
               std::uint64_t start, bool health) {
  std::lognormal_distribution<double> duration_ms(3.0, 1.2);  // median ~20 ms, ~1% > 2 s
  std::uniform_real_distribution<double> u(0, 1);
  const double ms = std::min(duration_ms(rng), 60000.0);
  span.set_trace_id(trace_id);
  span.set_span_id(random_bytes(rng, 8));
  if (!parent.empty()) span.set_parent_span_id(parent);
  const char* route = health ? "/health" : kRoutes[rng() % kRoutes.size()];
  span.set_name(std::string(parent.empty() ? "GET " : "SELECT ") + route);
  span.set_kind(parent.empty() ? otlp::Span::SPAN_KIND_SERVER : otlp::Span::SPAN_KIND_CLIENT);
  span.set_start_time_unix_nano(start);
  span.set_end_time_unix_nano(start + static_cast<std::uint64_t>(ms * 1e6));
  span.set_flags(0x101);
  auto* a = span.mutable_attributes();
  str(a, "http.request.method", "GET");
  str(a, "http.route", route);
  str(a, "url.path", route);
  num(a, "http.response.status_code", u(rng) < 0.02 ? 500 : 200);
  str(a, "server.address", "shop.example.com");
  num(a, "server.port", 443);
  str(a, "user.id", "user-" + std::to_string(rng() % 100000));
  str(a, "network.protocol.version", "1.1");
  str(a, "user_agent.original",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0");
  str(a, "thread.name", "http-nio-8080-exec-" + std::to_string(rng() % 200));
  auto* ratio = a->Add();
  ratio->set_key("sampling.ratio");
  ratio->mutable_value()->set_double_value(0.25);
  auto* cached = a->Add();
  cached->set_key("cache.hit");
  cached->mutable_value()->set_bool_value(u(rng) < 0.5);
  if (u(rng) < 0.02) {
    span.mutable_status()->set_code(otlp::Status::STATUS_CODE_ERROR);
    span.mutable_status()->set_message("upstream timed out");
  }
  if (u(rng) < 0.10) {
    auto* ev = span.add_events();
    ev->set_name("exception");
    ev->set_time_unix_nano(start + 1000);
    str(ev->mutable_attributes(), "exception.type", "TimeoutError");
    str(ev->mutable_attributes(), "exception.message", "deadline exceeded after 2s");
  }
}

}  // namespace

std::vector<otlp::ExportRequest> generate_requests(int count, const GeneratorOptions& options) {
  Rng rng(options.seed);
  std::uniform_int_distribution<int> trace_size(1, 20);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<otlp::ExportRequest> out(static_cast<std::size_t>(count));
  const std::uint64_t base = 1'700'000'000'000'000'000ULL;
  for (int r = 0; r < count; ++r) {
    auto& request = out[static_cast<std::size_t>(r)];
    std::array<otlp::ScopeSpans*, kServices.size()> scopes{};
    for (std::size_t s = 0; s < kServices.size(); ++s) {
      auto* rs = request.add_resource_spans();
      fill_resource(*rs->mutable_resource(), kServices[s], r % 7);
      rs->set_schema_url("https://opentelemetry.io/schemas/1.24.0");
      scopes[s] = rs->add_scope_spans();
      scopes[s]->mutable_scope()->set_name("io.opentelemetry.http");
      scopes[s]->mutable_scope()->set_version("1.32.0");
    }
    int spans = 0;
    while (spans < options.spans_per_request) {
      const int size = std::min(trace_size(rng), options.spans_per_request - spans);
      const std::string trace_id = random_bytes(rng, 16);
      const bool health = u(rng) < 0.01;
      std::string root_id;
      const std::uint64_t start =
          base + static_cast<std::uint64_t>(r) * 1'000'000'000ULL + rng() % 1'000'000'000ULL;
      for (int i = 0; i < size; ++i) {
        auto* span = scopes[rng() % scopes.size()]->add_spans();
        fill_span(*span, rng, trace_id, root_id, start + static_cast<std::uint64_t>(i) * 1000,
                  health);
        if (i == 0) root_id = span->span_id();
      }
      spans += size;
    }
  }
  return out;
}

}  // namespace spanflow::loadgen
