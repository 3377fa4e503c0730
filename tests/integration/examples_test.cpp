// Every config under config/ validates (with the environment the examples document).
#include <catch.hpp>
#include <filesystem>

#include "support/daemon.h"

using namespace spanflow::testing;

TEST_CASE("every shipped config validates") {
  const std::filesystem::path root = std::string(SPANFLOW_SOURCE_DIR) + "/config";
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path());
    const auto r = run_spanflow({"validate", "--config", entry.path().string()},
                                {{"TRACE_SAMPLING_RATE", "10"},
                                 {"PROJECT_ID", "dta-cloud-de-dev"},
                                 {"JAEGER_ENDPOINT", "jaeger-collector.monitoring:14250"},
                                 {"ENVIRONMENT", "dev"}});
    CHECK(r.output.find("the configuration is valid") != std::string::npos);
    CHECK(r.exit_code == 0);
    ++checked;
  }
  CHECK(checked >= 2);
}
