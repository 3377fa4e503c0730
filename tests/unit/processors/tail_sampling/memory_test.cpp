// What a buffered span costs: the accounting max_memory_mib relies on is checked against what
// malloc really holds (mallinfo2), for typical spans. Set SPANFLOW_PRINT_MEMORY=1 to print the
// measured bytes per span (docs/configuration.md quotes them).
#include <malloc.h>

#include <catch.hpp>
#include <cstdio>
#include <cstdlib>

#include "core/trace_batch.h"
#include "fixture.h"

using namespace spanflow::tail_sampling_test;
using spanflow::otlp::Span;

namespace {

// An HTTP server or client span as instrumentation libraries emit them: ~10 attributes.
Span typical_span(std::uint64_t trace, std::uint64_t id) {
  Span s = make_span(trace, id, id == 1 ? 0 : 1, 0, 25);
  s.set_name(id == 1 ? "GET /api/v1/items/{id}" : "SELECT items");
  add_string(s, "http.request.method", "GET");
  add_string(s, "http.route", "/api/v1/items/{id}");
  add_int(s, "http.response.status_code", 200);
  add_string(s, "url.full", "https://shop.example.com/api/v1/items/" + std::to_string(trace));
  add_string(s, "server.address", "shop.example.com");
  add_int(s, "server.port", 443);
  add_string(s, "client.address", "10.42.17.3");
  add_string(s, "user_agent.original",
             "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124");
  add_string(s, "network.protocol.version", "1.1");
  add_string(s, "db.system", "postgresql");
  s.mutable_status()->set_code(spanflow::otlp::Status::STATUS_CODE_OK);
  return s;
}

struct Measured {
  double accounted_per_span;
  double heap_per_span;
  double encoded_per_span;
  double decoded_per_span;  // the same spans held as decoded messages, one arena per trace
};

// Heap per span when each trace's spans are kept decoded (the alternative to encoded storage).
double decoded_heap_per_span(int spans_per_trace, std::uint64_t traces) {
  std::vector<spanflow::TraceBatch> held;
  held.reserve(traces);
  malloc_trim(0);
  const std::size_t before = mallinfo2().uordblks;
  for (std::uint64_t t = 1; t <= traces; ++t) {
    spanflow::TraceBatch& batch = held.emplace_back(spanflow::ArenaSizing{1024, 64 * 1024});
    auto* ss = batch.mutable_request().add_resource_spans()->add_scope_spans();
    for (int s = 1; s <= spans_per_trace; ++s) {
      *ss->add_spans() = typical_span(t, static_cast<std::uint64_t>(s));
    }
  }
  const std::size_t after = mallinfo2().uordblks;
  return static_cast<double>(after - before) / static_cast<double>(traces * spans_per_trace);
}

Measured measure(int spans_per_trace) {
  Harness h(R"(num_shards: 1
decision_wait: 1h
num_traces: 1000000
max_memory_mib: 4096
decision_cache: {sampled_cache_size: 0, non_sampled_cache_size: 0}
policies: [{name: all, type: always_sample}]
)");
  constexpr std::uint64_t kTraces = 2000;
  constexpr std::uint64_t kInterleave = 10;  // traces per request
  std::uint64_t encoded = 0;
  malloc_trim(0);
  const std::size_t before = mallinfo2().uordblks;
  for (std::uint64_t first = 1; first <= kTraces; first += kInterleave) {
    for (int s = 1; s <= spans_per_trace; ++s) {
      std::vector<Span> spans;
      for (std::uint64_t t = first; t < first + kInterleave; ++t) {
        spans.push_back(typical_span(t, static_cast<std::uint64_t>(s)));
        encoded += spans.back().ByteSizeLong();
      }
      REQUIRE(h.send(spans).is_ok());
    }
  }
  const std::size_t after = mallinfo2().uordblks;
  const double n = static_cast<double>(kTraces) * spans_per_trace;
  REQUIRE(h.sampler.traces_in_memory() == kTraces);
  return {static_cast<double>(h.sampler.buffered_bytes()) / n,
          static_cast<double>(after - before) / n, static_cast<double>(encoded) / n,
          decoded_heap_per_span(spans_per_trace, kTraces)};
}

}  // namespace

TEST_CASE("the bytes accounted for buffered spans match the heap they take") {
  for (const int spans_per_trace : {1, 5, 20}) {
    const Measured m = measure(spans_per_trace);
    INFO(spans_per_trace << " spans per trace: accounted " << m.accounted_per_span
                         << " B/span, heap " << m.heap_per_span << " B/span, encoded "
                         << m.encoded_per_span << " B/span, decoded " << m.decoded_per_span
                         << " B/span");
    if (std::getenv("SPANFLOW_PRINT_MEMORY") != nullptr) {
      std::printf(
          "%2d spans/trace: accounted %.0f B/span, heap %.0f B/span, encoded %.0f B/span "
          "(x%.2f); decoded on an arena: heap %.0f B/span (x%.2f)\n",
          spans_per_trace, m.accounted_per_span, m.heap_per_span, m.encoded_per_span,
          m.accounted_per_span / m.encoded_per_span, m.decoded_per_span,
          m.decoded_per_span / m.encoded_per_span);
    }
    // The budget is honest within 20% of what malloc holds.
    CHECK(m.accounted_per_span >= 0.8 * m.heap_per_span);
    CHECK(m.accounted_per_span <= 1.2 * m.heap_per_span);
    // A buffered span costs under twice its wire size, and a fraction of what it costs decoded.
    CHECK(m.accounted_per_span < 2 * m.encoded_per_span);
    CHECK(m.decoded_per_span > 3 * m.accounted_per_span);
  }
}
