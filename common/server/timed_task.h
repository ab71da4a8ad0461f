// A background task that does its work when it is due: on its own thread,
// again at the time its last run asked for, at the latest after a maximum
// wait, and at once when someone signals that the due times changed.
#ifndef CRM_COMMON_SERVER_TIMED_TASK_H_
#define CRM_COMMON_SERVER_TIMED_TASK_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "common/server/service_host.h"

namespace crm::server {

// Shared by the writers that change due times and the task that acts on
// them: Notify() makes the task run again now.
class WakeSignal {
 public:
  void Notify();

 private:
  friend class TimedTask;
  std::mutex mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
};

class TimedTask final : public BackgroundTask {
 public:
  // `run` does what is due at the time it is given and returns when it
  // next has work (InfiniteFuture: only when signalled or after
  // `max_wait`). An exception is logged under `name` and the run is tried
  // again a second later.
  TimedTask(std::string name, std::shared_ptr<WakeSignal> signal, absl::Duration max_wait,
            std::function<absl::Time(absl::Time now)> run);
  ~TimedTask() override;

  void Start() override;
  void Stop() override;

 private:
  void Loop();

  std::string name_;
  std::shared_ptr<WakeSignal> signal_;
  absl::Duration max_wait_;
  std::function<absl::Time(absl::Time)> run_;
  std::thread thread_;
};

}  // namespace crm::server

#endif  // CRM_COMMON_SERVER_TIMED_TASK_H_
