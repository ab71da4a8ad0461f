#include "common/server/runtime.h"

namespace crm::server {

Runtime::Runtime(ServiceConfig config)
    : config_(std::move(config)),
      metrics_(std::make_shared<prometheus::Registry>()),
      executor_(std::make_unique<Executor>(config_.worker_threads)) {}

int Runtime::AddDrainListener(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(drain_mu_);
  const int handle = next_drain_listener_++;
  if (draining_) {
    // Too late to wait for the signal: end at once, outside our lock.
    executor_->Post(std::move(listener));
  } else {
    drain_listeners_.emplace(handle, std::move(listener));
  }
  return handle;
}

void Runtime::RemoveDrainListener(int handle) {
  std::lock_guard<std::mutex> lock(drain_mu_);
  drain_listeners_.erase(handle);
}

void Runtime::StartDrain() {
  std::map<int, std::function<void()>> listeners;
  {
    std::lock_guard<std::mutex> lock(drain_mu_);
    draining_ = true;
    listeners.swap(drain_listeners_);
  }
  for (auto& [handle, listener] : listeners) listener();
}

}  // namespace crm::server
