#include "support/pubsub_emulator.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "google/pubsub/v1/pubsub.grpc.pb.h"

namespace spanflow::testing {

namespace {

namespace pubsub = google::pubsub::v1;
namespace fs = std::filesystem;

constexpr char kDefaultSdkRoot[] = "/usr/lib/google-cloud-sdk";
constexpr char kLauncher[] = "platform/pubsub-emulator/bin/cloud-pubsub-emulator";

bool executable(const fs::path& path) {
  return ::access(path.c_str(), X_OK) == 0 && fs::is_regular_file(path);
}

std::optional<fs::path> on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

// The SDK root `gcloud info` reports, or "" (gcloud missing or failing).
std::string gcloud_sdk_root() {
  if (!on_path("gcloud")) return {};
  FILE* pipe = ::popen("gcloud info --format='value(installation.sdk_root)' 2>/dev/null", "r");
  if (pipe == nullptr) return {};
  std::string out;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::optional<std::string> find_launcher() {
  const fs::path fixed = fs::path(kDefaultSdkRoot) / kLauncher;
  if (executable(fixed)) return fixed.string();
  const std::string root = gcloud_sdk_root();
  if (!root.empty() && executable(fs::path(root) / kLauncher)) {
    return (fs::path(root) / kLauncher).string();
  }
  return std::nullopt;
}

bool java_available() {
  if (const char* home = std::getenv("JAVA_HOME"); home && *home) {
    if (executable(fs::path(home) / "bin" / "java")) return true;
  }
  return on_path("java").has_value();
}

// A port nothing listens on right now (the kernel's pick for a bound, closed socket).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("could not pick a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::chrono::system_clock::time_point in(std::chrono::milliseconds d) {
  return std::chrono::system_clock::now() + d;
}

void check(const grpc::Status& status, const std::string& what, bool exists_ok = false) {
  if (status.ok()) return;
  if (exists_ok && status.error_code() == grpc::StatusCode::ALREADY_EXISTS) return;
  throw std::runtime_error(what + " failed: gRPC code " +
                           std::to_string(static_cast<int>(status.error_code())) + " " +
                           status.error_message());
}

}  // namespace

std::optional<std::string> PubsubEmulator::unavailable_reason() {
  if (!find_launcher()) {
    return std::string("Pub/Sub emulator not installed (no ") + kDefaultSdkRoot + "/" + kLauncher +
           ", and gcloud reports no SDK root holding it)";
  }
  if (!java_available()) return "Pub/Sub emulator installed but Java is not (no java on PATH)";
  return std::nullopt;
}

PubsubEmulator::PubsubEmulator(std::chrono::seconds timeout) : log_path_(dir_.file("emu.log")) {
  const auto launcher = find_launcher();
  if (!launcher) throw std::runtime_error(*unavailable_reason());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // A port picked free may be taken before the JVM binds it: try a few.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (launch(*launcher, deadline)) return;
    if (std::chrono::steady_clock::now() > deadline) break;
  }
  const std::string text = log();
  stop();
  throw std::runtime_error("the Pub/Sub emulator did not start:\n" + text);
}

bool PubsubEmulator::launch(const std::string& launcher,
                            std::chrono::steady_clock::time_point deadline) {
  port_ = free_port();
  const std::vector<std::string> args{launcher, "--host=127.0.0.1",
                                      "--port=" + std::to_string(port_)};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // Startup speed over peak throughput: the tests are short.
  const char* java_opts = std::getenv("JAVA_OPTS");
  const std::string opts = std::string("JAVA_OPTS=") +
                           (java_opts ? java_opts : "-XX:+UseSerialGC -XX:TieredStopAtLevel=1");
  std::vector<std::string> env_strings{opts};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("JAVA_OPTS=")) continue;
    env_strings.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::setpgid(0, 0);
    // Dies with the test process even if that crashes (kept across exec; the launcher script
    // execs the JVM in place).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(125);
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    if (::chdir(dir_.path().c_str()) != 0) _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  ::setpgid(pid, pid);
  pid_ = pid;

  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      ::kill(-pid, SIGKILL);  // anything the launcher left in its group
      pid_ = -1;
      return false;
    }
    if (accepts(port_)) {
      grpc::ChannelArguments channel_args;
      channel_args.SetMaxReceiveMessageSize(-1);
      channel_args.SetMaxSendMessageSize(-1);
      channel_ =
          grpc::CreateCustomChannel(endpoint(), grpc::InsecureChannelCredentials(), channel_args);
      // The port answers once Netty is bound; a gRPC call proves the service is up.
      grpc::ClientContext context;
      context.set_wait_for_ready(true);
      context.set_deadline(in(std::chrono::seconds(10)));
      pubsub::Topic probe;
      probe.set_name("projects/spanflow-test/topics/readiness-probe");
      pubsub::Topic created;
      const grpc::Status status_probe =
          pubsub::Publisher::NewStub(channel_)->CreateTopic(&context, probe, &created);
      if (status_probe.ok() || status_probe.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

PubsubEmulator::~PubsubEmulator() {
  stop();
}

void PubsubEmulator::pause() {
  if (pid_ > 0) ::kill(-pid_, SIGSTOP);
}

void PubsubEmulator::resume() {
  if (pid_ > 0) ::kill(-pid_, SIGCONT);
}

void PubsubEmulator::stop() {
  if (pid_ <= 0) return;
  // SIGKILL at once: the emulator keeps nothing worth a graceful stop (state is in memory),
  // and SIGTERM takes it seconds. The whole group goes, so no JVM child survives.
  ::kill(-pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string PubsubEmulator::log() const {
  return read_file(log_path_);
}

void PubsubEmulator::create_topic(const std::string& topic) {
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(10)));
  pubsub::Topic request;
  request.set_name(topic);
  pubsub::Topic response;
  check(pubsub::Publisher::NewStub(channel_)->CreateTopic(&context, request, &response),
        "CreateTopic " + topic);
}

void PubsubEmulator::create_subscription(const std::string& subscription, const std::string& topic,
                                         bool message_ordering) {
  grpc::ClientContext context;
  context.set_deadline(in(std::chrono::seconds(10)));
  pubsub::Subscription request;
  request.set_name(subscription);
  request.set_topic(topic);
  request.set_ack_deadline_seconds(60);
  request.set_enable_message_ordering(message_ordering);
  pubsub::Subscription response;
  check(pubsub::Subscriber::NewStub(channel_)->CreateSubscription(&context, request, &response),
        "CreateSubscription " + subscription);
}

std::vector<pubsub::ReceivedMessage> PubsubEmulator::pull(const std::string& subscription,
                                                          std::size_t count,
                                                          std::chrono::milliseconds timeout) {
  const auto stub = pubsub::Subscriber::NewStub(channel_);
  std::vector<pubsub::ReceivedMessage> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    grpc::ClientContext context;
    context.set_deadline(in(std::chrono::seconds(10)));
    pubsub::PullRequest request;
    request.set_subscription(subscription);
    request.set_return_immediately(true);
    request.set_max_messages(static_cast<int>(count - out.size()));
    pubsub::PullResponse response;
    check(stub->Pull(&context, request, &response), "Pull " + subscription);
    if (response.received_messages().empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    pubsub::AcknowledgeRequest ack;
    ack.set_subscription(subscription);
    for (auto& received : *response.mutable_received_messages()) {
      ack.add_ack_ids(received.ack_id());
      out.push_back(std::move(received));
    }
    grpc::ClientContext ack_context;
    ack_context.set_deadline(in(std::chrono::seconds(10)));
    google::protobuf::Empty empty;
    check(stub->Acknowledge(&ack_context, ack, &empty), "Acknowledge " + subscription);
  }
  return out;
}

}  // namespace spanflow::testing
