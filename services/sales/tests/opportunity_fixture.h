// Test support for the OpportunityService tests (opportunity_*_test.cc):
// the sales service in-process with a real partners service beside it
// (`Pipeline`), the partners an opportunity names (`People`), and helpers
// for building opportunities, money and close dates.
#ifndef CRM_SERVICES_SALES_TESTS_OPPORTUNITY_FIXTURE_H_
#define CRM_SERVICES_SALES_TESTS_OPPORTUNITY_FIXTURE_H_

#include <SQLiteCpp/SQLiteCpp.h>
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
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "services/partners/partners_spec.h"
#include "services/sales/sales_spec.h"
#include "services/sales/tests/sales_beside_partners.h"

namespace crm::sales::testing::opportunity_testing {

namespace sv1 = crm::sales::v1;
namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::DetailOf;
using crm::testing::ErrorReason;
using crm::testing::MakeDate;
using crm::testing::Mask;
using crm::testing::Outcome;
using crm::testing::Precondition;
using google::protobuf::util::MessageDifferencer;
using Date = google::type::Date;
using Money = crm::type::v1::Money;
using Strings = std::vector<std::string>;

inline constexpr char kQualification[] = "salesStages/qualification";  // position 10, 10 %
inline constexpr char kProposal[] = "salesStages/proposal";            // position 20, 40 %
inline constexpr char kNegotiation[] = "salesStages/negotiation";      // position 30, 80 %

// Close dates in the coming year, so that they are never in the past.
inline const int kYear = crm::api::UtcDate(absl::Now()).year() + 1;
inline Date Next(int month, int day) { return MakeDate(kYear, month, day); }
inline std::string NextIso(int month, int day) {
  return absl::StrFormat("%04d-%02d-%02d", kYear, month, day);
}
inline Date Yesterday() { return crm::api::UtcDate(absl::Now() - absl::Hours(24)); }

inline Money Amount(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}
inline Money Eur(int64_t units, int32_t nanos = 0) { return Amount("EUR", units, nanos); }

// "EUR 1234.57": every digit there is, at least two after the point.
inline std::string Text(const Money& money) {
  std::string fraction = absl::StrFormat("%09d", money.nanos());
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  return absl::StrCat(money.currency_code(), " ", money.units(), ".", fraction);
}

// "from -> to 40% OPPORTUNITY_STATE_OPEN".
inline std::string Move(const sv1::StageChange& change) {
  return absl::StrCat(change.from_stage(), " -> ", change.to_stage(), " ",
                      change.probability_percent(), "% ",
                      sv1::OpportunityState_Name(change.state()));
}

// The partners an opportunity names, created in the partners service.
struct People {
  std::string account;    // an organisation, customer
  std::string rep;        // employee
  std::string colleague;  // employee
  std::string engineer;   // employee
  std::string buyer;      // contact person at the account
  std::string rival;      // an organisation, competitor
};

// Sales with a partners service beside it, one fresh database each.
class Pipeline : public crm::sales::testing::SalesBesidePartners {
 public:
  Pipeline() {
    stub_ = sv1::OpportunityService::NewStub(sales_->channel());
  }

  sv1::OpportunityService::Stub& api() { return *stub_; }

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
    pv1::Partner created;
    REQUIRE(Outcome(partner_stub_->CreatePartner(ContextWithDeadline().get(), request, &created)) ==
            "OK");
    return created.name();
  }
  void Merge(const std::string& survivor, const std::string& merged) {
    pv1::MergePartnersRequest request;
    request.set_survivor(survivor);
    request.add_merged_partners(merged);
    pv1::MergePartnersResponse response;
    REQUIRE(Outcome(partner_stub_->MergePartners(ContextWithDeadline().get(), request,
                                                 &response)) == "OK");
  }
  std::string AddPerson(const std::string& family_name, pv1::RoleType role) {
    return AddPartner(pv1::PARTNER_CATEGORY_PERSON, family_name, role);
  }
  People AddPeople() {
    People people;
    people.account = AddPartner(pv1::PARTNER_CATEGORY_ORGANIZATION, "Alvis Retail GmbH",
                                pv1::ROLE_TYPE_CUSTOMER);
    people.rep = AddPerson("Reppe", pv1::ROLE_TYPE_EMPLOYEE);
    people.colleague = AddPerson("Kollege", pv1::ROLE_TYPE_EMPLOYEE);
    people.engineer = AddPerson("Ingenieur", pv1::ROLE_TYPE_EMPLOYEE);
    people.buyer = AddPerson("Einkauf", pv1::ROLE_TYPE_CONTACT_PERSON);
    people.rival = AddPartner(pv1::PARTNER_CATEGORY_ORGANIZATION, "Displays Direct AG",
                              pv1::ROLE_TYPE_COMPETITOR);
    return people;
  }

  // ---- sales stages

  grpc::Status TryCreateStage(const std::string& id, const std::string& display_name, int position,
                              int percent, sv1::SalesStage* out = nullptr) {
    sv1::CreateSalesStageRequest request;
    request.set_sales_stage_id(id);
    request.mutable_sales_stage()->set_display_name(display_name);
    request.mutable_sales_stage()->set_position(position);
    request.mutable_sales_stage()->set_default_probability_percent(percent);
    sv1::SalesStage ignored;
    return stub_->CreateSalesStage(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  sv1::SalesStage CreateStage(const std::string& id, const std::string& display_name, int position,
                              int percent) {
    sv1::SalesStage created;
    REQUIRE(Outcome(TryCreateStage(id, display_name, position, percent, &created)) == "OK");
    return created;
  }
  // Qualification (10 %), Proposal (40 %), Negotiation (80 %).
  void AddStages() {
    CreateStage("qualification", "Qualification", 10, 10);
    CreateStage("proposal", "Proposal", 20, 40);
    CreateStage("negotiation", "Negotiation", 30, 80);
  }
  grpc::Status TryGetStage(const std::string& name, sv1::SalesStage* out) {
    sv1::GetSalesStageRequest request;
    request.set_name(name);
    return stub_->GetSalesStage(ContextWithDeadline().get(), request, out);
  }
  grpc::Status TryUpdateStage(const sv1::SalesStage& stage, const Strings& paths,
                              sv1::SalesStage* out = nullptr) {
    sv1::UpdateSalesStageRequest request;
    *request.mutable_sales_stage() = stage;
    *request.mutable_update_mask() = Mask(paths);
    sv1::SalesStage ignored;
    return stub_->UpdateSalesStage(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryDeleteStage(const std::string& name, const std::string& etag = "") {
    sv1::DeleteSalesStageRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return stub_->DeleteSalesStage(ContextWithDeadline().get(), request, &empty);
  }
  // "name position percent [retired]" of every stage, following the pages.
  Strings Stages(int page_size = 0, int* pages = nullptr) {
    sv1::ListSalesStagesRequest request;
    request.set_page_size(page_size);
    Strings stages;
    int count = 1;
    for (;; ++count) {
      sv1::ListSalesStagesResponse response;
      REQUIRE(Outcome(stub_->ListSalesStages(ContextWithDeadline().get(), request, &response)) ==
              "OK");
      for (const auto& s : response.sales_stages()) {
        stages.push_back(absl::StrCat(s.name(), " ", s.position(), " ",
                                      s.default_probability_percent(),
                                      s.retired() ? " retired" : ""));
      }
      if (response.next_page_token().empty() || count == 100) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return stages;
  }

  // ---- opportunities

  grpc::Status TryCreate(const sv1::Opportunity& opportunity, sv1::Opportunity* out = nullptr,
                         const std::string& request_id = "", int deadline_seconds = 10) {
    sv1::CreateOpportunityRequest request;
    *request.mutable_opportunity() = opportunity;
    request.set_request_id(request_id);
    sv1::Opportunity ignored;
    return stub_->CreateOpportunity(ContextWithDeadline(deadline_seconds).get(), request,
                                    out ? out : &ignored);
  }
  sv1::Opportunity Create(const sv1::Opportunity& opportunity) {
    sv1::Opportunity created;
    const grpc::Status status = TryCreate(opportunity, &created);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return created;
  }
  grpc::Status TryGet(const std::string& name, sv1::Opportunity* out) {
    sv1::GetOpportunityRequest request;
    request.set_name(name);
    return stub_->GetOpportunity(ContextWithDeadline().get(), request, out);
  }
  sv1::Opportunity Get(const std::string& name) {
    sv1::Opportunity got;
    REQUIRE(Outcome(TryGet(name, &got)) == "OK");
    return got;
  }
  grpc::Status TryUpdate(const sv1::Opportunity& opportunity, const Strings& paths,
                         sv1::Opportunity* out = nullptr, int deadline_seconds = 10) {
    sv1::UpdateOpportunityRequest request;
    *request.mutable_opportunity() = opportunity;
    *request.mutable_update_mask() = Mask(paths);
    sv1::Opportunity ignored;
    return stub_->UpdateOpportunity(ContextWithDeadline(deadline_seconds).get(), request,
                                    out ? out : &ignored);
  }
  sv1::Opportunity Update(const sv1::Opportunity& opportunity, const Strings& paths) {
    sv1::Opportunity updated;
    const grpc::Status status = TryUpdate(opportunity, paths, &updated);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return updated;
  }
  grpc::Status TryWin(const std::string& name, const std::string& reason,
                      const std::string& etag = "", sv1::Opportunity* out = nullptr) {
    sv1::WinOpportunityRequest request;
    request.set_name(name);
    request.set_reason(reason);
    request.set_etag(etag);
    sv1::Opportunity ignored;
    return stub_->WinOpportunity(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryLose(const std::string& name, const std::string& reason,
                       const std::string& lost_to = "", const std::string& etag = "",
                       sv1::Opportunity* out = nullptr) {
    sv1::LoseOpportunityRequest request;
    request.set_name(name);
    request.set_reason(reason);
    request.set_lost_to(lost_to);
    request.set_etag(etag);
    sv1::Opportunity ignored;
    return stub_->LoseOpportunity(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryList(const sv1::ListOpportunitiesRequest& request,
                       sv1::ListOpportunitiesResponse* out) {
    return stub_->ListOpportunities(ContextWithDeadline().get(), request, out);
  }
  // Names of every opportunity the request matches, following the pages.
  Strings Names(sv1::ListOpportunitiesRequest request, int* pages = nullptr) {
    Strings names;
    int count = 1;
    for (;; ++count) {
      sv1::ListOpportunitiesResponse response;
      const grpc::Status status = TryList(request, &response);
      INFO(status.error_message());
      REQUIRE(Outcome(status) == "OK");
      if (request.page_size() > 0) CHECK(response.opportunities_size() <= request.page_size());
      for (const auto& o : response.opportunities()) names.push_back(o.name());
      if (response.next_page_token().empty() || count == 100) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return names;
  }
  Strings Names(const std::string& filter = "", const std::string& order_by = "", int page_size = 0,
                int* pages = nullptr) {
    sv1::ListOpportunitiesRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    return Names(request, pages);
  }
  grpc::Status TryHistory(const sv1::ListStageChangesRequest& request,
                          sv1::ListStageChangesResponse* out) {
    return stub_->ListStageChanges(ContextWithDeadline().get(), request, out);
  }
  // The whole stage history of an opportunity, following the pages.
  std::vector<sv1::StageChange> History(const std::string& name, int page_size = 0,
                                        int* pages = nullptr) {
    sv1::ListStageChangesRequest request;
    request.set_parent(name);
    request.set_page_size(page_size);
    std::vector<sv1::StageChange> changes;
    int count = 1;
    for (;; ++count) {
      sv1::ListStageChangesResponse response;
      REQUIRE(Outcome(TryHistory(request, &response)) == "OK");
      if (page_size > 0) CHECK(response.stage_changes_size() <= page_size);
      changes.insert(changes.end(), response.stage_changes().begin(),
                     response.stage_changes().end());
      if (response.next_page_token().empty() || count == 100) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return changes;
  }
  Strings Moves(const std::string& name, int page_size = 0, int* pages = nullptr) {
    Strings moves;
    for (const sv1::StageChange& change : History(name, page_size, pages)) {
      moves.push_back(Move(change));
    }
    return moves;
  }

  // As if the stored close date had been `date` for a while: written
  // straight into the database (the service reads it from there).
  void BackDateCloseDate(const std::string& name, const Date& date) {
    const std::string id = name.substr(name.find('/') + 1);
    SQLite::Database db(sales_->db_path(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    sv1::Opportunity stored;
    {
      SQLite::Statement select(db, "SELECT data FROM opportunities WHERE id = ?1");
      select.bind(1, id);
      REQUIRE(select.executeStep());
      const SQLite::Column data = select.getColumn(0);
      REQUIRE(stored.ParseFromArray(data.getBlob(), data.getBytes()));
    }
    *stored.mutable_close_date() = date;
    const std::string blob = stored.SerializeAsString();
    SQLite::Statement update(db,
                             "UPDATE opportunities SET data = ?1, close_date = ?2 WHERE id = ?3");
    update.bind(1, blob.data(), static_cast<int>(blob.size()));
    update.bind(2, crm::api::IsoDate(date));
    update.bind(3, id);
    REQUIRE(update.exec() == 1);
  }

  // ---- change feed


 private:
  std::unique_ptr<sv1::OpportunityService::Stub> stub_;
};

// An opportunity as a rep enters it: no team, deciders or competitors.
inline sv1::Opportunity Deal(const People& people, const std::string& display_name,
                             const std::string& stage = kQualification,
                             const Money& revenue = Eur(10000),
                             const Date& close_date = Next(3, 31), const std::string& owner = "") {
  sv1::Opportunity deal;
  deal.set_display_name(display_name);
  deal.set_account(people.account);
  deal.set_stage(stage);
  *deal.mutable_expected_revenue() = revenue;
  *deal.mutable_close_date() = close_date;
  deal.set_owner(owner.empty() ? people.rep : owner);
  return deal;
}

inline void AddDecider(sv1::Opportunity* deal, const std::string& partner, sv1::BuyingRole role) {
  sv1::DecisionMaker* decider = deal->add_decision_makers();
  decider->set_partner(partner);
  decider->set_buying_role(role);
}

// Seconds `call` takes.
template <typename Call>
double SecondsOf(Call call) {
  const auto started = std::chrono::steady_clock::now();
  call();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace crm::sales::testing::opportunity_testing

#endif  // CRM_SERVICES_SALES_TESTS_OPPORTUNITY_FIXTURE_H_
