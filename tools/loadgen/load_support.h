// What the load tools share: flags, call deadlines, error reports and
// latency percentiles. Benchmarks only; never part of a service.
#ifndef CRM_TOOLS_LOADGEN_LOAD_SUPPORT_H_
#define CRM_TOOLS_LOADGEN_LOAD_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace crm::loadgen {

// The value of `arg` when it is `flag` ("--mix=") followed by a value;
// null otherwise.
inline const char* FlagValue(const char* arg, const char* flag) {
  const size_t n = std::strlen(flag);
  return std::strncmp(arg, flag, n) == 0 ? arg + n : nullptr;
}

// A client context with a deadline `seconds` from now.
inline std::unique_ptr<grpc::ClientContext> Deadline(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// True for OK (and ALREADY_EXISTS when `exists_ok`, for set-ups run
// again); else prints the failure of `what` and returns false.
inline bool CheckStatus(const grpc::Status& status, const std::string& what,
                        bool exists_ok = false) {
  if (status.ok() || (exists_ok && status.error_code() == grpc::StatusCode::ALREADY_EXISTS)) {
    return true;
  }
  std::fprintf(stderr, "%s: %d %s\n", what.c_str(), status.error_code(),
               status.error_message().c_str());
  return false;
}

// Call latencies in milliseconds, sorted once all are in.
class Latencies {
 public:
  void Add(const std::vector<double>& more) {
    all_.insert(all_.end(), more.begin(), more.end());
    sorted_ = false;
  }
  size_t size() const { return all_.size(); }
  // The `p` quantile (0 to 1); 0 without calls.
  double Percentile(double p) {
    if (all_.empty()) return 0.0;
    if (!sorted_) std::sort(all_.begin(), all_.end());
    sorted_ = true;
    return all_[static_cast<size_t>(p * (all_.size() - 1))];
  }

 private:
  std::vector<double> all_;
  bool sorted_ = false;
};

// A channel of its own per client thread: a distinct channel argument keeps
// gRPC from sharing one connection between them.
inline std::shared_ptr<grpc::Channel> ClientChannel(const std::string& target, int client) {
  grpc::ChannelArguments args;
  args.SetInt("crm.client", client);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

struct LoopResult {
  Latencies latencies_ms;
  long errors = 0;
};

// Closed loop: `clients` threads each call as fast as they can for
// `seconds`. `make_call(client)` gives a thread its call, which is passed a
// running count; the first error is printed under `what`.
inline LoopResult RunClosedLoop(
    int clients, int seconds, const std::string& what,
    const std::function<std::function<grpc::Status(long n)>(int client)>& make_call) {
  using Clock = std::chrono::steady_clock;
  LoopResult result;
  std::mutex mu;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int client = 0; client < clients; ++client) {
    threads.emplace_back([&, client] {
      std::function<grpc::Status(long)> call = make_call(client);
      std::vector<double> mine;
      long errors = 0;
      for (long n = 0; Clock::now() < end; ++n) {
        const auto started = Clock::now();
        const grpc::Status status = call(n);
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        if (!status.ok() && errors++ == 0) CheckStatus(status, what);
      }
      std::lock_guard<std::mutex> lock(mu);
      result.latencies_ms.Add(mine);
      result.errors += errors;
    });
  }
  for (auto& thread : threads) thread.join();
  return result;
}

// "name: calls=N errors=N throughput=N/s p50=..ms p99=..ms".
inline void PrintLoop(const std::string& name, int clients, int seconds, LoopResult& result) {
  std::printf(
      "%s clients=%d seconds=%d calls=%zu errors=%ld throughput=%.0f/s p50=%.2fms "
      "p99=%.2fms\n",
      name.c_str(), clients, seconds, result.latencies_ms.size(), result.errors,
      result.latencies_ms.size() / static_cast<double>(seconds),
      result.latencies_ms.Percentile(0.5), result.latencies_ms.Percentile(0.99));
}

}  // namespace crm::loadgen

#endif  // CRM_TOOLS_LOADGEN_LOAD_SUPPORT_H_
