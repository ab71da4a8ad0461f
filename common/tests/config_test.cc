// Tests of LoadConfig: defaults < CRM_* environment < --flags.
#include <stdlib.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "common/server/config.h"

namespace crm::server {
namespace {

// Every variable LoadConfig reads for PartnersDefaults(); each test starts
// with none of them set and leaves them as they were.
const std::vector<std::string> kVariables = {
    "CRM_GRPC_ADDRESS",       "CRM_METRICS_ADDRESS", "CRM_DATA_DIR",
    "CRM_DB_PATH",            "CRM_READER_CONNECTIONS", "CRM_WORKER_THREADS",
    "CRM_DRAIN_SECONDS",      "CRM_PARTNERS_ADDRESS", "CRM_BILLING_ADDRESS",
};

class CleanEnvironment {
 public:
  CleanEnvironment() {
    for (const std::string& name : kVariables) {
      if (const char* value = ::getenv(name.c_str())) saved_[name] = value;
      ::unsetenv(name.c_str());
    }
  }
  ~CleanEnvironment() {
    for (const std::string& name : kVariables) {
      auto it = saved_.find(name);
      if (it == saved_.end()) {
        ::unsetenv(name.c_str());
      } else {
        ::setenv(name.c_str(), it->second.c_str(), 1);
      }
    }
  }
  void Set(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }

 private:
  std::map<std::string, std::string> saved_;
};

ServiceConfig Defaults() {
  ServiceConfig c;
  c.service_name = "orders";
  c.grpc_address = "127.0.0.1:50052";
  c.metrics_address = "127.0.0.1:9102";
  c.peers = {{"partners", "127.0.0.1:50051"}, {"billing", "127.0.0.1:50053"}};
  return c;
}

absl::StatusOr<ServiceConfig> Load(std::vector<std::string> args,
                                   const ServiceConfig& defaults = Defaults()) {
  args.insert(args.begin(), "crm_orders");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return LoadConfig(static_cast<int>(args.size()), argv.data(), defaults);
}

ServiceConfig MustLoad(std::vector<std::string> args) {
  auto config = Load(std::move(args));
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  return *std::move(config);
}

void CheckInvalid(const absl::StatusOr<ServiceConfig>& config, const std::string& mentions) {
  REQUIRE_FALSE(config.ok());
  INFO(config.status().ToString());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(config.status().message().find(mentions) != absl::string_view::npos);
}

}  // namespace

TEST_CASE("Without environment or flags the defaults apply", "[config]") {
  CleanEnvironment env;
  const ServiceConfig c = MustLoad({});
  CHECK(c.service_name == "orders");
  CHECK(c.grpc_address == "127.0.0.1:50052");
  CHECK(c.metrics_address == "127.0.0.1:9102");
  CHECK(c.data_dir == "data");
  CHECK(c.db_path == "data/orders.db");
  CHECK(c.reader_connections == 4);
  CHECK(c.worker_threads == 16);
  CHECK(c.drain_seconds == 10);
  CHECK(c.peers == std::map<std::string, std::string>{{"partners", "127.0.0.1:50051"},
                                                      {"billing", "127.0.0.1:50053"}});
}

TEST_CASE("CRM_* variables override the defaults", "[config]") {
  CleanEnvironment env;
  env.Set("CRM_GRPC_ADDRESS", "0.0.0.0:6000");
  env.Set("CRM_METRICS_ADDRESS", "");
  env.Set("CRM_DATA_DIR", "/var/lib/crm");
  env.Set("CRM_READER_CONNECTIONS", "8");
  env.Set("CRM_WORKER_THREADS", "32");
  env.Set("CRM_DRAIN_SECONDS", "3");
  env.Set("CRM_PARTNERS_ADDRESS", "partners.internal:443");
  const ServiceConfig c = MustLoad({});
  CHECK(c.grpc_address == "0.0.0.0:6000");
  CHECK(c.metrics_address.empty());
  CHECK(c.data_dir == "/var/lib/crm");
  CHECK(c.db_path == "/var/lib/crm/orders.db");
  CHECK(c.reader_connections == 8);
  CHECK(c.worker_threads == 32);
  CHECK(c.drain_seconds == 3);
  CHECK(c.peers.at("partners") == "partners.internal:443");
  CHECK(c.peers.at("billing") == "127.0.0.1:50053");

  env.Set("CRM_DB_PATH", "/tmp/explicit.db");
  CHECK(MustLoad({}).db_path == "/tmp/explicit.db");
}

TEST_CASE("Flags override the environment", "[config]") {
  CleanEnvironment env;
  env.Set("CRM_GRPC_ADDRESS", "0.0.0.0:6000");
  env.Set("CRM_WORKER_THREADS", "32");
  env.Set("CRM_PARTNERS_ADDRESS", "from-env:1");
  const ServiceConfig c = MustLoad(
      {"--grpc_address=127.0.0.1:7000", "--worker_threads", "2", "--partners_address", "from-flag:2"});
  CHECK(c.grpc_address == "127.0.0.1:7000");
  CHECK(c.worker_threads == 2);
  CHECK(c.peers.at("partners") == "from-flag:2");
  // Not given as a flag: the environment's value stays.
  env.Set("CRM_DRAIN_SECONDS", "4");
  CHECK(MustLoad({"--worker_threads=1"}).drain_seconds == 4);
}

TEST_CASE("Flags take \"--flag value\" and \"--flag=value\"", "[config]") {
  CleanEnvironment env;
  const ServiceConfig spaced = MustLoad({"--data_dir", "/srv/a", "--reader_connections", "2"});
  CHECK(spaced.data_dir == "/srv/a");
  CHECK(spaced.reader_connections == 2);
  const ServiceConfig joined = MustLoad({"--data_dir=/srv/b", "--reader_connections=3"});
  CHECK(joined.data_dir == "/srv/b");
  CHECK(joined.reader_connections == 3);
  // Only the first "=" splits; an empty value after "=" is a value.
  const ServiceConfig odd = MustLoad({"--db_path=/x/a=b.db", "--metrics_address="});
  CHECK(odd.db_path == "/x/a=b.db");
  CHECK(odd.metrics_address.empty());
  // The later of two flags wins.
  CHECK(MustLoad({"--drain_seconds=5", "--drain_seconds", "6"}).drain_seconds == 6);
}

TEST_CASE("db_path defaults to {data_dir}/{service}.db unless given", "[config]") {
  CleanEnvironment env;
  CHECK(MustLoad({"--data_dir=/srv/crm"}).db_path == "/srv/crm/orders.db");
  CHECK(MustLoad({"--data_dir=/srv/crm", "--db_path=/elsewhere/o.db"}).db_path ==
        "/elsewhere/o.db");
  ServiceConfig defaults = Defaults();
  defaults.service_name = "partners";
  auto c = Load({}, defaults);
  REQUIRE(c.ok());
  CHECK(c->db_path == "data/partners.db");
}

TEST_CASE("Every peer gets its own address flag", "[config]") {
  CleanEnvironment env;
  const ServiceConfig c =
      MustLoad({"--partners_address=10.0.0.1:1", "--billing_address", "10.0.0.2:2"});
  CHECK(c.peers == std::map<std::string, std::string>{{"partners", "10.0.0.1:1"},
                                                      {"billing", "10.0.0.2:2"}});
  // A service without that peer does not know the flag.
  ServiceConfig lonely = Defaults();
  lonely.peers.clear();
  CheckInvalid(Load({"--partners_address=10.0.0.1:1"}, lonely), "partners_address");
}

TEST_CASE("Unknown flags, stray arguments and missing values are errors", "[config]") {
  CleanEnvironment env;
  CheckInvalid(Load({"--no_such_flag=1"}), "no_such_flag");
  CheckInvalid(Load({"--grpc-address=1"}), "grpc-address");
  CheckInvalid(Load({"stray"}), "stray");
  CheckInvalid(Load({"-grpc_address=1"}), "-grpc_address");
  CheckInvalid(Load({"--grpc_address"}), "needs a value");
}

TEST_CASE("Bad numbers are errors, from flags and from the environment", "[config]") {
  CleanEnvironment env;
  CheckInvalid(Load({"--worker_threads=many"}), "worker_threads");
  CheckInvalid(Load({"--worker_threads=12x"}), "12x");
  CheckInvalid(Load({"--reader_connections=0"}), "reader_connections");
  CheckInvalid(Load({"--drain_seconds=-1"}), "drain_seconds");
  CheckInvalid(Load({"--drain_seconds="}), "drain_seconds");
  CheckInvalid(Load({"--worker_threads=99999999999"}), "worker_threads");
  env.Set("CRM_READER_CONNECTIONS", "four");
  CheckInvalid(Load({}), "CRM_READER_CONNECTIONS");
  // A good flag does not excuse a bad variable: the environment is read first.
  CheckInvalid(Load({"--reader_connections=2"}), "CRM_READER_CONNECTIONS");
}

TEST_CASE("--help yields NotFound with the usage text", "[config]") {
  CleanEnvironment env;
  for (const char* help : {"--help", "-h"}) {
    INFO(help);
    auto c = Load({"--grpc_address=1:1", help});
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().code() == absl::StatusCode::kNotFound);
    const std::string usage(c.status().message());
    CHECK(usage.rfind("usage: crm_orders", 0) == 0);
    for (const char* flag :
         {"--grpc_address", "--metrics_address", "--data_dir", "--db_path", "--reader_connections",
          "--worker_threads", "--drain_seconds", "--partners_address", "--billing_address"}) {
      INFO(flag);
      CHECK(usage.find(flag) != std::string::npos);
    }
    CHECK(usage.find("CRM_GRPC_ADDRESS") != std::string::npos);
    CHECK(usage.find("CRM_PARTNERS_ADDRESS") != std::string::npos);
    CHECK(usage.find("partners service") != std::string::npos);
  }
}

}  // namespace crm::server
