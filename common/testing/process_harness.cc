#include "common/testing/process_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace crm::testing {

namespace {

// Binds `port` on loopback without SO_REUSEPORT; true if nobody holds it.
bool CanBind(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return free;
}

// The lowest port the kernel hands out for bind(0) and outgoing connections.
int EphemeralRangeStart() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  return range >> low ? low : 32768;
}

}  // namespace

int FreePort() {
  // Below the ephemeral range: in-process servers (bound to port 0) and
  // client connections never take these ports, so a port picked here for a
  // process that starts later, restarts, or is meant to stay down is still
  // free when it is used.
  static std::mutex mu;
  static std::mt19937 random(std::random_device{}());
  std::lock_guard<std::mutex> lock(mu);
  const int high = EphemeralRangeStart();
  const int low = std::max(1024, high - 12000);
  std::uniform_int_distribution<int> pick(low, high - 1);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = pick(random);
    if (CanBind(port)) return port;
  }
  throw std::runtime_error("no free loopback port below the ephemeral range");
}

std::string BinaryPath(const std::string& name) {
  if (const char* dir = std::getenv("CRM_BIN_DIR")) return absl::StrCat(dir, "/", name);
  return absl::StrCat(CRM_DEFAULT_BIN_DIR, "/", name);
}

bool WaitForServing(const std::shared_ptr<grpc::Channel>& channel, int timeout_seconds) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < give_up) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    if (stub->Check(&context, request, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

ServiceProcess::ServiceProcess(std::string binary, std::string data_dir,
                               std::vector<std::string> extra_args)
    : binary_(std::move(binary)),
      data_dir_(std::move(data_dir)),
      extra_args_(std::move(extra_args)),
      grpc_port_(FreePort()),
      metrics_port_(FreePort()),
      log_path_(absl::StrCat(data_dir_, "/process.log")) {}

ServiceProcess::~ServiceProcess() {
  if (running()) Stop(SIGKILL);
}

std::string ServiceProcess::address() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

bool ServiceProcess::Start(int timeout_seconds) {
  std::vector<std::string> args = {binary_,
                                   absl::StrCat("--grpc_address=", address()),
                                   absl::StrCat("--metrics_address=127.0.0.1:", metrics_port_),
                                   absl::StrCat("--data_dir=", data_dir_)};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  const pid_t pid = fork();
  if (pid == 0) {
    const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log >= 0) {
      dup2(log, STDERR_FILENO);
      dup2(log, STDOUT_FILENO);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  // gRPC's default reconnect backoff (1 s and more) would dominate start-up:
  // the first attempts come before the process listens.
  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS, 50);
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  channel_args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  channel_ = grpc::CreateCustomChannel(address(), grpc::InsecureChannelCredentials(), channel_args);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited before serving
      last_exit_status_ = status;
      pid_ = -1;
      return false;
    }
    if (WaitForServing(channel_, 1)) return true;
  }
  Stop(SIGKILL);
  return false;
}

int ServiceProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  last_exit_status_ = status;
  return status;
}

StopResult ServiceProcess::StopWithin(int signal, std::chrono::milliseconds limit) {
  StopResult result;
  if (pid_ <= 0) return result;
  const auto started = std::chrono::steady_clock::now();
  kill(pid_, signal);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() - started >= limit) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  result.in_time = std::chrono::steady_clock::now() - started < limit;
  result.status = status;
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  pid_ = -1;
  last_exit_status_ = status;
  return result;
}

std::string ServiceProcess::ReadLog() const {
  std::ifstream file(log_path_);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

std::string FetchMetrics(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string request =
      absl::StrCat("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:", port, "\r\n\r\n");
  send(fd, request.data(), request.size(), 0);
  std::string response;
  char buffer[8192];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) response.append(buffer, n);
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? response : response.substr(body + 4);
}

}  // namespace crm::testing
