// Test support: a service host in this process over a temporary SQLite file,
// reached through a real gRPC channel on a free loopback port.
#ifndef CRM_COMMON_TESTING_SERVICE_FIXTURE_H_
#define CRM_COMMON_TESTING_SERVICE_FIXTURE_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "common/server/service_host.h"

namespace crm::testing {

// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class InProcessService {
 public:
  // Starts `spec` on 127.0.0.1 with an ephemeral port, no metrics endpoint
  // unless `with_metrics`, and its database in a new temp dir.
  explicit InProcessService(const server::ServiceSpec& spec, bool with_metrics = false);
  ~InProcessService();

  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  const std::string& address() const { return address_; }
  const std::string& db_path() const { return db_path_; }
  server::ServiceHost& host() { return *host_; }

 private:
  TempDir dir_;
  std::string address_;
  std::string db_path_;
  std::unique_ptr<server::ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
};

// A client context with a deadline, as every real client sets one.
std::unique_ptr<grpc::ClientContext> ContextWithDeadline(int seconds = 10);

}  // namespace crm::testing

#endif  // CRM_COMMON_TESTING_SERVICE_FIXTURE_H_
