#include "common/server/service_host.h"

#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <prometheus/exposer.h>

#include "absl/strings/str_cat.h"
#include "common/feed/change_feed.h"
#include "common/log.h"
#include "common/metrics/process_collector.h"
#include "grpc/health/v1/health.pb.h"

namespace crm::server {

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Start(const ServiceSpec& spec,
                                                                 const ServiceConfig& config) {
  log::SetServiceName(config.service_name);
  // Linking the health proto's descriptors lets reflection describe gRPC's
  // built-in health service, so grpcurl and buf curl can call it.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();

  std::unique_ptr<ServiceHost> host(new ServiceHost());
  host->runtime_ = std::make_unique<Runtime>(config);
  Runtime& runtime = *host->runtime_;

  host->grpc_metrics_ = std::make_unique<GrpcServerMetrics>(runtime.metrics());
  if (!config.metrics_address.empty()) {
    try {
      host->exposer_ = std::make_unique<prometheus::Exposer>(config.metrics_address);
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat("cannot serve metrics on ", config.metrics_address, ": ", e.what()));
    }
    host->process_metrics_ = std::make_shared<metrics::ProcessCollector>();
    host->exposer_->RegisterCollectable(runtime.metrics_registry());
    host->exposer_->RegisterCollectable(host->process_metrics_);
    const std::vector<int> ports = host->exposer_->GetListeningPorts();
    host->metrics_port_ = ports.empty() ? 0 : ports.front();
  }

  host->services_ = spec.make_services(runtime);
  host->services_.push_back(std::make_unique<feed::ChangeFeedService>(runtime));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default: a second server on the same port
  // would then start and take half of the connections. Refuse it instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(config.grpc_address, grpc::InsecureServerCredentials(),
                           &host->grpc_port_);
  for (auto& service : host->services_) builder.RegisterService(service.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(
      std::make_unique<CallInterceptorFactory>(host->grpc_metrics_.get(), &host->active_calls_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  host->server_ = builder.BuildAndStart();
  if (host->server_ == nullptr || host->grpc_port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", config.grpc_address));
  }
  host->health_names_ = spec.grpc_service_names;
  host->health_names_.push_back("crm.feed.v1.ChangeFeedService");
  host->SetServing(false);

  std::error_code ignored;
  const std::filesystem::path db_path(config.db_path);
  if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path(), ignored);
  db::DatabaseOptions options;
  options.path = config.db_path;
  options.reader_connections = config.reader_connections;
  options.metrics = &runtime.metrics();
  absl::StatusOr<std::unique_ptr<db::Database>> database =
      db::Database::Open(options, spec.migrations);
  if (!database.ok()) {
    host->server_->Shutdown(std::chrono::system_clock::now());
    host->server_->Wait();
    host->shut_down_ = true;
    return database.status();
  }
  host->database_ = *std::move(database);
  runtime.SetDatabase(host->database_.get());
  host->SetServing(true);
  if (spec.make_background_tasks) {
    host->background_tasks_ = spec.make_background_tasks(runtime);
    for (auto& task : host->background_tasks_) task->Start();
  }
  log::Info("serving", {{"grpc_address", absl::StrCat(config.grpc_address)},
                        {"grpc_port", absl::StrCat(host->grpc_port_)},
                        {"metrics_port", absl::StrCat(host->metrics_port_)},
                        {"schema_version", absl::StrCat(host->database_->schema_version())}});
  return host;
}

ServiceHost::~ServiceHost() { Shutdown(absl::ZeroDuration()); }

void ServiceHost::SetServing(bool serving) {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);
  for (const std::string& name : health_names_) health->SetServingStatus(name, serving);
}

void ServiceHost::Shutdown(absl::Duration drain) {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    log::Info("draining", {{"drain_seconds", absl::StrCat(absl::ToDoubleSeconds(drain))}});
    SetServing(false);
    // Streams never end on their own: tell them first, so only unary calls
    // use the drain time.
    runtime_->StartDrain();
    const auto deadline = std::chrono::system_clock::now() + absl::ToChronoMilliseconds(drain);
    active_calls_.WaitForNone(deadline);
    // Whatever still runs now is cancelled.
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
  // Background work may write: it stops while the database is still open.
  for (auto& task : background_tasks_) task->Stop();
  background_tasks_.clear();
  if (runtime_ != nullptr) {
    runtime_->StopExecutor();
    runtime_->SetDatabase(nullptr);
  }
  if (database_) database_->Close();
  database_.reset();
  if (server_ != nullptr) log::Info("stopped");
}

int RunServiceMain(int argc, char** argv, const ServiceSpec& spec) {
  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  log::SetServiceName(spec.defaults.service_name);
  absl::StatusOr<ServiceConfig> config = LoadConfig(argc, argv, spec.defaults);
  if (!config.ok()) {
    if (absl::IsNotFound(config.status())) {
      std::fputs(std::string(config.status().message()).c_str(), stdout);
      return 0;
    }
    log::Error("bad configuration", {{"error", std::string(config.status().message())}});
    return 2;
  }
  absl::StatusOr<std::unique_ptr<ServiceHost>> host = ServiceHost::Start(spec, *config);
  if (!host.ok()) {
    log::Error("cannot start", {{"error", std::string(host.status().message())}});
    return 1;
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log::Info("stop signal", {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"}});
  (*host)->Shutdown(absl::Seconds(config->drain_seconds));
  // Everything is saved and closed. The metrics endpoint's web server needs a
  // second to stop its poll loop; the process exit ends it at once.
  (void)host->release();
  return 0;
}

}  // namespace crm::server
