// spanflow: a trace collector daemon configured like the OpenTelemetry Collector.
// CLI only: parse arguments, load config, run | validate | components | version.
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "config/yaml_document.h"
#include "net/grpc_runtime.h"
#include "service/registry.h"
#include "service/service.h"
#include "service/service_config.h"
#include "telemetry/logging.h"

namespace {

using namespace spanflow;

constexpr const char* kUsage = R"(usage: spanflow [run] --config FILE [--config FILE ...]
       spanflow validate --config FILE [--config FILE ...]
       spanflow components
       spanflow --version

Several --config files are merged in order (maps merge, lists are replaced), as in the
OpenTelemetry Collector. ${env:VAR}, ${VAR} and ${env:VAR:-default} are expanded.
)";

struct Args {
  std::string command = "run";
  std::vector<std::string> configs;
};

// Returns false (after printing why) when the arguments are not usable.
bool parse_args(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" || arg == "-c") {
      if (i + 1 == argc) {
        std::cerr << "spanflow: --config needs a file name\n";
        return false;
      }
      args.configs.emplace_back(argv[++i]);
    } else if (arg.starts_with("--config=")) {
      args.configs.push_back(arg.substr(9));
    } else if (arg == "--version" || arg == "-v" || arg == "version") {
      args.command = "version";
    } else if (arg == "--help" || arg == "-h" || arg == "help") {
      args.command = "help";
    } else if (i == 1 && (arg == "run" || arg == "validate" || arg == "components")) {
      args.command = arg;
    } else {
      std::cerr << "spanflow: unknown argument '" << arg << "'\n" << kUsage;
      return false;
    }
  }
  if ((args.command == "run" || args.command == "validate") && args.configs.empty()) {
    std::cerr << "spanflow: no config given; pass --config FILE (config/spanflow.yaml is the "
                 "default setup)\n";
    return false;
  }
  return true;
}

void print_components(const service::Registry& registry) {
  for (const auto kind : {ComponentKind::kReceiver, ComponentKind::kProcessor,
                          ComponentKind::kExporter, ComponentKind::kExtension}) {
    std::cout << to_string(kind) << "s:\n";
    for (const auto& type : registry.types(kind)) std::cout << "  - " << type << "\n";
  }
}

// Loads and validates; prints every error and warning. nullopt when unusable.
std::optional<service::ServiceConfig> load(const Args& args, const service::Registry& registry) {
  config::ConfigErrors errors;
  const auto root = config::load_files(args.configs, config::process_environment(), errors);
  service::ServiceConfig config;
  if (!errors.has_errors()) config = service::parse_service_config(root, registry, errors);
  std::cerr << errors.report();
  if (errors.has_errors()) return std::nullopt;
  return config;
}

int run(const service::ServiceConfig& config) {
  auto logger = telemetry::make_logger(config.logs);
  logger->info("starting spanflow version={}", SPANFLOW_VERSION);
  try {
    service::Service service(config, logger);
    service.start();
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    int signal = 0;
    sigwait(&signals, &signal);
    logger->info("received signal {}; shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
    service.shutdown();
  } catch (const std::exception& e) {
    logger->error("cannot run: {}", e.what());
    return 1;
  }
  logger->info("shutdown complete");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // only the sigwait() in run() receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  net::configure_grpc_runtime();

  Args args;
  if (!parse_args(argc, argv, args)) return 2;
  if (args.command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (args.command == "version") {
    std::cout << "spanflow " << SPANFLOW_VERSION << "\n";
    return 0;
  }
  const auto registry = service::Registry::builtin();
  if (args.command == "components") {
    print_components(registry);
    return 0;
  }
  const auto config = load(args, registry);
  if (!config) {
    std::cerr << "spanflow: the configuration is invalid\n";
    return 1;
  }
  if (args.command == "validate") {
    std::cout << "the configuration is valid\n";
    return 0;
  }
  return run(*config);
}
