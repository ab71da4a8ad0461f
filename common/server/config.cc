#include "common/server/config.h"

#include <cstdlib>
#include <functional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"

namespace crm::server {
namespace {

struct Setting {
  std::string flag;  // e.g. "grpc_address"; env var is CRM_ + upper case
  std::string help;
  std::function<bool(const std::string&)> set;
};

std::vector<Setting> SettingsOf(ServiceConfig& c) {
  auto text = [](std::string* field) {
    return [field](const std::string& v) { *field = v; return true; };
  };
  auto number = [](int* field) {
    return [field](const std::string& v) { return absl::SimpleAtoi(v, field) && *field > 0; };
  };
  std::vector<Setting> settings = {
      {"grpc_address", "gRPC listen address, host:port", text(&c.grpc_address)},
      {"metrics_address", "Prometheus /metrics listen address, host:port (empty: off)",
       text(&c.metrics_address)},
      {"data_dir", "folder for the SQLite file", text(&c.data_dir)},
      {"db_path", "SQLite file (default {data_dir}/{service}.db)", text(&c.db_path)},
      {"reader_connections", "read-only SQLite connections", number(&c.reader_connections)},
      {"worker_threads", "handler threads", number(&c.worker_threads)},
      {"drain_seconds", "seconds to finish in-flight calls on SIGTERM", number(&c.drain_seconds)},
  };
  for (auto& [peer, address] : c.peers) {
    settings.push_back({absl::StrCat(peer, "_address"),
                        absl::StrCat("gRPC address of the ", peer, " service"), text(&address)});
  }
  return settings;
}

}  // namespace

absl::StatusOr<ServiceConfig> LoadConfig(int argc, char** argv, const ServiceConfig& defaults) {
  ServiceConfig config = defaults;
  std::vector<Setting> settings = SettingsOf(config);
  for (const Setting& s : settings) {
    const std::string env = absl::StrCat("CRM_", absl::AsciiStrToUpper(s.flag));
    if (const char* value = std::getenv(env.c_str())) {
      if (!s.set(value)) return absl::InvalidArgumentError(absl::StrCat(env, ": bad value \"", value, "\""));
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::string usage = absl::StrCat("usage: ", argv[0], " [--flag=value ...]\n");
      for (const Setting& s : settings) {
        absl::StrAppend(&usage, "  --", s.flag, " (env CRM_", absl::AsciiStrToUpper(s.flag), "): ",
                        s.help, "\n");
      }
      return absl::NotFoundError(usage);
    }
    if (!absl::StartsWith(arg, "--")) return absl::InvalidArgumentError(absl::StrCat("unexpected argument ", arg));
    arg = arg.substr(2);
    std::string value;
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc && !absl::StartsWith(argv[i + 1], "--")) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", arg, " needs a value"));
    }
    bool known = false;
    for (const Setting& s : settings) {
      if (s.flag != arg) continue;
      known = true;
      if (!s.set(value)) return absl::InvalidArgumentError(absl::StrCat("--", arg, ": bad value \"", value, "\""));
    }
    if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", arg, " (see --help)"));
  }
  if (config.db_path.empty()) config.db_path = absl::StrCat(config.data_dir, "/", config.service_name, ".db");
  return config;
}

}  // namespace crm::server
