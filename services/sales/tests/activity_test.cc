// Activities and the calendar (ActivityService) over a real gRPC channel and
// a real SQLite file, with a real partners service beside it:
//  - CreateActivity of each type: what the service fills in, status OPEN by
//    default; the owner must be an employee, partners and the opportunity
//    must exist; a request_id retry gives the same activity and one feed
//    entry; refused creates name the problem and write nothing;
//  - UpdateActivity: masks (not `type`, not output-only fields), stale etags,
//    completing and cancelling (finish_time), finished activities change no
//    more; DeleteActivity with and without etags;

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/activity_fixture.h"

using namespace crm::sales::testing::activity_testing;  // NOLINT

TEST_CASE("activity: CreateActivity creates each type and fills in what the service owns",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const int64_t head = crm.HeadSequence();

  sv1::Activity sent = Meeting("Present the monitor range", people.rep, "2040-03-05T09:00:00Z",
                               "2040-03-05T11:00:00Z");
  sent.set_description("In the Hamburg office");
  sent.add_partners(people.account);
  sent.add_partners(people.buyer);
  // Output-only fields sent are ignored.
  sent.set_name("activities/mine");
  *sent.mutable_finish_time() = At("2040-03-05T12:00:00Z");
  *sent.mutable_create_time() = At("2030-01-01T00:00:00Z");
  sent.set_etag("\"9\"");
  const absl::Time before = absl::Now();
  const sv1::Activity appointment = crm.Create(sent);
  const absl::Time after = absl::Now();
  CHECK(absl::StartsWith(appointment.name(), "activities/"));
  CHECK(appointment.name() != "activities/mine");
  CHECK(appointment.type() == sv1::ACTIVITY_TYPE_APPOINTMENT);
  CHECK(appointment.status() == sv1::ACTIVITY_STATUS_OPEN);
  CHECK(appointment.subject() == "Present the monitor range");
  CHECK(appointment.description() == "In the Hamburg office");
  CHECK(appointment.owner() == people.rep);
  CHECK(PartnersOf(appointment) == PartnersOf(sent));
  CHECK(MessageDifferencer::Equals(appointment.start_time(), At("2040-03-05T09:00:00Z")));
  CHECK(MessageDifferencer::Equals(appointment.end_time(), At("2040-03-05T11:00:00Z")));
  CHECK_FALSE(appointment.has_due_time());
  CHECK_FALSE(appointment.has_finish_time());
  CHECK(MicrosOf(appointment.create_time()) >= absl::ToUnixMicros(before));
  CHECK(MicrosOf(appointment.create_time()) <= absl::ToUnixMicros(after));
  CHECK(MessageDifferencer::Equals(appointment.create_time(), appointment.update_time()));
  CHECK_FALSE(appointment.etag().empty());
  CHECK(appointment.etag() != "\"9\"");
  CHECK(MessageDifferencer::Equals(crm.Get(appointment.name()), appointment));

  // A task with a due time, a visit, a call without any time and an e-mail.
  sv1::Activity task = Task("Send the price list", people.rep, "2040-03-06T17:00:00Z");
  task.add_partners(people.buyer);
  const sv1::Activity created_task = crm.Create(task);
  CHECK(created_task.type() == sv1::ACTIVITY_TYPE_TASK);
  CHECK(MessageDifferencer::Equals(created_task.due_time(), At("2040-03-06T17:00:00Z")));
  CHECK_FALSE(created_task.has_start_time());
  CHECK(created_task.status() == sv1::ACTIVITY_STATUS_OPEN);

  sv1::Activity visit_sent =
      Meeting("Tour of the warehouse", people.colleague, "2040-03-07T08:00:00Z",
              "2040-03-08T16:00:00Z", sv1::ACTIVITY_TYPE_VISIT);
  visit_sent.add_partners(people.account);
  const sv1::Activity visit = crm.Create(visit_sent);
  CHECK(visit.type() == sv1::ACTIVITY_TYPE_VISIT);
  CHECK(visit.owner() == people.colleague);
  CHECK(MessageDifferencer::Equals(visit.end_time(), At("2040-03-08T16:00:00Z")));

  sv1::Activity call_sent = Activity(sv1::ACTIVITY_TYPE_CALL, "Follow up", people.rep);
  call_sent.add_partners(people.buyer);
  call_sent.set_status(sv1::ACTIVITY_STATUS_OPEN);
  const sv1::Activity call = crm.Create(call_sent);
  CHECK(call.type() == sv1::ACTIVITY_TYPE_CALL);
  CHECK_FALSE(call.has_start_time());
  CHECK_FALSE(call.has_due_time());
  CHECK(call.status() == sv1::ACTIVITY_STATUS_OPEN);

  sv1::Activity email_sent = Activity(sv1::ACTIVITY_TYPE_EMAIL, "Send the brochure", people.rep);
  *email_sent.mutable_due_time() = At("2040-03-05T12:00:00Z");
  const sv1::Activity email = crm.Create(email_sent);
  CHECK(email.type() == sv1::ACTIVITY_TYPE_EMAIL);
  CHECK(email.partners().empty());

  // A call logged after the fact: completed at once, with its finish time.
  sv1::Activity done_sent = Meeting("Called about the delivery", people.rep, "2040-03-05T13:00:00Z",
                                    "2040-03-05T13:10:00Z", sv1::ACTIVITY_TYPE_CALL);
  done_sent.set_status(sv1::ACTIVITY_STATUS_COMPLETED);
  done_sent.set_outcome("Delivery moved to Friday");
  const sv1::Activity done = crm.Create(done_sent);
  CHECK(done.status() == sv1::ACTIVITY_STATUS_COMPLETED);
  CHECK(done.outcome() == "Delivery moved to Friday");
  REQUIRE(done.has_finish_time());
  CHECK(MessageDifferencer::Equals(done.finish_time(), done.create_time()));

  const Strings all = {appointment.name(), created_task.name(), visit.name(),
                       call.name(),        email.name(),        done.name()};
  CHECK(crm.Names() == all);
  Strings expected_feed;
  for (const std::string& name : all) expected_feed.push_back(Created(name));
  CHECK(crm.DescribeChangesAfter(head) == expected_feed);
  // The feed carries the activity as created.
  const fv1::ListChangesResponse feed = crm.ChangesAfter(head);
  REQUIRE(feed.changes_size() == 6);
  sv1::Activity carried;
  REQUIRE(feed.changes(0).resource().UnpackTo(&carried));
  CHECK(MessageDifferencer::Equals(carried, appointment));
}

TEST_CASE("activity: CreateActivity checks the owner, partners and opportunity",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const std::string deal = crm.AddOpportunity(people, "Monitors");
  const std::string erased = crm.AddPerson("Vergessen", pv1::ROLE_TYPE_CONTACT_PERSON);
  crm.Erase(erased);
  const int64_t head = crm.HeadSequence();

  struct Refusal {
    const char* what;
    std::function<void(sv1::Activity*)> spoil;
    std::string outcome;
    std::string detail;  // the precondition, or the resource not found
  };
  const std::vector<Refusal> refusals = {
      {"an owner who is a contact person", [&](auto* a) { a->set_owner(people.buyer); },
       "FAILED_PRECONDITION", "NOT_EMPLOYEE activity.owner"},
      {"an owner who is the account", [&](auto* a) { a->set_owner(people.account); },
       "FAILED_PRECONDITION", "NOT_EMPLOYEE activity.owner"},
      {"an unknown owner", [](auto* a) { a->set_owner("partners/nobody"); }, "NOT_FOUND",
       "partners/nobody"},
      {"an unknown partner", [](auto* a) { a->add_partners("partners/nobody"); }, "NOT_FOUND",
       "partners/nobody"},
      {"an erased partner", [&](auto* a) { a->add_partners(erased); }, "NOT_FOUND", erased},
      {"an unknown opportunity", [](auto* a) { a->set_opportunity("opportunities/nothing"); },
       "NOT_FOUND", "opportunities/nothing"},
  };
  for (const Refusal& r : refusals) {
    INFO(r.what);
    sv1::Activity activity = Task("Send the price list", people.rep, "2040-03-06T17:00:00Z");
    activity.add_partners(people.account);
    r.spoil(&activity);
    for (const std::string request_id : {"", "retry-me"}) {
      INFO("request_id \"" << request_id << "\"");
      const grpc::Status status = crm.TryCreate(activity, nullptr, request_id);
      CHECK(Outcome(status) == r.outcome);
      if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
        CHECK(Precondition(status) == r.detail);
      } else {
        CHECK(DetailOf<google::rpc::ResourceInfo>(status).resource_name() == r.detail);
      }
    }
  }
  CHECK(crm.Names().empty());
  CHECK(crm.HeadSequence() == head);

  // An existing opportunity links; a refused request_id was not used up.
  sv1::Activity linked = Task("Send the price list", people.rep, "2040-03-06T17:00:00Z");
  linked.add_partners(people.account);
  linked.set_opportunity(deal);
  sv1::Activity created;
  REQUIRE(Outcome(crm.TryCreate(linked, &created, "retry-me")) == "OK");
  CHECK(created.opportunity() == deal);
  CHECK(crm.Get(created.name()).opportunity() == deal);
  CHECK(crm.DescribeChangesAfter(head) == Strings{Created(created.name(), "retry-me")});
}

TEST_CASE("activity: bad input names the field and writes nothing", "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const int64_t head = crm.HeadSequence();

  const sv1::Activity task = Task("Task", people.rep, "2040-03-05T09:00:00Z");
  const sv1::Activity meeting =
      Meeting("Meeting", people.rep, "2040-03-05T09:00:00Z", "2040-03-05T10:00:00Z");
  struct Bad {
    const char* what;
    const sv1::Activity& base;
    std::function<void(sv1::Activity*)> spoil;
    std::string outcome;
  };
  const std::vector<Bad> cases = {
      {"no type", task, [](auto* a) { a->clear_type(); }, "INVALID_ARGUMENT activity.type"},
      {"no subject", task, [](auto* a) { a->clear_subject(); },
       "INVALID_ARGUMENT activity.subject"},
      {"no owner", task, [](auto* a) { a->clear_owner(); }, "INVALID_ARGUMENT activity.owner"},
      {"a partner twice", task,
       [&](auto* a) {
         a->add_partners(people.buyer);
         a->add_partners(people.buyer);
       },
       "INVALID_ARGUMENT activity.partners[1]"},
      {"a malformed opportunity", task, [](auto* a) { a->set_opportunity("deals/1"); },
       "INVALID_ARGUMENT activity.opportunity"},
      {"an appointment without times", meeting,
       [](auto* a) {
         a->clear_start_time();
         a->clear_end_time();
       },
       "INVALID_ARGUMENT activity.start_time, activity.end_time"},
      {"a visit without an end", meeting,
       [](auto* a) {
         a->set_type(sv1::ACTIVITY_TYPE_VISIT);
         a->clear_end_time();
       },
       "INVALID_ARGUMENT activity.end_time"},
      {"an appointment with a due time", meeting,
       [](auto* a) { *a->mutable_due_time() = At("2040-03-05T09:00:00Z"); },
       "INVALID_ARGUMENT activity.due_time"},
      {"an end before the start", meeting,
       [](auto* a) { *a->mutable_end_time() = At("2040-03-05T08:00:00Z"); },
       "INVALID_ARGUMENT activity.end_time"},
      {"an end 32 days after the start", meeting,
       [](auto* a) { *a->mutable_end_time() = At("2040-04-06T09:00:00Z"); },
       "INVALID_ARGUMENT activity.end_time"},
      {"a call with a start only", task,
       [](auto* a) {
         a->set_type(sv1::ACTIVITY_TYPE_CALL);
         a->clear_due_time();
         *a->mutable_start_time() = At("2040-03-05T09:00:00Z");
       },
       "INVALID_ARGUMENT activity.end_time"},
      {"an invalid due time", task, [](auto* a) { a->mutable_due_time()->set_nanos(-1); },
       "INVALID_ARGUMENT activity.due_time"},
      {"an outcome too long", task, [](auto* a) { a->set_outcome(std::string(2001, 'o')); },
       "INVALID_ARGUMENT activity.outcome"},
  };
  for (const Bad& c : cases) {
    INFO(c.what);
    sv1::Activity activity = c.base;
    c.spoil(&activity);
    CHECK(Outcome(crm.TryCreate(activity, nullptr, "bad-1")) == c.outcome);
  }
  CHECK(Outcome(crm.TryCreate(task, nullptr, "bad id")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(crm.TryCreate(task, nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");
  sv1::CreateActivityRequest empty;
  sv1::Activity ignored;
  CHECK(Outcome(crm.api().CreateActivity(ContextWithDeadline().get(), empty, &ignored)) ==
        "INVALID_ARGUMENT activity");
  CHECK(crm.Names().empty());
  CHECK(crm.HeadSequence() == head);
}

TEST_CASE("activity: a request_id retry returns the same activity, one feed entry",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const int64_t head = crm.HeadSequence();
  sv1::Activity call = Activity(sv1::ACTIVITY_TYPE_CALL, "Follow up", people.rep);
  call.add_partners(people.buyer);

  sv1::Activity first, again;
  REQUIRE(Outcome(crm.TryCreate(call, &first, "call-4711")) == "OK");
  REQUIRE(Outcome(crm.TryCreate(call, &again, "call-4711")) == "OK");
  CHECK(MessageDifferencer::Equals(first, again));
  CHECK(crm.Names() == Strings{first.name()});
  CHECK(crm.DescribeChangesAfter(head) == Strings{Created(first.name(), "call-4711")});

  // The same id for another request is refused.
  sv1::Activity other = call;
  other.set_subject("Another call");
  CHECK(Outcome(crm.TryCreate(other, nullptr, "call-4711")) == "INVALID_ARGUMENT request_id");

  // Without an id, each create is a new activity.
  const sv1::Activity second = crm.Create(call);
  const sv1::Activity third = crm.Create(call);
  CHECK(second.name() != third.name());
  CHECK(crm.Names() == Strings{first.name(), second.name(), third.name()});
}

TEST_CASE("activity: UpdateActivity changes the fields in the mask", "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const std::string deal = crm.AddOpportunity(people, "Monitors");
  sv1::Activity sent = Meeting("Present the monitor range", people.rep, "2040-03-05T09:00:00Z",
                               "2040-03-05T10:00:00Z");
  sent.add_partners(people.buyer);
  const sv1::Activity created = crm.Create(sent);
  const int64_t head = crm.HeadSequence();

  sv1::Activity change = created;
  change.set_subject("Present the monitor and dock range");
  change.set_description("not in the mask");
  *change.mutable_end_time() = At("2040-03-05T11:00:00Z");
  const sv1::Activity longer = crm.Update(change, {"subject", "end_time"});
  CHECK(longer.subject() == "Present the monitor and dock range");
  CHECK(longer.description().empty());
  CHECK(MessageDifferencer::Equals(longer.end_time(), At("2040-03-05T11:00:00Z")));
  CHECK(longer.etag() != created.etag());
  CHECK(MessageDifferencer::Equals(longer.create_time(), created.create_time()));
  CHECK(MicrosOf(longer.update_time()) > MicrosOf(created.update_time()));
  CHECK(MessageDifferencer::Equals(crm.Get(created.name()), longer));

  // Partners, owner and opportunity change like any field; new ones are
  // checked.
  change = longer;
  change.add_partners(people.account);
  change.set_owner(people.colleague);
  change.set_opportunity(deal);
  const sv1::Activity moved = crm.Update(change, {"partners", "owner", "opportunity"});
  CHECK(PartnersOf(moved) == Strings{people.buyer, people.account});
  CHECK(moved.owner() == people.colleague);
  CHECK(moved.opportunity() == deal);

  // A "*" mask replaces everything but the type and output-only fields.
  change = moved;
  change.set_type(sv1::ACTIVITY_TYPE_VISIT);
  change.set_subject("Visit instead?");
  change.set_outcome("Prepared");
  const sv1::Activity replaced = crm.Update(change, {"*"});
  CHECK(replaced.type() == sv1::ACTIVITY_TYPE_APPOINTMENT);
  CHECK(replaced.subject() == "Visit instead?");
  CHECK(replaced.outcome() == "Prepared");
  CHECK(PartnersOf(replaced) == PartnersOf(moved));
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings(3, absl::StrCat("CHANGE_KIND_UPDATED ", created.name(), " UpdateActivity ")));
}

TEST_CASE("activity: a refused update names the problem and changes nothing", "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  sv1::Activity sent = Meeting("Present the monitor range", people.rep, "2040-03-05T09:00:00Z",
                               "2040-03-05T10:00:00Z");
  sent.add_partners(people.buyer);
  const sv1::Activity created = crm.Create(sent);
  const int64_t head = crm.HeadSequence();

  // The type cannot change; output-only fields, unknown paths and an empty
  // mask are refused.
  sv1::Activity change = created;
  change.set_type(sv1::ACTIVITY_TYPE_VISIT);
  CHECK(Outcome(crm.TryUpdate(change, {"type"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(crm.TryUpdate(change, {"subject", "type"})) == "INVALID_ARGUMENT update_mask");
  for (const std::string path : {"finish_time", "name", "create_time", "update_time", "etag",
                                 "colour", "start_time.colour", "*,subject"}) {
    INFO(path);
    CHECK(Outcome(crm.TryUpdate(created, Strings(absl::StrSplit(path, ',')))) ==
          "INVALID_ARGUMENT update_mask");
  }
  CHECK(Outcome(crm.TryUpdate(created, {})) == "INVALID_ARGUMENT update_mask");

  // Bad values name their field.
  change = created;
  *change.mutable_end_time() = At("2040-03-05T08:00:00Z");
  CHECK(Outcome(crm.TryUpdate(change, {"end_time"})) == "INVALID_ARGUMENT activity.end_time");
  change = created;
  *change.mutable_due_time() = At("2040-03-05T08:00:00Z");
  CHECK(Outcome(crm.TryUpdate(change, {"due_time"})) == "INVALID_ARGUMENT activity.due_time");
  change = created;
  change.clear_subject();
  CHECK(Outcome(crm.TryUpdate(change, {"subject"})) == "INVALID_ARGUMENT activity.subject");

  // Partners named anew are checked: the buyer, already a partner, is no
  // employee to own it.
  change = created;
  change.set_owner(people.buyer);
  const grpc::Status not_employee = crm.TryUpdate(change, {"owner"});
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE activity.owner");
  change = created;
  change.add_partners("partners/nobody");
  CHECK(Outcome(crm.TryUpdate(change, {"partners"})) == "NOT_FOUND");
  change = created;
  change.set_opportunity("opportunities/nothing");
  const grpc::Status no_deal = crm.TryUpdate(change, {"opportunity"});
  CHECK(Outcome(no_deal) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(no_deal).resource_name() == "opportunities/nothing");

  // Unknown and malformed names.
  change = created;
  change.set_name("activities/nothing-here");
  CHECK(Outcome(crm.TryUpdate(change, {"subject"})) == "NOT_FOUND");
  change.set_name("tasks/1");
  CHECK(Outcome(crm.TryUpdate(change, {"subject"})) == "INVALID_ARGUMENT activity.name");
  sv1::UpdateActivityRequest without_activity;
  *without_activity.mutable_update_mask() = Mask({"subject"});
  sv1::Activity ignored;
  CHECK(Outcome(crm.api().UpdateActivity(ContextWithDeadline().get(), without_activity,
                                         &ignored)) == "INVALID_ARGUMENT activity");
  CHECK(MessageDifferencer::Equals(crm.Get(created.name()), created));
  CHECK(crm.HeadSequence() == head);

  // A stale etag: ABORTED, nothing changed.
  change = created;
  change.set_subject("Renamed");
  const sv1::Activity renamed = crm.Update(change, {"subject"});
  change = created;  // the old etag
  change.set_outcome("Too late");
  const grpc::Status stale = crm.TryUpdate(change, {"outcome"});
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(ErrorReason(stale) == "STALE_ETAG");
  CHECK(MessageDifferencer::Equals(crm.Get(created.name()), renamed));
  // Without an etag, the update applies to what is there.
  change.clear_etag();
  CHECK(crm.Update(change, {"outcome"}).subject() == "Renamed");
}

TEST_CASE("activity: completed and cancelled activities change no more", "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  sv1::Activity sent = Task("Send the price list", people.rep, "2040-03-06T17:00:00Z");
  sent.add_partners(people.buyer);
  const sv1::Activity task = crm.Create(sent);
  const sv1::Activity call = crm.Create(Activity(sv1::ACTIVITY_TYPE_CALL, "Call", people.rep));

  // Completing: status and outcome; finish_time is set by the service.
  sv1::Activity change = task;
  change.set_status(sv1::ACTIVITY_STATUS_COMPLETED);
  change.set_outcome("Wants an offer for 120 units");
  *change.mutable_finish_time() = At("2030-01-01T00:00:00Z");  // not in the mask
  const absl::Time before = absl::Now();
  const sv1::Activity completed = crm.Update(change, {"status", "outcome"});
  const absl::Time after = absl::Now();
  CHECK(completed.status() == sv1::ACTIVITY_STATUS_COMPLETED);
  CHECK(completed.outcome() == "Wants an offer for 120 units");
  REQUIRE(completed.has_finish_time());
  CHECK(MicrosOf(completed.finish_time()) >= absl::ToUnixMicros(before));
  CHECK(MicrosOf(completed.finish_time()) <= absl::ToUnixMicros(after));
  CHECK(MessageDifferencer::Equals(completed.finish_time(), completed.update_time()));
  CHECK(MessageDifferencer::Equals(crm.Get(task.name()), completed));

  // Cancelling likewise.
  change = call;
  change.set_status(sv1::ACTIVITY_STATUS_CANCELLED);
  const sv1::Activity cancelled = crm.Update(change, {"status"});
  CHECK(cancelled.status() == sv1::ACTIVITY_STATUS_CANCELLED);
  CHECK(cancelled.has_finish_time());

  // An open one updated stays without a finish time.
  const sv1::Activity open =
      crm.Create(Activity(sv1::ACTIVITY_TYPE_EMAIL, "Send the brochure", people.rep));
  change = open;
  change.set_subject("Send the new brochure");
  change.set_status(sv1::ACTIVITY_STATUS_OPEN);
  CHECK_FALSE(crm.Update(change, {"subject", "status"}).has_finish_time());

  const int64_t head = crm.HeadSequence();
  for (const sv1::Activity* finished : {&completed, &cancelled}) {
    INFO(finished->name());
    struct Attempt {
      Strings paths;
      std::function<void(sv1::Activity*)> change;
    };
    const std::vector<Attempt> attempts = {
        {{"subject"}, [](auto* a) { a->set_subject("Renamed"); }},
        {{"outcome"}, [](auto* a) { a->set_outcome("Another outcome"); }},
        {{"status"}, [](auto* a) { a->set_status(sv1::ACTIVITY_STATUS_OPEN); }},
        {{"status"}, [](auto* a) { a->set_status(sv1::ACTIVITY_STATUS_CANCELLED); }},
        {{"status"}, [](auto* a) { a->set_status(sv1::ACTIVITY_STATUS_COMPLETED); }},
    };
    for (const Attempt& attempt : attempts) {
      sv1::Activity again = *finished;
      attempt.change(&again);
      const grpc::Status refused = crm.TryUpdate(again, attempt.paths);
      CHECK(Outcome(refused) == "FAILED_PRECONDITION");
      CHECK(Precondition(refused) == absl::StrCat("FINISHED ", finished->name()));
    }
    CHECK(MessageDifferencer::Equals(crm.Get(finished->name()), *finished));
  }
  CHECK(crm.HeadSequence() == head);

  // Finished ones may still be deleted.
  CHECK(Outcome(crm.TryDelete(cancelled.name(), cancelled.etag())) == "OK");
}

TEST_CASE("activity: DeleteActivity removes an activity, with or without an etag",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  sv1::Activity sent = Task("Send the price list", people.rep, "2040-03-05T17:00:00Z");
  sent.add_partners(people.buyer);
  const sv1::Activity first = crm.Create(sent);
  const sv1::Activity second = crm.Create(sent);
  sv1::Activity change = second;
  change.set_subject("Send the new price list");
  const sv1::Activity updated = crm.Update(change, {"subject"});
  const int64_t head = crm.HeadSequence();

  CHECK(Outcome(crm.TryDelete(first.name())) == "OK");
  sv1::Activity got;
  CHECK(Outcome(crm.TryGet(first.name(), &got)) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDelete(first.name())) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDelete("tasks/1")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryDelete("")) == "INVALID_ARGUMENT name");

  // A stale etag is ABORTED; the current one deletes.
  const grpc::Status stale = crm.TryDelete(second.name(), second.etag());
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(ErrorReason(stale) == "STALE_ETAG");
  CHECK(MessageDifferencer::Equals(crm.Get(second.name()), updated));
  CHECK(Outcome(crm.TryDelete(second.name(), updated.etag())) == "OK");

  CHECK(crm.Names().empty());
  CHECK(crm.Names(absl::StrCat("partner = \"", people.buyer, "\"")).empty());
  CHECK(crm.Calendar(people.rep, "2040-03-05T00:00:00Z", "2040-03-06T00:00:00Z").empty());
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_DELETED ", first.name(), " DeleteActivity "),
                absl::StrCat("CHANGE_KIND_DELETED ", second.name(), " DeleteActivity ")});
  // Reads of unknown or malformed names.
  const grpc::Status unknown = crm.TryGet("activities/nothing-here", &got);
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "activities/nothing-here");
  CHECK(Outcome(crm.TryGet("", &got)) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryGet("tasks/1", &got)) == "INVALID_ARGUMENT name");
}
