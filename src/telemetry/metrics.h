// Self-metrics: counters and gauges registered while the graph is built, updated lock-free on
// the data path, exposed in Prometheus text format.
//
// Registration (counter(), gauge()) takes a lock and may happen at any time; the returned
// reference stays valid as long as the Metrics object. Updating is one relaxed atomic add.
// Registering the same name and labels twice returns the same instrument.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace spanflow::telemetry {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

class Metrics {
 public:
  // `name` is the full Prometheus name, e.g. "otelcol_receiver_accepted_spans_total".
  Counter& counter(const std::string& name, const std::string& help, Labels labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, Labels labels = {});

  // The value of a registered instrument, or 0 (for tests).
  double value(const std::string& name, const Labels& labels = {}) const;
  // Every instrument in the Prometheus text exposition format (version 0.0.4).
  std::string prometheus_text() const;

 private:
  struct Family {
    std::string help;
    bool is_counter = true;
    std::map<Labels, std::size_t> series;  // labels -> index into counters_/gauges_
  };

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
};

}  // namespace spanflow::telemetry
