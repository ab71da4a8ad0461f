// Start-up and shutdown of a service process, the same for every service:
// gRPC server (callback API) with reflection, health and the change feed,
// Prometheus /metrics, the SQLite database with its migrations, and a
// graceful drain.
#ifndef CRM_COMMON_SERVER_SERVICE_HOST_H_
#define CRM_COMMON_SERVER_SERVICE_HOST_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/database.h"
#include "common/server/call_interceptor.h"
#include "common/server/config.h"
#include "common/server/runtime.h"

namespace prometheus {
class Exposer;
}

namespace crm::server {

// Work a service does on its own, e.g. following another service's change
// feed: started once the database is open and the service is serving,
// stopped (and waited for) before the database closes.
class BackgroundTask {
 public:
  virtual ~BackgroundTask() = default;
  virtual void Start() = 0;
  virtual void Stop() = 0;
};

// What a service tells the runtime about itself.
struct ServiceSpec {
  // Defaults: service name, addresses, peers.
  ServiceConfig defaults;
  // Full names of the gRPC services it serves, for the health service,
  // e.g. "crm.partners.v1.PartnerService".
  std::vector<std::string> grpc_service_names;
  std::vector<db::Migration> migrations;
  // Creates the domain services. Called before the database is open: they
  // must reach it through the runtime when handling calls.
  std::function<std::vector<std::unique_ptr<grpc::Service>>(Runtime&)> make_services;
  // Creates its background tasks, if any. Called once the database is
  // open.
  std::function<std::vector<std::unique_ptr<BackgroundTask>>(Runtime&)> make_background_tasks;
};

class ServiceHost {
 public:
  // Starts listening (health NOT_SERVING), opens and migrates the database,
  // then reports SERVING.
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Start(const ServiceSpec& spec,
                                                            const ServiceConfig& config);
  ~ServiceHost();

  // Health NOT_SERVING, then lets in-flight calls finish for up to `drain`,
  // cancels the rest, stops the handler threads and closes the database.
  void Shutdown(absl::Duration drain);

  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  Runtime& runtime() { return *runtime_; }

 private:
  ServiceHost() = default;
  void SetServing(bool serving);

  std::vector<std::string> health_names_;
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<GrpcServerMetrics> grpc_metrics_;
  ActiveCalls active_calls_;
  std::shared_ptr<prometheus::Collectable> process_metrics_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<db::Database> database_;
  std::vector<std::unique_ptr<BackgroundTask>> background_tasks_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  bool shut_down_ = false;
};

// The whole main() of a service: configuration from env and flags, Start,
// wait for SIGTERM or SIGINT, Shutdown. Returns the process exit code.
int RunServiceMain(int argc, char** argv, const ServiceSpec& spec);

}  // namespace crm::server

#endif  // CRM_COMMON_SERVER_SERVICE_HOST_H_
