#include "telemetry/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>

namespace spanflow::telemetry {

std::uint64_t process_rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

std::string process_metrics_text(std::chrono::steady_clock::time_point started) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  const double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "# HELP otelcol_process_uptime_seconds_total Uptime of the process\n"
      "# TYPE otelcol_process_uptime_seconds_total counter\n"
      "otelcol_process_uptime_seconds_total %.3f\n"
      "# HELP otelcol_process_cpu_seconds_total Total CPU user and system time\n"
      "# TYPE otelcol_process_cpu_seconds_total counter\n"
      "otelcol_process_cpu_seconds_total %.3f\n"
      "# HELP otelcol_process_memory_rss_bytes Total physical memory (resident set size)\n"
      "# TYPE otelcol_process_memory_rss_bytes gauge\n"
      "otelcol_process_memory_rss_bytes %llu\n",
      uptime, cpu, static_cast<unsigned long long>(process_rss_bytes()));
  return buf;
}

}  // namespace spanflow::telemetry
