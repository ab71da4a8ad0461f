#include "common/testing/service_fixture.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace crm::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "crm-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

InProcessService::InProcessService(const server::ServiceSpec& spec, bool with_metrics) {
  // Per-call log lines of in-process services would drown the test report;
  // CRM_TEST_LOGS=1 shows them.
  if (std::getenv("CRM_TEST_LOGS") == nullptr) log::SetMinimumLevel(log::Level::kError);
  server::ServiceConfig config = spec.defaults;
  config.grpc_address = "127.0.0.1:0";
  config.metrics_address = with_metrics ? "127.0.0.1:0" : "";
  config.data_dir = dir_.path();
  config.db_path = absl::StrCat(dir_.path(), "/", config.service_name, ".db");
  config.worker_threads = 8;
  db_path_ = config.db_path;
  absl::StatusOr<std::unique_ptr<server::ServiceHost>> host = server::ServiceHost::Start(spec, config);
  if (!host.ok()) throw std::runtime_error(std::string(host.status().message()));
  host_ = *std::move(host);
  address_ = absl::StrCat("127.0.0.1:", host_->grpc_port());
  channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
}

InProcessService::~InProcessService() {
  if (host_) host_->Shutdown(absl::Seconds(2));
}

std::unique_ptr<grpc::ClientContext> ContextWithDeadline(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

}  // namespace crm::testing
