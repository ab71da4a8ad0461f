// What the load tools share: flags, call deadlines, error reports and
// latency percentiles. Benchmarks only; never part of a service.
#ifndef CRM_TOOLS_LOADGEN_LOAD_SUPPORT_H_
#define CRM_TOOLS_LOADGEN_LOAD_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
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

}  // namespace crm::loadgen

#endif  // CRM_TOOLS_LOADGEN_LOAD_SUPPORT_H_
