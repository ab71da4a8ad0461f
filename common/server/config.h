// Start-up configuration of a service process: defaults, then CRM_* variables
// from the environment, then --flags, each overriding the one before.
#ifndef CRM_COMMON_SERVER_CONFIG_H_
#define CRM_COMMON_SERVER_CONFIG_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace crm::server {

struct ServiceConfig {
  // Short service name, e.g. "partners"; names the database file.
  std::string service_name;
  // gRPC listen address (CRM_GRPC_ADDRESS, --grpc_address).
  std::string grpc_address;
  // Prometheus /metrics listen address; empty disables it
  // (CRM_METRICS_ADDRESS, --metrics_address).
  std::string metrics_address;
  // Folder for the SQLite file (CRM_DATA_DIR, --data_dir).
  std::string data_dir = "data";
  // The SQLite file; default {data_dir}/{service_name}.db (CRM_DB_PATH, --db_path).
  std::string db_path;
  // Read-only SQLite connections (CRM_READER_CONNECTIONS, --reader_connections).
  int reader_connections = 4;
  // Threads running handlers (CRM_WORKER_THREADS, --worker_threads).
  int worker_threads = 16;
  // Seconds in-flight calls get to finish on SIGTERM (CRM_DRAIN_SECONDS, --drain_seconds).
  int drain_seconds = 10;
  // Addresses of other services this one calls, e.g. {"partners", "127.0.0.1:50051"}
  // (CRM_PARTNERS_ADDRESS, --partners_address, ...).
  std::map<std::string, std::string> peers;
};

// Loads the configuration. `defaults` supplies the service name, addresses
// and peers known to the service. Unknown flags and bad numbers are errors;
// "--help" yields a NotFound status whose message is the usage text.
absl::StatusOr<ServiceConfig> LoadConfig(int argc, char** argv, const ServiceConfig& defaults);

}  // namespace crm::server

#endif  // CRM_COMMON_SERVER_CONFIG_H_
