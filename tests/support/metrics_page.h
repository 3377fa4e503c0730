// Reading spanflow's self-metrics (Prometheus text) in integration tests.
#pragma once

#include <chrono>
#include <string>

#include "support/daemon.h"

namespace spanflow::testing {

// GET /metrics on the daemon's telemetry endpoint.
std::string scrape(const Daemon& daemon);

// The value of one series ("name{labels}" exactly as exposed) in a page, or -1 when absent.
double metric(const std::string& page, const std::string& series);

// Scrapes until `series` reaches at least `value` (counters only grow) or `timeout` passes;
// returns the last value seen.
double await_metric(const Daemon& daemon, const std::string& series, double value,
                    std::chrono::milliseconds timeout = std::chrono::seconds(15));

}  // namespace spanflow::testing
