// A fixed pool of threads for handler work. SQLite calls block, so handlers
// never run them on gRPC's own callback threads: they post the work here.
#ifndef CRM_COMMON_SERVER_EXECUTOR_H_
#define CRM_COMMON_SERVER_EXECUTOR_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace crm::server {

class Executor {
 public:
  explicit Executor(int threads);
  // Finishes the queued work, then joins the threads.
  ~Executor();

  void Post(std::function<void()> task);

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace crm::server

#endif  // CRM_COMMON_SERVER_EXECUTOR_H_
