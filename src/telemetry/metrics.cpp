#include "telemetry/metrics.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <stdexcept>

namespace spanflow::telemetry {

namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string label_text(const Labels& labels) {
  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += (i ? "," : "") + labels[i].first + "=\"" + escape_label(labels[i].second) + "\"";
  }
  return out;
}

std::string series_name(const std::string& name, const Labels& labels) {
  return labels.empty() ? name : name + "{" + label_text(labels) + "}";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

const char* type_name(int kind) {
  static constexpr const char* kNames[] = {"counter", "gauge", "histogram"};
  return kNames[kind];
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  counts_.resize(bounds_.size() + 1);
}

void Histogram::observe(double v) {
  const auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  std::uint64_t old = sum_bits_.load(std::memory_order_relaxed);
  while (!sum_bits_.compare_exchange_weak(
      old, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old) + v),
      std::memory_order_relaxed)) {
  }
}

std::vector<std::uint64_t> Histogram::cumulative() const {
  std::vector<std::uint64_t> out;
  std::uint64_t total = 0;
  for (const auto& c : counts_) {
    total += c.load(std::memory_order_relaxed);
    out.push_back(total);
  }
  return out;
}

double Histogram::sum() const {
  return std::bit_cast<double>(sum_bits_.load(std::memory_order_relaxed));
}

std::size_t Metrics::series_index(const std::string& name, const std::string& help, Kind kind,
                                  Labels labels, std::size_t next_index, bool& inserted) {
  Family& family = families_[name];
  if (family.series.empty()) {
    family.help = help;
    family.kind = kind;
  } else if (family.kind != kind) {
    throw std::logic_error("metric " + name + " is a " + type_name(static_cast<int>(family.kind)));
  }
  const auto it = family.series.try_emplace(std::move(labels), next_index);
  inserted = it.second;
  return it.first->second;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, Labels labels) {
  std::lock_guard lock(mu_);
  bool inserted = false;
  const auto i =
      series_index(name, help, Kind::kCounter, std::move(labels), counters_.size(), inserted);
  if (inserted) counters_.emplace_back();
  return counters_[i];
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, Labels labels) {
  std::lock_guard lock(mu_);
  bool inserted = false;
  const auto i =
      series_index(name, help, Kind::kGauge, std::move(labels), gauges_.size(), inserted);
  if (inserted) gauges_.emplace_back();
  return gauges_[i];
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help,
                              std::vector<double> bounds, Labels labels) {
  std::lock_guard lock(mu_);
  bool inserted = false;
  const auto i =
      series_index(name, help, Kind::kHistogram, std::move(labels), histograms_.size(), inserted);
  if (inserted) histograms_.emplace_back(std::move(bounds));
  return histograms_[i];
}

double Metrics::value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  const auto family = families_.find(name);
  if (family == families_.end()) return 0;
  const auto series = family->second.series.find(labels);
  if (series == family->second.series.end()) return 0;
  switch (family->second.kind) {
    case Kind::kCounter:
      return static_cast<double>(counters_[series->second].value());
    case Kind::kGauge:
      return static_cast<double>(gauges_[series->second].value());
    case Kind::kHistogram:
      return static_cast<double>(histograms_[series->second].cumulative().back());
  }
  return 0;
}

std::string Metrics::prometheus_text() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " + type_name(static_cast<int>(family.kind)) + "\n";
    for (const auto& [labels, index] : family.series) {
      if (family.kind == Kind::kCounter) {
        out += series_name(name, labels) + " " + std::to_string(counters_[index].value()) + "\n";
      } else if (family.kind == Kind::kGauge) {
        out += series_name(name, labels) + " " + std::to_string(gauges_[index].value()) + "\n";
      } else {
        const Histogram& h = histograms_[index];
        const auto counts = h.cumulative();
        const std::string prefix = labels.empty() ? "" : label_text(labels) + ",";
        for (std::size_t b = 0; b < counts.size(); ++b) {
          const std::string le = b < h.bounds().size() ? number(h.bounds()[b]) : "+Inf";
          out +=
              name + "_bucket{" + prefix + "le=\"" + le + "\"} " + std::to_string(counts[b]) + "\n";
        }
        out += series_name(name + "_sum", labels) + " " + number(h.sum()) + "\n";
        out += series_name(name + "_count", labels) + " " + std::to_string(counts.back()) + "\n";
      }
    }
  }
  return out;
}

}  // namespace spanflow::telemetry
