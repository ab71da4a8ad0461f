// What a service's handlers get from the shared runtime: configuration, the
// database, the executor, metrics, and RunUnary, which turns one lambda into
// a complete callback handler.
#ifndef CRM_COMMON_SERVER_RUNTIME_H_
#define CRM_COMMON_SERVER_RUNTIME_H_

#include <atomic>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <utility>

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/db/database.h"
#include "common/errors.h"
#include "common/server/caller.h"
#include "common/server/config.h"
#include "common/server/executor.h"

namespace crm::server {

// Facts about one call, handed to its handler.
struct CallContext {
  Caller caller;
  // Short method name, e.g. "CreatePartner"; recorded on the change feed.
  std::string method;
  // The x-request-id metadata, if the client sent one (for logs).
  std::string trace_id;
  // When the call was received.
  absl::Time now;
  // The client's deadline (InfiniteFuture when none): pass it on to calls
  // to other services.
  absl::Time deadline;
};

class Runtime {
 public:
  explicit Runtime(ServiceConfig config);

  const ServiceConfig& config() const { return config_; }
  Executor& executor() { return *executor_; }
  prometheus::Registry& metrics() { return *metrics_; }
  const std::shared_ptr<prometheus::Registry>& metrics_registry() { return metrics_; }

  // The database. Handlers run only once it is set (RunUnary answers
  // UNAVAILABLE before that), so they may call this freely.
  db::Database& db() { return *db_.load(); }
  bool ready() const { return db_.load() != nullptr; }
  void SetDatabase(db::Database* db) { db_.store(db); }

  // Stops the handler threads after the queued work is done.
  void StopExecutor() { executor_.reset(); }

  // Long-lived calls (streams) register to hear when the server starts to
  // drain, and end themselves. Returns a handle for RemoveDrainListener.
  int AddDrainListener(std::function<void()> listener);
  void RemoveDrainListener(int handle);
  // Calls every drain listener (once).
  void StartDrain();

 private:
  ServiceConfig config_;
  std::shared_ptr<prometheus::Registry> metrics_;
  std::unique_ptr<Executor> executor_;
  std::atomic<db::Database*> db_{nullptr};
  std::mutex drain_mu_;
  bool draining_ = false;
  std::map<int, std::function<void()>> drain_listeners_;
  int next_drain_listener_ = 1;
};

// Checks readiness and the caller inline, then runs `handler` on the
// executor (it may block on SQLite) and finishes the call from there with
// the handler's status, exceptions turned into INTERNAL.
// Handler: absl::Status(const CallContext&, const Request&, Response*).
template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* RunUnary(Runtime& runtime, grpc::CallbackServerContext* context,
                                   const char* method, const Request* request,
                                   Response* response, Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!runtime.ready()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the service is starting"));
    return reactor;
  }
  absl::StatusOr<Caller> caller = ResolveCaller(*context);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  CallContext call;
  call.caller = *std::move(caller);
  call.method = method;
  call.now = absl::Now();
  call.deadline = context->deadline() == std::chrono::system_clock::time_point::max()
                      ? absl::InfiniteFuture()
                      : absl::FromChrono(context->deadline());
  auto metadata = context->client_metadata().find("x-request-id");
  if (metadata != context->client_metadata().end()) {
    call.trace_id.assign(metadata->second.data(), std::min<size_t>(metadata->second.size(), 100));
  }
  runtime.executor().Post([reactor, context, request, response, handler = std::move(handler),
                           call = std::move(call)]() mutable {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status::CANCELLED);
      return;
    }
    absl::Status status;
    try {
      status = handler(call, *request, response);
    } catch (const std::exception& e) {
      status = db::StatusFromSqliteException(e);
    }
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

}  // namespace crm::server

#endif  // CRM_COMMON_SERVER_RUNTIME_H_
