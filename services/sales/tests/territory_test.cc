// Sales territories (TerritoryService) over a real gRPC channel, a real
// SQLite file and a real partners service: CreateTerritory (ids, parents,
// fields named, sales reps as employees, merged reps, partners down),
// UpdateTerritory (rules, parents, cycles, etags, partial updates of
// sales_reps), ListTerritories by parent and paged, DeleteTerritory
// (HAS_CHILDREN, IN_USE), AssignAccount (deepest match by address and
// company size, no match, unknown, merged accounts, partners down),
// ReassignAccounts with partners stopped (accounts and open opportunities,
// closed ones untouched), opportunities in product-group territories and
// listed by territory, and the change feed of each.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "crm/sales/v1/territory_service.grpc.pb.h"
#include "services/sales/tests/sales_beside_partners.h"

namespace {

namespace sv1 = crm::sales::v1;
namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::Mask;
using crm::testing::Outcome;
using crm::testing::Precondition;
using google::protobuf::util::MessageDifferencer;
using Strings = std::vector<std::string>;

constexpr char kEurope[] = "territories/europe";
constexpr char kDach[] = "territories/dach";
constexpr char kBavaria[] = "territories/bavaria";
constexpr char kEnterprise[] = "territories/enterprise-dach";
constexpr char kNotebooks[] = "territories/notebooks-dach";

struct Place {
  std::string country, region, postal_code, city;
};
const Place kMunich{"DE", "Bayern", "80331", "München"};
const Place kNuremberg{"DE", "Bayern", "90402", "Nürnberg"};
const Place kBerlin{"DE", "Berlin", "10115", "Berlin"};
const Place kVienna{"AT", "Wien", "1010", "Wien"};
const Place kNewYork{"US", "NY", "10001", "New York"};

sv1::TerritoryRule Countries(const Strings& codes) {
  sv1::TerritoryRule rule;
  for (const std::string& code : codes) rule.add_country_codes(code);
  return rule;
}
sv1::TerritoryRule Postal(const std::string& first, const std::string& last) {
  sv1::TerritoryRule rule = Countries({"DE"});
  sv1::PostalCodeRange* range = rule.add_postal_code_ranges();
  range->set_first(first);
  range->set_last(last);
  return rule;
}
sv1::TerritoryRule MinEmployees(int min) {
  sv1::TerritoryRule rule;
  rule.set_min_employee_count(min);
  return rule;
}
sv1::TerritoryRule Groups(const Strings& groups) {
  sv1::TerritoryRule rule;
  for (const std::string& group : groups) rule.add_product_groups(group);
  return rule;
}

sv1::Territory Draft(const std::string& display_name, const std::string& parent = "",
                     const std::vector<sv1::TerritoryRule>& rules = {}, int priority = 0,
                     const Strings& reps = {}) {
  sv1::Territory t;
  t.set_display_name(display_name);
  t.set_parent(parent);
  for (const sv1::TerritoryRule& rule : rules) *t.add_rules() = rule;
  t.set_priority(priority);
  for (const std::string& rep : reps) t.add_sales_reps(rep);
  return t;
}

Strings Sorted(Strings names) {
  std::sort(names.begin(), names.end());
  return names;
}

Strings Reps(const sv1::Territory& t) { return {t.sales_reps().begin(), t.sales_reps().end()}; }

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

std::string Text(const sv1::AccountFacts& f) {
  return absl::StrCat(f.country_code(), " ", f.region(), " ", f.postal_code(), " ",
                      f.industry_code(), " ", f.employee_count());
}

// The resource a feed entry carries.
template <typename Resource>
Resource Carried(const fv1::Change& change) {
  Resource resource;
  REQUIRE(change.resource().UnpackTo(&resource));
  return resource;
}

// REQUIREs an OK status, with the server's message when not.
void RequireOk(const grpc::Status& status) {
  INFO(status.error_message());
  REQUIRE(Outcome(status) == "OK");
}

// Sales with partners beside it, one fresh database each.
class Territories : public crm::sales::testing::SalesBesidePartners {
 public:
  Territories()
      : stub_(sv1::TerritoryService::NewStub(sales_->channel())),
        deals_(sv1::OpportunityService::NewStub(sales_->channel())) {}

  sv1::TerritoryService::Stub& api() { return *stub_; }

  // ---- partners

  std::string AddPartner(pv1::PartnerCategory category, const std::string& name, pv1::RoleType role,
                         const Place* place = nullptr, int employees = 0,
                         const std::string& industry = "") {
    pv1::CreatePartnerRequest request;
    pv1::Partner* partner = request.mutable_partner();
    partner->set_category(category);
    if (category == pv1::PARTNER_CATEGORY_PERSON) {
      partner->mutable_person()->set_family_name(name);
    } else {
      partner->mutable_organization()->set_legal_name(name);
      partner->mutable_organization()->set_employee_count(employees);
      partner->mutable_organization()->set_industry_code(industry);
    }
    partner->add_roles()->set_type(role);
    if (place != nullptr) {
      pv1::Address* address = partner->add_addresses();
      address->set_type(pv1::ADDRESS_TYPE_BUSINESS);
      address->set_country_code(place->country);
      address->set_region(place->region);
      address->set_postal_code(place->postal_code);
      address->set_city(place->city);
      address->set_is_default(category == pv1::PARTNER_CATEGORY_ORGANIZATION);
    }
    pv1::Partner created;
    RequireOk(partner_stub_->CreatePartner(ContextWithDeadline().get(), request, &created));
    return created.name();
  }
  std::string AddCompany(const std::string& legal_name, const Place& place, int employees = 0,
                         const std::string& industry = "") {
    return AddPartner(pv1::PARTNER_CATEGORY_ORGANIZATION, legal_name, pv1::ROLE_TYPE_CUSTOMER,
                      &place, employees, industry);
  }
  std::string AddEmployee(const std::string& family_name) {
    return AddPartner(pv1::PARTNER_CATEGORY_PERSON, family_name, pv1::ROLE_TYPE_EMPLOYEE);
  }
  void Merge(const std::string& survivor, const std::string& merged) {
    pv1::MergePartnersRequest request;
    request.set_survivor(survivor);
    request.add_merged_partners(merged);
    pv1::MergePartnersResponse response;
    RequireOk(partner_stub_->MergePartners(ContextWithDeadline().get(), request, &response));
  }

  // ---- territories

  grpc::Status TryCreate(const std::string& id, const sv1::Territory& territory,
                         sv1::Territory* out = nullptr, int deadline_seconds = 10) {
    sv1::CreateTerritoryRequest request;
    request.set_territory_id(id);
    *request.mutable_territory() = territory;
    sv1::Territory ignored;
    return stub_->CreateTerritory(ContextWithDeadline(deadline_seconds).get(), request,
                                  out ? out : &ignored);
  }
  sv1::Territory Create(const std::string& id, const sv1::Territory& territory) {
    sv1::Territory created;
    RequireOk(TryCreate(id, territory, &created));
    return created;
  }
  // Europe > DACH > {Bavaria (DE 80000-87999), Enterprise DACH (1000+
  // employees, priority 10), Notebooks DACH (product group NOTEBOOKS)}.
  void AddEurope() {
    Create("europe", Draft("Europe", "", {Countries({"DE", "AT", "CH", "FR", "IT"})}));
    Create("dach", Draft("DACH", kEurope, {Countries({"DE", "AT", "CH"})}));
    Create("bavaria", Draft("Bavaria", kDach, {Postal("80000", "87999")}));
    Create("enterprise-dach", Draft("Enterprise DACH", kDach, {MinEmployees(1000)}, 10));
    Create("notebooks-dach", Draft("Notebooks DACH", kDach, {Groups({"NOTEBOOKS"})}, 20));
  }
  grpc::Status TryGet(const std::string& name, sv1::Territory* out) {
    sv1::GetTerritoryRequest request;
    request.set_name(name);
    return stub_->GetTerritory(ContextWithDeadline().get(), request, out);
  }
  sv1::Territory Get(const std::string& name) {
    sv1::Territory got;
    RequireOk(TryGet(name, &got));
    return got;
  }
  grpc::Status TryUpdate(const sv1::Territory& territory, const Strings& paths,
                         sv1::Territory* out = nullptr, int deadline_seconds = 10) {
    sv1::UpdateTerritoryRequest request;
    *request.mutable_territory() = territory;
    *request.mutable_update_mask() = Mask(paths);
    sv1::Territory ignored;
    return stub_->UpdateTerritory(ContextWithDeadline(deadline_seconds).get(), request,
                                  out ? out : &ignored);
  }
  grpc::Status TryDelete(const std::string& name, const std::string& etag = "") {
    sv1::DeleteTerritoryRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return stub_->DeleteTerritory(ContextWithDeadline().get(), request, &empty);
  }
  // Names of every territory the filter matches, following the pages.
  Strings Names(const std::string& filter = "", int page_size = 0, int* pages = nullptr) {
    sv1::ListTerritoriesRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    Strings names;
    int count = 1;
    for (;; ++count) {
      sv1::ListTerritoriesResponse response;
      RequireOk(stub_->ListTerritories(ContextWithDeadline().get(), request, &response));
      if (page_size > 0) CHECK(response.territories_size() <= page_size);
      for (const auto& t : response.territories()) names.push_back(t.name());
      if (response.next_page_token().empty() || count == 100) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return names;
  }

  // ---- assignments

  grpc::Status TryAssign(const std::string& account, sv1::TerritoryAssignment* out = nullptr,
                         int deadline_seconds = 10) {
    sv1::AssignAccountRequest request;
    request.set_account(account);
    sv1::TerritoryAssignment ignored;
    return stub_->AssignAccount(ContextWithDeadline(deadline_seconds).get(), request,
                                out ? out : &ignored);
  }
  sv1::TerritoryAssignment Assign(const std::string& account) {
    sv1::TerritoryAssignment assignment;
    RequireOk(TryAssign(account, &assignment));
    return assignment;
  }
  std::string TerritoryOf(const std::string& account) { return Assign(account).territory(); }
  grpc::Status TryGetAssignment(const std::string& account, sv1::TerritoryAssignment* out) {
    sv1::GetTerritoryAssignmentRequest request;
    request.set_name(absl::StrCat("territoryAssignments/", IdOf(account)));
    return stub_->GetTerritoryAssignment(ContextWithDeadline().get(), request, out);
  }
  // The accounts assigned as the filter says, sorted.
  Strings Accounts(const std::string& filter) {
    sv1::ListTerritoryAssignmentsRequest request;
    request.set_filter(filter);
    sv1::ListTerritoryAssignmentsResponse response;
    RequireOk(stub_->ListTerritoryAssignments(ContextWithDeadline().get(), request, &response));
    Strings accounts;
    for (const auto& a : response.territory_assignments()) accounts.push_back(a.account());
    return Sorted(accounts);
  }
  sv1::ReassignAccountsResponse Reassign() {
    sv1::ReassignAccountsResponse response;
    RequireOk(stub_->ReassignAccounts(ContextWithDeadline().get(), {}, &response));
    return response;
  }

  // ---- opportunities

  void AddStage() {
    sv1::CreateSalesStageRequest request;
    request.set_sales_stage_id("qualification");
    request.mutable_sales_stage()->set_display_name("Qualification");
    request.mutable_sales_stage()->set_position(10);
    request.mutable_sales_stage()->set_default_probability_percent(10);
    sv1::SalesStage created;
    RequireOk(deals_->CreateSalesStage(ContextWithDeadline().get(), request, &created));
  }
  // A deal of the account; the territory set is output only, ignored.
  sv1::Opportunity CreateDeal(const std::string& account, const std::string& owner,
                              const std::string& product_group = "") {
    sv1::CreateOpportunityRequest request;
    sv1::Opportunity* deal = request.mutable_opportunity();
    deal->set_display_name(absl::StrCat("Deal ", product_group));
    deal->set_account(account);
    deal->set_owner(owner);
    deal->set_stage("salesStages/qualification");
    deal->mutable_expected_revenue()->set_currency_code("EUR");
    deal->mutable_expected_revenue()->set_units(10000);
    *deal->mutable_close_date() =
        crm::testing::MakeDate(crm::api::UtcDate(absl::Now()).year() + 1, 3, 31);
    deal->set_product_group(product_group);
    deal->set_territory(kEurope);
    sv1::Opportunity created;
    RequireOk(deals_->CreateOpportunity(ContextWithDeadline().get(), request, &created));
    return created;
  }
  grpc::Status TryUpdateDeal(const sv1::Opportunity& deal, const Strings& paths,
                             sv1::Opportunity* out) {
    sv1::UpdateOpportunityRequest request;
    *request.mutable_opportunity() = deal;
    *request.mutable_update_mask() = Mask(paths);
    return deals_->UpdateOpportunity(ContextWithDeadline().get(), request, out);
  }
  sv1::Opportunity GetDeal(const std::string& name) {
    sv1::GetOpportunityRequest request;
    request.set_name(name);
    sv1::Opportunity got;
    RequireOk(deals_->GetOpportunity(ContextWithDeadline().get(), request, &got));
    return got;
  }
  sv1::Opportunity WinDeal(const std::string& name) {
    sv1::WinOpportunityRequest request;
    request.set_name(name);
    request.set_reason("Signed");
    sv1::Opportunity won;
    RequireOk(deals_->WinOpportunity(ContextWithDeadline().get(), request, &won));
    return won;
  }
  // Names of the opportunities the filter matches, sorted.
  Strings Deals(const std::string& filter) {
    sv1::ListOpportunitiesRequest request;
    request.set_filter(filter);
    sv1::ListOpportunitiesResponse response;
    RequireOk(deals_->ListOpportunities(ContextWithDeadline().get(), request, &response));
    Strings names;
    for (const auto& o : response.opportunities()) names.push_back(o.name());
    return Sorted(names);
  }

 private:
  std::unique_ptr<sv1::TerritoryService::Stub> stub_;
  std::unique_ptr<sv1::OpportunityService::Stub> deals_;
};

}  // namespace

TEST_CASE("territory: CreateTerritory stores a territory under its chosen id",
          "[sales][territory]") {
  Territories crm;
  const std::string rep = crm.AddEmployee("Reppe");
  crm.Create("europe", Draft("Europe", "", {Countries({"DE", "AT"})}));
  sv1::Territory sent = Draft("DACH", kEurope, {Countries({"DE", "AT", "CH"})}, 7, {rep});
  sent.set_name("territories/ignored");  // output only
  sent.set_etag("\"9\"");
  const sv1::Territory created = crm.Create("dach", sent);
  CHECK(created.name() == kDach);
  CHECK(created.display_name() == "DACH");
  CHECK(created.parent() == kEurope);
  CHECK(created.priority() == 7);
  CHECK(Reps(created) == Strings{rep});
  REQUIRE(created.rules_size() == 1);
  CHECK(MessageDifferencer::Equals(created.rules(0), sent.rules(0)));
  CHECK(created.etag() == "\"1\"");
  CHECK(created.has_create_time());
  CHECK(MessageDifferencer::Equals(created.update_time(), created.create_time()));
  CHECK(MessageDifferencer::Equals(crm.Get(kDach), created));
  sv1::Territory missing;
  CHECK(Outcome(crm.TryGet("territories/nowhere", &missing)) == "NOT_FOUND");
  CHECK(Outcome(crm.TryGet("dach", &missing)) == "INVALID_ARGUMENT name");
}

TEST_CASE("territory: a refused create names the problem and writes nothing",
          "[sales][territory]") {
  Territories crm;
  const std::string rep = crm.AddEmployee("Reppe");
  const std::string customer = crm.AddCompany("Alvis Retail GmbH", kMunich);
  crm.Create("europe", Draft("Europe"));
  const int64_t head = crm.HeadSequence();

  sv1::Territory bad;
  CHECK(Outcome(crm.TryCreate("Bad_Id", Draft("X"))) == "INVALID_ARGUMENT territory_id");
  CHECK(Outcome(crm.TryCreate("", Draft("X"))) == "INVALID_ARGUMENT territory_id");
  CHECK(Outcome(crm.TryCreate("ends-", Draft("X"))) == "INVALID_ARGUMENT territory_id");
  CHECK(Outcome(crm.TryCreate("europe", Draft("Europe again"))) == "ALREADY_EXISTS");
  CHECK(Outcome(crm.TryCreate("dach", Draft("DACH", "territories/nowhere"))) == "NOT_FOUND");
  CHECK(Outcome(crm.TryCreate("dach", Draft("DACH", kDach))) ==
        "INVALID_ARGUMENT territory.parent");
  sv1::CreateTerritoryRequest no_territory;
  no_territory.set_territory_id("dach");
  CHECK(Outcome(crm.api().CreateTerritory(ContextWithDeadline().get(), no_territory, &bad)) ==
        "INVALID_ARGUMENT territory");

  bad = Draft("Bavaria", kEurope, {Countries({"DE"}), Postal("87999", "80000")}, 1001);
  CHECK(Outcome(crm.TryCreate("bavaria", bad)) ==
        "INVALID_ARGUMENT territory.rules[1].postal_code_ranges[0].last, territory.priority");
  bad = Draft("Bavaria", kEurope, {sv1::TerritoryRule()});
  CHECK(Outcome(crm.TryCreate("bavaria", bad)) == "INVALID_ARGUMENT territory.rules[0]");
  bad = Draft("", kEurope, {Groups({"notebooks"})}, 0, {rep, rep});
  CHECK(Outcome(crm.TryCreate("bavaria", bad)) ==
        "INVALID_ARGUMENT territory.display_name, territory.rules[0].product_groups[0], "
        "territory.sales_reps[1]");
  // Checked before partners is asked: a bad id and an unknown rep give the id.
  CHECK(Outcome(crm.TryCreate("Bad_Id", Draft("X", "", {}, 0, {"partners/nobody"}))) ==
        "INVALID_ARGUMENT territory_id");

  // Sales reps are employees that exist.
  const grpc::Status not_employee =
      crm.TryCreate("bavaria", Draft("Bavaria", kEurope, {}, 0, {rep, customer}));
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE territory.sales_reps[1]");
  CHECK(Outcome(crm.TryCreate("bavaria", Draft("Bavaria", kEurope, {}, 0, {"partners/nobody"}))) ==
        "NOT_FOUND");

  CHECK(crm.Names() == Strings{kEurope});
  CHECK(crm.HeadSequence() == head);
}

TEST_CASE("territory: sales reps are employees checked with partners, the rest is not",
          "[sales][territory]") {
  Territories crm;
  const std::string rep = crm.AddEmployee("Reppe");
  const std::string colleague = crm.AddEmployee("Kollege");
  const std::string merged = crm.AddEmployee("Doppelt");
  const std::string customer = crm.AddCompany("Alvis Retail GmbH", kMunich);
  crm.Merge(colleague, merged);

  // A merged rep is stored under the survivor; then named twice, refused.
  sv1::Territory europe = crm.Create("europe", Draft("Europe", "", {}, 0, {rep, merged}));
  CHECK(Reps(europe) == Strings{rep, colleague});
  CHECK(Outcome(crm.TryCreate("dach", Draft("DACH", kEurope, {}, 0, {colleague, merged}))) ==
        "INVALID_ARGUMENT territory.sales_reps[1]");

  // Replaced with employees only.
  sv1::Territory change = europe;
  change.set_sales_reps(0, customer);
  const grpc::Status refused = crm.TryUpdate(change, {"sales_reps"});
  CHECK(Outcome(refused) == "FAILED_PRECONDITION");
  CHECK(Precondition(refused) == "NOT_EMPLOYEE territory.sales_reps[0]");
  change.set_sales_reps(0, merged);  // survivor and rep swapped
  change.set_sales_reps(1, rep);
  RequireOk(crm.TryUpdate(change, {"sales_reps"}, &europe));
  CHECK(Reps(europe) == Strings{colleague, rep});

  crm.StopPartners();
  const int64_t head = crm.HeadSequence();
  // UNAVAILABLE, not DEADLINE_EXCEEDED: answered within the client's deadline.
  constexpr int kDeadlineSeconds = 2;
  CHECK(Outcome(crm.TryCreate("dach", Draft("DACH", kEurope, {}, 0, {rep}), nullptr,
                              kDeadlineSeconds)) == "UNAVAILABLE");
  change = europe;
  change.add_sales_reps("partners/someone-new");
  CHECK(Outcome(crm.TryUpdate(change, {"sales_reps"}, nullptr, kDeadlineSeconds)) == "UNAVAILABLE");
  CHECK(MessageDifferencer::Equals(crm.Get(kEurope), europe));
  CHECK(crm.HeadSequence() == head);

  // Without reps nothing needs partners.
  crm.Create("dach", Draft("DACH", kEurope, {Countries({"DE"})}));
  change = europe;
  *change.add_rules() = Countries({"DE", "FR"});
  sv1::Territory updated;
  RequireOk(crm.TryUpdate(change, {"rules"}, &updated, kDeadlineSeconds));
  CHECK(updated.rules_size() == 1);
  CHECK(updated.sales_reps_size() == 2);
  // Reps already stored were checked when named: dropping one needs no partners.
  change = updated;
  change.mutable_sales_reps()->RemoveLast();
  RequireOk(crm.TryUpdate(change, {"sales_reps"}, &updated, kDeadlineSeconds));
  CHECK(Reps(updated) == Strings{colleague});
  change = updated;
  change.clear_sales_reps();  // no rep left to check
  RequireOk(crm.TryUpdate(change, {"sales_reps"}, &updated, kDeadlineSeconds));
  CHECK(updated.sales_reps().empty());
}

TEST_CASE("territory: UpdateTerritory changes rules and parents, refuses cycles and stale etags",
          "[sales][territory]") {
  Territories crm;
  crm.AddEurope();
  const sv1::Territory bavaria = crm.Get(kBavaria);

  sv1::Territory change = bavaria;
  change.clear_rules();
  *change.add_rules() = Postal("90000", "96999");
  change.set_display_name("not in the mask");
  sv1::Territory updated;
  RequireOk(crm.TryUpdate(change, {"rules"}, &updated));
  CHECK(updated.rules(0).postal_code_ranges(0).first() == "90000");
  CHECK(updated.display_name() == "Bavaria");
  CHECK(updated.etag() == "\"2\"");
  CHECK(MessageDifferencer::Equals(updated.create_time(), bavaria.create_time()));
  CHECK(MessageDifferencer::Equals(crm.Get(kBavaria), updated));

  // An old etag is refused; the current one, or none, is fine.
  CHECK(Outcome(crm.TryUpdate(bavaria, {"priority"})) == "ABORTED");
  change = updated;
  change.set_priority(5);
  RequireOk(crm.TryUpdate(change, {"priority"}, &updated));
  CHECK(updated.priority() == 5);

  // Parents: not the territory itself nor below it; must exist; "" is the top.
  change = crm.Get(kEurope);
  change.set_parent(kBavaria);
  const grpc::Status cycle = crm.TryUpdate(change, {"parent"});
  CHECK(Outcome(cycle) == "INVALID_ARGUMENT territory.parent");
  CHECK(absl::StrContains(cycle.error_message(), "own parent"));
  change.set_parent(kEurope);
  CHECK(Outcome(crm.TryUpdate(change, {"parent"})) == "INVALID_ARGUMENT territory.parent");
  change.set_parent("territories/nowhere");
  CHECK(Outcome(crm.TryUpdate(change, {"parent"})) == "NOT_FOUND");
  CHECK(crm.Get(kEurope).parent().empty());

  change = crm.Get(kBavaria);
  change.set_parent("");  // to the top
  RequireOk(crm.TryUpdate(change, {"parent"}, &updated));
  CHECK(updated.parent().empty());
  CHECK(crm.Names("parent = \"\"") == Strings{kBavaria, kEurope});

  // Bad values are named; unknown territories are not found.
  change = updated;
  change.mutable_rules(0)->set_max_employee_count(-1);
  CHECK(Outcome(crm.TryUpdate(change, {"rules"})) ==
        "INVALID_ARGUMENT territory.rules[0].max_employee_count");
  change.set_name("territories/nowhere");
  CHECK(Outcome(crm.TryUpdate(change, {"priority"})) == "NOT_FOUND");
  CHECK(MessageDifferencer::Equals(crm.Get(kBavaria), updated));
}

TEST_CASE("territory: an update of sales_reps alone leaves the other fields as stored",
          "[sales][territory]") {
  Territories crm;
  const std::string rep = crm.AddEmployee("Reppe");
  const sv1::Territory europe = crm.Create("europe", Draft("Europe", "", {Countries({"DE"})}));
  sv1::Territory change;  // only what changes, as AIP-134 allows
  change.set_name(europe.name());
  change.add_sales_reps(rep);
  sv1::Territory updated;
  const grpc::Status status = crm.TryUpdate(change, {"sales_reps"}, &updated);
  INFO(status.error_message());
  CHECK(Outcome(status) == "OK");
  CHECK(updated.display_name() == "Europe");
  CHECK(updated.rules_size() == 1);
}

TEST_CASE("territory: ListTerritories filters by parent and pages", "[sales][territory]") {
  Territories crm;
  crm.AddEurope();
  crm.Create("americas", Draft("Americas", "", {Countries({"US", "CA"})}));
  crm.Create("austria", Draft("Austria", kDach, {Countries({"AT"})}));

  CHECK(crm.Names() == Strings{"territories/americas", "territories/austria", kBavaria, kDach,
                               kEnterprise, kEurope, kNotebooks});
  CHECK(crm.Names("parent = \"\"") == Strings{"territories/americas", kEurope});
  CHECK(crm.Names("parent = \"territories/europe\"") == Strings{kDach});
  CHECK(crm.Names("display_name = \"Bavaria\"") == Strings{kBavaria});
  int pages = 0;
  CHECK(crm.Names("parent = \"territories/dach\"", 2, &pages) ==
        Strings{"territories/austria", kBavaria, kEnterprise, kNotebooks});
  CHECK(pages == 2);
  CHECK(crm.Names("", 3, &pages).size() == 7);
  CHECK(pages == 3);

  sv1::ListTerritoriesRequest request;
  request.set_filter("region = \"x\"");
  sv1::ListTerritoriesResponse response;
  CHECK(Outcome(crm.api().ListTerritories(ContextWithDeadline().get(), request, &response)) ==
        "INVALID_ARGUMENT filter");
}

TEST_CASE("territory: DeleteTerritory refuses HAS_CHILDREN and IN_USE", "[sales][territory]") {
  Territories crm;
  crm.AddEurope();
  const std::string munich = crm.AddCompany("Alvis Retail GmbH", kMunich);
  REQUIRE(crm.TerritoryOf(munich) == kBavaria);

  const grpc::Status parent = crm.TryDelete(kDach);
  CHECK(Outcome(parent) == "FAILED_PRECONDITION");
  CHECK(Precondition(parent) == "HAS_CHILDREN territories/dach");
  const grpc::Status used = crm.TryDelete(kBavaria);
  CHECK(Outcome(used) == "FAILED_PRECONDITION");
  CHECK(Precondition(used) == "IN_USE territories/bavaria");
  CHECK(Outcome(crm.TryDelete("territories/nowhere")) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDelete(kEnterprise, "\"7\"")) == "ABORTED");

  // Nobody in it: gone.
  const int64_t head = crm.HeadSequence();
  RequireOk(crm.TryDelete(kEnterprise, "\"1\""));
  sv1::Territory gone;
  CHECK(Outcome(crm.TryGet(kEnterprise, &gone)) == "NOT_FOUND");
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{"CHANGE_KIND_DELETED territories/enterprise-dach DeleteTerritory "});

  // Rules changed and applied: Bavaria is empty and may go.
  sv1::Territory bavaria = crm.Get(kBavaria);
  bavaria.mutable_rules(0)->mutable_postal_code_ranges(0)->set_first("90000");
  bavaria.mutable_rules(0)->mutable_postal_code_ranges(0)->set_last("96999");
  RequireOk(crm.TryUpdate(bavaria, {"rules"}));
  CHECK(Outcome(crm.TryDelete(kBavaria)) == "FAILED_PRECONDITION");  // not re-assigned yet
  crm.Reassign();
  RequireOk(crm.TryDelete(kBavaria));
  CHECK(crm.Names("parent = \"territories/dach\"") == Strings{kNotebooks});
}

TEST_CASE("territory: AssignAccount puts an account in the deepest territory that takes it",
          "[sales][territory]") {
  Territories crm;
  crm.AddEurope();
  const std::string munich = crm.AddCompany("Alvis Retail GmbH", kMunich, 240, "G47.4");
  const std::string berlin = crm.AddCompany("Spree Tech GmbH", kBerlin, 80);
  const std::string vienna = crm.AddCompany("Donau Handel GmbH", kVienna, 5000);  // big
  const std::string big_munich = crm.AddCompany("Isar Werke AG", kMunich, 12000);
  const std::string new_york = crm.AddCompany("Hudson Inc.", kNewYork, 300);
  const std::string unknown_size = crm.AddCompany("Wer Weiss GmbH", kBerlin, 0);
  const std::string person =
      crm.AddPartner(pv1::PARTNER_CATEGORY_PERSON, "Huber", pv1::ROLE_TYPE_CUSTOMER, &kMunich);

  const sv1::TerritoryAssignment assigned = crm.Assign(munich);
  CHECK(assigned.name() == absl::StrCat("territoryAssignments/", IdOf(munich)));
  CHECK(assigned.account() == munich);
  CHECK(assigned.territory() == kBavaria);
  CHECK(Text(assigned.facts()) == "DE Bayern 80331 G47.4 240");
  CHECK(assigned.etag() == "\"1\"");
  sv1::TerritoryAssignment got;
  RequireOk(crm.TryGetAssignment(munich, &got));
  CHECK(MessageDifferencer::Equals(got, assigned));

  CHECK(crm.TerritoryOf(berlin) == kDach);
  CHECK(crm.TerritoryOf(vienna) == kEnterprise);      // company size
  CHECK(crm.TerritoryOf(big_munich) == kEnterprise);  // priority 10 over Bavaria
  CHECK(crm.TerritoryOf(new_york) == "");             // nobody takes it
  CHECK(crm.TerritoryOf(unknown_size) == kDach);
  CHECK(crm.TerritoryOf(person) == kBavaria);  // product groups never take an account

  CHECK(crm.Accounts("territory = \"territories/enterprise-dach\"") ==
        Sorted({vienna, big_munich}));
  CHECK(crm.Accounts("territory = \"\"") == Strings{new_york});
  CHECK(crm.Accounts("territory = \"territories/notebooks-dach\"").empty());
  CHECK(crm.Accounts("").size() == 7);

  // Assigned again with nothing changed: the same assignment, no feed entry.
  const int64_t head = crm.HeadSequence();
  CHECK(MessageDifferencer::Equals(crm.Assign(munich), assigned));
  CHECK(crm.HeadSequence() == head);

  // A merged account is assigned under its survivor, by the survivor's address.
  const std::string merged = crm.AddCompany("Spree Tech Berlin", kBerlin);
  crm.Merge(munich, merged);
  const sv1::TerritoryAssignment survivor = crm.Assign(merged);
  CHECK(survivor.account() == munich);
  CHECK(survivor.name() == assigned.name());
  CHECK(survivor.territory() == kBavaria);
  CHECK(Outcome(crm.TryGetAssignment(merged, &got)) == "NOT_FOUND");
}

TEST_CASE("territory: refused assignments write nothing", "[sales][territory]") {
  Territories crm;
  crm.AddEurope();
  const std::string munich = crm.AddCompany("Alvis Retail GmbH", kMunich);
  const int64_t head = crm.HeadSequence();
  CHECK(Outcome(crm.TryAssign("")) == "INVALID_ARGUMENT account");
  CHECK(Outcome(crm.TryAssign("customers/alvis")) == "INVALID_ARGUMENT account");
  CHECK(Outcome(crm.TryAssign("partners/nobody")) == "NOT_FOUND");
  sv1::TerritoryAssignment got;
  CHECK(Outcome(crm.TryGetAssignment("partners/nobody", &got)) == "NOT_FOUND");

  crm.StopPartners();
  CHECK(Outcome(crm.TryAssign(munich, nullptr, 2)) == "UNAVAILABLE");  // within the deadline
  CHECK(Outcome(crm.TryGetAssignment(munich, &got)) == "NOT_FOUND");
  CHECK(crm.Accounts("").empty());
  CHECK(crm.HeadSequence() == head);
}

TEST_CASE("territory: ReassignAccounts applies changed rules to accounts and open opportunities",
          "[sales][territory]") {
  Territories crm;
  crm.AddEurope();
  crm.AddStage();
  const std::string rep = crm.AddEmployee("Reppe");
  const std::string munich = crm.AddCompany("Alvis Retail GmbH", kMunich);
  const std::string nuremberg = crm.AddCompany("Noris Handel GmbH", kNuremberg);
  const std::string berlin = crm.AddCompany("Spree Tech GmbH", kBerlin);
  const sv1::Opportunity open = crm.CreateDeal(munich, rep);
  const sv1::Opportunity closed = crm.WinDeal(crm.CreateDeal(munich, rep).name());
  const sv1::Opportunity notebooks = crm.CreateDeal(munich, rep, "NOTEBOOKS");
  crm.CreateDeal(berlin, rep);
  CHECK(open.territory() == kBavaria);
  CHECK(closed.territory() == kBavaria);
  CHECK(notebooks.territory() == kNotebooks);
  CHECK(crm.TerritoryOf(nuremberg) == kDach);
  const sv1::TerritoryAssignment munich_before = crm.Assign(munich);

  // Nothing changed yet: everything evaluated, nothing moves.
  sv1::ReassignAccountsResponse counts = crm.Reassign();
  CHECK(counts.accounts_evaluated() == 3);
  CHECK(counts.accounts_changed() == 0);
  CHECK(counts.opportunities_evaluated() == 3);  // open ones only
  CHECK(counts.opportunities_changed() == 0);

  // Bavaria becomes Franconia; partners is not needed for the rest.
  sv1::Territory bavaria = crm.Get(kBavaria);
  bavaria.clear_rules();
  *bavaria.add_rules() = Postal("90000", "96999");
  RequireOk(crm.TryUpdate(bavaria, {"rules"}));
  crm.StopPartners();
  const int64_t head = crm.HeadSequence();
  counts = crm.Reassign();
  CHECK(counts.accounts_evaluated() == 3);
  CHECK(counts.accounts_changed() == 2);  // Munich out, Nuremberg in
  CHECK(counts.opportunities_evaluated() == 3);
  CHECK(counts.opportunities_changed() == 1);  // the notebooks deal stays

  sv1::TerritoryAssignment got;
  RequireOk(crm.TryGetAssignment(munich, &got));
  CHECK(got.territory() == kDach);
  CHECK(got.etag() == "\"2\"");
  CHECK(MessageDifferencer::Equals(got.facts(), munich_before.facts()));
  CHECK(MessageDifferencer::Equals(got.create_time(), munich_before.create_time()));
  CHECK(crm.Accounts("territory = \"territories/bavaria\"") == Strings{nuremberg});
  const sv1::Opportunity moved = crm.GetDeal(open.name());
  CHECK(moved.territory() == kDach);
  CHECK(moved.etag() != open.etag());
  CHECK(MessageDifferencer::Equals(crm.GetDeal(closed.name()), closed));
  CHECK(crm.GetDeal(notebooks.name()).territory() == kNotebooks);

  CHECK(Sorted(crm.DescribeChangesAfter(head)) ==
        Sorted({absl::StrCat("CHANGE_KIND_UPDATED territoryAssignments/", IdOf(munich),
                             " ReassignAccounts "),
                absl::StrCat("CHANGE_KIND_UPDATED territoryAssignments/", IdOf(nuremberg),
                             " ReassignAccounts "),
                absl::StrCat("CHANGE_KIND_UPDATED ", open.name(), " ReassignAccounts ")}));
  const fv1::ListChangesResponse feed = crm.ChangesAfter(head);
  for (const fv1::Change& change : feed.changes()) {
    if (change.resource_name() == open.name()) {
      CHECK(MessageDifferencer::Equals(Carried<sv1::Opportunity>(change), moved));
    }
  }

  // Once more: nothing left to change, nothing on the feed.
  const int64_t settled = crm.HeadSequence();
  counts = crm.Reassign();
  CHECK(counts.accounts_changed() == 0);
  CHECK(counts.opportunities_changed() == 0);
  CHECK(crm.HeadSequence() == settled);
}

TEST_CASE("territory: an opportunity about a product group falls in its territory",
          "[sales][territory]") {
  Territories crm;
  crm.AddEurope();
  crm.AddStage();
  const std::string rep = crm.AddEmployee("Reppe");
  const std::string berlin = crm.AddCompany("Spree Tech GmbH", kBerlin);
  const std::string new_york = crm.AddCompany("Hudson Inc.", kNewYork);

  const sv1::Opportunity laptops = crm.CreateDeal(berlin, rep, "NOTEBOOKS");
  const sv1::Opportunity screens = crm.CreateDeal(berlin, rep, "MONITORS");
  const sv1::Opportunity plain = crm.CreateDeal(berlin, rep);
  const sv1::Opportunity abroad = crm.CreateDeal(new_york, rep, "NOTEBOOKS");
  CHECK(laptops.product_group() == "NOTEBOOKS");
  CHECK(laptops.territory() == kNotebooks);
  CHECK(screens.territory() == kDach);
  CHECK(plain.territory() == kDach);
  CHECK(abroad.territory() == "");  // the set territory was ignored
  // Creating them assigned the accounts, never to the product group.
  sv1::TerritoryAssignment got;
  RequireOk(crm.TryGetAssignment(berlin, &got));
  CHECK(got.territory() == kDach);
  RequireOk(crm.TryGetAssignment(new_york, &got));
  CHECK(got.territory() == "");

  CHECK(crm.Deals("territory = \"territories/notebooks-dach\"") == Strings{laptops.name()});
  CHECK(crm.Deals("territory = \"territories/dach\"") == Sorted({screens.name(), plain.name()}));
  CHECK(crm.Deals("territory = \"\"") == Strings{abroad.name()});

  // A new product group moves it; the territory itself cannot be set.
  sv1::Opportunity change = plain;
  change.set_product_group("NOTEBOOKS");
  sv1::Opportunity updated;
  RequireOk(crm.TryUpdateDeal(change, {"product_group"}, &updated));
  CHECK(updated.territory() == kNotebooks);
  change = updated;
  change.set_product_group("");
  RequireOk(crm.TryUpdateDeal(change, {"product_group"}, &updated));
  CHECK(updated.territory() == kDach);
  change = updated;
  change.set_territory(kNotebooks);
  CHECK(Outcome(crm.TryUpdateDeal(change, {"territory"}, &change)) ==
        "INVALID_ARGUMENT update_mask");
  change = updated;
  change.set_product_group("notebooks");
  CHECK(Outcome(crm.TryUpdateDeal(change, {"product_group"}, &change)) ==
        "INVALID_ARGUMENT opportunity.product_group");
  CHECK(crm.GetDeal(plain.name()).territory() == kDach);
}

TEST_CASE("territory: territory writes and assignments are on the change feed",
          "[sales][territory]") {
  Territories crm;
  const std::string munich = crm.AddCompany("Alvis Retail GmbH", kMunich);
  const int64_t head = crm.HeadSequence();
  const sv1::Territory europe = crm.Create("europe", Draft("Europe", "", {Countries({"AT"})}));
  const sv1::TerritoryAssignment nowhere = crm.Assign(munich);
  sv1::Territory change = europe;
  *change.mutable_rules(0) = Countries({"AT", "DE"});
  sv1::Territory updated;
  RequireOk(crm.TryUpdate(change, {"rules"}, &updated));
  const sv1::TerritoryAssignment in_europe = crm.Assign(munich);  // AssignAccount updates it
  CHECK(nowhere.territory() == "");
  CHECK(in_europe.territory() == kEurope);
  CHECK(in_europe.etag() == "\"2\"");
  CHECK(Outcome(crm.TryCreate("europe", Draft("Again"))) == "ALREADY_EXISTS");  // not on it

  const std::string assignment = absl::StrCat("territoryAssignments/", IdOf(munich));
  CHECK(crm.DescribeChangesAfter(head) ==
        Strings{"CHANGE_KIND_CREATED territories/europe CreateTerritory ",
                absl::StrCat("CHANGE_KIND_CREATED ", assignment, " AssignAccount "),
                "CHANGE_KIND_UPDATED territories/europe UpdateTerritory ",
                absl::StrCat("CHANGE_KIND_UPDATED ", assignment, " AssignAccount ")});
  const fv1::ListChangesResponse feed = crm.ChangesAfter(head);
  REQUIRE(feed.changes_size() == 4);
  CHECK(MessageDifferencer::Equals(Carried<sv1::Territory>(feed.changes(0)), europe));
  CHECK(MessageDifferencer::Equals(Carried<sv1::TerritoryAssignment>(feed.changes(1)), nowhere));
  CHECK(MessageDifferencer::Equals(Carried<sv1::Territory>(feed.changes(2)), updated));
  CHECK(MessageDifferencer::Equals(Carried<sv1::TerritoryAssignment>(feed.changes(3)), in_europe));
}
