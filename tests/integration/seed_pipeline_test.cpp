// Seed 004's pipeline end to end on the real binary: PII hashed or removed, health checks
// dropped, the rest sampled at TRACE_SAMPLING_RATE.
#include <openssl/sha.h>
#include <signal.h>

#include <catch.hpp>
#include <cmath>
#include <random>
#include <set>

#include "support/daemon.h"
#include "support/file_output.h"
#include "support/http_client.h"
#include "support/spans.h"

using namespace spanflow;
using namespace spanflow::testing;

namespace {

std::string sha256_hex(const std::string& in) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
  return hex(std::string(reinterpret_cast<const char*>(digest), sizeof digest));
}

const otlp::AnyValue* attribute(const otlp::Span& span, const std::string& key) {
  for (const auto& kv : span.attributes()) {
    if (kv.key() == key) return &kv.value();
  }
  return nullptr;
}

}  // namespace

TEST_CASE("seed 004's pipeline hashes and removes PII, drops health checks and samples") {
  TempDir out;
  const std::string path = out.file("traces.jsonl");
  const std::string config =
      read_file(std::string(SPANFLOW_SOURCE_DIR) + "/config/examples/seed-004-file.yaml");
  Daemon daemon(config, {{"TRACE_SAMPLING_RATE", "25"},
                         {"OTLP_GRPC_ENDPOINT", "127.0.0.1:0"},
                         {"OTLP_HTTP_ENDPOINT", "127.0.0.1:0"},
                         {"TRACES_FILE", path}});
  HttpClient http(daemon.http_port());
  std::mt19937_64 rng(42);
  constexpr int kRequests = 40, kPerRequest = 100;
  int business = 0;
  for (int r = 0; r < kRequests; ++r) {
    otlp::ExportRequest request = make_request(kPerRequest, 1 + std::uint64_t(r) * kPerRequest);
    auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
    for (int i = 0; i < spans->size(); ++i) {
      auto& span = *spans->Mutable(i);
      std::string tid(16, '\0');
      for (auto& c : tid) c = static_cast<char>(rng());
      span.set_trace_id(tid);
      auto* attrs = span.mutable_attributes();
      add_attribute(attrs, "user.id", "user-" + std::to_string(i));
      add_attribute(attrs, "patient.id", "patient-" + std::to_string(i));
      add_attribute(attrs, "password", "hunter2");
      if (i % 10 == 0) {
        attrs->Mutable(0)->mutable_value()->set_string_value("/health");  // http.route
      } else if (i % 10 == 1) {
        add_attribute(attrs, "grpc.method", "Health/Check");
      } else {
        ++business;
      }
    }
    REQUIRE(http.post("/v1/traces", request.SerializeAsString(), "application/x-protobuf").status ==
            200);
  }
  REQUIRE(daemon.stop(SIGTERM) == 0);

  const auto kept = spans_by_id(read_json_lines(path));
  for (const auto& [id, record] : kept) {
    const auto& span = record.span;
    INFO(span.name());
    const auto* user = attribute(span, "user.id");
    REQUIRE(user != nullptr);
    const std::string n = user->string_value();
    CHECK(n.size() == 64);
    CHECK(attribute(span, "patient.id") == nullptr);
    CHECK(attribute(span, "password") == nullptr);
    CHECK(attribute(span, "http.route")->string_value() == "/api/items");
    CHECK(attribute(span, "grpc.method") == nullptr);
    CHECK(span.trace_state().find("ot=") != std::string::npos);
  }
  // user.id hashes are the SHA-256 of the original value.
  std::set<std::string> expected_hashes;
  for (int i = 0; i < kPerRequest; ++i)
    expected_hashes.insert(sha256_hex("user-" + std::to_string(i)));
  for (const auto& [id, record] : kept) {
    CHECK(expected_hashes.contains(attribute(record.span, "user.id")->string_value()));
  }
  // 25% of the business spans, within 5 standard deviations of the binomial.
  const double p = 0.25, n = business;
  const double sd = std::sqrt(n * p * (1 - p));
  INFO("kept " << kept.size() << " of " << business);
  CHECK(std::abs(static_cast<double>(kept.size()) - n * p) < 5 * sd);
}
