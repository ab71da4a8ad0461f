// End-to-end tests of the real crm-partners executable: start-up and health,
// server reflection (through buf curl, as a user would), the partner API and
// the change feed over gRPC, /metrics, the SIGTERM drain and the JSON log,
// restart on the same data, refusal of a database from a newer release, and
// a WatchChanges stream across a SIGTERM.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace {

using crm::testing::BinaryPath;
using crm::testing::FetchMetrics;
using crm::testing::ServiceProcess;
using crm::testing::TempDir;
using google::protobuf::util::MessageDifferencer;
using Clock = std::chrono::steady_clock;

namespace feedv1 = crm::feed::v1;
namespace partnersv1 = crm::partners::v1;
namespace healthv1 = grpc::health::v1;

// What a stopping process may take beyond its drain time (closing the
// database, the metrics endpoint, the handler threads).
constexpr double kTeardownSlack = 0.5;

// Personal data sent in creates; none of it may ever reach the log.
constexpr char kGivenName[] = "Annegret";
constexpr char kFamilyName[] = "Quetschkommode";
constexpr char kEmail[] = "annegret.quetschkommode@example.org";
constexpr char kPhone[] = "+4930987654321";
constexpr char kStreet[] = "Pflaumenallee 17";

std::unique_ptr<grpc::ClientContext> Context(int seconds = 10) {
  return crm::testing::ContextWithDeadline(seconds);
}

// --- process helpers --------------------------------------------------------


using crm::testing::StopResult;

struct ExitResult {
  bool exited_in_time = false;
  int status = -1;
  std::string output;  // stdout and stderr
};

// Runs `args` to its end (at most `limit`, then SIGKILL), capturing its output.
ExitResult RunToExit(const std::vector<std::string>& args, const std::string& output_path,
                     std::chrono::milliseconds limit) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) {
      dup2(out, STDOUT_FILENO);
      dup2(out, STDERR_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  ExitResult result;
  const auto give_up = Clock::now() + limit;
  while (Clock::now() < give_up) {
    if (waitpid(pid, &result.status, WNOHANG) == pid) {
      result.exited_in_time = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!result.exited_in_time) {
    kill(pid, SIGKILL);
    waitpid(pid, &result.status, 0);
  }
  std::ifstream file(output_path);
  result.output.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return result;
}

// Runs a shell command; returns its exit code and its stdout.
int RunShell(const std::string& command, std::string* output) {
  output->clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) output->append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Every line of the service's log is one JSON object.
void RequireJsonLines(const std::string& log) {
  const std::vector<std::string> lines = Lines(log);
  REQUIRE_FALSE(lines.empty());
  for (const std::string& line : lines) {
    INFO("log line: " << line);
    CHECK(line.front() == '{');
    CHECK(line.back() == '}');
  }
}

bool LogHasMessage(const std::string& log, const std::string& msg) {
  return log.find("\"msg\":\"" + msg + "\"") != std::string::npos;
}

void RequireNoPersonalData(const std::string& log) {
  for (const char* secret : {kGivenName, kFamilyName, kEmail, kPhone, kStreet, "quetschkommode"}) {
    INFO("personal data in the log: " << secret);
    CHECK(log.find(secret) == std::string::npos);
  }
}

// --- metrics ------------------------------------------------------------------

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses the Prometheus text format (samples only, comments skipped).
std::vector<Sample> ParseMetrics(const std::string& text) {
  std::vector<Sample> samples;
  for (const std::string& line : Lines(text)) {
    if (line[0] == '#') continue;
    Sample sample;
    size_t pos = line.find_first_of("{ ");
    if (pos == std::string::npos) continue;
    sample.name = line.substr(0, pos);
    if (line[pos] == '{') {
      ++pos;
      while (pos < line.size() && line[pos] != '}') {
        const size_t eq = line.find('=', pos);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') break;
        const std::string key = line.substr(pos, eq - pos);
        std::string value;
        size_t i = eq + 2;
        for (; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) ++i;
          value.push_back(line[i]);
        }
        sample.labels[key] = value;
        pos = i + 1;
        if (pos < line.size() && line[pos] == ',') ++pos;
      }
      ++pos;  // '}'
    }
    sample.value = std::strtod(line.c_str() + pos, nullptr);
    samples.push_back(std::move(sample));
  }
  return samples;
}

// The samples named `name` whose labels include `labels`.
std::vector<Sample> Matching(const std::vector<Sample>& samples, const std::string& name,
                             const std::map<std::string, std::string>& labels = {}) {
  std::vector<Sample> out;
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool all = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) all = false;
    }
    if (all) out.push_back(s);
  }
  return out;
}

// The one sample named `name` with `labels`, or nullopt.
std::optional<double> Value(const std::vector<Sample>& samples, const std::string& name,
                            const std::map<std::string, std::string>& labels = {}) {
  const std::vector<Sample> found = Matching(samples, name, labels);
  if (found.size() != 1) return std::nullopt;
  return found.front().value;
}

// --- requests -------------------------------------------------------------------

partnersv1::CreatePartnerRequest PersonRequest(const std::string& request_id) {
  partnersv1::CreatePartnerRequest request;
  request.set_request_id(request_id);
  partnersv1::Partner* p = request.mutable_partner();
  p->set_category(partnersv1::PARTNER_CATEGORY_PERSON);
  p->mutable_person()->set_given_name(kGivenName);
  p->mutable_person()->set_family_name(kFamilyName);
  partnersv1::Address* address = p->add_addresses();
  address->set_type(partnersv1::ADDRESS_TYPE_PRIVATE);
  address->add_street_lines(kStreet);
  address->set_postal_code("10115");
  address->set_city("Berlin");
  address->set_country_code("DE");
  partnersv1::EmailAddress* email = p->add_email_addresses();
  email->set_address(kEmail);
  email->set_usage(partnersv1::CONTACT_USAGE_PRIVATE);
  partnersv1::PhoneNumber* phone = p->add_phone_numbers();
  phone->set_number(kPhone);
  phone->set_type(partnersv1::PHONE_TYPE_MOBILE);
  return request;
}

partnersv1::CreatePartnerRequest OrganizationRequest(const std::string& request_id) {
  partnersv1::CreatePartnerRequest request;
  request.set_request_id(request_id);
  partnersv1::Partner* p = request.mutable_partner();
  p->set_category(partnersv1::PARTNER_CATEGORY_ORGANIZATION);
  p->mutable_organization()->set_legal_name("Alvis Computers GmbH");
  p->mutable_organization()->set_legal_form("GmbH");
  p->mutable_organization()->set_industry_code("C26.2");
  partnersv1::Address* address = p->add_addresses();
  address->set_type(partnersv1::ADDRESS_TYPE_BUSINESS);
  address->set_city("Hamburg");
  address->set_country_code("DE");
  return request;
}

partnersv1::CreatePartnerRequest GroupRequest(const std::string& request_id) {
  partnersv1::CreatePartnerRequest request;
  request.set_request_id(request_id);
  partnersv1::Partner* p = request.mutable_partner();
  p->set_category(partnersv1::PARTNER_CATEGORY_GROUP);
  p->mutable_group()->set_group_name("Kleingartenverein Sonnenschein");
  p->mutable_group()->set_group_type(partnersv1::GROUP_TYPE_CLUB);
  return request;
}

partnersv1::Partner Create(partnersv1::PartnerService::Stub& stub,
                           const partnersv1::CreatePartnerRequest& request) {
  partnersv1::Partner created;
  const grpc::Status status = stub.CreatePartner(Context().get(), request, &created);
  INFO("CreatePartner " << request.request_id() << ": " << status.error_code() << " "
                        << status.error_message());
  REQUIRE(status.ok());
  REQUIRE(created.name().rfind("partners/", 0) == 0);
  REQUIRE(created.name().size() > std::string("partners/").size());
  return created;
}

std::vector<feedv1::Change> AllChanges(feedv1::ChangeFeedService::Stub& feed, int64_t* head,
                                       int page_size = 2) {
  std::vector<feedv1::Change> changes;
  int64_t after = 0;
  for (int pages = 0; pages < 1000; ++pages) {
    feedv1::ListChangesRequest request;
    request.set_after_sequence(after);
    request.set_page_size(page_size);
    feedv1::ListChangesResponse response;
    const grpc::Status status = feed.ListChanges(Context().get(), request, &response);
    INFO("ListChanges: " << status.error_message());
    REQUIRE(status.ok());
    *head = response.head_sequence();
    for (const auto& c : response.changes()) changes.push_back(c);
    if (response.changes_size() == 0) {
      CHECK(response.last_sequence() == after);
      break;
    }
    CHECK(response.last_sequence() == response.changes().rbegin()->sequence());
    after = response.last_sequence();
  }
  return changes;
}

std::vector<partnersv1::Partner> AllPartners(partnersv1::PartnerService::Stub& stub,
                                             int page_size) {
  std::vector<partnersv1::Partner> partners;
  std::string token;
  for (int pages = 0; pages < 1000; ++pages) {
    partnersv1::ListPartnersRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    partnersv1::ListPartnersResponse response;
    const grpc::Status status = stub.ListPartners(Context().get(), request, &response);
    INFO("ListPartners: " << status.error_code() << " " << status.error_message());
    REQUIRE(status.ok());
    CHECK(response.partners_size() <= page_size);
    for (const auto& p : response.partners()) partners.push_back(p);
    token = response.next_page_token();
    if (token.empty()) break;
  }
  return partners;
}

healthv1::HealthCheckResponse::ServingStatus HealthOf(const std::shared_ptr<grpc::Channel>& channel,
                                                      const std::string& service,
                                                      grpc::StatusCode* code) {
  auto stub = healthv1::Health::NewStub(channel);
  healthv1::HealthCheckRequest request;
  request.set_service(service);
  healthv1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(Context(5).get(), request, &response);
  *code = status.error_code();
  return response.status();
}

// The source tree (for the pinned buf in node_modules), from this file's path.
std::string SourceDir() {
  std::string file = __FILE__;
  const std::string suffix = "/tests/e2e/partners_e2e_test.cc";
  if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return file.substr(0, file.size() - suffix.size());
  }
  return ".";
}

}  // namespace

TEST_CASE("crm-partners serves health and reflection", "[e2e]") {
  TempDir dir;
  constexpr int kDrainSeconds = 2;
  ServiceProcess process(BinaryPath("crm-partners"), dir.path(),
                         {"--drain_seconds=" + std::to_string(kDrainSeconds)});
  REQUIRE(process.Start());

  // Health: overall and per service; an unknown service is NOT_FOUND.
  grpc::StatusCode code;
  CHECK(HealthOf(process.channel(), "", &code) == healthv1::HealthCheckResponse::SERVING);
  CHECK(code == grpc::StatusCode::OK);
  CHECK(HealthOf(process.channel(), "crm.partners.v1.PartnerService", &code) ==
        healthv1::HealthCheckResponse::SERVING);
  CHECK(code == grpc::StatusCode::OK);
  CHECK(HealthOf(process.channel(), "crm.feed.v1.ChangeFeedService", &code) ==
        healthv1::HealthCheckResponse::SERVING);
  CHECK(code == grpc::StatusCode::OK);
  HealthOf(process.channel(), "crm.nothing.v1.NoService", &code);
  CHECK(code == grpc::StatusCode::NOT_FOUND);

  // Reflection. Debian installs neither the generated reflection client
  // stubs nor ProtoReflectionDescriptorDatabase, so this goes through the
  // pinned buf curl, as a user would. `npx @bufbuild/buf@1.75.0` resolves to
  // the source tree's node_modules; that binary is called directly when it
  // is there (npx costs ~0.5 s a call), npx otherwise.
  std::string out;
  const std::string stderr_path = dir.path() + "/buf.err";
  auto runs_pinned_buf = [&](const std::string& buf) {
    return RunShell(buf + " --version 2>" + stderr_path, &out) == 0 &&
           out.find("1.75.0") != std::string::npos;
  };
  std::string buf = "timeout 60 '" + SourceDir() + "/node_modules/.bin/buf'";
  if (!runs_pinned_buf(buf)) {
    if (RunShell("command -v npx >/dev/null 2>&1", &out) != 0) {
      WARN("neither node_modules/.bin/buf nor npx found: reflection not checked");
      return;
    }
    buf = "cd '" + SourceDir() + "' && timeout 60 npx --yes @bufbuild/buf@1.75.0";
    if (!runs_pinned_buf(buf)) {
      WARN("buf 1.75.0 not runnable through npx (offline?): reflection not checked: "
           << ReadFile(stderr_path));
      return;
    }
  }
  const std::string curl = buf + " curl --protocol grpc --http2-prior-knowledge ";
  const std::string base = "http://" + process.address();

  const int listed = RunShell(curl + "--list-services " + base + " 2>" + stderr_path, &out);
  INFO("buf curl --list-services: " << out << ReadFile(stderr_path));
  REQUIRE(listed == 0);
  const std::vector<std::string> services = Lines(out);
  const std::set<std::string> service_set(services.begin(), services.end());
  CHECK(service_set.count("crm.partners.v1.PartnerService") == 1);
  CHECK(service_set.count("crm.feed.v1.ChangeFeedService") == 1);
  CHECK(service_set.count("grpc.health.v1.Health") == 1);

  // buf curl can call health only if reflection returns the file descriptor
  // of grpc.health.v1.Health.
  const int checked = RunShell(curl + "--data '{\"service\":\"crm.partners.v1.PartnerService\"}' " +
                                   base + "/grpc.health.v1.Health/Check 2>" + stderr_path,
                               &out);
  INFO("buf curl Health/Check: " << out << ReadFile(stderr_path));
  CHECK(checked == 0);
  CHECK(out.find("\"SERVING\"") != std::string::npos);

  // And the methods of the domain service are described too.
  const int methods = RunShell(curl + "--list-methods " + base + " 2>" + stderr_path, &out);
  INFO("buf curl --list-methods: " << out << ReadFile(stderr_path));
  CHECK(methods == 0);
  CHECK(out.find("crm.partners.v1.PartnerService/CreatePartner") != std::string::npos);
  CHECK(out.find("crm.feed.v1.ChangeFeedService/WatchChanges") != std::string::npos);

  const StopResult stop = process.StopWithin(SIGTERM, std::chrono::seconds(kDrainSeconds + 5));
  CHECK(stop.in_time);
  CHECK(WIFEXITED(stop.status));
  CHECK(WEXITSTATUS(stop.status) == 0);
}

TEST_CASE("crm-partners lifecycle: API and feed - metrics - SIGTERM drain - restart - newer schema refused",
          "[e2e]") {
  TempDir dir;
  constexpr int kDrainSeconds = 3;
  ServiceProcess process(BinaryPath("crm-partners"), dir.path(),
                         {"--drain_seconds=" + std::to_string(kDrainSeconds)});
  REQUIRE(process.Start());
  auto stub = partnersv1::PartnerService::NewStub(process.channel());
  auto feed = feedv1::ChangeFeedService::NewStub(process.channel());

  // --- create, get, list ---
  const std::vector<partnersv1::CreatePartnerRequest> requests = {
      PersonRequest("e2e-person-1"), OrganizationRequest("e2e-org-1"), GroupRequest("e2e-group-1")};
  std::vector<partnersv1::Partner> created;
  for (const auto& request : requests) created.push_back(Create(*stub, request));
  CHECK(created[0].display_name() == std::string(kFamilyName) + ", " + kGivenName);
  CHECK(created[1].display_name() == "Alvis Computers GmbH");
  CHECK(created[2].display_name() == "Kleingartenverein Sonnenschein");
  std::set<std::string> names;
  for (const auto& p : created) {
    names.insert(p.name());
    CHECK(p.has_create_time());
    CHECK_FALSE(p.etag().empty());
  }
  REQUIRE(names.size() == 3);

  // A person without a family name is refused (and counted, but not as OK).
  {
    partnersv1::CreatePartnerRequest bad = PersonRequest("e2e-bad-1");
    bad.mutable_partner()->mutable_person()->clear_family_name();
    partnersv1::Partner ignored;
    const grpc::Status status = stub->CreatePartner(Context().get(), bad, &ignored);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }

  // The same request id and body returns the first result, not a new partner.
  {
    partnersv1::Partner again;
    REQUIRE(stub->CreatePartner(Context().get(), requests[0], &again).ok());
    CHECK(MessageDifferencer::Equals(again, created[0]));
  }
  constexpr int kCreateOk = 4;     // 3 creates + the idempotent retry
  constexpr int kCreateCalls = 5;  // and the refused one

  for (const auto& p : created) {
    partnersv1::GetPartnerRequest get;
    get.set_name(p.name());
    partnersv1::Partner got;
    const grpc::Status status = stub->GetPartner(Context().get(), get, &got);
    INFO("GetPartner " << p.name() << ": " << status.error_message());
    REQUIRE(status.ok());
    CHECK(MessageDifferencer::Equals(got, p));
  }
  {
    const std::vector<partnersv1::Partner> listed = AllPartners(*stub, 2);
    CHECK(listed.size() == 3);
    std::set<std::string> listed_names;
    for (const auto& p : listed) listed_names.insert(p.name());
    CHECK(listed_names == names);
  }

  // --- the change feed shows the three writes, in order, once each ---
  {
    int64_t head = 0;
    const std::vector<feedv1::Change> changes = AllChanges(*feed, &head);
    REQUIRE(changes.size() == 3);
    CHECK(head == 3);
    for (size_t i = 0; i < changes.size(); ++i) {
      const feedv1::Change& c = changes[i];
      CHECK(c.sequence() == static_cast<int64_t>(i + 1));
      CHECK(c.kind() == feedv1::CHANGE_KIND_CREATED);
      CHECK(c.method() == "CreatePartner");
      CHECK(c.resource_name() == created[i].name());
      CHECK(c.request_id() == requests[i].request_id());
      partnersv1::Partner payload;
      REQUIRE(c.resource().UnpackTo(&payload));
      CHECK(MessageDifferencer::Equals(payload, created[i]));
    }
  }

  // --- /metrics ---
  {
    std::vector<Sample> samples;
    std::optional<double> handled_ok;
    const auto give_up = Clock::now() + std::chrono::seconds(5);
    do {
      samples = ParseMetrics(FetchMetrics(process.metrics_port()));
      handled_ok = Value(samples, "grpc_server_handled_total",
                         {{"grpc_method", "CreatePartner"}, {"grpc_code", "OK"}});
      if (handled_ok && *handled_ok >= kCreateOk) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (Clock::now() < give_up);
    INFO("metric samples: " << samples.size());
    REQUIRE(handled_ok.has_value());
    CHECK(*handled_ok == kCreateOk);
    const std::map<std::string, std::string> create = {
        {"grpc_method", "CreatePartner"},
        {"grpc_service", "crm.partners.v1.PartnerService"},
        {"grpc_type", "unary"}};
    CHECK(Value(samples, "grpc_server_handled_total",
                {{"grpc_method", "CreatePartner"}, {"grpc_code", "InvalidArgument"}}) == 1.0);
    CHECK(Value(samples, "grpc_server_started_total", create) == kCreateCalls + 0.0);
    CHECK(Value(samples, "grpc_server_handled_total",
                {{"grpc_method", "GetPartner"}, {"grpc_code", "OK"}}) == 3.0);
    auto inf_bucket = create;
    inf_bucket["le"] = "+Inf";
    CHECK(Value(samples, "grpc_server_handling_seconds_bucket", inf_bucket) == kCreateCalls + 0.0);
    CHECK(Matching(samples, "grpc_server_handling_seconds_bucket", create).size() > 2);
    CHECK(Value(samples, "grpc_server_handling_seconds_count", create) == kCreateCalls + 0.0);
    // The health checks are counted like every other call.
    CHECK(!Matching(samples, "grpc_server_handled_total", {{"grpc_service", "grpc.health.v1.Health"}})
               .empty());

    const auto rss = Value(samples, "process_resident_memory_bytes");
    REQUIRE(rss.has_value());
    CHECK(*rss > 1e6);
    const auto fds = Value(samples, "process_open_fds");
    REQUIRE(fds.has_value());
    CHECK(*fds >= 3);
    const auto cpu = Value(samples, "process_cpu_seconds_total");
    REQUIRE(cpu.has_value());
    CHECK(*cpu >= 0);
    const auto start_time = Value(samples, "process_start_time_seconds");
    REQUIRE(start_time.has_value());
    const double now = static_cast<double>(std::time(nullptr));
    CHECK(*start_time > now - 120);
    CHECK(*start_time <= now + 1);

    // Four write calls went through the writer (the refused create did not:
    // it fails validation first), in one group commit or more.
    const auto commits = Value(samples, "crm_sqlite_commit_seconds_count");
    REQUIRE(commits.has_value());
    CHECK(*commits >= 1);
    CHECK(*commits <= 4);
    CHECK(!Matching(samples, "crm_sqlite_commit_seconds_bucket").empty());
    const auto group_writes = Value(samples, "crm_sqlite_group_commit_size_sum");
    REQUIRE(group_writes.has_value());
    CHECK(*group_writes == 4);  // 3 creates + the idempotent retry (a no-op write)
    CHECK(Value(samples, "crm_sqlite_group_commit_size_count") == *commits);
    const auto db_bytes = Value(samples, "crm_sqlite_database_bytes");
    REQUIRE(db_bytes.has_value());
    CHECK(*db_bytes > 4096);
  }

  // --- SIGTERM: exit 0 within the drain time, JSON log without personal data ---
  {
    const StopResult stop =
        process.StopWithin(SIGTERM, std::chrono::seconds(kDrainSeconds + 5));
    INFO("SIGTERM took " << stop.seconds << " s");
    REQUIRE(stop.in_time);
    // Nothing is in flight: the drain may take at most its time, plus a
    // little for closing the database.
    CHECK(stop.seconds <= kDrainSeconds + kTeardownSlack);
    REQUIRE(WIFEXITED(stop.status));
    CHECK(WEXITSTATUS(stop.status) == 0);
    const std::string log = process.ReadLog();
    INFO("log:\n" << log);
    RequireJsonLines(log);
    CHECK(LogHasMessage(log, "serving"));
    CHECK(LogHasMessage(log, "draining"));
    CHECK(LogHasMessage(log, "stopped"));
    CHECK(log.find("\"signal\":\"SIGTERM\"") != std::string::npos);
    CHECK(log.find("\"grpc_method\":\"CreatePartner\"") != std::string::npos);
    CHECK(log.rfind("\"msg\":\"stopped\"") > log.rfind("\"msg\":\"draining\""));
    RequireNoPersonalData(log);
  }

  // --- restart on the same data: everything is still there ---
  const size_t log_before_restart = process.ReadLog().size();
  {
    REQUIRE(process.Start());
    stub = partnersv1::PartnerService::NewStub(process.channel());
    feed = feedv1::ChangeFeedService::NewStub(process.channel());
    for (const auto& p : created) {
      partnersv1::GetPartnerRequest get;
      get.set_name(p.name());
      partnersv1::Partner got;
      REQUIRE(stub->GetPartner(Context().get(), get, &got).ok());
      CHECK(MessageDifferencer::Equals(got, p));
    }
    CHECK(AllPartners(*stub, 50).size() == 3);
    // The idempotency record survived the restart too.
    partnersv1::Partner again;
    REQUIRE(stub->CreatePartner(Context().get(), requests[1], &again).ok());
    CHECK(MessageDifferencer::Equals(again, created[1]));
    // The feed goes on where it stopped.
    const partnersv1::Partner fourth = Create(*stub, OrganizationRequest("e2e-org-2"));
    int64_t head = 0;
    const std::vector<feedv1::Change> changes = AllChanges(*feed, &head);
    REQUIRE(changes.size() == 4);
    CHECK(head == 4);
    CHECK(changes[3].sequence() == 4);
    CHECK(changes[3].resource_name() == fourth.name());
    // Counters start again with the new process.
    const auto samples = ParseMetrics(FetchMetrics(process.metrics_port()));
    CHECK(Value(samples, "grpc_server_handled_total",
                {{"grpc_method", "CreatePartner"}, {"grpc_code", "OK"}}) == 2.0);

    const StopResult stop =
        process.StopWithin(SIGTERM, std::chrono::seconds(kDrainSeconds + 5));
    REQUIRE(stop.in_time);
    REQUIRE(WIFEXITED(stop.status));
    CHECK(WEXITSTATUS(stop.status) == 0);
    const std::string log = process.ReadLog().substr(log_before_restart);
    RequireJsonLines(log);
    // The restart found the schema it had migrated to, as the first start did.
    const auto schema_of = [](const std::string& text) {
      const size_t at = text.find("\"schema_version\":\"");
      return at == std::string::npos ? std::string() : text.substr(at, text.find('}', at) - at);
    };
    CHECK_FALSE(schema_of(log).empty());
    CHECK(schema_of(log) == schema_of(process.ReadLog()));
    RequireNoPersonalData(process.ReadLog());
  }

  // --- a database from a newer release is refused, and left as it is ---
  const std::string db_path = dir.path() + "/partners.db";
  REQUIRE(std::filesystem::exists(db_path));
  {
    SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 999");
  }
  {
    const size_t log_before = process.ReadLog().size();
    CHECK_FALSE(process.Start(3));
    CHECK_FALSE(process.running());
    const std::string log = process.ReadLog().substr(log_before);
    INFO("log of the refused start:\n" << log);
    RequireJsonLines(log);
    CHECK(log.find("\"level\":\"error\"") != std::string::npos);
    CHECK(LogHasMessage(log, "cannot start"));
    CHECK(log.find("schema version 999") != std::string::npos);
    CHECK(log.find("newer release") != std::string::npos);
    CHECK_FALSE(LogHasMessage(log, "serving"));
  }
  {
    // The harness discards the exit status of a process that never became
    // ready, so run the executable directly for it.
    const ExitResult run = RunToExit(
        {BinaryPath("crm-partners"), "--grpc_address=" + process.address(),
         "--metrics_address=127.0.0.1:" + std::to_string(process.metrics_port()),
         "--data_dir=" + dir.path()},
        dir.path() + "/refused.log", std::chrono::seconds(10));
    INFO("output: " << run.output);
    REQUIRE(run.exited_in_time);
    REQUIRE(WIFEXITED(run.status));
    CHECK(WEXITSTATUS(run.status) != 0);
    CHECK(run.output.find("schema version 999") != std::string::npos);
    CHECK_FALSE(LogHasMessage(run.output, "serving"));
    RequireJsonLines(run.output);
  }
  {
    SQLite::Database db(db_path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 999);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM partners").getInt() == 4);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  }
}

TEST_CASE("crm-partners WatchChanges streams new changes and SIGTERM ends the stream", "[e2e]") {
  TempDir dir;
  constexpr int kDrainSeconds = 2;
  ServiceProcess process(BinaryPath("crm-partners"), dir.path(),
                         {"--drain_seconds=" + std::to_string(kDrainSeconds)});
  REQUIRE(process.Start());
  auto stub = partnersv1::PartnerService::NewStub(process.channel());
  const partnersv1::Partner first = Create(*stub, OrganizationRequest("watch-backlog-1"));

  // A follower opens the stream from the beginning.
  std::mutex mu;
  std::vector<feedv1::Change> received;
  std::atomic<bool> stream_ended{false};
  grpc::Status final_status;
  grpc::ClientContext watch_context;
  watch_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto feed = feedv1::ChangeFeedService::NewStub(process.channel());
  std::thread follower([&] {
    feedv1::WatchChangesRequest request;
    request.set_after_sequence(0);
    auto reader = feed->WatchChanges(&watch_context, request);
    feedv1::WatchChangesResponse response;
    while (reader->Read(&response)) {
      std::lock_guard<std::mutex> lock(mu);
      received.push_back(response.change());
    }
    final_status = reader->Finish();
    stream_ended = true;
  });
  auto wait_for = [&](size_t count) {
    const auto give_up = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < give_up) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (received.size() >= count) return true;
      }
      if (stream_ended) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };

  // The backlog first...
  REQUIRE(wait_for(1));
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(received[0].sequence() == 1);
    CHECK(received[0].resource_name() == first.name());
  }
  // ...then a change committed while the stream is open.
  const partnersv1::Partner second = Create(*stub, PersonRequest("watch-live-1"));
  REQUIRE(wait_for(2));
  {
    std::lock_guard<std::mutex> lock(mu);
    REQUIRE(received.size() == 2);
    const feedv1::Change& live = received[1];
    CHECK(live.sequence() == 2);
    CHECK(live.kind() == feedv1::CHANGE_KIND_CREATED);
    CHECK(live.resource_name() == second.name());
    CHECK(live.request_id() == "watch-live-1");
    CHECK(live.method() == "CreatePartner");
    partnersv1::Partner payload;
    REQUIRE(live.resource().UnpackTo(&payload));
    CHECK(MessageDifferencer::Equals(payload, second));
  }
  CHECK_FALSE(stream_ended);

  // SIGTERM: the stream ends within the drain time, and the open stream does
  // not keep the process alive past the drain.
  const auto signalled = Clock::now();
  StopResult stop;
  std::thread stopper(
      [&] { stop = process.StopWithin(SIGTERM, std::chrono::seconds(kDrainSeconds + 5)); });
  while (!stream_ended && Clock::now() - signalled < std::chrono::seconds(kDrainSeconds + 5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double stream_seconds = std::chrono::duration<double>(Clock::now() - signalled).count();
  const bool ended_by_server = stream_ended;
  stopper.join();
  INFO("SIGTERM with an open stream: the stream ended after " << stream_seconds
       << " s, the process after " << stop.seconds << " s");
  REQUIRE(stop.in_time);
  CHECK(stop.seconds <= kDrainSeconds + kTeardownSlack);
  REQUIRE(WIFEXITED(stop.status));
  CHECK(WEXITSTATUS(stop.status) == 0);
  if (!stream_ended) watch_context.TryCancel();
  follower.join();
  CHECK(ended_by_server);
  CHECK(stream_seconds <= kDrainSeconds);
  INFO("stream ended with " << final_status.error_code() << " " << final_status.error_message());
  // Ended by the server, not by the client's 30 s deadline.
  CHECK(final_status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED);
  {
    std::lock_guard<std::mutex> lock(mu);
    CHECK(received.size() == 2);
  }
  const std::string log = process.ReadLog();
  INFO("log:\n" << log);
  RequireJsonLines(log);
  CHECK(LogHasMessage(log, "draining"));
  CHECK(LogHasMessage(log, "stopped"));
  RequireNoPersonalData(log);
}

