#include "telemetry/log_limiter.h"

#include <catch.hpp>
#include <thread>

using spanflow::telemetry::LogLimiter;
using namespace std::chrono_literals;

TEST_CASE("the limiter lets one line through per interval and counts the ones it held back") {
  LogLimiter limiter(30ms);
  REQUIRE(limiter.admit() == std::optional<std::uint64_t>(0));
  std::uint64_t held = 0;
  for (int i = 0; i < 50; ++i) {
    if (!limiter.admit()) ++held;
  }
  CHECK(held == 50);
  // Once the interval has passed, the next line through reports every held-back one.
  std::optional<std::uint64_t> next;
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (!(next = limiter.admit()) && std::chrono::steady_clock::now() < until) {
    ++held;
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE(next);
  CHECK(*next == held);
  CHECK_FALSE(limiter.admit());
}

TEST_CASE("concurrent callers get exactly one line through") {
  LogLimiter limiter(1h);
  std::atomic<int> through{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (limiter.admit()) ++through;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(through == 1);
}
