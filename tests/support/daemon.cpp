#include "support/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <stdexcept>
#include <thread>

namespace spanflow::testing {

namespace {

// fork + exec `args` with stdout and stderr to `log_path` and `env` added.
pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& log_path) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Daemon::Daemon(const std::string& config_yaml, std::map<std::string, std::string> env,
               std::chrono::milliseconds ready_timeout) {
  const std::string config = dir_.write("config.yaml", config_yaml);
  // Self-metrics on a free port, so daemons never collide on 8888; a test's own
  // service::telemetry::metrics settings win (later files override).
  const std::string overlay =
      dir_.write("metrics.yaml", "service: {telemetry: {metrics: {address: '127.0.0.1:0'}}}\n");
  log_path_ = dir_.file("spanflow.log");
  pid_ = spawn({SPANFLOW_BINARY, "--config", overlay, "--config", config}, env, log_path_);
  const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  const std::regex listening(
      R"((receiver|extension|telemetry) (\S+) listening (?:protocol=(\w+) )?endpoint=\S*:(\d+))");
  for (;;) {
    const std::string text = log();
    if (text.find("everything is ready") != std::string::npos) {
      for (std::sregex_iterator it(text.begin(), text.end(), listening), end; it != end; ++it) {
        const auto& m = *it;
        const std::string key =
            m[1].str() + " " + m[2].str() + (m[3].matched ? " " + m[3].str() : "");
        ports_[key] = static_cast<std::uint16_t>(std::stoi(m[4].str()));
      }
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("spanflow exited with " + std::to_string(exit_code(status)) +
                               " before it was ready:\n" + text);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("spanflow was not ready in time:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Daemon::~Daemon() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::uint16_t Daemon::port_of(const std::string& key) const {
  const auto it = ports_.find(key);
  if (it == ports_.end()) throw std::runtime_error("no port logged for " + key + ":\n" + log());
  return it->second;
}

std::uint16_t Daemon::grpc_port(const std::string& receiver) const {
  return port_of("receiver " + receiver + " grpc");
}
std::uint16_t Daemon::http_port(const std::string& receiver) const {
  return port_of("receiver " + receiver + " http");
}
std::uint16_t Daemon::extension_port(const std::string& extension) const {
  return port_of("extension " + extension);
}

void Daemon::send_signal(int signal) const {
  if (pid_ > 0) kill(pid_, signal);
}

int Daemon::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return exit_code(status);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      throw std::runtime_error("spanflow did not exit in time:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string Daemon::log() const {
  return read_file(log_path_);
}

CommandResult run_spanflow(const std::vector<std::string>& args,
                           std::map<std::string, std::string> env) {
  TempDir dir;
  const std::string log_path = dir.file("out.log");
  std::vector<std::string> argv{SPANFLOW_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = spawn(argv, env, log_path);
  int status = 0;
  waitpid(pid, &status, 0);
  return {exit_code(status), read_file(log_path)};
}

std::string otlp_to_file_config(const std::string& path) {
  return R"(
receivers:
  otlp:
    protocols:
      grpc: {endpoint: "127.0.0.1:0"}
      http: {endpoint: "127.0.0.1:0"}
exporters:
  file: {path: ")" +
         path + R"(", flush_interval: 50ms}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [file]}
)";
}

}  // namespace spanflow::testing
