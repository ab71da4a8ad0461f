#include "common/server/timed_task.h"

#include <algorithm>
#include <exception>

#include "absl/time/clock.h"
#include "common/log.h"

namespace crm::server {

void WakeSignal::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ = true;
  }
  wake_.notify_all();
}

TimedTask::TimedTask(std::string name, std::shared_ptr<WakeSignal> signal, absl::Duration max_wait,
                     std::function<absl::Time(absl::Time now)> run)
    : name_(std::move(name)),
      signal_(std::move(signal)),
      max_wait_(max_wait),
      run_(std::move(run)) {}

TimedTask::~TimedTask() { Stop(); }

void TimedTask::Start() {
  {
    std::lock_guard<std::mutex> lock(signal_->mu_);
    signal_->stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void TimedTask::Stop() {
  {
    std::lock_guard<std::mutex> lock(signal_->mu_);
    signal_->stopping_ = true;
  }
  signal_->wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TimedTask::Loop() {
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(signal_->mu_);
      if (signal_->stopping_) return;
      signal_->pending_ = false;
    }
    const absl::Time now = absl::Now();
    absl::Time next;
    try {
      next = std::min(run_(now), now + max_wait_);
    } catch (const std::exception& e) {
      log::Error("background task failed", {{"task", name_}, {"error", e.what()}});
      next = now + absl::Seconds(1);
    }
    std::unique_lock<std::mutex> lock(signal_->mu_);
    signal_->wake_.wait_until(lock, absl::ToChronoTime(next),
                              [this] { return signal_->stopping_ || signal_->pending_; });
  }
}

}  // namespace crm::server
