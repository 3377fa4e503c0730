// Daemon: runs the real spanflow binary on a config for an integration test.
//
// Configs use port 0 ("127.0.0.1:0"); the bound ports are read from the daemon's startup log.
// The destructor kills the process if the test did not stop it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace spanflow::testing {

class Daemon {
 public:
  // Writes `config_yaml` to a temp file and starts `spanflow --config` on it with `env` added
  // to the environment; waits until it is ready (or throws with its log).
  explicit Daemon(const std::string& config_yaml, std::map<std::string, std::string> env = {},
                  std::chrono::milliseconds ready_timeout = std::chrono::seconds(15));
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Ports from the startup log: "receiver <id> listening protocol=<grpc|http>" and
  // "extension <id> listening".
  std::uint16_t grpc_port(const std::string& receiver = "otlp") const;
  std::uint16_t http_port(const std::string& receiver = "otlp") const;
  std::uint16_t extension_port(const std::string& extension) const;
  std::uint16_t metrics_port() const { return port_of("telemetry metrics"); }

  // Sends `signal` and waits for the exit; returns the exit code (128+signal if killed).
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void send_signal(int signal) const;
  std::string log() const;
  const TempDir& dir() const { return dir_; }
  pid_t pid() const { return pid_; }

 private:
  std::uint16_t port_of(const std::string& prefix) const;

  TempDir dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::map<std::string, std::uint16_t> ports_;
};

// The plainest pipeline: OTLP in over gRPC and HTTP (port 0), the file exporter writing
// OTLP/JSON lines to `path` every 50 ms.
std::string otlp_to_file_config(const std::string& path);

// Runs spanflow with `args` to completion; returns exit code and combined output.
struct CommandResult {
  int exit_code;
  std::string output;
};
CommandResult run_spanflow(const std::vector<std::string>& args,
                           std::map<std::string, std::string> env = {});

}  // namespace spanflow::testing
