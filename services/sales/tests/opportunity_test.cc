// The sales pipeline (OpportunityService) over a real gRPC channel and a
// real SQLite file, with a real partners service beside it:
//  - sales stages: created under chosen ids (bad and taken ids, a taken
//    position), listed by position and paged, updated (default probability,
//    position, retired) with etags; deleted only while no opportunity has
//    ever been in them;
//  - CreateOpportunity: account, owner, team and decision makers checked
//    with partners (an owner who is not an employee, unknown partners, an
//    unknown or retired stage refused, nothing written), the stage's default
//    probability, weighted revenue rounded to the currency's minor unit,
//    the first StageChange; a request_id retry gives the same opportunity
//    and one feed entry;
//  - UpdateOpportunity: stage moves recorded oldest first and paged, the new
//    stage's default probability unless the probability is in the mask,
//    immutable and output-only paths, stale etags, past close dates (and a
//    close date that has passed since, kept on another update);
//  - Win and Lose: state, probability, reason, lost_to, close time, the
//    closing StageChange; a closed opportunity changes no more;
//  - ListOpportunities by owner, state, stage and close date, ordered and
//    paged without repeats or gaps; bad filters, orders and tokens;
//  - partners down: creates and updates naming a new partner are
//    UNAVAILABLE within the client's deadline and write nothing; reads,
//    closes, retries and updates naming no new partner still work;
//  - the change feed: CREATED and UPDATED entries for each write, none for
//    refused ones.
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

namespace {

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

constexpr char kQualification[] = "salesStages/qualification";  // position 10, 10 %
constexpr char kProposal[] = "salesStages/proposal";            // position 20, 40 %
constexpr char kNegotiation[] = "salesStages/negotiation";      // position 30, 80 %

// Close dates in the coming year, so that they are never in the past.
const int kYear = crm::api::UtcDate(absl::Now()).year() + 1;
Date Next(int month, int day) { return MakeDate(kYear, month, day); }
std::string NextIso(int month, int day) {
  return absl::StrFormat("%04d-%02d-%02d", kYear, month, day);
}
Date Yesterday() { return crm::api::UtcDate(absl::Now() - absl::Hours(24)); }

Money Amount(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}
Money Eur(int64_t units, int32_t nanos = 0) { return Amount("EUR", units, nanos); }

// "EUR 1234.57": every digit there is, at least two after the point.
std::string Text(const Money& money) {
  std::string fraction = absl::StrFormat("%09d", money.nanos());
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  return absl::StrCat(money.currency_code(), " ", money.units(), ".", fraction);
}

// "from -> to 40% OPPORTUNITY_STATE_OPEN".
std::string Move(const sv1::StageChange& change) {
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
sv1::Opportunity Deal(const People& people, const std::string& display_name,
                      const std::string& stage = kQualification, const Money& revenue = Eur(10000),
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

void AddDecider(sv1::Opportunity* deal, const std::string& partner, sv1::BuyingRole role) {
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

}  // namespace

TEST_CASE("opportunity: sales stages are created under chosen ids and listed by position",
          "[sales][opportunity]") {
  Pipeline crm;
  const int64_t start = crm.HeadSequence();
  const sv1::SalesStage negotiation = crm.CreateStage("negotiation", "Negotiation", 30, 80);
  CHECK(negotiation.name() == kNegotiation);
  CHECK(negotiation.display_name() == "Negotiation");
  CHECK(negotiation.position() == 30);
  CHECK(negotiation.default_probability_percent() == 80);
  CHECK_FALSE(negotiation.retired());
  CHECK(negotiation.create_time().seconds() > 0);
  CHECK(MessageDifferencer::Equals(negotiation.create_time(), negotiation.update_time()));
  CHECK_FALSE(negotiation.etag().empty());
  crm.CreateStage("qualification", "Qualification", 10, 10);
  crm.CreateStage("proposal", "Proposal", 20, 40);

  sv1::SalesStage got;
  REQUIRE(Outcome(crm.TryGetStage(kNegotiation, &got)) == "OK");
  CHECK(MessageDifferencer::Equals(got, negotiation));

  const Strings by_position = {"salesStages/qualification 10 10", "salesStages/proposal 20 40",
                               "salesStages/negotiation 30 80"};
  CHECK(crm.Stages() == by_position);
  int pages = 0;
  CHECK(crm.Stages(2, &pages) == by_position);
  CHECK(pages == 2);
  CHECK(crm.Stages(1, &pages) == by_position);
  CHECK(pages == 3);
  CHECK(crm.DescribeChangesAfter(start) ==
        Strings{"CHANGE_KIND_CREATED salesStages/negotiation CreateSalesStage ",
                "CHANGE_KIND_CREATED salesStages/qualification CreateSalesStage ",
                "CHANGE_KIND_CREATED salesStages/proposal CreateSalesStage "});
  const int64_t head = crm.HeadSequence();

  // Bad ids, a taken id, a taken position, bad fields: nothing written.
  for (const std::string& id :
       Strings{"", "Negotiation", "1st-call", "closing-", "closing_won", std::string(64, 'c')}) {
    INFO("id \"" << id << "\"");
    CHECK(Outcome(crm.TryCreateStage(id, "Closing", 40, 90)) == "INVALID_ARGUMENT sales_stage_id");
  }
  const grpc::Status taken_id = crm.TryCreateStage("proposal", "Proposal 2", 25, 50);
  CHECK(Outcome(taken_id) == "ALREADY_EXISTS");
  CHECK(DetailOf<google::rpc::ResourceInfo>(taken_id).resource_name() == kProposal);
  const grpc::Status taken_position = crm.TryCreateStage("closing", "Closing", 20, 90);
  CHECK(Outcome(taken_position) == "FAILED_PRECONDITION");
  CHECK(Precondition(taken_position) == "POSITION_TAKEN salesStages/closing");
  CHECK(Outcome(crm.TryCreateStage("closing", "Closing", 0, 90)) ==
        "INVALID_ARGUMENT sales_stage.position");
  CHECK(Outcome(crm.TryCreateStage("closing", "Closing", 1001, 90)) ==
        "INVALID_ARGUMENT sales_stage.position");
  CHECK(Outcome(crm.TryCreateStage("closing", "Closing", 40, 101)) ==
        "INVALID_ARGUMENT sales_stage.default_probability_percent");
  CHECK(Outcome(crm.TryCreateStage("closing", "", 40, 90)) ==
        "INVALID_ARGUMENT sales_stage.display_name");
  CHECK(Outcome(crm.TryCreateStage("Closing", "", 0, 90)) ==
        "INVALID_ARGUMENT sales_stage_id, sales_stage.display_name, sales_stage.position");
  sv1::CreateSalesStageRequest without_stage;
  without_stage.set_sales_stage_id("closing");
  sv1::SalesStage ignored;
  CHECK(Outcome(crm.api().CreateSalesStage(ContextWithDeadline().get(), without_stage, &ignored)) ==
        "INVALID_ARGUMENT sales_stage");
  CHECK(crm.Stages() == by_position);
  CHECK(crm.HeadSequence() == head);

  // The first and last positions are fine.
  crm.CreateStage("first-call", "First call", 1, 0);
  crm.CreateStage("closing", "Closing", 1000, 100);
  CHECK(crm.Stages().front() == "salesStages/first-call 1 0");
  CHECK(crm.Stages().back() == "salesStages/closing 1000 100");
  CHECK(Outcome(crm.TryGetStage("salesStages/won", &got)) == "NOT_FOUND");
  CHECK(Outcome(crm.TryGetStage("stages/won", &got)) == "INVALID_ARGUMENT name");
}

TEST_CASE("opportunity: sales stages are updated with masks and etags, and retired",
          "[sales][opportunity]") {
  Pipeline crm;
  crm.AddStages();
  sv1::SalesStage proposal;
  REQUIRE(Outcome(crm.TryGetStage(kProposal, &proposal)) == "OK");
  const int64_t head = crm.HeadSequence();

  sv1::SalesStage change = proposal;
  change.set_default_probability_percent(45);
  change.set_display_name("ignored: not in the mask");
  sv1::SalesStage updated;
  REQUIRE(Outcome(crm.TryUpdateStage(change, {"default_probability_percent"}, &updated)) == "OK");
  CHECK(updated.default_probability_percent() == 45);
  CHECK(updated.display_name() == "Proposal");
  CHECK(updated.etag() != proposal.etag());
  CHECK(MessageDifferencer::Equals(updated.create_time(), proposal.create_time()));

  // The old etag is stale now; a taken position, a bad value and a bad
  // path are refused and change nothing.
  const grpc::Status stale = crm.TryUpdateStage(change, {"default_probability_percent"});
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(ErrorReason(stale) == "STALE_ETAG");
  sv1::SalesStage moved = updated;
  moved.set_position(30);
  const grpc::Status taken = crm.TryUpdateStage(moved, {"position"});
  CHECK(Outcome(taken) == "FAILED_PRECONDITION");
  CHECK(Precondition(taken) == "POSITION_TAKEN salesStages/proposal");
  moved.set_position(1001);
  CHECK(Outcome(crm.TryUpdateStage(moved, {"position"})) ==
        "INVALID_ARGUMENT sales_stage.position");
  CHECK(Outcome(crm.TryUpdateStage(updated, {"etag"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(crm.TryUpdateStage(updated, {"colour"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(crm.TryUpdateStage(updated, {})) == "INVALID_ARGUMENT update_mask");
  sv1::SalesStage unknown = updated;
  unknown.set_name("salesStages/won");
  CHECK(Outcome(crm.TryUpdateStage(unknown, {"display_name"})) == "NOT_FOUND");
  CHECK(crm.Stages() == Strings{"salesStages/qualification 10 10", "salesStages/proposal 20 45",
                                "salesStages/negotiation 30 80"});

  // Its own position again is no conflict; a free one moves it.
  moved.set_position(20);
  REQUIRE(Outcome(crm.TryUpdateStage(moved, {"position"}, &moved)) == "OK");
  moved.set_position(35);
  CHECK(Outcome(crm.TryUpdateStage(moved, {"position"})) == "OK");

  sv1::SalesStage retire;
  retire.set_name(kQualification);
  retire.set_retired(true);
  sv1::SalesStage retired;
  REQUIRE(Outcome(crm.TryUpdateStage(retire, {"retired"}, &retired)) == "OK");
  CHECK(retired.retired());
  CHECK(retired.position() == 10);
  CHECK(crm.Stages() == Strings{"salesStages/qualification 10 10 retired",
                                "salesStages/negotiation 30 80", "salesStages/proposal 35 45"});
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{"CHANGE_KIND_UPDATED salesStages/proposal UpdateSalesStage ",
                "CHANGE_KIND_UPDATED salesStages/proposal UpdateSalesStage ",
                "CHANGE_KIND_UPDATED salesStages/proposal UpdateSalesStage ",
                "CHANGE_KIND_UPDATED salesStages/qualification UpdateSalesStage "});
}

TEST_CASE("opportunity: a stage an opportunity has been in can only be retired, not deleted",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  crm.CreateStage("closing", "Closing", 40, 90);
  const sv1::Opportunity deal = crm.Create(Deal(people, "Monitors"));
  sv1::Opportunity moved = deal;
  moved.set_stage(kProposal);
  crm.Update(moved, {"stage"});
  const int64_t head = crm.HeadSequence();

  // Left or still in: either way in use.
  for (const char* stage : {kQualification, kProposal}) {
    INFO(stage);
    const grpc::Status refused = crm.TryDeleteStage(stage);
    CHECK(Outcome(refused) == "FAILED_PRECONDITION");
    CHECK(Precondition(refused) == absl::StrCat("IN_USE ", stage));
  }
  CHECK(crm.HeadSequence() == head);

  // Never used: deleted (with a current etag; a stale one is ABORTED).
  sv1::SalesStage negotiation;
  REQUIRE(Outcome(crm.TryGetStage(kNegotiation, &negotiation)) == "OK");
  CHECK(Outcome(crm.TryDeleteStage(kNegotiation, "\"99\"")) == "ABORTED");
  CHECK(Outcome(crm.TryDeleteStage(kNegotiation, negotiation.etag())) == "OK");
  CHECK(Outcome(crm.TryGetStage(kNegotiation, &negotiation)) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDeleteStage(kNegotiation)) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDeleteStage("negotiation")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryDeleteStage("salesStages/closing")) == "OK");
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{"CHANGE_KIND_DELETED salesStages/negotiation DeleteSalesStage ",
                "CHANGE_KIND_DELETED salesStages/closing DeleteSalesStage "});

  // Retired instead: opportunities may no longer enter it, whether new or
  // moved there; those already in it stay.
  sv1::SalesStage retire;
  retire.set_name(kProposal);
  retire.set_retired(true);
  REQUIRE(Outcome(crm.TryUpdateStage(retire, {"retired"})) == "OK");
  CHECK(crm.Get(deal.name()).stage() == kProposal);
  const grpc::Status new_in_retired = crm.TryCreate(Deal(people, "Docks", kProposal));
  CHECK(Outcome(new_in_retired) == "FAILED_PRECONDITION");
  CHECK(Precondition(new_in_retired) == "STAGE_RETIRED opportunity.stage");
  const sv1::Opportunity other = crm.Create(Deal(people, "Docks"));
  sv1::Opportunity into_retired = other;
  into_retired.set_stage(kProposal);
  const grpc::Status move_refused = crm.TryUpdate(into_retired, {"stage"});
  CHECK(Outcome(move_refused) == "FAILED_PRECONDITION");
  CHECK(Precondition(move_refused) == "STAGE_RETIRED opportunity.stage");
  CHECK(crm.Get(other.name()).stage() == kQualification);
  CHECK(crm.Moves(other.name()).size() == 1);
}

TEST_CASE("opportunity: CreateOpportunity checks partners and fills in what the service owns",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const int64_t head = crm.HeadSequence();

  sv1::Opportunity sent =
      Deal(people, "Monitors for the Hamburg branches", kQualification, Eur(12345, 650'000'000));
  sent.add_sales_team(people.colleague);
  sent.add_sales_team(people.engineer);
  AddDecider(&sent, people.buyer, sv1::BUYING_ROLE_DECISION_MAKER);
  sent.add_competitors()->set_partner(people.rival);
  sent.add_competitors()->set_display_name("Screens & More");
  sent.set_source_campaign("campaigns/spring-fair");
  sent.set_source_lead("leads/l-17");
  // Output-only fields sent are ignored.
  sent.set_name("opportunities/mine");
  sent.set_state(sv1::OPPORTUNITY_STATE_WON);
  sent.set_close_reason("Already won");
  *sent.mutable_weighted_revenue() = Eur(1);
  sent.set_etag("\"9\"");

  const sv1::Opportunity created = crm.Create(sent);
  CHECK(absl::StartsWith(created.name(), "opportunities/"));
  CHECK(created.name() != "opportunities/mine");
  CHECK(created.state() == sv1::OPPORTUNITY_STATE_OPEN);
  CHECK(created.probability_percent() == 10);  // the stage's default
  CHECK(Text(created.expected_revenue()) == "EUR 12345.65");
  CHECK(Text(created.weighted_revenue()) == "EUR 1234.57");  // 1234.565, half away from zero
  CHECK(created.close_reason().empty());
  CHECK(created.lost_to().empty());
  CHECK_FALSE(created.has_close_time());
  CHECK(created.create_time().seconds() > 0);
  CHECK(MessageDifferencer::Equals(created.create_time(), created.update_time()));
  CHECK_FALSE(created.etag().empty());
  CHECK(created.etag() != "\"9\"");
  CHECK(created.account() == people.account);
  CHECK(created.owner() == people.rep);
  CHECK(created.sales_team_size() == 2);
  CHECK(created.decision_makers_size() == 1);
  CHECK(created.competitors_size() == 2);
  CHECK(created.source_campaign() == "campaigns/spring-fair");
  CHECK(created.source_lead() == "leads/l-17");
  CHECK(MessageDifferencer::Equals(crm.Get(created.name()), created));

  // The first StageChange records the starting stage.
  const std::vector<sv1::StageChange> history = crm.History(created.name());
  REQUIRE(history.size() == 1);
  const sv1::StageChange& first = history[0];
  CHECK(first.from_stage().empty());
  CHECK(first.to_stage() == kQualification);
  CHECK(first.probability_percent() == 10);
  CHECK(Text(first.expected_revenue()) == "EUR 12345.65");
  CHECK(first.state() == sv1::OPPORTUNITY_STATE_OPEN);
  CHECK(first.changed_by() == "anonymous");
  CHECK(MessageDifferencer::Equals(first.change_time(), created.create_time()));

  // A probability sent is kept; weighted revenue follows it.
  sv1::Opportunity likely = Deal(people, "Docks", kQualification, Eur(12345, 650'000'000));
  likely.set_probability_percent(35);
  const sv1::Opportunity docks = crm.Create(likely);
  CHECK(docks.probability_percent() == 35);
  CHECK(Text(docks.weighted_revenue()) == "EUR 4320.98");  // 4320.9775
  CHECK(Move(crm.History(docks.name())[0]) ==
        absl::StrCat(" -> ", kQualification, " 35% OPPORTUNITY_STATE_OPEN"));

  // Rounded to the currency's minor unit: yen have none, dinars three.
  const sv1::Opportunity yen =
      crm.Create(Deal(people, "Tokyo", kQualification, Amount("JPY", 12345)));
  CHECK(Text(yen.weighted_revenue()) == "JPY 1235.00");  // 1234.5
  const sv1::Opportunity dinar =
      crm.Create(Deal(people, "Kuwait", kProposal, Amount("KWD", 1, 234'567'000)));
  CHECK(Text(dinar.weighted_revenue()) == "KWD 0.494");  // 0.4938268
  const sv1::Opportunity nothing = crm.Create(Deal(people, "Free trial", kNegotiation, Eur(0)));
  CHECK(nothing.probability_percent() == 80);
  CHECK(Text(nothing.weighted_revenue()) == "EUR 0.00");

  // Closing today is allowed.
  const sv1::Opportunity today =
      crm.Create(Deal(people, "Today", kQualification, Eur(1), crm::api::UtcDate(absl::Now())));
  CHECK(today.state() == sv1::OPPORTUNITY_STATE_OPEN);

  const Strings all = {created.name(), docks.name(),   yen.name(),
                       dinar.name(),   nothing.name(), today.name()};
  CHECK(crm.Names() == all);
  // The first opportunity for an account assigns the account to its
  // territory (none here), in the same write.
  Strings expected_feed = {absl::StrCat("CHANGE_KIND_CREATED territoryAssignments/",
                                        people.account.substr(people.account.find('/') + 1),
                                        " CreateOpportunity ")};
  for (const std::string& name : all) {
    expected_feed.push_back(absl::StrCat("CHANGE_KIND_CREATED ", name, " CreateOpportunity "));
  }
  CHECK(crm.DescribeChangesAfter(head) == expected_feed);
}

TEST_CASE("opportunity: a request_id retry returns the same opportunity, one feed entry",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const int64_t head = crm.HeadSequence();
  const sv1::Opportunity deal = Deal(people, "Monitors");

  sv1::Opportunity first, again;
  REQUIRE(Outcome(crm.TryCreate(deal, &first, "deal-4711")) == "OK");
  REQUIRE(Outcome(crm.TryCreate(deal, &again, "deal-4711")) == "OK");
  CHECK(MessageDifferencer::Equals(first, again));
  CHECK(crm.Names() == Strings{first.name()});
  CHECK(crm.Moves(first.name()).size() == 1);
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED territoryAssignments/",
                             people.account.substr(people.account.find('/') + 1),
                             " CreateOpportunity "),
                absl::StrCat("CHANGE_KIND_CREATED ", first.name(), " CreateOpportunity deal-4711")});

  // The same id for another request is refused; a bad id is refused.
  sv1::Opportunity other = deal;
  other.set_display_name("Keyboards");
  CHECK(Outcome(crm.TryCreate(other, nullptr, "deal-4711")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(crm.TryCreate(deal, nullptr, "deal 4711")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(crm.TryCreate(deal, nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");
  CHECK(crm.Names() == Strings{first.name()});

  // Without an id, each create is a new opportunity.
  const sv1::Opportunity second = crm.Create(deal);
  const sv1::Opportunity third = crm.Create(deal);
  CHECK(second.name() != third.name());
  CHECK(crm.Names() == Strings{first.name(), second.name(), third.name()});
}

TEST_CASE("opportunity: a refused create names the problem and writes nothing",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  sv1::SalesStage retire;
  retire.set_name(kNegotiation);
  retire.set_retired(true);
  REQUIRE(Outcome(crm.TryUpdateStage(retire, {"retired"})) == "OK");
  const int64_t head = crm.HeadSequence();
  const std::string outsider = crm.AddPerson("Fremd", pv1::ROLE_TYPE_CONTACT_PERSON);
  const std::string customer_person = crm.AddPerson("Kunde", pv1::ROLE_TYPE_CUSTOMER);

  struct Refusal {
    const char* what;
    std::function<void(sv1::Opportunity*)> spoil;
    std::string outcome;
    std::string detail;  // the precondition, or the resource not found
  };
  const std::vector<Refusal> refusals = {
      {"a close date in the past", [](auto* o) { *o->mutable_close_date() = Yesterday(); },
       "INVALID_ARGUMENT opportunity.close_date", ""},
      {"an impossible close date",
       [](auto* o) { *o->mutable_close_date() = MakeDate(kYear, 2, 30); },
       "INVALID_ARGUMENT opportunity.close_date", ""},
      {"no expected revenue", [](auto* o) { o->clear_expected_revenue(); },
       "INVALID_ARGUMENT opportunity.expected_revenue", ""},
      {"a probability over 100", [](auto* o) { o->set_probability_percent(101); },
       "INVALID_ARGUMENT opportunity.probability_percent", ""},
      {"the owner in the team", [&](auto* o) { o->add_sales_team(people.rep); },
       "INVALID_ARGUMENT opportunity.sales_team[0]", ""},
      {"a team member twice",
       [&](auto* o) {
         o->add_sales_team(people.colleague);
         o->add_sales_team(people.colleague);
       },
       "INVALID_ARGUMENT opportunity.sales_team[1]", ""},
      {"a decider without a role",
       [&](auto* o) { AddDecider(o, people.buyer, sv1::BUYING_ROLE_UNSPECIFIED); },
       "INVALID_ARGUMENT opportunity.decision_makers[0].buying_role", ""},
      {"an account that is not a partner name", [](auto* o) { o->set_account("alvis"); },
       "INVALID_ARGUMENT opportunity.account", ""},
      {"a stage that does not exist", [](auto* o) { o->set_stage("salesStages/closing"); },
       "NOT_FOUND", "salesStages/closing"},
      {"a retired stage", [](auto* o) { o->set_stage(kNegotiation); }, "FAILED_PRECONDITION",
       "STAGE_RETIRED opportunity.stage"},
      {"an owner who is a contact person", [&](auto* o) { o->set_owner(outsider); },
       "FAILED_PRECONDITION", "NOT_EMPLOYEE opportunity.owner"},
      {"an owner who is the account", [&](auto* o) { o->set_owner(people.account); },
       "FAILED_PRECONDITION", "NOT_EMPLOYEE opportunity.owner"},
      {"a team member who is a customer",
       [&](auto* o) {
         o->add_sales_team(people.colleague);
         o->add_sales_team(customer_person);
       },
       "FAILED_PRECONDITION", "NOT_EMPLOYEE opportunity.sales_team[1]"},
      {"an unknown account", [](auto* o) { o->set_account("partners/nobody"); }, "NOT_FOUND",
       "partners/nobody"},
      {"an unknown owner", [](auto* o) { o->set_owner("partners/nobody"); }, "NOT_FOUND",
       "partners/nobody"},
      {"an unknown team member", [](auto* o) { o->add_sales_team("partners/nobody"); }, "NOT_FOUND",
       "partners/nobody"},
      {"an unknown decider",
       [](auto* o) { AddDecider(o, "partners/nobody", sv1::BUYING_ROLE_INFLUENCER); }, "NOT_FOUND",
       "partners/nobody"},
  };
  for (const Refusal& r : refusals) {
    INFO(r.what);
    sv1::Opportunity deal = Deal(people, "Monitors");
    r.spoil(&deal);
    for (const std::string request_id : {"", "retry-me"}) {
      INFO("request_id \"" << request_id << "\"");
      const grpc::Status status = crm.TryCreate(deal, nullptr, request_id);
      CHECK(Outcome(status) == r.outcome);
      if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
        CHECK(Precondition(status) == r.detail);
      } else if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
        CHECK(DetailOf<google::rpc::ResourceInfo>(status).resource_name() == r.detail);
        CHECK(absl::StrContains(status.error_message(), r.detail));
      }
    }
  }
  sv1::CreateOpportunityRequest empty;
  sv1::Opportunity ignored;
  CHECK(Outcome(crm.api().CreateOpportunity(ContextWithDeadline().get(), empty, &ignored)) ==
        "INVALID_ARGUMENT opportunity");
  CHECK(crm.Names().empty());
  CHECK(crm.HeadSequence() == head);

  // A refused request_id is not used up: the corrected request succeeds.
  sv1::Opportunity created;
  CHECK(Outcome(crm.TryCreate(Deal(people, "Monitors"), &created, "retry-me")) == "OK");
  CHECK(crm.Names() == Strings{created.name()});
}

TEST_CASE("opportunity: UpdateOpportunity moves through stages and records each move",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity created = crm.Create(Deal(people, "Monitors", kQualification, Eur(10000)));
  const int64_t head = crm.HeadSequence();

  // Into Proposal: its default probability.
  sv1::Opportunity change = created;
  change.set_stage(kProposal);
  change.set_probability_percent(99);  // not in the mask
  const sv1::Opportunity proposal = crm.Update(change, {"stage"});
  CHECK(proposal.stage() == kProposal);
  CHECK(proposal.probability_percent() == 40);
  CHECK(Text(proposal.weighted_revenue()) == "EUR 4000.00");
  CHECK(proposal.etag() != created.etag());
  CHECK(MessageDifferencer::Equals(proposal.create_time(), created.create_time()));
  CHECK(proposal.update_time().seconds() * 1'000'000'000LL + proposal.update_time().nanos() >
        created.update_time().seconds() * 1'000'000'000LL + created.update_time().nanos());

  // A new default applies to opportunities entering the stage later only.
  sv1::SalesStage stage;
  stage.set_name(kNegotiation);
  stage.set_default_probability_percent(75);
  REQUIRE(Outcome(crm.TryUpdateStage(stage, {"default_probability_percent"})) == "OK");
  stage.set_name(kProposal);
  stage.set_default_probability_percent(45);
  REQUIRE(Outcome(crm.TryUpdateStage(stage, {"default_probability_percent"})) == "OK");
  CHECK(crm.Get(created.name()).probability_percent() == 40);

  // Into Negotiation with a probability of its own, in the same mask.
  change = proposal;
  change.set_stage(kNegotiation);
  change.set_probability_percent(70);
  const sv1::Opportunity negotiation = crm.Update(change, {"stage", "probability_percent"});
  CHECK(negotiation.probability_percent() == 70);
  CHECK(Text(negotiation.weighted_revenue()) == "EUR 7000.00");

  // Neither the stage nor the probability: no move, weighted revenue follows.
  change = negotiation;
  change.set_stage(kQualification);  // not in the mask
  *change.mutable_expected_revenue() = Eur(20000, 10'000'000);
  const sv1::Opportunity bigger = crm.Update(change, {"expected_revenue"});
  CHECK(bigger.stage() == kNegotiation);
  CHECK(bigger.probability_percent() == 70);
  CHECK(Text(bigger.weighted_revenue()) == "EUR 14000.01");  // 14000.007

  // The stage named again unchanged: no move, the probability stays.
  const sv1::Opportunity same_stage = crm.Update(bigger, {"stage"});
  CHECK(same_stage.probability_percent() == 70);

  // Back to Qualification: its default, 10.
  change = same_stage;
  change.set_stage(kQualification);
  const sv1::Opportunity back = crm.Update(change, {"stage"});
  CHECK(back.probability_percent() == 10);

  const Strings moves = {
      absl::StrCat(" -> ", kQualification, " 10% OPPORTUNITY_STATE_OPEN"),
      absl::StrCat(kQualification, " -> ", kProposal, " 40% OPPORTUNITY_STATE_OPEN"),
      absl::StrCat(kProposal, " -> ", kNegotiation, " 70% OPPORTUNITY_STATE_OPEN"),
      absl::StrCat(kNegotiation, " -> ", kQualification, " 10% OPPORTUNITY_STATE_OPEN")};
  CHECK(crm.Moves(created.name()) == moves);
  int pages = 0;
  CHECK(crm.Moves(created.name(), 1, &pages) == moves);
  CHECK(pages == 4);
  CHECK(crm.Moves(created.name(), 3, &pages) == moves);
  CHECK(pages == 2);
  const std::vector<sv1::StageChange> history = crm.History(created.name());
  REQUIRE(history.size() == 4);
  CHECK(Text(history[2].expected_revenue()) == "EUR 10000.00");
  CHECK(Text(history[3].expected_revenue()) == "EUR 20000.01");
  CHECK(MessageDifferencer::Equals(history[1].change_time(), proposal.update_time()));
  CHECK(history[3].changed_by() == "anonymous");

  const std::string name = created.name();
  const std::string updated = absl::StrCat("CHANGE_KIND_UPDATED ", name, " UpdateOpportunity ");
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{updated, "CHANGE_KIND_UPDATED salesStages/negotiation UpdateSalesStage ",
                "CHANGE_KIND_UPDATED salesStages/proposal UpdateSalesStage ", updated, updated,
                updated, updated});

  // The team and the deciders change like any field; partners named anew
  // are checked.
  change = back;
  change.add_sales_team(people.colleague);
  AddDecider(&change, people.buyer, sv1::BUYING_ROLE_BUDGET_HOLDER);
  const sv1::Opportunity staffed = crm.Update(change, {"sales_team", "decision_makers"});
  CHECK(staffed.sales_team_size() == 1);
  CHECK(staffed.decision_makers(0).buying_role() == sv1::BUYING_ROLE_BUDGET_HOLDER);
  change = staffed;
  change.add_sales_team(crm.AddPerson("Fremd", pv1::ROLE_TYPE_CONTACT_PERSON));
  const grpc::Status not_employee = crm.TryUpdate(change, {"sales_team"});
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE opportunity.sales_team[1]");
  change.set_sales_team(1, "partners/nobody");
  CHECK(Outcome(crm.TryUpdate(change, {"sales_team"})) == "NOT_FOUND");
  change.set_sales_team(1, people.rep);  // the owner
  CHECK(Outcome(crm.TryUpdate(change, {"sales_team"})) ==
        "INVALID_ARGUMENT opportunity.sales_team[1]");
  change.set_sales_team(1, people.engineer);
  CHECK(crm.Update(change, {"sales_team"}).sales_team_size() == 2);
  // The owner hands over to a colleague in the team; the rep joins it.
  change = crm.Get(name);
  change.set_owner(people.colleague);
  change.set_sales_team(0, people.rep);
  const sv1::Opportunity handed_over = crm.Update(change, {"owner", "sales_team"});
  CHECK(handed_over.owner() == people.colleague);
  CHECK(crm.Names(absl::StrCat("owner = \"", people.colleague, "\"")) == Strings{name});
}

TEST_CASE("opportunity: a refused update names the problem and changes nothing",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity deal = crm.Create(Deal(people, "Monitors", kQualification, Eur(10000)));
  const int64_t head = crm.HeadSequence();

  sv1::Opportunity change = deal;
  change.set_account(people.rival);
  CHECK(Outcome(crm.TryUpdate(change, {"account"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(crm.TryUpdate(change, {"display_name", "account"})) ==
        "INVALID_ARGUMENT update_mask");
  for (const std::string path :
       {"state", "close_reason", "lost_to", "close_time", "weighted_revenue", "name", "create_time",
        "update_time", "etag", "colour", "expected_revenue.colour", "*,stage"}) {
    INFO(path);
    CHECK(Outcome(crm.TryUpdate(deal, Strings(absl::StrSplit(path, ',')))) ==
          "INVALID_ARGUMENT update_mask");
  }
  CHECK(Outcome(crm.TryUpdate(deal, {})) == "INVALID_ARGUMENT update_mask");

  // Stale etag: ABORTED, and nothing changed.
  change = deal;
  change.set_display_name("Monitors, revised");
  const sv1::Opportunity renamed = crm.Update(change, {"display_name"});
  change = deal;  // the old etag
  change.set_stage(kProposal);
  const grpc::Status stale = crm.TryUpdate(change, {"stage"});
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(ErrorReason(stale) == "STALE_ETAG");
  CHECK(MessageDifferencer::Equals(crm.Get(deal.name()), renamed));
  CHECK(crm.Moves(deal.name()).size() == 1);

  // A new close date in the past; bad values; unknown or malformed names.
  change = renamed;
  *change.mutable_close_date() = Yesterday();
  CHECK(Outcome(crm.TryUpdate(change, {"close_date"})) ==
        "INVALID_ARGUMENT opportunity.close_date");
  CHECK(Outcome(crm.TryUpdate(change, {"*"})) == "INVALID_ARGUMENT opportunity.close_date");
  change = renamed;
  change.set_probability_percent(101);
  CHECK(Outcome(crm.TryUpdate(change, {"probability_percent"})) ==
        "INVALID_ARGUMENT opportunity.probability_percent");
  change = renamed;
  change.clear_display_name();
  CHECK(Outcome(crm.TryUpdate(change, {"display_name"})) ==
        "INVALID_ARGUMENT opportunity.display_name");
  change = renamed;
  change.set_stage("salesStages/closing");
  const grpc::Status unknown_stage = crm.TryUpdate(change, {"stage"});
  CHECK(Outcome(unknown_stage) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_stage).resource_name() ==
        "salesStages/closing");
  change.set_stage("closing");
  CHECK(Outcome(crm.TryUpdate(change, {"stage"})) == "INVALID_ARGUMENT opportunity.stage");
  change = renamed;
  change.set_owner(crm.AddPerson("Fremd", pv1::ROLE_TYPE_CONTACT_PERSON));
  const grpc::Status not_employee = crm.TryUpdate(change, {"owner"});
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE opportunity.owner");
  change = renamed;
  change.set_name("opportunities/nothing-here");
  CHECK(Outcome(crm.TryUpdate(change, {"display_name"})) == "NOT_FOUND");
  change.set_name("deals/1");
  CHECK(Outcome(crm.TryUpdate(change, {"display_name"})) == "INVALID_ARGUMENT opportunity.name");
  sv1::UpdateOpportunityRequest without;
  *without.mutable_update_mask() = Mask({"display_name"});
  sv1::Opportunity ignored;
  CHECK(Outcome(crm.api().UpdateOpportunity(ContextWithDeadline().get(), without, &ignored)) ==
        "INVALID_ARGUMENT opportunity");

  CHECK(MessageDifferencer::Equals(crm.Get(deal.name()), renamed));
  CHECK(crm.Moves(deal.name()).size() == 1);
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", deal.name(), " UpdateOpportunity ")});
}

TEST_CASE("opportunity: a close date that has passed since may stay on other updates",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity deal = crm.Create(Deal(people, "Monitors"));
  const Date passed = Yesterday();
  crm.BackDateCloseDate(deal.name(), passed);
  sv1::Opportunity current = crm.Get(deal.name());
  REQUIRE(MessageDifferencer::Equals(current.close_date(), passed));

  sv1::Opportunity change = current;
  *change.mutable_expected_revenue() = Eur(15000);
  const sv1::Opportunity richer = crm.Update(change, {"expected_revenue"});
  CHECK(MessageDifferencer::Equals(richer.close_date(), passed));
  change = richer;
  change.set_stage(kProposal);
  CHECK(crm.Update(change, {"stage"}).probability_percent() == 40);

  // Setting it, though, it must not be in the past.
  change = crm.Get(deal.name());
  *change.mutable_close_date() = MakeDate(passed.year() - 1, passed.month(), 1);
  CHECK(Outcome(crm.TryUpdate(change, {"close_date"})) ==
        "INVALID_ARGUMENT opportunity.close_date");
  *change.mutable_close_date() = Next(6, 30);
  CHECK(MessageDifferencer::Equals(crm.Update(change, {"close_date"}).close_date(), Next(6, 30)));

  // "*" resending a passed date unchanged is not setting it.
  crm.BackDateCloseDate(deal.name(), passed);
  change = crm.Get(deal.name());
  change.set_display_name("Monitors, all branches");
  CHECK(crm.Update(change, {"*"}).display_name() == "Monitors, all branches");
}

TEST_CASE("opportunity: WinOpportunity and LoseOpportunity close an opportunity",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity won_deal =
      crm.Create(Deal(people, "Monitors", kNegotiation, Eur(24000, 500'000'000)));
  const sv1::Opportunity lost_deal = crm.Create(Deal(people, "Docks", kProposal, Eur(5000)));
  const sv1::Opportunity lost_by_name =
      crm.Create(Deal(people, "Cables", kQualification, Eur(300)));
  const int64_t head = crm.HeadSequence();

  // Refused, changing nothing: no reason, a reason too long, a stale etag,
  // bad and unknown names.
  for (const std::string& reason : {std::string(), std::string(1001, 'r')}) {
    CHECK(Outcome(crm.TryWin(won_deal.name(), reason)) == "INVALID_ARGUMENT reason");
    CHECK(Outcome(crm.TryLose(won_deal.name(), reason)) == "INVALID_ARGUMENT reason");
  }
  CHECK(Outcome(crm.TryLose(won_deal.name(), "Price", std::string(201, 'x'))) ==
        "INVALID_ARGUMENT lost_to");
  const grpc::Status stale = crm.TryWin(won_deal.name(), "Best offer", "\"7\"");
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(ErrorReason(stale) == "STALE_ETAG");
  CHECK(Outcome(crm.TryLose(won_deal.name(), "Price", "", "\"7\"")) == "ABORTED");
  CHECK(Outcome(crm.TryWin("opportunities/nothing-here", "Best offer")) == "NOT_FOUND");
  CHECK(Outcome(crm.TryWin("deals/1", "Best offer")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryLose("", "")) == "INVALID_ARGUMENT name, reason");
  CHECK(MessageDifferencer::Equals(crm.Get(won_deal.name()), won_deal));
  CHECK(crm.HeadSequence() == head);

  // Won, with the current etag.
  sv1::Opportunity won;
  REQUIRE(Outcome(crm.TryWin(won_deal.name(), "Best service offer", won_deal.etag(), &won)) ==
          "OK");
  CHECK(won.state() == sv1::OPPORTUNITY_STATE_WON);
  CHECK(won.probability_percent() == 100);
  CHECK(Text(won.weighted_revenue()) == "EUR 24000.50");
  CHECK(won.close_reason() == "Best service offer");
  CHECK(won.lost_to().empty());
  CHECK(won.has_close_time());
  CHECK(won.close_time().seconds() >= won_deal.create_time().seconds());
  CHECK(MessageDifferencer::Equals(won.update_time(), won.close_time()));
  CHECK(won.stage() == kNegotiation);
  CHECK(won.etag() != won_deal.etag());
  CHECK(MessageDifferencer::Equals(crm.Get(won_deal.name()), won));
  const std::vector<sv1::StageChange> won_history = crm.History(won_deal.name());
  REQUIRE(won_history.size() == 2);
  CHECK(Move(won_history[1]) ==
        absl::StrCat(kNegotiation, " -> ", kNegotiation, " 100% OPPORTUNITY_STATE_WON"));
  CHECK(MessageDifferencer::Equals(won_history[1].change_time(), won.close_time()));
  CHECK(Text(won_history[1].expected_revenue()) == "EUR 24000.50");

  // Lost to a competitor known to partners, and to one known by name.
  sv1::Opportunity lost;
  REQUIRE(Outcome(crm.TryLose(lost_deal.name(), "Price", people.rival, "", &lost)) == "OK");
  CHECK(lost.state() == sv1::OPPORTUNITY_STATE_LOST);
  CHECK(lost.probability_percent() == 0);
  CHECK(Text(lost.weighted_revenue()) == "EUR 0.00");
  CHECK(lost.close_reason() == "Price");
  CHECK(lost.lost_to() == people.rival);
  CHECK(lost.has_close_time());
  CHECK(crm.Moves(lost_deal.name()).back() ==
        absl::StrCat(kProposal, " -> ", kProposal, " 0% OPPORTUNITY_STATE_LOST"));
  REQUIRE(Outcome(crm.TryLose(lost_by_name.name(), "No budget", "Cable Kings", "", &lost)) == "OK");
  CHECK(lost.lost_to() == "Cable Kings");
  REQUIRE(Outcome(crm.TryGet(lost_by_name.name(), &lost)) == "OK");
  CHECK(lost.state() == sv1::OPPORTUNITY_STATE_LOST);
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", won_deal.name(), " WinOpportunity "),
                absl::StrCat("CHANGE_KIND_UPDATED ", lost_deal.name(), " LoseOpportunity "),
                absl::StrCat("CHANGE_KIND_UPDATED ", lost_by_name.name(), " LoseOpportunity ")});
  const int64_t closed_head = crm.HeadSequence();

  // Closed is final: closing again, or updating, is FAILED_PRECONDITION.
  for (const std::string& name : {won_deal.name(), lost_deal.name()}) {
    INFO(name);
    const Strings expected = {"FAILED_PRECONDITION", absl::StrCat("CLOSED ", name)};
    const grpc::Status win_again = crm.TryWin(name, "Again");
    CHECK(Strings{Outcome(win_again), Precondition(win_again)} == expected);
    const grpc::Status lose_again = crm.TryLose(name, "Again");
    CHECK(Strings{Outcome(lose_again), Precondition(lose_again)} == expected);
    sv1::Opportunity change = crm.Get(name);
    change.set_display_name("Reopened");
    const grpc::Status update = crm.TryUpdate(change, {"display_name"});
    CHECK(Strings{Outcome(update), Precondition(update)} == expected);
    change.set_stage(kQualification);
    change.set_probability_percent(50);
    const grpc::Status move = crm.TryUpdate(change, {"stage", "probability_percent"});
    CHECK(Strings{Outcome(move), Precondition(move)} == expected);
  }
  CHECK(MessageDifferencer::Equals(crm.Get(won_deal.name()), won));
  CHECK(crm.Moves(won_deal.name()).size() == 2);
  CHECK(crm.HeadSequence() == closed_head);
}

TEST_CASE("opportunity: ListOpportunities filters, orders and pages", "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  auto add = [&](const std::string& display_name, const std::string& owner,
                 const std::string& stage, const Date& close_date) {
    sv1::Opportunity deal = Deal(people, display_name, stage, Eur(1000), close_date, owner);
    if (display_name == "Alpha monitors") deal.set_source_campaign("campaigns/spring-fair");
    return crm.Create(deal).name();
  };
  const std::string alpha = add("Alpha monitors", people.rep, kQualification, Next(3, 31));
  const std::string bravo = add("Bravo keyboards", people.colleague, kProposal, Next(2, 15));
  const std::string charlie = add("Charlie docks", people.rep, kNegotiation, Next(6, 30));
  const std::string delta = add("Delta screens", people.colleague, kQualification, Next(4, 1));
  const std::string echo = add("Echo cables", people.rep, kProposal, Next(1, 10));
  REQUIRE(Outcome(crm.TryWin(echo, "Quick decision")) == "OK");
  const std::string rep = absl::StrCat("owner = \"", people.rep, "\"");
  const std::string q1 = absl::StrCat("close_date <= \"", NextIso(3, 31), "\"");

  const Strings everything = {alpha, bravo, charlie, delta, echo};
  CHECK(crm.Names() == everything);  // by create_time
  CHECK(crm.Names(rep) == Strings{alpha, charlie, echo});
  CHECK(crm.Names("state = OPEN") == Strings{alpha, bravo, charlie, delta});
  CHECK(crm.Names("state = OPPORTUNITY_STATE_WON") == Strings{echo});
  CHECK(crm.Names("state = LOST").empty());
  CHECK(crm.Names("state != OPEN") == Strings{echo});
  CHECK(crm.Names(absl::StrCat("stage = \"", kProposal, "\"")) == Strings{bravo, echo});
  CHECK(crm.Names(q1) == Strings{alpha, bravo, echo});
  CHECK(crm.Names(absl::StrCat("close_date < \"", NextIso(3, 31), "\"")) == Strings{bravo, echo});
  CHECK(crm.Names(absl::StrCat(rep, " AND state = OPEN AND ", q1)) == Strings{alpha});
  CHECK(crm.Names(absl::StrCat("account = \"", people.account, "\"")) == everything);
  CHECK(crm.Names("account = \"partners/nobody\"").empty());
  CHECK(crm.Names("source_campaign = \"campaigns/spring-fair\"") == Strings{alpha});
  CHECK(crm.Names("display_name = \"Charlie*\"") == Strings{charlie});

  // Ordered.
  const Strings by_close_date = {echo, bravo, alpha, delta, charlie};
  CHECK(crm.Names("", "close_date") == by_close_date);
  CHECK(crm.Names("", "close_date desc") == Strings(by_close_date.rbegin(), by_close_date.rend()));
  CHECK(crm.Names("", "display_name desc") == Strings{echo, delta, charlie, bravo, alpha});
  CHECK(crm.Names("state = OPEN", "close_date") == Strings{bravo, alpha, delta, charlie});
  CHECK(crm.Names("", "create_time desc") == Strings{echo, delta, charlie, bravo, alpha});

  // Paged, without repeats or gaps.
  int pages = 0;
  CHECK(crm.Names("", "", 2, &pages) == everything);
  CHECK(pages == 3);
  CHECK(crm.Names("", "close_date", 2, &pages) == by_close_date);
  CHECK(pages == 3);
  CHECK(crm.Names("state = OPEN", "close_date desc", 1, &pages) ==
        Strings{charlie, delta, alpha, bravo});
  CHECK(pages == 4);
  CHECK(crm.Names(rep, "close_date", 3, &pages) == Strings{echo, alpha, charlie});
  CHECK(pages == 1);

  // Bad filters, orders, sizes and tokens.
  sv1::ListOpportunitiesResponse response;
  for (const std::string filter :
       {"colour = \"red\"", "state = RED", "close_date <= \"31.03.2027\"",
        "owner =", "weighted_revenue > 100", "state = OPEN AND", "(state = OPEN"}) {
    INFO(filter);
    sv1::ListOpportunitiesRequest request;
    request.set_filter(filter);
    CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT filter");
  }
  for (const std::string order_by : {"weighted_revenue", "close_date sideways", "owner"}) {
    INFO(order_by);
    sv1::ListOpportunitiesRequest request;
    request.set_order_by(order_by);
    CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT order_by");
  }
  sv1::ListOpportunitiesRequest request;
  request.set_page_size(-1);
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_size");
  request.set_page_size(2);
  request.set_filter("state = OPEN");
  REQUIRE(Outcome(crm.TryList(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_filter("state = WON");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_filter("state = OPEN");
  request.set_order_by("close_date");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_order_by("");
  request.set_page_token("garbage");
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("opportunity: reads of unknown or malformed names", "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const sv1::Opportunity deal = crm.Create(Deal(people, "Monitors"));

  sv1::Opportunity got;
  const grpc::Status unknown = crm.TryGet("opportunities/nothing-here", &got);
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() ==
        "opportunities/nothing-here");
  CHECK(Outcome(crm.TryGet("", &got)) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryGet("deals/1", &got)) == "INVALID_ARGUMENT name");

  sv1::ListStageChangesRequest request;
  sv1::ListStageChangesResponse response;
  request.set_parent("opportunities/nothing-here");
  const grpc::Status no_history = crm.TryHistory(request, &response);
  CHECK(Outcome(no_history) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(no_history).resource_name() ==
        "opportunities/nothing-here");
  for (const std::string parent : {"", "opportunity/1", "salesStages/proposal", "opportunities/"}) {
    INFO("parent \"" << parent << "\"");
    request.set_parent(parent);
    CHECK(Outcome(crm.TryHistory(request, &response)) == "INVALID_ARGUMENT parent");
  }
  request.set_parent(deal.name());
  request.set_page_size(-1);
  CHECK(Outcome(crm.TryHistory(request, &response)) == "INVALID_ARGUMENT page_size");
  request.set_page_size(0);
  request.set_page_token("garbage");
  CHECK(Outcome(crm.TryHistory(request, &response)) == "INVALID_ARGUMENT page_token");

  // A token belongs to its opportunity.
  sv1::Opportunity moved = deal;
  moved.set_stage(kProposal);
  crm.Update(moved, {"stage"});
  const sv1::Opportunity other = crm.Create(Deal(people, "Docks"));
  request.set_page_token("");
  request.set_page_size(1);
  REQUIRE(Outcome(crm.TryHistory(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_parent(other.name());
  CHECK(Outcome(crm.TryHistory(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("opportunity: with partners down, only what needs partners is UNAVAILABLE",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  sv1::Opportunity staffed = Deal(people, "Monitors", kQualification, Eur(10000));
  staffed.add_sales_team(people.colleague);
  AddDecider(&staffed, people.buyer, sv1::BUYING_ROLE_DECISION_MAKER);
  sv1::Opportunity deal;
  REQUIRE(Outcome(crm.TryCreate(staffed, &deal, "deal-1")) == "OK");
  const sv1::Opportunity to_win = crm.Create(Deal(people, "Docks"));

  crm.StopPartners();
  const int64_t head = crm.HeadSequence();

  // Creates need partners: UNAVAILABLE before the client gives up, nothing
  // written, with or without a request_id.
  constexpr int kDeadlineSeconds = 2;
  for (const std::string request_id : {"", "deal-2"}) {
    INFO("request_id \"" << request_id << "\"");
    grpc::Status down;
    const double seconds = SecondsOf([&] {
      down = crm.TryCreate(Deal(people, "Keyboards"), nullptr, request_id, kDeadlineSeconds);
    });
    CHECK(Outcome(down) == "UNAVAILABLE");
    CHECK(absl::StrContains(down.error_message(), "partners"));
    CHECK(seconds < kDeadlineSeconds);
  }
  CHECK(crm.Names() == Strings{deal.name(), to_win.name()});
  CHECK(crm.HeadSequence() == head);

  // A bad request is refused for what it is, without waiting for partners.
  sv1::Opportunity past = Deal(people, "Keyboards");
  *past.mutable_close_date() = Yesterday();
  grpc::Status invalid;
  CHECK(SecondsOf([&] { invalid = crm.TryCreate(past, nullptr, "", kDeadlineSeconds); }) < 1);
  CHECK(Outcome(invalid) == "INVALID_ARGUMENT opportunity.close_date");

  // A retry of a create already answered needs no partners.
  sv1::Opportunity again;
  CHECK(Outcome(crm.TryCreate(staffed, &again, "deal-1", kDeadlineSeconds)) == "OK");
  CHECK(MessageDifferencer::Equals(again, deal));

  // Reads need no partners.
  CHECK(MessageDifferencer::Equals(crm.Get(deal.name()), deal));
  CHECK(crm.Names("state = OPEN") == Strings{deal.name(), to_win.name()});
  CHECK(crm.Moves(deal.name()).size() == 1);

  // Updates naming no new partner work: revenue, stage, a smaller team,
  // the owner swapped with the team member.
  sv1::Opportunity change = deal;
  *change.mutable_expected_revenue() = Eur(12000);
  sv1::Opportunity updated;
  REQUIRE(Outcome(crm.TryUpdate(change, {"expected_revenue"}, &updated, kDeadlineSeconds)) == "OK");
  CHECK(Text(updated.weighted_revenue()) == "EUR 1200.00");
  change = updated;
  change.set_stage(kProposal);
  REQUIRE(Outcome(crm.TryUpdate(change, {"stage"}, &updated, kDeadlineSeconds)) == "OK");
  CHECK(updated.probability_percent() == 40);
  change = updated;
  change.set_owner(people.colleague);
  change.set_sales_team(0, people.rep);
  REQUIRE(Outcome(crm.TryUpdate(change, {"owner", "sales_team"}, &updated, kDeadlineSeconds)) ==
          "OK");
  CHECK(updated.owner() == people.colleague);
  const int64_t before_refusal = crm.HeadSequence();

  // One that names a new partner is UNAVAILABLE and changes nothing.
  change = updated;
  change.add_sales_team(people.engineer);
  grpc::Status down;
  const double seconds =
      SecondsOf([&] { down = crm.TryUpdate(change, {"sales_team"}, nullptr, kDeadlineSeconds); });
  CHECK(Outcome(down) == "UNAVAILABLE");
  CHECK(seconds < kDeadlineSeconds);
  CHECK(MessageDifferencer::Equals(crm.Get(deal.name()), updated));
  CHECK(crm.HeadSequence() == before_refusal);

  // Dropping the team needs no partners either.
  change = updated;
  change.clear_sales_team();
  REQUIRE(Outcome(crm.TryUpdate(change, {"sales_team"}, &updated, kDeadlineSeconds)) == "OK");
  CHECK(updated.sales_team().empty());

  // Closing needs no partners; nor do the stages.
  sv1::Opportunity won;
  REQUIRE(Outcome(crm.TryWin(to_win.name(), "Signed", "", &won)) == "OK");
  CHECK(won.state() == sv1::OPPORTUNITY_STATE_WON);
  REQUIRE(Outcome(crm.TryLose(deal.name(), "No budget", "Screens & More")) == "OK");
  crm.CreateStage("closing", "Closing", 40, 90);
  CHECK(crm.Stages().size() == 4);
}

TEST_CASE("opportunity: every write of an opportunity is on the change feed",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  crm.Create(Deal(people, "Warm-up"));  // assigns the account: its entry comes before
  const int64_t head = crm.HeadSequence();

  sv1::Opportunity created;
  REQUIRE(Outcome(crm.TryCreate(Deal(people, "Monitors"), &created, "feed-1")) == "OK");
  sv1::Opportunity change = created;
  change.set_stage(kNegotiation);
  const sv1::Opportunity moved = crm.Update(change, {"stage"});
  CHECK(Outcome(crm.TryUpdate(created, {"display_name"})) == "ABORTED");  // not on the feed
  sv1::Opportunity won;
  REQUIRE(Outcome(crm.TryWin(created.name(), "Signed", moved.etag(), &won)) == "OK");

  const fv1::ListChangesResponse feed = crm.ChangesAfter(head);
  REQUIRE(feed.changes_size() == 3);
  const std::vector<std::pair<fv1::ChangeKind, std::string>> expected = {
      {fv1::CHANGE_KIND_CREATED, "CreateOpportunity"},
      {fv1::CHANGE_KIND_UPDATED, "UpdateOpportunity"},
      {fv1::CHANGE_KIND_UPDATED, "WinOpportunity"}};
  const std::vector<const sv1::Opportunity*> states = {&created, &moved, &won};
  for (int i = 0; i < 3; ++i) {
    INFO("change " << i);
    const fv1::Change& entry = feed.changes(i);
    CHECK(entry.sequence() == head + i + 1);
    CHECK(entry.resource_name() == created.name());
    CHECK(entry.kind() == expected[i].first);
    CHECK(entry.method() == expected[i].second);
    CHECK(entry.request_id() == (i == 0 ? "feed-1" : ""));
    sv1::Opportunity carried;
    REQUIRE(entry.resource().UnpackTo(&carried));
    CHECK(MessageDifferencer::Equals(carried, *states[i]));
  }
}

TEST_CASE("opportunity: an owner or team member already named elsewhere is still an employee",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  sv1::Opportunity deal = Deal(people, "Monitors");
  AddDecider(&deal, people.buyer, sv1::BUYING_ROLE_DECISION_MAKER);
  deal.add_competitors()->set_partner(people.rival);
  const sv1::Opportunity created = crm.Create(deal);

  const int64_t head = crm.HeadSequence();

  // The contact person, the account or the competitor may not own the
  // opportunity or join its team just because the opportunity names them
  // already.
  struct Case {
    const char* what;
    std::string owner;
    std::string team_member;
    std::string precondition;
  };
  const std::vector<Case> cases = {
      {"the decider as owner", people.buyer, "", "NOT_EMPLOYEE opportunity.owner"},
      {"the account as owner", people.account, "", "NOT_EMPLOYEE opportunity.owner"},
      {"the decider in the team", people.rep, people.buyer,
       "NOT_EMPLOYEE opportunity.sales_team[0]"},
      {"the account in the team", people.rep, people.account,
       "NOT_EMPLOYEE opportunity.sales_team[0]"},
      {"the competitor in the team", people.rep, people.rival,
       "NOT_EMPLOYEE opportunity.sales_team[0]"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    sv1::Opportunity change = created;
    change.clear_etag();
    change.set_owner(c.owner);
    if (!c.team_member.empty()) change.add_sales_team(c.team_member);
    const grpc::Status status = crm.TryUpdate(change, {"owner", "sales_team"});
    CHECK(Outcome(status) == "FAILED_PRECONDITION");
    CHECK(Precondition(status) == c.precondition);
  }
  CHECK(MessageDifferencer::Equals(crm.Get(created.name()), created));
  CHECK(crm.HeadSequence() == head);
}

TEST_CASE("opportunity: merged partners are stored under their survivors; competitors are competitors",
          "[sales][opportunity]") {
  Pipeline crm;
  const People people = crm.AddPeople();
  crm.AddStages();
  const std::string duplicate = crm.AddPartner(pv1::PARTNER_CATEGORY_ORGANIZATION,
                                               "Alvis Retail", pv1::ROLE_TYPE_CUSTOMER);
  const std::string rep_twin = crm.AddPerson("Reppe-Zwilling", pv1::ROLE_TYPE_EMPLOYEE);
  crm.Merge(people.account, duplicate);
  crm.Merge(people.rep, rep_twin);

  sv1::Opportunity deal = Deal(people, "Monitors", kQualification, Eur(10000), Next(3, 31),
                               rep_twin);
  deal.set_account(duplicate);
  const sv1::Opportunity created = crm.Create(deal);
  CHECK(created.account() == people.account);
  CHECK(created.owner() == people.rep);

  // A competitor named by partner must be in the competitor role.
  sv1::Opportunity change = created;
  sv1::Competitor* competitor = change.add_competitors();
  competitor->set_partner(people.colleague);
  const grpc::Status refused = crm.TryUpdate(change, {"competitors"});
  CHECK(Outcome(refused) == "FAILED_PRECONDITION");
  CHECK(Precondition(refused) == "NOT_COMPETITOR opportunity.competitors[0].partner");
  competitor->set_partner(people.rival);
  CHECK(crm.Update(change, {"competitors"}).competitors(0).partner() == people.rival);
}
