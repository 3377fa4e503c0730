#include "exporters/common/backoff.h"

#include <catch.hpp>
#include <vector>

using namespace spanflow::exporters;
using namespace std::chrono_literals;

namespace {

std::vector<std::chrono::milliseconds> delays(const RetryConfig& config, double jitter, int n) {
  Backoff backoff(config, [jitter] { return jitter; });
  std::vector<std::chrono::milliseconds> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(backoff.next()));
  }
  return out;
}

}  // namespace

TEST_CASE("without jitter the delays grow by the multiplier up to max_interval") {
  RetryConfig config;  // 5s, x1.5, max 30s
  config.randomization_factor = 0;
  CHECK(delays(config, 0.9, 7) == std::vector<std::chrono::milliseconds>{
                                      5000ms, 7500ms, 11250ms, 16875ms, 25312ms, 30000ms, 30000ms});
}

TEST_CASE("jitter spreads each delay over interval times one plus or minus the factor") {
  RetryConfig config;
  config.initial_interval = 1s;
  config.multiplier = 2;
  config.max_interval = 8s;
  config.randomization_factor = 0.5;
  // The lowest draw gives interval * 0.5, the middle one the interval, the highest * 1.5.
  CHECK(delays(config, 0.0, 5) ==
        std::vector<std::chrono::milliseconds>{500ms, 1000ms, 2000ms, 4000ms, 4000ms});
  CHECK(delays(config, 0.5, 5) ==
        std::vector<std::chrono::milliseconds>{1000ms, 2000ms, 4000ms, 8000ms, 8000ms});
  CHECK(delays(config, 1.0, 5) ==
        std::vector<std::chrono::milliseconds>{1500ms, 3000ms, 6000ms, 12000ms, 12000ms});
}

TEST_CASE("each draw of the jitter source shapes its own delay") {
  RetryConfig config;
  config.initial_interval = 100ms;
  config.multiplier = 1;
  config.randomization_factor = 0.2;
  std::vector<double> draws{0.0, 0.25, 0.75, 1.0};
  std::size_t i = 0;
  Backoff backoff(config, [&] { return draws[i++]; });
  CHECK(backoff.next() == 80ms);
  CHECK(backoff.next() == 90ms);
  CHECK(backoff.next() == 110ms);
  CHECK(backoff.next() == 120ms);
}

TEST_CASE("the default jitter source stays within [0, 1)") {
  const JitterSource jitter = default_jitter();
  double low = 1, high = 0;
  for (int i = 0; i < 10000; ++i) {
    const double u = jitter();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    low = std::min(low, u);
    high = std::max(high, u);
  }
  CHECK(low < 0.01);  // it really varies
  CHECK(high > 0.99);
}
