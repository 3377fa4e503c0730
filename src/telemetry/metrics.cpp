#include "telemetry/metrics.h"

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

std::string series_name(const std::string& name, const Labels& labels) {
  if (labels.empty()) return name;
  std::string out = name + "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += (i ? "," : "") + labels[i].first + "=\"" + escape_label(labels[i].second) + "\"";
  }
  return out + "}";
}

}  // namespace

Counter& Metrics::counter(const std::string& name, const std::string& help, Labels labels) {
  std::lock_guard lock(mu_);
  Family& family = families_[name];
  if (family.series.empty()) {
    family.help = help;
    family.is_counter = true;
  } else if (!family.is_counter) {
    throw std::logic_error("metric " + name + " is a gauge");
  }
  const auto [it, inserted] = family.series.try_emplace(std::move(labels), counters_.size());
  if (inserted) counters_.emplace_back();
  return counters_[it->second];
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, Labels labels) {
  std::lock_guard lock(mu_);
  Family& family = families_[name];
  if (family.series.empty()) {
    family.help = help;
    family.is_counter = false;
  } else if (family.is_counter) {
    throw std::logic_error("metric " + name + " is a counter");
  }
  const auto [it, inserted] = family.series.try_emplace(std::move(labels), gauges_.size());
  if (inserted) gauges_.emplace_back();
  return gauges_[it->second];
}

double Metrics::value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mu_);
  const auto family = families_.find(name);
  if (family == families_.end()) return 0;
  const auto series = family->second.series.find(labels);
  if (series == family->second.series.end()) return 0;
  return family->second.is_counter ? static_cast<double>(counters_[series->second].value())
                                   : static_cast<double>(gauges_[series->second].value());
}

std::string Metrics::prometheus_text() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + (family.is_counter ? " counter\n" : " gauge\n");
    for (const auto& [labels, index] : family.series) {
      const std::string value = family.is_counter ? std::to_string(counters_[index].value())
                                                  : std::to_string(gauges_[index].value());
      out += series_name(name, labels) + " " + value + "\n";
    }
  }
  return out;
}

}  // namespace spanflow::telemetry
