#include "common/server/runtime.h"

namespace crm::server {

Runtime::Runtime(ServiceConfig config)
    : config_(std::move(config)),
      metrics_(std::make_shared<prometheus::Registry>()),
      executor_(std::make_unique<Executor>(config_.worker_threads)) {}

}  // namespace crm::server
