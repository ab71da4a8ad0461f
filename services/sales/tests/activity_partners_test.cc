// Activities and the calendar (ActivityService) over a real gRPC channel and
// a real SQLite file, with a real partners service beside it:
//  - merged partners (as owner or in `partners`) are stored under their
//    survivors;
//  - partners down: creates and updates naming a new partner are
//    UNAVAILABLE within the client's deadline and write nothing; reads and
//    updates naming no new partner still work.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/activity_fixture.h"

using namespace crm::sales::testing::activity_testing;  // NOLINT

TEST_CASE("activity: merged partners are stored under their survivors", "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const std::string duplicate =
      crm.AddPartner(pv1::PARTNER_CATEGORY_ORGANIZATION, "Alvis Retail", pv1::ROLE_TYPE_CUSTOMER);
  const std::string rep_twin = crm.AddPerson("Reppe-Zwilling", pv1::ROLE_TYPE_EMPLOYEE);
  const std::string buyer_twin = crm.AddPerson("Einkauf-Zwilling", pv1::ROLE_TYPE_CONTACT_PERSON);
  crm.Merge(people.account, duplicate);
  crm.Merge(people.rep, rep_twin);
  crm.Merge(people.buyer, buyer_twin);

  sv1::Activity sent = Meeting("Present the monitor range", rep_twin, "2040-03-05T09:00:00Z",
                               "2040-03-05T10:00:00Z");
  sent.add_partners(duplicate);
  sent.add_partners(people.colleague);
  const sv1::Activity created = crm.Create(sent);
  CHECK(created.owner() == people.rep);
  CHECK(PartnersOf(created) == Strings{people.account, people.colleague});
  CHECK(MessageDifferencer::Equals(crm.Get(created.name()), created));

  // Lists by the survivors find it; by the merged names nothing.
  CHECK(crm.Names(absl::StrCat("owner = \"", people.rep, "\"")) == Strings{created.name()});
  CHECK(crm.Names(absl::StrCat("partner = \"", people.account, "\"")) == Strings{created.name()});
  CHECK(crm.Names(absl::StrCat("partner = \"", duplicate, "\"")).empty());
  CHECK(crm.Calendar(people.rep, "2040-03-05T00:00:00Z", "2040-03-06T00:00:00Z") ==
        Strings{created.name()});

  // Named beside its survivor, a merged partner is the same partner twice.
  sv1::Activity twice = sent;
  twice.set_partners(1, people.account);
  CHECK(Outcome(crm.TryCreate(twice)) == "INVALID_ARGUMENT activity.partners[1]");

  // Added on an update, it is stored under its survivor as well.
  sv1::Activity change = created;
  change.add_partners(buyer_twin);
  const sv1::Activity updated = crm.Update(change, {"partners"});
  CHECK(PartnersOf(updated) == Strings{people.account, people.colleague, people.buyer});
  CHECK(crm.Names(absl::StrCat("partner = \"", people.buyer, "\"")) == Strings{created.name()});
  change = updated;
  change.set_owner(rep_twin);
  change.set_partners(1, buyer_twin);  // the buyer now twice
  CHECK(Outcome(crm.TryUpdate(change, {"owner", "partners"})) ==
        "INVALID_ARGUMENT activity.partners[2]");
  change.set_partners(1, people.colleague);
  CHECK(crm.Update(change, {"owner", "partners"}).owner() == people.rep);
}

TEST_CASE("activity: with partners down, only what needs partners is UNAVAILABLE",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  sv1::Activity sent = Meeting("Present the monitor range", people.rep, "2040-03-05T09:00:00Z",
                               "2040-03-05T10:00:00Z");
  sent.add_partners(people.buyer);
  sent.add_partners(people.colleague);
  sv1::Activity meeting;
  REQUIRE(Outcome(crm.TryCreate(sent, &meeting, "act-1")) == "OK");
  const sv1::Activity task = crm.Create(Task("Send the offer", people.rep, "2040-03-05T16:00:00Z"));

  crm.StopPartners();
  const int64_t head = crm.HeadSequence();

  // Creates need partners: UNAVAILABLE before the client gives up, nothing
  // written, with or without a request_id.
  constexpr int kDeadlineSeconds = 2;
  for (const std::string request_id : {"", "act-2"}) {
    INFO("request_id \"" << request_id << "\"");
    grpc::Status down;
    const double seconds = SecondsOf([&] {
      down = crm.TryCreate(Task("Follow up", people.rep, "2040-03-06T09:00:00Z"), nullptr,
                           request_id, kDeadlineSeconds);
    });
    CHECK(Outcome(down) == "UNAVAILABLE");
    CHECK(absl::StrContains(down.error_message(), "partners"));
    CHECK(seconds < kDeadlineSeconds);
  }
  CHECK(crm.Names() == Strings{meeting.name(), task.name()});
  CHECK(crm.HeadSequence() == head);

  // A bad request is refused for what it is, without waiting for partners;
  // a retry of a create already answered needs no partners.
  sv1::Activity bad = sent;
  bad.clear_end_time();
  grpc::Status invalid;
  CHECK(SecondsOf([&] { invalid = crm.TryCreate(bad, nullptr, "", kDeadlineSeconds); }) < 1);
  CHECK(Outcome(invalid) == "INVALID_ARGUMENT activity.end_time");
  sv1::Activity again;
  CHECK(Outcome(crm.TryCreate(sent, &again, "act-1", kDeadlineSeconds)) == "OK");
  CHECK(MessageDifferencer::Equals(again, meeting));

  // Reads need no partners.
  CHECK(MessageDifferencer::Equals(crm.Get(meeting.name()), meeting));
  CHECK(crm.Names(absl::StrCat("partner = \"", people.buyer, "\"")) == Strings{meeting.name()});
  CHECK(crm.Calendar(people.rep, "2040-03-05T00:00:00Z", "2040-03-06T00:00:00Z") ==
        Strings{meeting.name(), task.name()});

  // Updates naming no new partner work: the subject, fewer partners, the
  // partners reordered, completing.
  sv1::Activity change = meeting;
  change.set_subject("Present the dock range");
  sv1::Activity updated;
  REQUIRE(Outcome(crm.TryUpdate(change, {"subject"}, &updated, kDeadlineSeconds)) == "OK");
  CHECK(updated.subject() == "Present the dock range");
  change = updated;
  change.clear_partners();
  change.add_partners(people.colleague);
  change.add_partners(people.buyer);
  REQUIRE(Outcome(crm.TryUpdate(change, {"partners"}, &updated, kDeadlineSeconds)) == "OK");
  CHECK(PartnersOf(updated) == Strings{people.colleague, people.buyer});
  const int64_t before_refusal = crm.HeadSequence();

  // One that names a new partner is UNAVAILABLE and changes nothing.
  change = updated;
  change.add_partners(people.account);
  grpc::Status down;
  const double seconds =
      SecondsOf([&] { down = crm.TryUpdate(change, {"partners"}, nullptr, kDeadlineSeconds); });
  CHECK(Outcome(down) == "UNAVAILABLE");
  CHECK(seconds < kDeadlineSeconds);
  CHECK(MessageDifferencer::Equals(crm.Get(meeting.name()), updated));
  CHECK(crm.HeadSequence() == before_refusal);

  // Completing needs no partners; nor does deleting.
  change = updated;
  change.set_status(sv1::ACTIVITY_STATUS_COMPLETED);
  change.set_outcome("Wants an offer for 120 units");
  REQUIRE(Outcome(crm.TryUpdate(change, {"status", "outcome"}, &updated, kDeadlineSeconds)) ==
          "OK");
  CHECK(updated.status() == sv1::ACTIVITY_STATUS_COMPLETED);
  CHECK(updated.has_finish_time());
  CHECK(Outcome(crm.TryDelete(task.name())) == "OK");
  CHECK(crm.Names("status = OPEN").empty());
}
