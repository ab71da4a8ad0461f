// Test support: starts a service's real executable on free loopback ports
// with its own data folder, waits until its health check says SERVING, and
// stops it with a signal of the test's choosing.
#ifndef CRM_COMMON_TESTING_PROCESS_HARNESS_H_
#define CRM_COMMON_TESTING_PROCESS_HARNESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

namespace crm::testing {

// A loopback TCP port that was free a moment ago, below the kernel's
// ephemeral range so that no server bound to port 0 takes it meanwhile.
int FreePort();

// Path of a built executable, e.g. BinaryPath("crm-partners").
std::string BinaryPath(const std::string& name);

struct StopResult {
  bool in_time = false;  // exited before the limit
  int status = -1;       // as waitpid reports it
  double seconds = 0;    // from the signal to the exit
};

class ServiceProcess {
 public:
  // Does not start it yet; the ports are chosen once and kept across restarts.
  ServiceProcess(std::string binary, std::string data_dir, std::vector<std::string> extra_args = {});
  ~ServiceProcess();  // SIGKILL if still running

  // Starts the process and waits up to `timeout_seconds` for SERVING.
  // Returns false (and kills it) if it does not become ready.
  bool Start(int timeout_seconds = 20);
  // Sends `signal` and waits for the exit; returns the exit status as
  // waitpid reports it.
  int Stop(int signal);
  // Sends `signal`; SIGKILLs the process if it has not exited after `limit`,
  // so a hanging shutdown fails a test instead of hanging it.
  StopResult StopWithin(int signal, std::chrono::milliseconds limit);
  bool running() const { return pid_ > 0; }
  // The waitpid status of the last exit (after Stop, or a failed Start).
  int last_exit_status() const { return last_exit_status_; }

  std::string address() const;
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // Everything the process wrote to stderr (its JSON log), for assertions.
  std::string ReadLog() const;

 private:
  std::string binary_;
  std::string data_dir_;
  std::vector<std::string> extra_args_;
  int grpc_port_;
  int metrics_port_;
  std::string log_path_;
  pid_t pid_ = -1;
  int last_exit_status_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

// True once the server at `channel` answers its overall health check with
// SERVING, polling until `timeout_seconds` pass.
bool WaitForServing(const std::shared_ptr<grpc::Channel>& channel, int timeout_seconds);

// Fetches http://127.0.0.1:port/metrics (the Prometheus text format).
std::string FetchMetrics(int port);

}  // namespace crm::testing

#endif  // CRM_COMMON_TESTING_PROCESS_HARNESS_H_
