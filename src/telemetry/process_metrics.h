// The Collector's process metrics (otelcol_process_*), read from the OS at scrape time.
#pragma once

#include <chrono>
#include <string>

namespace spanflow::telemetry {

// Resident set size of this process in bytes (from /proc/self/statm); 0 if unknown.
std::uint64_t process_rss_bytes();

// Prometheus text for otelcol_process_uptime, _cpu_seconds and _memory_rss.
std::string process_metrics_text(std::chrono::steady_clock::time_point started);

}  // namespace spanflow::telemetry
