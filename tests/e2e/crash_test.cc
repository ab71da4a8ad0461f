// The crash test: clients create partners through the real crm-partners
// process while it is killed with SIGKILL at random moments and restarted on
// the same data. Every create a client saw acknowledged must survive exactly
// once; retries of an unknown outcome (same request_id, same body) must give
// the first result back; the change feed must have no gap; the file must be
// intact.
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
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

namespace {

using crm::testing::BinaryPath;
using crm::testing::ServiceProcess;
using crm::testing::TempDir;
using google::protobuf::util::MessageDifferencer;
using Clock = std::chrono::steady_clock;

namespace feedv1 = crm::feed::v1;
namespace partnersv1 = crm::partners::v1;

constexpr int kClients = 4;
constexpr int kMinKills = 6;
// Bounds the kill/restart phase (each restart costs ~1 s in the harness).
constexpr auto kChaosBudget = std::chrono::seconds(15);

enum class Outcome {
  kAcknowledged,  // OK, maybe after retries of unknown outcomes
  kAbandoned,     // only unknown outcomes (the chaos ended before a retry succeeded)
  kFailed,        // a definite error: never expected
};

struct Attempted {
  std::string request_id;
  std::string marker;  // person.given_name, unique per request
  partnersv1::CreatePartnerRequest request;
  Outcome outcome = Outcome::kFailed;
  partnersv1::Partner response;  // when acknowledged
  int unknown_attempts = 0;      // UNAVAILABLE / DEADLINE_EXCEEDED before the end
  std::string error;             // when failed
};

std::shared_ptr<grpc::Channel> ClientChannel(const std::string& address) {
  // Reconnect quickly after each restart: gRPC 1.51 otherwise waits ~5 s
  // after a refused connection (re-resolution throttling plus a 1 s+
  // exponential backoff).
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS, 50);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

partnersv1::CreatePartnerRequest NewRequest(const std::string& request_id,
                                            const std::string& marker) {
  partnersv1::CreatePartnerRequest request;
  request.set_request_id(request_id);
  partnersv1::Partner* p = request.mutable_partner();
  p->set_category(partnersv1::PARTNER_CATEGORY_PERSON);
  p->mutable_person()->set_given_name(marker);
  p->mutable_person()->set_family_name("Crashtest");
  partnersv1::Address* address = p->add_addresses();
  address->set_type(partnersv1::ADDRESS_TYPE_PRIVATE);
  address->set_city("Leipzig");
  address->set_country_code("DE");
  return request;
}

bool UnknownOutcome(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

// One client: creates partners one after the other until `stop`; an unknown
// outcome is retried with the very same request until it is acknowledged or
// the chaos ends.
void ClientLoop(int client, const std::string& address, const std::atomic<bool>& stop,
                std::atomic<int>& acknowledged, std::vector<Attempted>* out) {
  auto stub = partnersv1::PartnerService::NewStub(ClientChannel(address));
  for (int seq = 0; !stop; ++seq) {
    Attempted a;
    a.request_id = "crash-" + std::to_string(client) + "-" + std::to_string(seq);
    a.marker = "m" + std::to_string(client) + "x" + std::to_string(seq);
    a.request = NewRequest(a.request_id, a.marker);
    for (;;) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
      context.set_wait_for_ready(true);
      partnersv1::Partner response;
      const grpc::Status status = stub->CreatePartner(&context, a.request, &response);
      if (status.ok()) {
        a.outcome = Outcome::kAcknowledged;
        a.response = std::move(response);
        ++acknowledged;
        break;
      }
      if (!UnknownOutcome(status.error_code())) {
        a.outcome = Outcome::kFailed;
        a.error = std::to_string(status.error_code()) + " " + status.error_message();
        break;
      }
      ++a.unknown_attempts;
      if (stop) {
        a.outcome = Outcome::kAbandoned;
        break;
      }
      // Retry pacing while the process is restarting (the call itself waits
      // for the connection).
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    out->push_back(std::move(a));
  }
}

std::unique_ptr<grpc::ClientContext> Context(int seconds = 10) {
  return crm::testing::ContextWithDeadline(seconds);
}



std::string Tail(const std::string& text, size_t n) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

}  // namespace

TEST_CASE("crash test: SIGKILL during concurrent creates loses no acknowledged write", "[e2e][crash]") {
  const auto test_started = Clock::now();
  TempDir dir;
  ServiceProcess process(BinaryPath("crm-partners"), dir.path(), {"--drain_seconds=1"});
  REQUIRE(process.Start());
  const auto chaos_started = Clock::now();

  const unsigned seed = std::random_device{}();
  INFO("random seed " << seed);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> pause_ms(150, 600);

  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0};
  std::vector<std::vector<Attempted>> per_client(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back(ClientLoop, c, process.address(), std::cref(stop), std::ref(acknowledged),
                         &per_client[c]);
  }

  // Kill at random moments, restart on the same data dir and ports. Each
  // round first waits for creates to go through the restarted process, so
  // every round kills a process under load.
  int kills = 0;
  bool restarts_ok = true;
  std::vector<double> restart_seconds;
  std::vector<int> unexpected_exits;
  while (kills < kMinKills && Clock::now() - chaos_started < kChaosBudget) {
    const int before = acknowledged;
    const auto give_up = Clock::now() + std::chrono::seconds(5);
    while (acknowledged < before + kClients && Clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (acknowledged < before + kClients) {
      restarts_ok = false;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    const int status = process.Stop(SIGKILL);
    // It died of our SIGKILL, not of something of its own before.
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) unexpected_exits.push_back(status);
    ++kills;
    if (kills < kMinKills) {
      const auto restart = Clock::now();
      if (!process.Start()) {
        restarts_ok = false;
        break;
      }
      restart_seconds.push_back(std::chrono::duration<double>(Clock::now() - restart).count());
    }
  }
  // The last kill ends the chaos: calls in flight now stay unknown.
  stop = true;
  for (auto& t : clients) t.join();
  const double chaos_seconds = std::chrono::duration<double>(Clock::now() - chaos_started).count();
  INFO("log (end):\n" << Tail(process.ReadLog(), 6000));
  REQUIRE(restarts_ok);
  REQUIRE(kills >= kMinKills);
  CHECK(unexpected_exits.empty());

  // Restart cleanly and look at what survived.
  REQUIRE(process.Start());
  auto channel = process.channel();
  auto stub = partnersv1::PartnerService::NewStub(channel);
  auto feed = feedv1::ChangeFeedService::NewStub(channel);

  std::vector<Attempted> all;
  for (auto& list : per_client) {
    for (auto& a : list) all.push_back(std::move(a));
  }
  std::map<std::string, const Attempted*> by_marker;
  std::map<std::string, const Attempted*> by_request_id;
  int acked = 0, abandoned = 0, failed = 0, recovered = 0;
  for (const Attempted& a : all) {
    REQUIRE(by_marker.emplace(a.marker, &a).second);
    REQUIRE(by_request_id.emplace(a.request_id, &a).second);
    switch (a.outcome) {
      case Outcome::kAcknowledged:
        ++acked;
        if (a.unknown_attempts > 0) ++recovered;
        break;
      case Outcome::kAbandoned: ++abandoned; break;
      case Outcome::kFailed:
        ++failed;
        FAIL_CHECK("create " << a.request_id << " failed: " << a.error);
        break;
    }
  }
  INFO("kills " << kills << ", requests " << all.size() << ", acknowledged " << acked
                << " (after an unknown outcome: " << recovered << "), abandoned " << abandoned);
  CHECK(failed == 0);
  REQUIRE(acked >= kClients * kMinKills);
  // Kills hit creates in flight, whose retries crossed a restart.
  CHECK(recovered > 0);

  // Listing over every page: each partner belongs to a request we sent, no
  // request made two partners, and no acknowledged one is missing.
  std::vector<partnersv1::Partner> listed;
  {
    std::string token;
    for (int pages = 0; pages < 10000; ++pages) {
      partnersv1::ListPartnersRequest request;
      request.set_page_size(97);
      request.set_page_token(token);
      partnersv1::ListPartnersResponse response;
      const grpc::Status status = stub->ListPartners(Context().get(), request, &response);
      INFO("ListPartners: " << status.error_message());
      REQUIRE(status.ok());
      REQUIRE(response.partners_size() <= 97);
      for (const auto& p : response.partners()) listed.push_back(p);
      token = response.next_page_token();
      if (token.empty()) break;
    }
  }
  std::set<std::string> listed_names;
  std::map<std::string, std::string> name_by_marker;
  int abandoned_committed = 0;
  for (const partnersv1::Partner& p : listed) {
    INFO("partner " << p.name() << " marker " << p.person().given_name());
    CHECK(listed_names.insert(p.name()).second);
    const auto it = by_marker.find(p.person().given_name());
    REQUIRE(it != by_marker.end());  // a partner nobody asked for
    CHECK(name_by_marker.emplace(p.person().given_name(), p.name()).second);  // duplicate
    const Attempted& a = *it->second;
    if (a.outcome == Outcome::kAcknowledged) {
      // Stored exactly as acknowledged.
      CHECK(MessageDifferencer::Equals(p, a.response));
    } else {
      CHECK(a.outcome == Outcome::kAbandoned);
      ++abandoned_committed;
    }
  }
  for (const Attempted& a : all) {
    if (a.outcome != Outcome::kAcknowledged) continue;
    INFO("acknowledged " << a.request_id);
    CHECK(name_by_marker.count(a.marker) == 1);
  }
  INFO("abandoned but committed: " << abandoned_committed);
  CHECK(abandoned_committed <= abandoned);
  CHECK(listed.size() == static_cast<size_t>(acked + abandoned_committed));

  // The change feed: 1..head without a gap, one CREATED per partner, with the
  // request id that made it.
  {
    std::vector<feedv1::Change> changes;
    int64_t after = 0, head = -1;
    for (int pages = 0; pages < 10000; ++pages) {
      feedv1::ListChangesRequest request;
      request.set_after_sequence(after);
      request.set_page_size(250);
      feedv1::ListChangesResponse response;
      REQUIRE(feed->ListChanges(Context().get(), request, &response).ok());
      if (head < 0) head = response.head_sequence();
      for (const auto& c : response.changes()) changes.push_back(c);
      if (response.changes_size() == 0) break;
      after = response.last_sequence();
    }
    REQUIRE(head == static_cast<int64_t>(listed.size()));
    REQUIRE(changes.size() == listed.size());
    std::set<std::string> changed_names;
    for (size_t i = 0; i < changes.size(); ++i) {
      const feedv1::Change& c = changes[i];
      INFO("change " << c.sequence() << " " << c.resource_name() << " " << c.request_id());
      CHECK(c.sequence() == static_cast<int64_t>(i + 1));
      CHECK(c.kind() == feedv1::CHANGE_KIND_CREATED);
      CHECK(c.method() == "CreatePartner");
      CHECK(changed_names.insert(c.resource_name()).second);
      const auto it = by_request_id.find(c.request_id());
      REQUIRE(it != by_request_id.end());
      const auto named = name_by_marker.find(it->second->marker);
      REQUIRE(named != name_by_marker.end());
      CHECK(named->second == c.resource_name());
    }
    CHECK(changed_names == listed_names);
  }

  // GetPartner finds every acknowledged create by the name it was given, as
  // acknowledged. Idempotency across the crashes: the same request again
  // gives the first result back. Every request that crossed a crash
  // (acknowledged after an unknown outcome, or abandoned) is replayed, and a
  // random sample of the others; abandoned ones are completed now, with the
  // partner that was committed if there was one.
  std::vector<char> replay(all.size(), 0);
  size_t replayed = 0;
  {
    std::vector<size_t> plain;
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].outcome == Outcome::kAcknowledged && all[i].unknown_attempts == 0) {
        plain.push_back(i);
      } else {
        replay[i] = 1;
        ++replayed;
      }
    }
    std::shuffle(plain.begin(), plain.end(), random);
    for (size_t k = 0; k < plain.size() && k < 300; ++k, ++replayed) replay[plain[k]] = 1;
  }
  {
    std::vector<std::string> problems;
    std::mutex problems_mu;
    std::atomic<size_t> next{0};
    auto worker = [&] {
      auto report = [&](const std::string& problem) {
        std::lock_guard<std::mutex> lock(problems_mu);
        problems.push_back(problem);
      };
      for (size_t i; (i = next++) < all.size();) {
        const Attempted& a = all[i];
        if (a.outcome == Outcome::kAcknowledged) {
          partnersv1::GetPartnerRequest get;
          get.set_name(a.response.name());
          partnersv1::Partner got;
          const grpc::Status status = stub->GetPartner(Context().get(), get, &got);
          if (!status.ok()) {
            report("GetPartner " + a.response.name() + " (" + a.request_id +
                   "): " + status.error_message());
          } else if (!MessageDifferencer::Equals(got, a.response)) {
            report("GetPartner " + a.response.name() + " differs from the acknowledged partner");
          }
        }
        if (!replay[i]) continue;
        partnersv1::Partner again;
        const grpc::Status status = stub->CreatePartner(Context().get(), a.request, &again);
        if (!status.ok()) {
          report("replay " + a.request_id + ": " + status.error_message());
          continue;
        }
        if (a.outcome == Outcome::kAcknowledged && !MessageDifferencer::Equals(again, a.response)) {
          report("replay " + a.request_id + " returned " + again.name() + ", first acknowledged " +
                 a.response.name());
        }
        const auto named = name_by_marker.find(a.marker);
        if (named != name_by_marker.end() && again.name() != named->second) {
          report("replay " + a.request_id + " returned " + again.name() + ", committed as " +
                 named->second);
        }
        if (again.person().given_name() != a.marker) {
          report("replay " + a.request_id + " returned " + again.name() + " for marker " +
                 again.person().given_name());
        }
      }
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    INFO("replayed " << replayed << " requests; " << problems.size()
                     << " problems, the first: " << (problems.empty() ? "" : problems.front()));
    CHECK(problems.empty());
  }
  {
    int64_t head = 0;
    feedv1::ListChangesRequest request;
    request.set_after_sequence(0);
    request.set_page_size(1);
    feedv1::ListChangesResponse response;
    REQUIRE(feed->ListChanges(Context().get(), request, &response).ok());
    head = response.head_sequence();
    CHECK(head == static_cast<int64_t>(acked + abandoned));
  }

  // A clean stop, and the file is intact.
  const crm::testing::StopResult clean_stop = process.StopWithin(SIGTERM, std::chrono::seconds(5));
  REQUIRE(clean_stop.in_time);
  CHECK(WIFEXITED(clean_stop.status));
  CHECK(WEXITSTATUS(clean_stop.status) == 0);
  // The log stays one JSON object per line across the kills.
  {
    std::istringstream log(process.ReadLog());
    int lines = 0;
    std::vector<std::string> not_json;
    for (std::string line; std::getline(log, line);) {
      if (line.empty()) continue;
      ++lines;
      if (line.front() != '{' || line.back() != '}') not_json.push_back(line);
    }
    INFO("first line that is not a JSON object: " << (not_json.empty() ? "" : not_json.front()));
    CHECK(not_json.empty());
    CHECK(lines > acked);
  }
  {
    SQLite::Database db(dir.path() + "/partners.db", SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    CHECK(db.execAndGet("SELECT COUNT(*) FROM partners").getInt() == acked + abandoned);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM request_ids").getInt() == acked + abandoned);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - test_started).count();
  std::ostringstream restarts;
  for (double r : restart_seconds) restarts << (restarts.tellp() > 0 ? "/" : "") << r;
  WARN("crash test: seed " << seed << ", " << kills << " SIGKILLs, " << all.size()
                            << " creates sent, " << acked << " acknowledged (" << recovered
                            << " after an unknown outcome), " << abandoned << " abandoned ("
                            << abandoned_committed << " of them committed), " << replayed
                            << " replayed; " << chaos_seconds << " s under SIGKILL (restarts took "
                            << restarts.str() << " s), " << seconds << " s in all");
  CHECK(seconds < 30);
}
