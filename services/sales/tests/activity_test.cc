// Activities and the calendar (ActivityService) over a real gRPC channel and
// a real SQLite file, with a real partners service beside it:
//  - CreateActivity of each type: what the service fills in, status OPEN by
//    default; the owner must be an employee, partners and the opportunity
//    must exist; a request_id retry gives the same activity and one feed
//    entry; refused creates name the problem and write nothing;
//  - merged partners (as owner or in `partners`) are stored under their
//    survivors;
//  - UpdateActivity: masks (not `type`, not output-only fields), stale etags,
//    completing and cancelling (finish_time), finished activities change no
//    more; DeleteActivity with and without etags;
//  - ListActivities by owner, type, status, opportunity, partner and
//    calendar time, ordered and paged; bad filters, orders and tokens;
//  - ListCalendar: an owner's activities overlapping a period, by time,
//    cancelled ones only when asked for; bad periods; paging;
//  - partners down: creates and updates naming a new partner are
//    UNAVAILABLE within the client's deadline and write nothing; reads and
//    updates naming no new partner still work.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/activity_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "services/partners/partners_spec.h"
#include "services/sales/sales_spec.h"
#include "services/sales/tests/sales_beside_partners.h"

namespace {

namespace sv1 = crm::sales::v1;
namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::DetailOf;
using crm::testing::ErrorReason;
using crm::testing::Mask;
using crm::testing::Outcome;
using crm::testing::Precondition;
using google::protobuf::Timestamp;
using google::protobuf::util::MessageDifferencer;
using Strings = std::vector<std::string>;

// Activities happen in March 2040: far enough ahead never to be past.
Timestamp At(const std::string& rfc3339) {
  absl::Time time;
  std::string error;
  const bool parsed = absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error);
  REQUIRE(parsed);
  Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(time));
  return t;
}

Strings PartnersOf(const sv1::Activity& a) { return {a.partners().begin(), a.partners().end()}; }

int64_t MicrosOf(const Timestamp& t) { return t.seconds() * 1'000'000 + t.nanos() / 1000; }

// Seconds `call` takes.
template <typename Call>
double SecondsOf(Call call) {
  const auto started = std::chrono::steady_clock::now();
  call();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// The partners activities name, created in the partners service.
struct People {
  std::string rep;        // employee
  std::string colleague;  // employee
  std::string account;    // an organisation, customer
  std::string buyer;      // contact person
};

// Sales with a partners service beside it, one fresh database each.
class Sales : public crm::sales::testing::SalesBesidePartners {
 public:
  Sales() {
    stub_ = sv1::ActivityService::NewStub(sales_->channel());
    opportunities_ = sv1::OpportunityService::NewStub(sales_->channel());
  }

  sv1::ActivityService::Stub& api() { return *stub_; }

  // ---- partners

  std::string AddPartner(pv1::PartnerCategory category, const std::string& name,
                         pv1::RoleType role) {
    pv1::CreatePartnerRequest request;
    pv1::Partner* partner = request.mutable_partner();
    partner->set_category(category);
    if (category == pv1::PARTNER_CATEGORY_PERSON) {
      partner->mutable_person()->set_family_name(name);
    } else {
      partner->mutable_organization()->set_legal_name(name);
    }
    partner->add_roles()->set_type(role);
    request.set_skip_duplicate_check(true);
    pv1::Partner created;
    REQUIRE(Outcome(partner_stub_->CreatePartner(ContextWithDeadline().get(), request, &created)) ==
            "OK");
    return created.name();
  }
  std::string AddPerson(const std::string& family_name, pv1::RoleType role) {
    return AddPartner(pv1::PARTNER_CATEGORY_PERSON, family_name, role);
  }
  void Merge(const std::string& survivor, const std::string& merged) {
    pv1::MergePartnersRequest request;
    request.set_survivor(survivor);
    request.add_merged_partners(merged);
    pv1::MergePartnersResponse response;
    REQUIRE(Outcome(partner_stub_->MergePartners(ContextWithDeadline().get(), request,
                                                 &response)) == "OK");
  }
  void Erase(const std::string& name) {
    pv1::ErasePartnerRequest request;
    request.set_name(name);
    pv1::Partner erased;
    REQUIRE(Outcome(partner_stub_->ErasePartner(ContextWithDeadline().get(), request, &erased)) ==
            "OK");
  }
  People AddPeople() {
    People people;
    people.rep = AddPerson("Reppe", pv1::ROLE_TYPE_EMPLOYEE);
    people.colleague = AddPerson("Kollege", pv1::ROLE_TYPE_EMPLOYEE);
    people.account = AddPartner(pv1::PARTNER_CATEGORY_ORGANIZATION, "Alvis Retail GmbH",
                                pv1::ROLE_TYPE_CUSTOMER);
    people.buyer = AddPerson("Einkauf", pv1::ROLE_TYPE_CONTACT_PERSON);
    return people;
  }

  // An open opportunity of `people`'s account, in a first stage.
  std::string AddOpportunity(const People& people, const std::string& display_name) {
    if (!has_stage_) {
      sv1::CreateSalesStageRequest request;
      request.set_sales_stage_id("qualification");
      request.mutable_sales_stage()->set_display_name("Qualification");
      request.mutable_sales_stage()->set_position(10);
      request.mutable_sales_stage()->set_default_probability_percent(10);
      sv1::SalesStage stage;
      REQUIRE(Outcome(opportunities_->CreateSalesStage(ContextWithDeadline().get(), request,
                                                       &stage)) == "OK");
      has_stage_ = true;
    }
    sv1::CreateOpportunityRequest request;
    sv1::Opportunity* deal = request.mutable_opportunity();
    deal->set_display_name(display_name);
    deal->set_account(people.account);
    deal->set_stage("salesStages/qualification");
    deal->mutable_expected_revenue()->set_currency_code("EUR");
    deal->mutable_expected_revenue()->set_units(10000);
    *deal->mutable_close_date() = crm::testing::MakeDate(2040, 6, 30);
    deal->set_owner(people.rep);
    sv1::Opportunity created;
    REQUIRE(Outcome(opportunities_->CreateOpportunity(ContextWithDeadline().get(), request,
                                                      &created)) == "OK");
    return created.name();
  }

  // ---- activities

  grpc::Status TryCreate(const sv1::Activity& activity, sv1::Activity* out = nullptr,
                         const std::string& request_id = "", int deadline_seconds = 10) {
    sv1::CreateActivityRequest request;
    *request.mutable_activity() = activity;
    request.set_request_id(request_id);
    sv1::Activity ignored;
    return stub_->CreateActivity(ContextWithDeadline(deadline_seconds).get(), request,
                                 out ? out : &ignored);
  }
  sv1::Activity Create(const sv1::Activity& activity) {
    sv1::Activity created;
    const grpc::Status status = TryCreate(activity, &created);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return created;
  }
  grpc::Status TryGet(const std::string& name, sv1::Activity* out) {
    sv1::GetActivityRequest request;
    request.set_name(name);
    return stub_->GetActivity(ContextWithDeadline().get(), request, out);
  }
  sv1::Activity Get(const std::string& name) {
    sv1::Activity got;
    REQUIRE(Outcome(TryGet(name, &got)) == "OK");
    return got;
  }
  grpc::Status TryUpdate(const sv1::Activity& activity, const Strings& paths,
                         sv1::Activity* out = nullptr, int deadline_seconds = 10) {
    sv1::UpdateActivityRequest request;
    *request.mutable_activity() = activity;
    *request.mutable_update_mask() = Mask(paths);
    sv1::Activity ignored;
    return stub_->UpdateActivity(ContextWithDeadline(deadline_seconds).get(), request,
                                 out ? out : &ignored);
  }
  sv1::Activity Update(const sv1::Activity& activity, const Strings& paths) {
    sv1::Activity updated;
    const grpc::Status status = TryUpdate(activity, paths, &updated);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return updated;
  }
  grpc::Status TryDelete(const std::string& name, const std::string& etag = "") {
    sv1::DeleteActivityRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return stub_->DeleteActivity(ContextWithDeadline().get(), request, &empty);
  }
  grpc::Status TryList(const sv1::ListActivitiesRequest& request,
                       sv1::ListActivitiesResponse* out) {
    return stub_->ListActivities(ContextWithDeadline().get(), request, out);
  }
  // Names of every activity the filter matches, following the pages.
  Strings Names(const std::string& filter = "", const std::string& order_by = "", int page_size = 0,
                int* pages = nullptr) {
    sv1::ListActivitiesRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    Strings names;
    int count = 1;
    for (;; ++count) {
      sv1::ListActivitiesResponse response;
      const grpc::Status status = TryList(request, &response);
      INFO(status.error_message());
      REQUIRE(Outcome(status) == "OK");
      if (page_size > 0) CHECK(response.activities_size() <= page_size);
      for (const auto& a : response.activities()) names.push_back(a.name());
      if (response.next_page_token().empty() || count == 100) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return names;
  }
  grpc::Status TryCalendar(const sv1::ListCalendarRequest& request,
                           sv1::ListCalendarResponse* out) {
    return stub_->ListCalendar(ContextWithDeadline().get(), request, out);
  }
  // Names in `owner`'s calendar from `from` to `to`, following the pages.
  Strings Calendar(const std::string& owner, const std::string& from, const std::string& to,
                   bool include_cancelled = false, int page_size = 0, int* pages = nullptr) {
    sv1::ListCalendarRequest request;
    request.set_owner(owner);
    *request.mutable_start_time() = At(from);
    *request.mutable_end_time() = At(to);
    request.set_include_cancelled(include_cancelled);
    request.set_page_size(page_size);
    Strings names;
    int count = 1;
    for (;; ++count) {
      sv1::ListCalendarResponse response;
      const grpc::Status status = TryCalendar(request, &response);
      INFO(status.error_message());
      REQUIRE(Outcome(status) == "OK");
      if (page_size > 0) CHECK(response.activities_size() <= page_size);
      for (const auto& a : response.activities()) names.push_back(a.name());
      if (response.next_page_token().empty() || count == 100) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return names;
  }

  // ---- change feed


 private:
  std::unique_ptr<sv1::ActivityService::Stub> stub_;
  std::unique_ptr<sv1::OpportunityService::Stub> opportunities_;
  bool has_stage_ = false;
};

sv1::Activity Activity(sv1::ActivityType type, const std::string& subject,
                       const std::string& owner) {
  sv1::Activity a;
  a.set_type(type);
  a.set_subject(subject);
  a.set_owner(owner);
  return a;
}
sv1::Activity Task(const std::string& subject, const std::string& owner, const std::string& due) {
  sv1::Activity a = Activity(sv1::ACTIVITY_TYPE_TASK, subject, owner);
  *a.mutable_due_time() = At(due);
  return a;
}
// An appointment (or, with `type`, a visit or call) from `start` to `end`.
sv1::Activity Meeting(const std::string& subject, const std::string& owner,
                      const std::string& start, const std::string& end,
                      sv1::ActivityType type = sv1::ACTIVITY_TYPE_APPOINTMENT) {
  sv1::Activity a = Activity(type, subject, owner);
  *a.mutable_start_time() = At(start);
  *a.mutable_end_time() = At(end);
  return a;
}

std::string Created(const std::string& name, const std::string& request_id = "") {
  return absl::StrCat("CHANGE_KIND_CREATED ", name, " CreateActivity ", request_id);
}

}  // namespace

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

TEST_CASE("activity: ListActivities filters, orders and pages", "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const std::string deal = crm.AddOpportunity(people, "Monitors");
  auto add = [&](sv1::Activity a, const std::string& partner, const std::string& opportunity,
                 sv1::ActivityStatus status = sv1::ACTIVITY_STATUS_UNSPECIFIED) {
    if (!partner.empty()) a.add_partners(partner);
    a.set_opportunity(opportunity);
    a.set_status(status);
    return crm.Create(a).name();
  };
  // Created in this order; calendar times in another.
  const std::string alpha =
      add(Meeting("Alpha", people.rep, "2040-03-05T09:00:00Z", "2040-03-05T10:00:00Z"),
          people.account, deal);
  const std::string bravo =
      add(Task("Bravo", people.colleague, "2040-03-02T17:00:00Z"), people.buyer, "");
  const std::string charlie =
      add(Activity(sv1::ACTIVITY_TYPE_CALL, "Charlie", people.rep), people.buyer, deal);
  const std::string delta = add(Meeting("Delta", people.rep, "2040-03-09T08:00:00Z",
                                        "2040-03-09T18:00:00Z", sv1::ACTIVITY_TYPE_VISIT),
                                people.account, "", sv1::ACTIVITY_STATUS_COMPLETED);
  const std::string echo = add(Task("Echo", people.rep, "2040-03-04T12:00:00Z"), "", deal,
                               sv1::ACTIVITY_STATUS_CANCELLED);
  const std::string rep = absl::StrCat("owner = \"", people.rep, "\"");

  const Strings everything = {alpha, bravo, charlie, delta, echo};
  CHECK(crm.Names() == everything);  // by create_time
  CHECK(crm.Names(rep) == Strings{alpha, charlie, delta, echo});
  CHECK(crm.Names(absl::StrCat("owner = \"", people.colleague, "\"")) == Strings{bravo});
  CHECK(crm.Names("type = TASK") == Strings{bravo, echo});
  CHECK(crm.Names("type = ACTIVITY_TYPE_VISIT") == Strings{delta});
  CHECK(crm.Names("status = OPEN") == Strings{alpha, bravo, charlie});
  CHECK(crm.Names("status = COMPLETED") == Strings{delta});
  CHECK(crm.Names("status != OPEN") == Strings{delta, echo});
  CHECK(crm.Names(absl::StrCat("opportunity = \"", deal, "\"")) == Strings{alpha, charlie, echo});
  CHECK(crm.Names("opportunity = \"opportunities/nothing\"").empty());
  CHECK(crm.Names(absl::StrCat("partner = \"", people.buyer, "\"")) == Strings{bravo, charlie});
  CHECK(crm.Names(absl::StrCat("partner = \"", people.account, "\"")) == Strings{alpha, delta});
  CHECK(crm.Names(absl::StrCat("partner != \"", people.account, "\"")) ==
        Strings{bravo, charlie, echo});
  CHECK(crm.Names("partner = \"partners/nobody\"").empty());
  // Calendar time is the start or due time; activities without one never
  // match.
  CHECK(crm.Names("calendar_time >= \"2040-03-04T12:00:00Z\"") == Strings{alpha, delta, echo});
  CHECK(crm.Names("calendar_time < \"2040-03-05T09:00:00Z\"") == Strings{bravo, echo});
  CHECK(crm.Names("calendar_time >= \"2040-03-05T00:00:00+02:00\" AND "
                  "calendar_time < \"2040-03-06T00:00:00Z\"") == Strings{alpha});
  CHECK(crm.Names(absl::StrCat(rep, " AND status = OPEN AND type = APPOINTMENT")) ==
        Strings{alpha});
  CHECK(crm.Names(absl::StrCat(rep, " AND partner = \"", people.buyer, "\"")) == Strings{charlie});
  CHECK(crm.Names("create_time > \"2001-01-01T00:00:00Z\"") == everything);
  CHECK(crm.Names("update_time < \"2001-01-01T00:00:00Z\"").empty());

  // Ordered.
  const std::string timed = "calendar_time >= \"2040-01-01T00:00:00Z\"";
  const Strings by_time = {bravo, echo, alpha, delta};
  CHECK(crm.Names(timed, "calendar_time") == by_time);
  CHECK(crm.Names(timed, "calendar_time desc") == Strings(by_time.rbegin(), by_time.rend()));
  CHECK(crm.Names("", "create_time desc") == Strings{echo, delta, charlie, bravo, alpha});
  CHECK(crm.Names(rep, "calendar_time desc, create_time") == Strings{delta, alpha, echo, charlie});

  // Paged, without repeats or gaps.
  int pages = 0;
  CHECK(crm.Names("", "", 2, &pages) == everything);
  CHECK(pages == 3);
  CHECK(crm.Names(timed, "calendar_time", 2, &pages) == by_time);
  CHECK(pages == 2);
  CHECK(crm.Names(rep, "create_time desc", 1, &pages) == Strings{echo, delta, charlie, alpha});
  CHECK(pages == 4);

  // Bad filters, orders, sizes and tokens.
  sv1::ListActivitiesResponse response;
  for (const std::string filter :
       {"colour = \"red\"", "status = DONE", "type = 3", "calendar_time >= \"2040-03-05\"",
        "subject = \"Alpha\"", "owner =", "status = OPEN AND", "(status = OPEN",
        "partner = \"partners/a*\""}) {
    INFO(filter);
    sv1::ListActivitiesRequest request;
    request.set_filter(filter);
    CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT filter");
  }
  for (const std::string order_by : {"subject", "calendar_time sideways", "owner"}) {
    INFO(order_by);
    sv1::ListActivitiesRequest request;
    request.set_order_by(order_by);
    CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT order_by");
  }
  sv1::ListActivitiesRequest request;
  request.set_page_size(-1);
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_size");
  request.set_page_size(2);
  request.set_filter("status = OPEN");
  REQUIRE(Outcome(crm.TryList(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_filter("status = COMPLETED");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_filter("status = OPEN");
  request.set_order_by("calendar_time");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_order_by("");
  request.set_page_token("garbage");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("activity: ListCalendar gives an owner's activities in a period, by time",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const std::string rep = people.rep;
  auto add = [&](sv1::Activity a, sv1::ActivityStatus status = sv1::ACTIVITY_STATUS_OPEN) {
    a.set_status(status);
    return crm.Create(a).name();
  };
  // The period: Monday 2040-03-05, the whole day (UTC).
  const std::string from = "2040-03-05T00:00:00Z";
  const std::string to = "2040-03-06T00:00:00Z";
  const std::string late =
      add(Meeting("Dinner into the night", rep, "2040-03-05T20:00:00Z", "2040-03-06T01:00:00Z"));
  const std::string spanning = add(Meeting("Trade fair", rep, "2040-03-04T09:00:00Z",
                                           "2040-03-05T12:00:00Z", sv1::ACTIVITY_TYPE_VISIT));
  const std::string before = add(Meeting("Sunday call", rep, "2040-03-04T18:00:00Z",
                                         "2040-03-04T19:00:00Z", sv1::ACTIVITY_TYPE_CALL));
  const std::string due = add(Task("Send the offer", rep, "2040-03-05T16:00:00Z"));
  const std::string done =
      add(Task("Book the room", rep, "2040-03-05T08:00:00Z"), sv1::ACTIVITY_STATUS_COMPLETED);
  const std::string cancelled =
      add(Meeting("Lunch", rep, "2040-03-05T12:00:00Z", "2040-03-05T13:00:00Z"),
          sv1::ACTIVITY_STATUS_CANCELLED);
  const std::string after = add(Task("Follow up", rep, "2040-03-06T09:00:00Z"));
  const std::string at_start = add(Task("Midnight mail", rep, from));
  add(Activity(sv1::ACTIVITY_TYPE_CALL, "Call some time", rep));  // no time: never in it
  add(Activity(sv1::ACTIVITY_TYPE_EMAIL, "Mail some time", rep));
  add(Meeting("Colleague's meeting", people.colleague, "2040-03-05T10:00:00Z",
              "2040-03-05T11:00:00Z"));

  const Strings day = {spanning, at_start, done, due, late};
  CHECK(crm.Calendar(rep, from, to) == day);
  const Strings with_cancelled = {spanning, at_start, done, cancelled, due, late};
  CHECK(crm.Calendar(rep, from, to, true) == with_cancelled);
  CHECK(crm.Calendar(rep, "2040-03-04T00:00:00Z", "2040-03-07T00:00:00Z") ==
        Strings{spanning, before, at_start, done, due, late, after});
  CHECK(crm.Calendar(people.colleague, from, to).size() == 1);
  CHECK(crm.Calendar(people.buyer, from, to).empty());
  CHECK(crm.Calendar(rep, "2040-03-10T00:00:00Z", "2040-03-11T00:00:00Z").empty());
  // Everything with a time in the longest period there is: 366 days.
  CHECK(crm.Calendar(rep, "2040-01-01T00:00:00Z", "2041-01-01T00:00:00Z").size() == 7);

  // The calendar carries the activities themselves.
  sv1::ListCalendarRequest request;
  request.set_owner(rep);
  *request.mutable_start_time() = At(from);
  *request.mutable_end_time() = At(to);
  sv1::ListCalendarResponse response;
  REQUIRE(Outcome(crm.TryCalendar(request, &response)) == "OK");
  REQUIRE(response.activities_size() == 5);
  CHECK(MessageDifferencer::Equals(response.activities(0), crm.Get(spanning)));
  CHECK(response.next_page_token().empty());

  // Paged, without repeats or gaps.
  int pages = 0;
  CHECK(crm.Calendar(rep, from, to, false, 2, &pages) == day);
  CHECK(pages == 3);
  CHECK(crm.Calendar(rep, from, to, true, 1, &pages) == with_cancelled);
  CHECK(pages == 6);
  CHECK(crm.Calendar(rep, from, to, true, 6, &pages) == with_cancelled);
  CHECK(pages == 1);
  // A token belongs to its request.
  request.set_page_size(2);
  REQUIRE(Outcome(crm.TryCalendar(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  sv1::ListCalendarRequest other = request;
  other.set_owner(people.colleague);
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_token");
  other = request;
  other.set_include_cancelled(true);
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_token");
  other = request;
  *other.mutable_end_time() = At("2040-03-07T00:00:00Z");
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_token");
  other = request;
  other.set_page_token("garbage");
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_token");
  other = request;
  other.set_page_size(-1);
  other.clear_page_token();
  CHECK(Outcome(crm.TryCalendar(other, &response)) == "INVALID_ARGUMENT page_size");
}

TEST_CASE("activity: ListCalendar refuses a bad owner or period, naming the field",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  struct Bad {
    const char* what;
    std::function<void(sv1::ListCalendarRequest*)> spoil;
    std::string outcome;
  };
  const std::vector<Bad> cases = {
      {"no owner", [](auto* r) { r->clear_owner(); }, "INVALID_ARGUMENT owner"},
      {"an owner that is not a partner", [](auto* r) { r->set_owner("users/rep"); },
       "INVALID_ARGUMENT owner"},
      {"no start", [](auto* r) { r->clear_start_time(); }, "INVALID_ARGUMENT start_time"},
      {"no end", [](auto* r) { r->clear_end_time(); }, "INVALID_ARGUMENT end_time"},
      {"no period at all",
       [](auto* r) {
         r->clear_start_time();
         r->clear_end_time();
       },
       "INVALID_ARGUMENT start_time, end_time"},
      {"an end before the start",
       [](auto* r) { *r->mutable_end_time() = At("2040-03-04T00:00:00Z"); },
       "INVALID_ARGUMENT end_time"},
      {"an end at the start", [](auto* r) { *r->mutable_end_time() = r->start_time(); },
       "INVALID_ARGUMENT end_time"},
      {"a period of 367 days", [](auto* r) { *r->mutable_end_time() = At("2041-03-07T00:00:00Z"); },
       "INVALID_ARGUMENT end_time"},
      {"a period a second over 366 days",
       [](auto* r) { *r->mutable_end_time() = At("2041-03-06T00:00:01Z"); },
       "INVALID_ARGUMENT end_time"},
      {"an invalid start", [](auto* r) { r->mutable_start_time()->set_nanos(-1); },
       "INVALID_ARGUMENT start_time"},
      {"everything wrong",
       [](auto* r) {
         r->clear_owner();
         r->clear_start_time();
         r->mutable_end_time()->set_seconds(253'402'300'800);
       },
       "INVALID_ARGUMENT owner, start_time, end_time"},
  };
  for (const Bad& c : cases) {
    INFO(c.what);
    sv1::ListCalendarRequest request;
    request.set_owner(people.rep);
    *request.mutable_start_time() = At("2040-03-05T00:00:00Z");
    *request.mutable_end_time() = At("2040-03-06T00:00:00Z");
    c.spoil(&request);
    sv1::ListCalendarResponse response;
    CHECK(Outcome(crm.TryCalendar(request, &response)) == c.outcome);
  }
  // Exactly 366 days is allowed.
  CHECK(crm.Calendar(people.rep, "2040-03-05T00:00:00Z", "2041-03-06T00:00:00Z").empty());
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

TEST_CASE("activity: the calendar edges: a meeting ending at the period's start is outside",
          "[sales][activity]") {
  Sales crm;
  const People people = crm.AddPeople();
  const std::string rep = people.rep;
  const std::string before =
      crm.Create(Meeting("Late call", rep, "2040-03-04T23:00:00Z", "2040-03-05T00:00:00Z")).name();
  const std::string due_at_start =
      crm.Create(Task("Midnight report", rep, "2040-03-05T00:00:00Z")).name();
  // A due time just before the epoch is a time like any other.
  const std::string old_task = crm.Create(Task("Old", rep, "1969-12-31T23:59:59.999999Z")).name();

  CHECK(crm.Calendar(rep, "2040-03-05T00:00:00Z", "2040-03-06T00:00:00Z") ==
        Strings{due_at_start});
  CHECK(crm.Calendar(rep, "2040-03-04T00:00:00Z", "2040-03-05T00:00:00Z") == Strings{before});
  CHECK(crm.Calendar(rep, "1969-12-31T00:00:00Z", "1970-01-01T00:00:00Z") == Strings{old_task});

  // An end a fraction of a microsecond after the start is after it.
  sv1::Activity brief = Meeting("Blink", rep, "2040-03-07T09:00:00Z", "2040-03-07T09:00:00Z");
  brief.mutable_end_time()->set_nanos(500);
  CHECK(Outcome(crm.TryCreate(brief)) == "OK");
}
