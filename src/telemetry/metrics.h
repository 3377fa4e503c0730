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

// A fixed-bucket histogram; observe() is a few relaxed atomic adds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound (Prometheus "le" semantics), then +Inf.
  std::vector<std::uint64_t> cumulative() const;
  double sum() const;

 private:
  std::vector<double> bounds_;
  std::deque<std::atomic<std::uint64_t>> counts_;  // one per bound, plus +Inf
  std::atomic<std::uint64_t> sum_bits_{0};         // double stored as bits
};

class Metrics {
 public:
  // `name` is the full Prometheus name, e.g. "otelcol_receiver_accepted_spans_total".
  Counter& counter(const std::string& name, const std::string& help, Labels labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, Labels labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                       Labels labels = {});

  // The value of a registered instrument, or 0 (for tests).
  double value(const std::string& name, const Labels& labels = {}) const;
  // Every instrument in the Prometheus text exposition format (version 0.0.4).
  std::string prometheus_text() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Family {
    std::string help;
    Kind kind = Kind::kCounter;
    std::map<Labels, std::size_t> series;  // labels -> index into the kind's deque
  };
  std::size_t series_index(const std::string& name, const std::string& help, Kind kind,
                           Labels labels, std::size_t next_index, bool& inserted);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::deque<Counter> counters_;
  std::deque<Gauge> gauges_;
  std::deque<Histogram> histograms_;
};

}  // namespace spanflow::telemetry
