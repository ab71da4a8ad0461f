// The partners service's change feed over a real gRPC channel and a real
// SQLite file: ListChanges lists every write in order with paging,
// WatchChanges sends the backlog and then new changes, and concurrent creates
// all succeed with a gapless feed.
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "services/partners/tests/partners_service_suite.h"

namespace crm::partners::testing::service_testing {
namespace {

TEST_CASE("the change feed lists every write in order", "[feed]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());

  fv1::ListChangesResponse empty = client.Changes(0);
  CHECK(empty.changes().empty());
  CHECK(empty.head_sequence() == 0);
  CHECK(empty.last_sequence() == 0);

  const pv1::Partner created = client.Create(PersonPartner("Feed", "Fiona"), "feed-request-1");
  pv1::Partner patch;
  patch.set_name(created.name());
  patch.mutable_person()->set_given_name("Fee");
  const pv1::Partner updated = client.Update(patch, {"person.given_name"});
  pv1::Partner with_role;
  REQUIRE(StatusText(client.AddRole(created.name(), SimpleRole(pv1::ROLE_TYPE_PROSPECT), "",
                                    &with_role)) == "OK");
  const pv1::Partner other = client.Create(OrganizationPartner("Feed GmbH", "", "Kiel", "DE"));
  REQUIRE(StatusText(client.Delete(created.name())) == "OK");
  // Failed writes leave no trace on the feed.
  pv1::Partner ignored;
  CHECK(client.Delete(created.name()).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_FALSE(client.TryCreate(PersonPartner("", "Nobody"), "", &ignored).ok());

  const fv1::ListChangesResponse all = client.Changes(0);
  CHECK(all.head_sequence() == 5);
  CHECK(all.last_sequence() == 5);
  REQUIRE(all.changes_size() == 5);
  const std::vector<fv1::ChangeKind> kinds = {fv1::CHANGE_KIND_CREATED, fv1::CHANGE_KIND_UPDATED,
                                              fv1::CHANGE_KIND_UPDATED, fv1::CHANGE_KIND_CREATED,
                                              fv1::CHANGE_KIND_DELETED};
  const std::vector<std::string> methods = {"CreatePartner", "UpdatePartner", "AddPartnerRole",
                                            "CreatePartner", "DeletePartner"};
  const std::vector<const pv1::Partner*> states = {&created, &updated, &with_role, &other, nullptr};
  for (int i = 0; i < 5; ++i) {
    INFO("change " << i);
    const fv1::Change& change = all.changes(i);
    CHECK(change.sequence() == i + 1);
    CHECK(change.kind() == kinds[i]);
    CHECK(change.method() == methods[i]);
    CHECK(IsRecent(change.change_time()));
    if (i > 0) {
      CHECK(ToAbslTime(change.change_time()) >= ToAbslTime(all.changes(i - 1).change_time()));
    }
    if (states[i] == nullptr) {
      CHECK(change.resource_name() == created.name());
      CHECK_FALSE(change.has_resource());
    } else {
      CHECK(change.resource_name() == states[i]->name());
      REQUIRE(change.resource().Is<pv1::Partner>());
      pv1::Partner payload;
      REQUIRE(change.resource().UnpackTo(&payload));
      CHECK(ProtoDiff(*states[i], payload) == "");
    }
  }
  CHECK(all.changes(0).request_id() == "feed-request-1");
  CHECK(all.changes(1).request_id().empty());

  // Paging with after_sequence.
  fv1::ListChangesResponse page = client.Changes(0, 2);
  REQUIRE(page.changes_size() == 2);
  CHECK(page.changes(0).sequence() == 1);
  CHECK(page.changes(1).sequence() == 2);
  CHECK(page.last_sequence() == 2);
  CHECK(page.head_sequence() == 5);
  page = client.Changes(page.last_sequence(), 2);
  REQUIRE(page.changes_size() == 2);
  CHECK(page.changes(0).sequence() == 3);
  CHECK(page.changes(1).sequence() == 4);
  page = client.Changes(page.last_sequence(), 2);
  REQUIRE(page.changes_size() == 1);
  CHECK(page.changes(0).sequence() == 5);
  CHECK(page.last_sequence() == 5);
  page = client.Changes(page.last_sequence(), 2);
  CHECK(page.changes().empty());
  CHECK(page.last_sequence() == 5);
  CHECK(page.head_sequence() == 5);
  // Beyond the head.
  page = client.Changes(100);
  CHECK(page.changes().empty());
  CHECK(page.last_sequence() == 100);
  CHECK(page.head_sequence() == 5);
  // The same page twice is the same page: a follower can replay.
  CHECK(ProtoDiff(client.Changes(1, 3), client.Changes(1, 3)) == "");
}

TEST_CASE("WatchChanges sends the backlog, then new changes", "[feed][watch]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  std::vector<pv1::Partner> backlog;
  for (const char* name : {"Eins", "Zwei", "Drei"}) {
    backlog.push_back(client.Create(PersonPartner(name, "Watcher")));
  }

  for (int64_t after : {0, 2}) {
    DYNAMIC_SECTION("after_sequence " << after) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
      fv1::WatchChangesRequest request;
      request.set_after_sequence(after);
      std::unique_ptr<grpc::ClientReader<fv1::WatchChangesResponse>> reader =
          client.feed().WatchChanges(&context, request);

      fv1::WatchChangesResponse message;
      for (int64_t sequence = after + 1; sequence <= 3; ++sequence) {
        REQUIRE(reader->Read(&message));
        CHECK(message.change().sequence() == sequence);
        CHECK(message.change().kind() == fv1::CHANGE_KIND_CREATED);
        CHECK(message.change().resource_name() == backlog[sequence - 1].name());
        pv1::Partner payload;
        REQUIRE(message.change().resource().UnpackTo(&payload));
        CHECK(ProtoDiff(backlog[sequence - 1], payload) == "");
      }

      // A change committed while the stream is open, from another thread
      // while this one waits on the stream.
      pv1::Partner live;
      grpc::Status live_status;
      std::thread writer([&] {
        Client other(service.channel());
        live_status = other.TryCreate(PersonPartner("Vier", "Live"), "", &live);
      });
      const bool got_live = reader->Read(&message);
      writer.join();
      REQUIRE(StatusText(live_status) == "OK");
      REQUIRE(got_live);
      CHECK(message.change().sequence() == 4);
      CHECK(message.change().kind() == fv1::CHANGE_KIND_CREATED);
      CHECK(message.change().resource_name() == live.name());

      // And one made on this thread after reading.
      pv1::Partner patch;
      patch.set_name(live.name());
      patch.mutable_person()->set_given_name("Updated");
      const pv1::Partner updated = client.Update(patch, {"person.given_name"});
      REQUIRE(reader->Read(&message));
      CHECK(message.change().sequence() == 5);
      CHECK(message.change().kind() == fv1::CHANGE_KIND_UPDATED);
      pv1::Partner payload;
      REQUIRE(message.change().resource().UnpackTo(&payload));
      CHECK(ProtoDiff(updated, payload) == "");

      REQUIRE(StatusText(client.Delete(live.name())) == "OK");
      REQUIRE(reader->Read(&message));
      CHECK(message.change().sequence() == 6);
      CHECK(message.change().kind() == fv1::CHANGE_KIND_DELETED);

      context.TryCancel();
      while (reader->Read(&message)) {
      }
      CHECK(reader->Finish().error_code() == grpc::StatusCode::CANCELLED);
    }
  }
}

TEST_CASE("WatchChanges from the head sends only later changes", "[feed][watch]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  client.Create(PersonPartner("Alt", "Alma"));

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  fv1::WatchChangesRequest request;
  request.set_after_sequence(1);
  auto reader = client.feed().WatchChanges(&context, request);
  const pv1::Partner fresh = client.Create(PersonPartner("Neu", "Nina"));
  fv1::WatchChangesResponse message;
  REQUIRE(reader->Read(&message));
  CHECK(message.change().sequence() == 2);
  CHECK(message.change().resource_name() == fresh.name());
  context.TryCancel();
  while (reader->Read(&message)) {
  }
  reader->Finish();
}

TEST_CASE("concurrent creates all succeed with a gapless feed", "[feed][concurrency]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  constexpr int kTotal = kThreads * kPerThread;

  // A watcher follows along while the writers run.
  grpc::ClientContext watch_context;
  watch_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  fv1::WatchChangesRequest watch_request;
  auto reader = client.feed().WatchChanges(&watch_context, watch_request);

  std::vector<std::vector<grpc::Status>> statuses(kThreads);
  std::vector<std::vector<std::string>> names(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client own(service.channel());
      for (int i = 0; i < kPerThread; ++i) {
        pv1::Partner created;
        pv1::Partner partner = OrganizationPartner(absl::StrCat("Parallel ", t, "-", i, " GmbH"),
                                                   "C26", "Berlin", "DE");
        statuses[t].push_back(
            own.TryCreate(partner, i % 2 == 0 ? absl::StrCat("req-", t, "-", i) : "", &created));
        names[t].push_back(created.name());
      }
    });
  }

  std::vector<fv1::Change> watched;
  fv1::WatchChangesResponse message;
  while (static_cast<int>(watched.size()) < kTotal && reader->Read(&message)) {
    watched.push_back(message.change());
  }
  for (std::thread& thread : threads) thread.join();

  std::set<std::string> created_names;
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(statuses[t].size() == kPerThread);
    for (int i = 0; i < kPerThread; ++i) {
      INFO("thread " << t << " call " << i);
      CHECK(StatusText(statuses[t][i]) == "OK");
      created_names.insert(names[t][i]);
    }
  }
  CHECK(created_names.size() == kTotal);

  const std::vector<fv1::Change> changes = client.AllChanges();
  REQUIRE(changes.size() == kTotal);
  std::set<std::string> feed_names;
  for (int i = 0; i < kTotal; ++i) {
    CHECK(changes[i].sequence() == i + 1);
    CHECK(changes[i].kind() == fv1::CHANGE_KIND_CREATED);
    feed_names.insert(changes[i].resource_name());
  }
  CHECK(feed_names == created_names);
  CHECK(client.Changes(0).head_sequence() == kTotal);
  CHECK(client.Changes(0).changes_size() == 100);           // the default page size
  CHECK(client.Changes(0, 5000).changes_size() == kTotal);  // coerced to at most 1000
  CHECK(client.Changes(150, 0).changes_size() == kTotal - 150);

  REQUIRE(watched.size() == static_cast<size_t>(kTotal));
  for (int i = 0; i < kTotal; ++i) {
    CHECK(watched[i].sequence() == i + 1);
    CHECK(watched[i].resource_name() == changes[i].resource_name());
  }

  int pages = 0;
  const std::vector<std::string> listed = AllPages(client, "", "", 1000, &pages);
  CHECK(std::set<std::string>(listed.begin(), listed.end()) == created_names);
  CHECK(client.DisplayNames("display_name = \"Parallel 3-*\"").size() == kPerThread);

  watch_context.TryCancel();
  while (reader->Read(&message)) {
  }
  reader->Finish();
}

}  // namespace
}  // namespace crm::partners::testing::service_testing
