// Test support for the ActivityService tests (activity_*_test.cc): the
// sales service in-process with a real partners service beside it
// (`Sales`), the partners activities name (`People`), and helpers for
// building activities, times and expected feed entries.
#ifndef CRM_SERVICES_SALES_TESTS_ACTIVITY_FIXTURE_H_
#define CRM_SERVICES_SALES_TESTS_ACTIVITY_FIXTURE_H_

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

namespace crm::sales::testing::activity_testing {

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
inline Timestamp At(const std::string& rfc3339) {
  absl::Time time;
  std::string error;
  const bool parsed = absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error);
  REQUIRE(parsed);
  Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(time));
  return t;
}

inline Strings PartnersOf(const sv1::Activity& a) {
  return {a.partners().begin(), a.partners().end()};
}

inline int64_t MicrosOf(const Timestamp& t) { return t.seconds() * 1'000'000 + t.nanos() / 1000; }

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

inline sv1::Activity Activity(sv1::ActivityType type, const std::string& subject,
                              const std::string& owner) {
  sv1::Activity a;
  a.set_type(type);
  a.set_subject(subject);
  a.set_owner(owner);
  return a;
}
inline sv1::Activity Task(const std::string& subject, const std::string& owner,
                          const std::string& due) {
  sv1::Activity a = Activity(sv1::ACTIVITY_TYPE_TASK, subject, owner);
  *a.mutable_due_time() = At(due);
  return a;
}
// An appointment (or, with `type`, a visit or call) from `start` to `end`.
inline sv1::Activity Meeting(const std::string& subject, const std::string& owner,
                             const std::string& start, const std::string& end,
                             sv1::ActivityType type = sv1::ACTIVITY_TYPE_APPOINTMENT) {
  sv1::Activity a = Activity(type, subject, owner);
  *a.mutable_start_time() = At(start);
  *a.mutable_end_time() = At(end);
  return a;
}

inline std::string Created(const std::string& name, const std::string& request_id = "") {
  return absl::StrCat("CHANGE_KIND_CREATED ", name, " CreateActivity ", request_id);
}

}  // namespace crm::sales::testing::activity_testing

#endif  // CRM_SERVICES_SALES_TESTS_ACTIVITY_FIXTURE_H_
