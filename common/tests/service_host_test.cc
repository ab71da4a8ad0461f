// ServiceHost start-up on a real loopback port: a second server on a port
// already served is refused instead of sharing its connections.
#include "common/server/service_host.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace crm::server {
namespace {

// A service with no domain API: health, reflection and the change feed only.
ServiceSpec BareSpec() {
  ServiceSpec spec;
  spec.defaults.service_name = "bare";
  spec.make_services = [](Runtime&) { return std::vector<std::unique_ptr<grpc::Service>>(); };
  return spec;
}

ServiceConfig ConfigIn(const crm::testing::TempDir& dir, const std::string& grpc_address) {
  ServiceConfig config = BareSpec().defaults;
  config.grpc_address = grpc_address;
  config.metrics_address = "";
  config.data_dir = dir.path();
  config.db_path = absl::StrCat(dir.path(), "/bare.db");
  return config;
}

TEST_CASE("a second server on a port already served is refused, the first keeps serving",
          "[service_host]") {
  crm::testing::TempDir first_dir, second_dir;
  auto first = ServiceHost::Start(BareSpec(), ConfigIn(first_dir, "127.0.0.1:0"));
  REQUIRE(first.ok());
  const std::string address = absl::StrCat("127.0.0.1:", (*first)->grpc_port());

  auto second = ServiceHost::Start(BareSpec(), ConfigIn(second_dir, address));
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == absl::StatusCode::kUnavailable);
  CHECK_THAT(std::string(second.status().message()), Catch::Contains("cannot listen on"));

  const auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  CHECK(crm::testing::WaitForServing(channel, 5));
  (*first)->Shutdown(absl::ZeroDuration());
}

TEST_CASE("FreePort picks ports outside the kernel's ephemeral range", "[service_host]") {
  // Servers bound to port 0 take ephemeral ports; a picked port must not be
  // one of them, or an in-process server could take it before its user.
  crm::testing::TempDir dir;
  auto host = ServiceHost::Start(BareSpec(), ConfigIn(dir, "127.0.0.1:0"));
  REQUIRE(host.ok());
  for (int i = 0; i < 50; ++i) CHECK(crm::testing::FreePort() < (*host)->grpc_port());
  (*host)->Shutdown(absl::ZeroDuration());
}

}  // namespace
}  // namespace crm::server
