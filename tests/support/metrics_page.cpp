#include "support/metrics_page.h"

#include <thread>

#include "support/http_client.h"

namespace spanflow::testing {

std::string scrape(const Daemon& daemon) {
  return HttpClient(daemon.metrics_port()).request("GET", "/metrics").body;
}

double metric(const std::string& page, const std::string& series) {
  const std::string line_start = series + " ";
  std::size_t at = page.rfind(line_start, 0) == 0 ? 0 : std::string::npos;
  if (at == std::string::npos) {
    at = page.find("\n" + line_start);
    if (at == std::string::npos) return -1;
    ++at;
  }
  return std::stod(page.substr(at + line_start.size()));
}

double await_metric(const Daemon& daemon, const std::string& series, double value,
                    std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  double now = metric(scrape(daemon), series);
  while (now < value && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    now = metric(scrape(daemon), series);
  }
  return now;
}

std::string receiver_spans(const std::string& outcome, const std::string& transport,
                           const std::string& receiver) {
  return "otelcol_receiver_" + outcome + "_spans_total{receiver=\"" + receiver + "\",transport=\"" +
         transport + "\"}";
}

std::string processor_items(const std::string& direction, const std::string& processor) {
  return "otelcol_processor_" + direction + "_items_total{otel_signal=\"traces\",processor=\"" +
         processor + "\"}";
}

std::string exporter_series(const std::string& name, const std::string& exporter) {
  return "otelcol_exporter_" + name + "{exporter=\"" + exporter + "\"}";
}

}  // namespace spanflow::testing
