// Sales planning (PlanningService) over a real gRPC channel and a real
// SQLite file, with a real partners service beside it:
//  - sales targets: create, get, update and delete with etags; bad fields
//    named and nothing written; a rep who is no employee, an unknown rep or
//    territory; one target per breakdown; listed by start date, filtered
//    and paged; a request_id retry gives the same target;
//  - ForecastSales over real opportunities (two months ahead, one won, one
//    in another currency), an order completed today (its actual in this
//    month) beside a cancelled and an open one, and targets; by rep and by
//    territory (a territory that takes the account); bad requests;
//  - commission plans: create under an id, get, list, update, delete; bad
//    ids, rates and tiers; a rep in two overlapping plans of a currency
//    (PLAN_OVERLAP);
//  - ComputeCommissions over completed orders: rate × tier per item, the
//    order's rep defaulting to its opportunity's owner (ordered from a
//    quotation, or created with the opportunity); cancelled and open orders
//    never count.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "crm/sales/v1/planning_service.grpc.pb.h"
#include "crm/sales/v1/sales_document_service.grpc.pb.h"
#include "crm/sales/v1/territory_service.grpc.pb.h"
#include "services/sales/tests/sales_beside_partners.h"

namespace {

namespace sv1 = crm::sales::v1;
namespace pv1 = crm::partners::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::Mask;
using crm::testing::Outcome;
using crm::testing::Precondition;
using Date = google::type::Date;
using Money = crm::type::v1::Money;
using Strings = std::vector<std::string>;
using Planning = sv1::PlanningService::Stub;

constexpr char kMonitor[] = "products/monitor-24";  // EUR 200, MONITORS
constexpr char kKeyboard[] = "products/keyboard";   // EUR 49.99, INPUT
constexpr char kRetail[] = "territories/retail";    // takes RETAIL accounts

// Days around today (UTC), the day orders complete on.
absl::CivilDay Today() { return crm::api::CivilDayOf(crm::api::UtcDate(absl::Now())); }
// The first day of the month `offset` months from this one.
absl::CivilDay MonthStart(int offset) { return absl::CivilDay(absl::CivilMonth(Today()) + offset); }
absl::CivilDay MonthEnd(int offset) { return MonthStart(offset + 1) - 1; }
Date D(absl::CivilDay day) { return crm::api::DateOf(day); }
std::string Iso(absl::CivilDay day) { return crm::api::IsoDate(D(day)); }

Money Cash(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}
Money Eur(int64_t units, int32_t cents = 0) { return Cash("EUR", units, cents * 10'000'000); }

// "EUR 2199.96" (amounts here are not negative).
std::string Text(const Money& money) {
  return absl::StrFormat("%s %d.%02d", money.currency_code(), money.units(),
                         money.nanos() / 10'000'000);
}
bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// Calls a method of `stub` with a deadline.
template <typename Stub, typename Request, typename Response>
grpc::Status Try(Stub& stub,
                 grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                 const Request& request, Response* out = nullptr) {
  Response ignored;
  return (stub.*method)(ContextWithDeadline().get(), request, out != nullptr ? out : &ignored);
}
void RequireOk(const grpc::Status& status) {
  INFO(status.error_message());
  REQUIRE(Outcome(status) == "OK");
}
// The same, required to succeed; its response.
template <typename Stub, typename Request, typename Response>
Response Ok(Stub& stub,
            grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            const Request& request) {
  Response response;
  RequireOk(Try(stub, method, request, &response));
  return response;
}

// The names a list method gives, following every page; the pages into `pages`.
template <typename Request, typename Response, typename List>
Strings FollowPages(Planning& stub,
                    grpc::Status (Planning::*method)(grpc::ClientContext*, const Request&,
                                                     Response*),
                    Request request, List list, int* pages) {
  Strings names;
  int count = 1;
  for (;; ++count) {
    const Response response = Ok(stub, method, request);
    if (request.page_size() > 0) CHECK(list(response).size() <= request.page_size());
    for (const auto& resource : list(response)) names.push_back(resource.name());
    if (response.next_page_token().empty() || count == 50) break;
    request.set_page_token(response.next_page_token());
  }
  if (pages != nullptr) *pages = count;
  return names;
}

sv1::SalesTarget Target(absl::CivilDay first, absl::CivilDay last, const Money& amount,
                        const std::string& territory = "", const std::string& rep = "",
                        const std::string& group = "") {
  sv1::SalesTarget target;
  *target.mutable_start_date() = D(first);
  *target.mutable_end_date() = D(last);
  target.set_territory(territory);
  target.set_sales_rep(rep);
  target.set_product_group(group);
  *target.mutable_amount() = amount;
  return target;
}

// A plan in EUR: MONITORS 5 %, every other group 2 %; 80 % of the rates
// below 100 % attainment, 120 % from 100 %.
sv1::CommissionPlan Plan(const Strings& reps, absl::CivilDay from, absl::CivilDay to) {
  sv1::CommissionPlan plan;
  plan.set_display_name("Field sales");
  for (const std::string& rep : reps) plan.add_sales_reps(rep);
  plan.set_currency_code("EUR");
  *plan.mutable_valid_from() = D(from);
  *plan.mutable_valid_to() = D(to);
  sv1::CommissionRate* monitors = plan.add_rates();
  monitors->set_product_group("MONITORS");
  monitors->set_rate_percent(5);
  plan.add_rates()->set_rate_percent(2);
  sv1::AttainmentTier* low = plan.add_tiers();
  low->set_min_attainment_percent(0);
  low->set_multiplier_percent(80);
  sv1::AttainmentTier* high = plan.add_tiers();
  high->set_min_attainment_percent(100);
  high->set_multiplier_percent(120);
  return plan;
}

sv1::ForecastSalesRequest Forecast(absl::CivilDay first, absl::CivilDay last,
                                   sv1::ForecastDimension by = sv1::FORECAST_DIMENSION_UNSPECIFIED,
                                   const std::string& rep = "") {
  sv1::ForecastSalesRequest request;
  *request.mutable_start_date() = D(first);
  *request.mutable_end_date() = D(last);
  request.set_group_by(by);
  request.set_currency_code("EUR");
  request.set_sales_rep(rep);
  return request;
}

// "2026-07-01 [partners/x] p=10000.00 w=4000.00 won=0.00 t=0.00 a=0.00 0.00% open=1".
Strings Rows(const sv1::ForecastSalesResponse& response) {
  Strings rows;
  for (const sv1::ForecastRow& row : response.rows()) {
    auto eur = [](const Money& m) { return Text(m).substr(4); };
    rows.push_back(absl::StrCat(
        crm::api::IsoDate(row.period_start()), " [", row.dimension_value(),
        "] p=", eur(row.pipeline()), " w=", eur(row.weighted_pipeline()), " won=", eur(row.won()),
        " t=", eur(row.target()), " a=", eur(row.actual()),
        absl::StrFormat(" %.2f%% open=%d", row.attainment_percent(), row.open_opportunities())));
  }
  return rows;
}

struct Item {
  std::string product;
  double quantity;
};

// Sales with partners beside it, one fresh database each.
class Planner : public crm::sales::testing::SalesBesidePartners {
 public:
  Planner()
      : catalog_(sv1::CatalogService::NewStub(sales_->channel())),
        deals_(sv1::OpportunityService::NewStub(sales_->channel())),
        documents_(sv1::SalesDocumentService::NewStub(sales_->channel())),
        territories_(sv1::TerritoryService::NewStub(sales_->channel())),
        planning_(sv1::PlanningService::NewStub(sales_->channel())) {}

  Planning& api() { return *planning_; }

  // ---- partners

  std::string AddPerson(const std::string& family_name, pv1::RoleType role) {
    pv1::CreatePartnerRequest request;
    request.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_PERSON);
    request.mutable_partner()->mutable_person()->set_family_name(family_name);
    request.mutable_partner()->add_roles()->set_type(role);
    return Ok(*partner_stub_, &pv1::PartnerService::Stub::CreatePartner, request).name();
  }
  std::string AddEmployee(const std::string& name) {
    return AddPerson(name, pv1::ROLE_TYPE_EMPLOYEE);
  }
  std::string AddCustomer(const std::string& legal_name, const std::string& industry) {
    pv1::CreatePartnerRequest request;
    pv1::Partner* partner = request.mutable_partner();
    partner->set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
    partner->mutable_organization()->set_legal_name(legal_name);
    partner->mutable_organization()->set_industry_code(industry);
    partner->add_roles()->set_type(pv1::ROLE_TYPE_CUSTOMER);
    return Ok(*partner_stub_, &pv1::PartnerService::Stub::CreatePartner, request).name();
  }

  // ---- catalogue, territories, opportunities

  // A 24-inch monitor (MONITORS, EUR 200) and a keyboard (INPUT, EUR 49.99).
  void AddCatalog() {
    sv1::CreateTaxClassRequest tax;
    tax.set_tax_class_id("standard");
    tax.mutable_tax_class()->set_display_name("Standard");
    tax.mutable_tax_class()->set_rate_percent(19);
    Ok(*catalog_, &sv1::CatalogService::Stub::CreateTaxClass, tax);
    AddProduct("monitor-24", "MONITORS", Eur(200));
    AddProduct("keyboard", "INPUT", Eur(49, 99));
  }
  // "territories/retail", which takes the accounts of the RETAIL industry.
  void AddRetailTerritory() {
    sv1::CreateTerritoryRequest request;
    request.set_territory_id("retail");
    request.mutable_territory()->set_display_name("Retail");
    request.mutable_territory()->add_rules()->add_industry_codes("RETAIL");
    Ok(*territories_, &sv1::TerritoryService::Stub::CreateTerritory, request);
  }
  sv1::Opportunity AddDeal(const std::string& account, const std::string& owner,
                           const Money& revenue, absl::CivilDay close, int probability) {
    if (!stage_added_) {
      sv1::CreateSalesStageRequest stage;
      stage.set_sales_stage_id("qualification");
      stage.mutable_sales_stage()->set_display_name("Qualification");
      stage.mutable_sales_stage()->set_position(10);
      stage.mutable_sales_stage()->set_default_probability_percent(10);
      Ok(*deals_, &sv1::OpportunityService::Stub::CreateSalesStage, stage);
      stage_added_ = true;
    }
    sv1::CreateOpportunityRequest request;
    sv1::Opportunity* deal = request.mutable_opportunity();
    deal->set_display_name("Monitors");
    deal->set_account(account);
    deal->set_stage("salesStages/qualification");
    *deal->mutable_expected_revenue() = revenue;
    *deal->mutable_close_date() = D(close);
    deal->set_probability_percent(probability);
    deal->set_owner(owner);
    deal->set_product_group("MONITORS");
    return Ok(*deals_, &sv1::OpportunityService::Stub::CreateOpportunity, request);
  }
  void Win(const std::string& deal) {
    sv1::WinOpportunityRequest request;
    request.set_name(deal);
    request.set_reason("Best offer");
    CHECK(Ok(*deals_, &sv1::OpportunityService::Stub::WinOpportunity, request).state() ==
          sv1::OPPORTUNITY_STATE_WON);
  }

  // ---- orders

  // Created directly, with an opportunity and a rep if given.
  sv1::SalesOrder NewOrder(const std::string& customer, const std::vector<Item>& items,
                           const std::string& opportunity = "", const std::string& rep = "") {
    sv1::CreateSalesOrderRequest request;
    sv1::SalesOrder* order = request.mutable_sales_order();
    order->set_customer(customer);
    order->set_opportunity(opportunity);
    order->set_sales_rep(rep);
    for (const Item& item : items) {
      sv1::DocumentItem* added = order->add_items();
      added->set_product(item.product);
      added->set_quantity(item.quantity);
    }
    return Ok(*documents_, &sv1::SalesDocumentService::Stub::CreateSalesOrder, request);
  }
  // Quoted for the opportunity, then ordered.
  sv1::SalesOrder OrderQuoted(const std::string& customer, const std::vector<Item>& items,
                              const std::string& opportunity) {
    sv1::CreateQuotationRequest quote;
    quote.mutable_quotation()->set_customer(customer);
    quote.mutable_quotation()->set_opportunity(opportunity);
    *quote.mutable_quotation()->mutable_valid_until() = D(Today() + 30);
    for (const Item& item : items) {
      sv1::DocumentItem* added = quote.mutable_quotation()->add_items();
      added->set_product(item.product);
      added->set_quantity(item.quantity);
    }
    sv1::OrderQuotationRequest order;
    order.set_name(
        Ok(*documents_, &sv1::SalesDocumentService::Stub::CreateQuotation, quote).name());
    return Ok(*documents_, &sv1::SalesDocumentService::Stub::OrderQuotation, order);
  }
  sv1::SalesOrder Complete(const std::string& order) {
    sv1::CompleteSalesOrderRequest request;
    request.set_name(order);
    return Ok(*documents_, &sv1::SalesDocumentService::Stub::CompleteSalesOrder, request);
  }
  sv1::SalesOrder Cancel(const std::string& order) {
    sv1::CancelSalesOrderRequest request;
    request.set_name(order);
    request.set_reason("Customer withdrew");
    return Ok(*documents_, &sv1::SalesDocumentService::Stub::CancelSalesOrder, request);
  }

  // ---- planning

  grpc::Status TryCreate(const sv1::SalesTarget& target, sv1::SalesTarget* out = nullptr,
                         const std::string& request_id = "") {
    sv1::CreateSalesTargetRequest request;
    *request.mutable_sales_target() = target;
    request.set_request_id(request_id);
    return Try(api(), &Planning::CreateSalesTarget, request, out);
  }
  sv1::SalesTarget Create(const sv1::SalesTarget& target) {
    sv1::SalesTarget created;
    RequireOk(TryCreate(target, &created));
    return created;
  }
  grpc::Status TryGet(const std::string& name, sv1::SalesTarget* out = nullptr) {
    sv1::GetSalesTargetRequest request;
    request.set_name(name);
    return Try(api(), &Planning::GetSalesTarget, request, out);
  }
  grpc::Status TryUpdate(const sv1::SalesTarget& target, const Strings& paths,
                         sv1::SalesTarget* out = nullptr) {
    sv1::UpdateSalesTargetRequest request;
    *request.mutable_sales_target() = target;
    *request.mutable_update_mask() = Mask(paths);
    return Try(api(), &Planning::UpdateSalesTarget, request, out);
  }
  grpc::Status TryDeleteTarget(const std::string& name, const std::string& etag = "") {
    sv1::DeleteSalesTargetRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return Try(api(), &Planning::DeleteSalesTarget, request);
  }
  Strings TargetNames(const std::string& filter = "", int page_size = 0, int* pages = nullptr) {
    sv1::ListSalesTargetsRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    return FollowPages(
        api(), &Planning::ListSalesTargets, request,
        [](const auto& response) -> const auto& { return response.sales_targets(); }, pages);
  }

  grpc::Status TryCreate(const std::string& id, const sv1::CommissionPlan& plan,
                         sv1::CommissionPlan* out = nullptr) {
    sv1::CreateCommissionPlanRequest request;
    request.set_commission_plan_id(id);
    *request.mutable_commission_plan() = plan;
    return Try(api(), &Planning::CreateCommissionPlan, request, out);
  }
  sv1::CommissionPlan Create(const std::string& id, const sv1::CommissionPlan& plan) {
    sv1::CommissionPlan created;
    RequireOk(TryCreate(id, plan, &created));
    return created;
  }
  grpc::Status TryUpdate(const sv1::CommissionPlan& plan, const Strings& paths,
                         sv1::CommissionPlan* out = nullptr) {
    sv1::UpdateCommissionPlanRequest request;
    *request.mutable_commission_plan() = plan;
    *request.mutable_update_mask() = Mask(paths);
    return Try(api(), &Planning::UpdateCommissionPlan, request, out);
  }
  Strings PlanNames(int page_size = 0, int* pages = nullptr) {
    sv1::ListCommissionPlansRequest request;
    request.set_page_size(page_size);
    return FollowPages(
        api(), &Planning::ListCommissionPlans, request,
        [](const auto& response) -> const auto& { return response.commission_plans(); }, pages);
  }

  grpc::Status TryCompute(absl::CivilDay first, absl::CivilDay last, const std::string& rep,
                          sv1::ComputeCommissionsResponse* out = nullptr) {
    sv1::ComputeCommissionsRequest request;
    *request.mutable_start_date() = D(first);
    *request.mutable_end_date() = D(last);
    request.set_sales_rep(rep);
    return Try(api(), &Planning::ComputeCommissions, request, out);
  }

 private:
  void AddProduct(const std::string& id, const std::string& group, const Money& price) {
    sv1::CreateProductRequest request;
    request.set_product_id(id);
    sv1::Product* product = request.mutable_product();
    product->set_display_name(id);
    product->set_product_group(group);
    product->set_unit("EA");
    *product->mutable_list_price() = price;
    product->set_tax_class("taxClasses/standard");
    product->set_state(sv1::PRODUCT_STATE_ACTIVE);
    Ok(*catalog_, &sv1::CatalogService::Stub::CreateProduct, request);
  }

  std::unique_ptr<sv1::CatalogService::Stub> catalog_;
  std::unique_ptr<sv1::OpportunityService::Stub> deals_;
  std::unique_ptr<sv1::SalesDocumentService::Stub> documents_;
  std::unique_ptr<sv1::TerritoryService::Stub> territories_;
  std::unique_ptr<sv1::PlanningService::Stub> planning_;
  bool stage_added_ = false;
};

}  // namespace

// ---------------------------------------------------------------------------
// Sales targets.

TEST_CASE("planning: a sales target is created, read, updated and deleted with etags",
          "[sales][planning]") {
  Planner crm;
  crm.AddRetailTerritory();
  const std::string anna = crm.AddEmployee("Anders");
  sv1::SalesTarget draft = Target(MonthStart(0), MonthEnd(0), Eur(5000), kRetail, anna, "MONITORS");
  draft.set_name("salesTargets/mine");  // output only: ignored
  draft.set_etag("\"7\"");
  const sv1::SalesTarget created = crm.Create(draft);
  CHECK(absl::StartsWith(created.name(), "salesTargets/"));
  CHECK(created.name() != "salesTargets/mine");
  CHECK(created.etag() == "\"1\"");
  CHECK(created.has_create_time());
  CHECK(Same(created.update_time(), created.create_time()));
  CHECK(Iso(crm::api::CivilDayOf(created.end_date())) == Iso(MonthEnd(0)));
  CHECK(created.territory() == kRetail);
  CHECK(created.sales_rep() == anna);
  CHECK(created.product_group() == "MONITORS");
  CHECK(Text(created.amount()) == "EUR 5000.00");
  sv1::SalesTarget got;
  REQUIRE(Outcome(crm.TryGet(created.name(), &got)) == "OK");
  CHECK(Same(got, created));

  sv1::SalesTarget change;
  change.set_name(created.name());
  *change.mutable_amount() = Eur(6000);
  sv1::SalesTarget updated;
  REQUIRE(Outcome(crm.TryUpdate(change, {"amount"}, &updated)) == "OK");
  CHECK(Text(updated.amount()) == "EUR 6000.00");
  CHECK(updated.sales_rep() == anna);  // not in the mask: kept
  CHECK(updated.etag() == "\"2\"");
  change.set_etag(created.etag());
  CHECK(Outcome(crm.TryUpdate(change, {"amount"})) == "ABORTED");
  REQUIRE(Outcome(crm.TryGet(created.name(), &got)) == "OK");
  CHECK(Same(got, updated));

  CHECK(Outcome(crm.TryDeleteTarget(created.name(), created.etag())) == "ABORTED");
  CHECK(Outcome(crm.TryDeleteTarget(created.name(), updated.etag())) == "OK");
  CHECK(Outcome(crm.TryGet(created.name())) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDeleteTarget(created.name())) == "NOT_FOUND");
  CHECK(Outcome(crm.TryGet("targets/x")) == "INVALID_ARGUMENT name");
}

TEST_CASE("planning: refused sales targets name their field or reason and write nothing",
          "[sales][planning]") {
  Planner crm;
  crm.AddRetailTerritory();
  const std::string anna = crm.AddEmployee("Anders");
  const std::string contact = crm.AddPerson("Kunde", pv1::ROLE_TYPE_CONTACT_PERSON);
  const sv1::SalesTarget valid = Target(MonthStart(0), MonthEnd(0), Eur(5000), kRetail, anna);
  auto refused = [&](const sv1::SalesTarget& target) {
    const grpc::Status status = crm.TryCreate(target);
    return Outcome(status) + (Precondition(status).empty() ? "" : " " + Precondition(status));
  };
  sv1::SalesTarget bad = valid;
  *bad.mutable_end_date() = D(MonthStart(0) - 1);
  CHECK(refused(bad) == "INVALID_ARGUMENT sales_target.end_date");
  *bad.mutable_end_date() = D(MonthStart(0) + 367);
  CHECK(refused(bad) == "INVALID_ARGUMENT sales_target.end_date");
  bad = valid;
  *bad.mutable_amount() = Eur(0);
  bad.set_sales_rep("anna");
  bad.set_product_group("monitors");
  CHECK(refused(bad) ==
        "INVALID_ARGUMENT sales_target.sales_rep, sales_target.product_group, sales_target.amount");
  CHECK(Outcome(crm.TryCreate(valid, nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");
  CHECK(Outcome(Try(crm.api(), &Planning::CreateSalesTarget, sv1::CreateSalesTargetRequest())) ==
        "INVALID_ARGUMENT sales_target");
  bad = valid;
  bad.set_sales_rep(contact);
  CHECK(refused(bad) == "FAILED_PRECONDITION NOT_EMPLOYEE sales_target.sales_rep");
  bad.set_sales_rep("partners/nobody");
  CHECK(refused(bad) == "NOT_FOUND");
  bad = valid;
  bad.set_territory("territories/nowhere");
  CHECK(refused(bad) == "NOT_FOUND");
  CHECK(crm.TargetNames().empty());

  // One target per period, territory, rep, product group and currency.
  const sv1::SalesTarget first = crm.Create(valid);
  CHECK(refused(valid) == "ALREADY_EXISTS");
  sv1::SalesTarget dollars = valid;
  *dollars.mutable_amount() = Cash("USD", 5000);
  const sv1::SalesTarget in_usd = crm.Create(dollars);
  sv1::SalesTarget monitors = valid;
  monitors.set_product_group("MONITORS");
  crm.Create(monitors);
  CHECK(crm.TargetNames().size() == 3);
  // Nor by an update; nor a rep who is no employee.
  sv1::SalesTarget change;
  change.set_name(in_usd.name());
  *change.mutable_amount() = Eur(1);
  CHECK(Outcome(crm.TryUpdate(change, {"amount"})) == "ALREADY_EXISTS");
  change.set_sales_rep(contact);
  const grpc::Status not_employee = crm.TryUpdate(change, {"sales_rep"});
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE sales_target.sales_rep");
  change.set_sales_rep("anna");
  CHECK(Outcome(crm.TryUpdate(change, {"sales_rep"})) == "INVALID_ARGUMENT sales_target.sales_rep");
  change.set_territory("territories/nowhere");
  CHECK(Outcome(crm.TryUpdate(change, {"territory"})) == "NOT_FOUND");
  *change.mutable_amount() = Eur(0);
  CHECK(Outcome(crm.TryUpdate(change, {"amount"})) == "INVALID_ARGUMENT sales_target.amount");
  sv1::SalesTarget kept;
  REQUIRE(Outcome(crm.TryGet(in_usd.name(), &kept)) == "OK");
  CHECK(Same(kept, in_usd));
  REQUIRE(Outcome(crm.TryGet(first.name(), &kept)) == "OK");
  CHECK(Same(kept, first));
}

TEST_CASE("planning: sales targets are listed by start date, filtered and paged, retries",
          "[sales][planning]") {
  Planner crm;
  const std::string anna = crm.AddEmployee("Anders");
  const std::string bert = crm.AddEmployee("Berg");
  std::vector<std::string> by_month(5);
  for (int month : {3, 1, 4, 0, 2}) {
    by_month[month] = crm.Create(Target(MonthStart(month), MonthEnd(month), Eur(1000), "",
                                        month % 2 == 0 ? anna : bert))
                          .name();
  }
  int pages = 0;
  CHECK(crm.TargetNames("", 2, &pages) == by_month);
  CHECK(pages == 3);
  CHECK(crm.TargetNames(absl::StrCat("sales_rep = \"", anna, "\"")) ==
        Strings{by_month[0], by_month[2], by_month[4]});
  CHECK(crm.TargetNames(absl::StrCat("start_date >= \"", Iso(MonthStart(2)), "\"")) ==
        Strings{by_month[2], by_month[3], by_month[4]});
  sv1::ListSalesTargetsRequest bad;
  bad.set_filter("colour = \"red\"");
  CHECK(absl::StartsWith(Outcome(Try(crm.api(), &Planning::ListSalesTargets, bad)),
                         "INVALID_ARGUMENT"));

  // A retry with the same request_id gives the first target, not a second.
  const sv1::SalesTarget draft = Target(MonthStart(0), MonthEnd(0), Eur(300), "", "", "INPUT");
  sv1::SalesTarget first, again;
  REQUIRE(Outcome(crm.TryCreate(draft, &first, "target-input-1")) == "OK");
  REQUIRE(Outcome(crm.TryCreate(draft, &again, "target-input-1")) == "OK");
  CHECK(Same(first, again));
  CHECK(crm.TargetNames().size() == 6);
  sv1::SalesTarget other = draft;
  *other.mutable_amount() = Eur(301);
  CHECK(Outcome(crm.TryCreate(other, nullptr, "target-input-1")) == "INVALID_ARGUMENT request_id");
}

// ---------------------------------------------------------------------------
// The forecast.

namespace {

// Anna's and Bert's opportunities for Alvis (RETAIL, in territories/retail)
// and a bank (in no territory) over the next two months; an order of
// Alvis's booked for Bert completed today, one cancelled and one open; a
// total, a rep and a territory target for this month.
struct Story {
  std::string anna, bert;
  sv1::SalesOrder completed;
};
Story TellStory(Planner& crm) {
  Story story;
  crm.AddCatalog();
  crm.AddRetailTerritory();
  story.anna = crm.AddEmployee("Anders");
  story.bert = crm.AddEmployee("Berg");
  const std::string alvis = crm.AddCustomer("Alvis Retail GmbH", "RETAIL");
  const std::string bank = crm.AddCustomer("Bank AG", "BANKING");
  const sv1::Opportunity a = crm.AddDeal(alvis, story.anna, Eur(10000), MonthStart(1) + 4, 40);
  CHECK(a.territory() == kRetail);
  CHECK(Text(a.weighted_revenue()) == "EUR 4000.00");
  crm.Win(crm.AddDeal(alvis, story.anna, Eur(5000), MonthStart(1) + 9, 60).name());
  crm.AddDeal(bank, story.anna, Eur(1000), MonthStart(1) + 14, 50);
  crm.AddDeal(alvis, story.anna, Cash("USD", 700), MonthStart(1) + 2, 50);  // skipped
  crm.AddDeal(alvis, story.bert, Eur(20000), MonthStart(2) + 9, 25);
  const sv1::SalesOrder order =
      crm.NewOrder(alvis, {{kMonitor, 10}, {kKeyboard, 4}}, "", story.bert);
  CHECK(order.territory() == kRetail);
  story.completed = crm.Complete(order.name());
  const sv1::SalesOrder cancelled = crm.Cancel(crm.NewOrder(alvis, {{kMonitor, 1}}).name());
  CHECK_FALSE(cancelled.has_completion_date());
  crm.NewOrder(alvis, {{kMonitor, 2}}, "", story.anna);  // stays open
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(4399, 92)));
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(1099, 98), "", story.bert));
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(2199, 96), kRetail));
  return story;
}

sv1::ForecastSalesResponse ForecastOf(Planner& crm, const sv1::ForecastSalesRequest& request) {
  return Ok(crm.api(), &Planning::ForecastSales, request);
}

}  // namespace

TEST_CASE("planning: the forecast shows pipeline, won, target and actual for each month",
          "[sales][planning]") {
  Planner crm;
  const Story story = TellStory(crm);
  CHECK(story.completed.state() == sv1::SALES_ORDER_STATE_COMPLETED);
  CHECK(Iso(crm::api::CivilDayOf(story.completed.completion_date())) == Iso(Today()));
  CHECK(story.completed.sales_rep() == story.bert);
  CHECK(Text(story.completed.net_total()) == "EUR 2199.96");

  const auto m = [](int offset) { return Iso(MonthStart(offset)); };
  const sv1::ForecastSalesResponse response = ForecastOf(crm, Forecast(MonthStart(0), MonthEnd(2)));
  CHECK(Rows(response) ==
        Strings{m(0) + " [] p=0.00 w=0.00 won=0.00 t=4399.92 a=2199.96 50.00% open=0",
                m(1) + " [] p=11000.00 w=4500.00 won=5000.00 t=0.00 a=0.00 0.00% open=2",
                m(2) + " [] p=20000.00 w=5000.00 won=0.00 t=0.00 a=0.00 0.00% open=1"});
  CHECK(response.skipped_other_currency() == 1);
  REQUIRE(response.rows_size() == 3);
  CHECK(Iso(crm::api::CivilDayOf(response.rows(2).period_end())) == Iso(MonthEnd(2)));
  CHECK(response.rows(0).actual().currency_code() == "EUR");

  // A range cut inside the months: only what falls in it.
  const sv1::ForecastSalesResponse cut =
      ForecastOf(crm, Forecast(MonthStart(1) + 5, MonthStart(1) + 14));
  CHECK(Rows(cut) == Strings{Iso(MonthStart(1) + 5) +
                             " [] p=1000.00 w=500.00 won=5000.00 t=0.00 a=0.00 0.00% open=1"});
  CHECK(cut.skipped_other_currency() == 0);

  // Filtered to Anna: an empty total row for the months she has nothing in.
  CHECK(Rows(ForecastOf(crm, Forecast(MonthStart(0), MonthEnd(2),
                                      sv1::FORECAST_DIMENSION_UNSPECIFIED, story.anna))) ==
        Strings{m(0) + " [] p=0.00 w=0.00 won=0.00 t=0.00 a=0.00 0.00% open=0",
                m(1) + " [] p=11000.00 w=4500.00 won=5000.00 t=0.00 a=0.00 0.00% open=2",
                m(2) + " [] p=0.00 w=0.00 won=0.00 t=0.00 a=0.00 0.00% open=0"});
}

TEST_CASE("planning: the forecast by rep and by territory, with the targets of each",
          "[sales][planning]") {
  Planner crm;
  const Story story = TellStory(crm);
  const auto m = [](int offset) { return Iso(MonthStart(offset)); };
  CHECK(Rows(ForecastOf(crm,
                        Forecast(MonthStart(0), MonthEnd(2), sv1::FORECAST_DIMENSION_SALES_REP))) ==
        Strings{m(0) + " [" + story.bert + "] p=0.00 w=0.00 won=0.00 t=1099.98 a=2199.96 " +
                    "200.00% open=0",
                m(1) + " [" + story.anna + "] p=11000.00 w=4500.00 won=5000.00 t=0.00 a=0.00 " +
                    "0.00% open=2",
                m(2) + " [" + story.bert + "] p=20000.00 w=5000.00 won=0.00 t=0.00 a=0.00 " +
                    "0.00% open=1"});
  CHECK(Rows(ForecastOf(crm,
                        Forecast(MonthStart(0), MonthEnd(2), sv1::FORECAST_DIMENSION_TERRITORY))) ==
        Strings{m(0) + " [territories/retail] p=0.00 w=0.00 won=0.00 t=2199.96 a=2199.96 " +
                    "100.00% open=0",
                m(1) + " [] p=1000.00 w=500.00 won=0.00 t=0.00 a=0.00 0.00% open=1",
                m(1) + " [territories/retail] p=10000.00 w=4000.00 won=5000.00 t=0.00 a=0.00 " +
                    "0.00% open=1",
                m(2) + " [territories/retail] p=20000.00 w=5000.00 won=0.00 t=0.00 a=0.00 " +
                    "0.00% open=1"});
  // By product group: the order's items by their groups.
  CHECK(Rows(ForecastOf(
            crm, Forecast(MonthStart(0), MonthEnd(0), sv1::FORECAST_DIMENSION_PRODUCT_GROUP))) ==
        Strings{m(0) + " [INPUT] p=0.00 w=0.00 won=0.00 t=0.00 a=199.96 0.00% open=0",
                m(0) + " [MONITORS] p=0.00 w=0.00 won=0.00 t=0.00 a=2000.00 0.00% open=0"});
}

TEST_CASE("planning: ForecastSales refuses bad requests, naming the field", "[sales][planning]") {
  Planner crm;
  auto outcome = [&](const sv1::ForecastSalesRequest& request) {
    return Outcome(Try(crm.api(), &Planning::ForecastSales, request));
  };
  CHECK(outcome(Forecast(MonthStart(1), MonthStart(0))) == "INVALID_ARGUMENT end_date");
  CHECK(outcome(Forecast(MonthStart(0), MonthStart(120))) == "INVALID_ARGUMENT end_date");
  CHECK(outcome(Forecast(MonthStart(0), MonthStart(120) - 1)) == "OK");  // 120 months
  sv1::ForecastSalesRequest request = Forecast(MonthStart(0), MonthEnd(0));
  request.set_currency_code("euro");
  CHECK(outcome(request) == "INVALID_ARGUMENT currency_code");
  request.clear_currency_code();
  request.set_sales_rep("anna");
  CHECK(outcome(request) == "INVALID_ARGUMENT currency_code, sales_rep");
  CHECK(outcome(sv1::ForecastSalesRequest()) ==
        "INVALID_ARGUMENT start_date, end_date, currency_code");
}

// ---------------------------------------------------------------------------
// Commission plans.

TEST_CASE("planning: commission plans are created under an id, read, listed, updated, deleted",
          "[sales][planning]") {
  Planner crm;
  const std::string anna = crm.AddEmployee("Anders");
  const std::string contact = crm.AddPerson("Kunde", pv1::ROLE_TYPE_CONTACT_PERSON);
  const sv1::CommissionPlan draft = Plan({anna}, MonthStart(0), MonthStart(12) - 1);
  CHECK(Outcome(crm.TryCreate("Field_Sales", draft)) == "INVALID_ARGUMENT commission_plan_id");
  CHECK(Outcome(crm.TryCreate("", draft)) == "INVALID_ARGUMENT commission_plan_id");
  sv1::CommissionPlan bad = draft;
  bad.mutable_rates(1)->set_product_group("MONITORS");
  bad.mutable_tiers(0)->set_multiplier_percent(1000.01);
  CHECK(Outcome(crm.TryCreate("field-sales", bad)) ==
        "INVALID_ARGUMENT commission_plan.rates[1].product_group, "
        "commission_plan.tiers[0].multiplier_percent");
  bad = draft;
  bad.add_sales_reps(contact);
  const grpc::Status not_employee = crm.TryCreate("field-sales", bad);
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE commission_plan.sales_reps[1]");
  bad.set_sales_reps(1, "partners/nobody");
  CHECK(Outcome(crm.TryCreate("field-sales", bad)) == "NOT_FOUND");
  CHECK(crm.PlanNames().empty());

  const sv1::CommissionPlan created = crm.Create("field-sales", draft);
  CHECK(created.name() == "commissionPlans/field-sales");
  CHECK(created.etag() == "\"1\"");
  CHECK(Strings(created.sales_reps().begin(), created.sales_reps().end()) == Strings{anna});
  CHECK(created.rates_size() == 2);
  CHECK(created.tiers_size() == 2);
  CHECK(Outcome(crm.TryCreate("field-sales", draft)) == "ALREADY_EXISTS");
  sv1::GetCommissionPlanRequest get;
  get.set_name(created.name());
  CHECK(Same(Ok(crm.api(), &Planning::GetCommissionPlan, get), created));
  sv1::CommissionPlan dollars = draft;
  dollars.set_currency_code("USD");  // the same rep, in another currency
  crm.Create("alpha", dollars);
  int pages = 0;
  CHECK(crm.PlanNames(1, &pages) == Strings{"commissionPlans/alpha", created.name()});
  CHECK(pages == 2);

  sv1::CommissionPlan change;
  change.set_name(created.name());
  change.add_rates()->set_rate_percent(3.5);
  sv1::CommissionPlan updated;
  REQUIRE(Outcome(crm.TryUpdate(change, {"rates"}, &updated)) == "OK");
  REQUIRE(updated.rates_size() == 1);
  CHECK(updated.rates(0).rate_percent() == 3.5);
  CHECK(updated.tiers_size() == 2);
  CHECK(updated.etag() == "\"2\"");
  change.set_etag(created.etag());
  CHECK(Outcome(crm.TryUpdate(change, {"rates"})) == "ABORTED");
  change.clear_etag();
  change.mutable_rates(0)->set_rate_percent(101);
  CHECK(Outcome(crm.TryUpdate(change, {"rates"})) ==
        "INVALID_ARGUMENT commission_plan.rates[0].rate_percent");
  CHECK(Same(Ok(crm.api(), &Planning::GetCommissionPlan, get), updated));

  sv1::DeleteCommissionPlanRequest remove;
  remove.set_name(created.name());
  remove.set_etag(created.etag());
  CHECK(Outcome(Try(crm.api(), &Planning::DeleteCommissionPlan, remove)) == "ABORTED");
  remove.clear_etag();
  CHECK(Outcome(Try(crm.api(), &Planning::DeleteCommissionPlan, remove)) == "OK");
  CHECK(Outcome(Try(crm.api(), &Planning::GetCommissionPlan, get)) == "NOT_FOUND");
  CHECK(crm.PlanNames() == Strings{"commissionPlans/alpha"});
}

TEST_CASE("planning: a rep is paid by one plan per currency at a time (PLAN_OVERLAP)",
          "[sales][planning]") {
  Planner crm;
  const std::string anna = crm.AddEmployee("Anders");
  const std::string bert = crm.AddEmployee("Berg");
  const std::string carl = crm.AddEmployee("Claus");
  const absl::CivilDay start(2027, 1, 1), end(2027, 12, 31);
  crm.Create("field", Plan({anna, bert}, start, end));
  auto overlap = [](const grpc::Status& status) {
    return Outcome(status) + " " + Precondition(status);
  };
  // One shared day is enough.
  CHECK(overlap(crm.TryCreate("next", Plan({carl, bert}, end, end + 180))) ==
        "FAILED_PRECONDITION PLAN_OVERLAP commission_plan.sales_reps[1]");
  const sv1::CommissionPlan next = crm.Create("next", Plan({carl, bert}, end + 1, end + 180));
  sv1::CommissionPlan dollars = Plan({anna}, start, end);
  dollars.set_currency_code("USD");
  crm.Create("dollars", dollars);
  // An update that makes two plans overlap is refused too.
  sv1::CommissionPlan change;
  change.set_name(next.name());
  *change.mutable_valid_from() = D(absl::CivilDay(2027, 6, 1));
  CHECK(overlap(crm.TryUpdate(change, {"valid_from"})) ==
        "FAILED_PRECONDITION PLAN_OVERLAP commission_plan.sales_reps[1]");
  // A plan does not overlap itself.
  change.set_name("commissionPlans/field");
  change.set_display_name("Field sales 2027");
  sv1::CommissionPlan renamed;
  CHECK(Outcome(crm.TryUpdate(change, {"display_name"}, &renamed)) == "OK");
  CHECK(renamed.display_name() == "Field sales 2027");
  // Nor by a change of currency, or of the reps (sent with the whole plan).
  sv1::CommissionPlan euros = dollars;
  euros.set_name("commissionPlans/dollars");
  euros.set_currency_code("EUR");
  CHECK(overlap(crm.TryUpdate(euros, {"currency_code"})) ==
        "FAILED_PRECONDITION PLAN_OVERLAP commission_plan.sales_reps[0]");
  sv1::CommissionPlan team = next;
  team.clear_etag();
  team.add_sales_reps(anna);
  CHECK(Outcome(crm.TryUpdate(team, {"sales_reps"})) == "OK");  // 2028: not in "field"
  team.set_sales_reps(0, crm.AddPerson("Kunde", pv1::ROLE_TYPE_CONTACT_PERSON));
  CHECK(overlap(crm.TryUpdate(team, {"sales_reps"})) ==
        "FAILED_PRECONDITION NOT_EMPLOYEE commission_plan.sales_reps[0]");
  *team.mutable_valid_from() = D(end);
  team.set_sales_reps(0, carl);
  CHECK(overlap(crm.TryUpdate(team, {"sales_reps", "valid_from"})) ==
        "FAILED_PRECONDITION PLAN_OVERLAP commission_plan.sales_reps[1]");
  CHECK(crm.PlanNames() ==
        Strings{"commissionPlans/dollars", "commissionPlans/field", "commissionPlans/next"});
}

TEST_CASE("planning: an update of the reps alone needs only the name and the reps",
          "[sales][planning]") {
  // With the mask naming sales_reps, the reps sent are checked, and the plan
  // once the mask is applied; the other fields need not be sent.
  Planner crm;
  const std::string anna = crm.AddEmployee("Anders");
  const std::string bert = crm.AddEmployee("Berg");
  const sv1::CommissionPlan created =
      crm.Create("field", Plan({anna}, MonthStart(0), MonthEnd(11)));
  sv1::CommissionPlan change;
  change.set_name(created.name());
  change.add_sales_reps(anna);
  change.add_sales_reps("bert");
  CHECK(Outcome(crm.TryUpdate(change, {"sales_reps"})) ==
        "INVALID_ARGUMENT commission_plan.sales_reps[1]");
  change.set_sales_reps(1, anna);
  CHECK(Outcome(crm.TryUpdate(change, {"sales_reps"})) ==
        "INVALID_ARGUMENT commission_plan.sales_reps[1]");  // listed twice
  change.set_sales_reps(1, bert);
  sv1::CommissionPlan updated;
  const grpc::Status status = crm.TryUpdate(change, {"sales_reps"}, &updated);
  INFO(status.error_message());
  CHECK(Outcome(status) == "OK");
  CHECK(Strings(updated.sales_reps().begin(), updated.sales_reps().end()) == Strings{anna, bert});
  CHECK(updated.display_name() == created.display_name());
  CHECK(updated.rates_size() == 2);
  CHECK(updated.currency_code() == "EUR");
}

// ---------------------------------------------------------------------------
// Commissions.

TEST_CASE("planning: commissions on completed orders, per item, at the rate times the tier",
          "[sales][planning]") {
  Planner crm;
  crm.AddCatalog();
  const std::string anna = crm.AddEmployee("Anders");
  const std::string bert = crm.AddEmployee("Berg");
  const std::string alvis = crm.AddCustomer("Alvis Retail GmbH", "RETAIL");
  const std::string for_anna = crm.AddDeal(alvis, anna, Eur(2000), Today() + 20, 50).name();
  const std::string for_bert = crm.AddDeal(alvis, bert, Eur(200), Today() + 20, 50).name();
  // The rep defaults to the opportunity's owner, from a quotation or not.
  const sv1::SalesOrder quoted = crm.OrderQuoted(alvis, {{kMonitor, 10}}, for_anna);
  CHECK(quoted.sales_rep() == anna);
  const sv1::SalesOrder with_deal = crm.NewOrder(alvis, {{kKeyboard, 4}}, for_bert);
  CHECK(with_deal.sales_rep() == bert);
  const sv1::SalesOrder named = crm.NewOrder(alvis, {{kMonitor, 1}, {kKeyboard, 2}}, "", anna);
  for (const auto* order : {&quoted, &with_deal, &named}) crm.Complete(order->name());
  const sv1::SalesOrder cancelled = crm.NewOrder(alvis, {{kMonitor, 5}}, "", anna);
  crm.Cancel(cancelled.name());
  const sv1::SalesOrder open = crm.NewOrder(alvis, {{kMonitor, 3}}, for_anna);
  CHECK(open.sales_rep() == anna);
  // Anna's target is exactly her revenue (100 %: 120 % of the rates); Bert
  // has none (the rates as they are).
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(2299, 98), "", anna));
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(99), "", bert, "INPUT"));  // not his alone
  const sv1::CommissionPlan plan =
      crm.Create("field-sales", Plan({anna, bert}, MonthStart(0), MonthStart(0) + 364));

  sv1::ComputeCommissionsResponse response;
  REQUIRE(Outcome(crm.TryCompute(MonthStart(0), MonthEnd(0), "", &response)) == "OK");
  REQUIRE(response.statements_size() == 2);
  const bool anna_first = anna < bert;
  const sv1::CommissionStatement& a = response.statements(anna_first ? 0 : 1);
  const sv1::CommissionStatement& b = response.statements(anna_first ? 1 : 0);
  CHECK(a.sales_rep() == anna);
  CHECK(a.commission_plan() == plan.name());
  CHECK(Text(a.revenue()) == "EUR 2299.98");
  CHECK(Text(a.target()) == "EUR 2299.98");
  CHECK(a.attainment_percent() == 100);
  CHECK(a.multiplier_percent() == 120);
  // One line per item, by order and item: 2000 × 5 % × 1.2, 200 × 5 % × 1.2
  // and 99.98 × 2 % × 1.2 = 2.39952.
  struct Expected {
    std::string order, text;
  };
  std::vector<Expected> expected = {
      {quoted.name(), "products/monitor-24 MONITORS EUR 2000.00 5% EUR 120.00"},
      {named.name(), "products/monitor-24 MONITORS EUR 200.00 5% EUR 12.00"},
      {named.name(), "products/keyboard INPUT EUR 99.98 2% EUR 2.40"}};
  std::stable_sort(expected.begin(), expected.end(),
                   [](const Expected& x, const Expected& y) { return x.order < y.order; });
  auto lines = [](const sv1::CommissionStatement& statement) {
    std::vector<std::string> out;
    for (const sv1::CommissionLine& line : statement.lines()) {
      CHECK(Iso(crm::api::CivilDayOf(line.completion_date())) == Iso(Today()));
      out.push_back(absl::StrCat(line.sales_order(), " ", line.product(), " ", line.product_group(),
                                 " ", Text(line.net_amount()), " ", line.rate_percent(), "% ",
                                 Text(line.commission())));
    }
    return out;
  };
  Strings anna_lines;
  for (const Expected& e : expected) anna_lines.push_back(e.order + " " + e.text);
  CHECK(lines(a) == anna_lines);
  CHECK(Text(a.commission()) == "EUR 134.40");
  CHECK(b.sales_rep() == bert);
  CHECK(Text(b.revenue()) == "EUR 199.96");
  CHECK(Text(b.target()) == "EUR 0.00");
  CHECK(b.attainment_percent() == 0);
  CHECK(b.multiplier_percent() == 100);
  CHECK(lines(b) == Strings{with_deal.name() + " products/keyboard INPUT EUR 199.96 2% EUR 4.00"});
  CHECK(Text(b.commission()) == "EUR 4.00");

  // One rep; a period without completed orders; a period too long.
  sv1::ComputeCommissionsResponse only_bert;
  REQUIRE(Outcome(crm.TryCompute(MonthStart(0), MonthEnd(0), bert, &only_bert)) == "OK");
  REQUIRE(only_bert.statements_size() == 1);
  CHECK(Same(only_bert.statements(0), b));
  sv1::ComputeCommissionsResponse before;
  REQUIRE(Outcome(crm.TryCompute(MonthStart(-1), MonthStart(0) - 1, "", &before)) == "OK");
  CHECK(before.statements().empty());
  CHECK(Outcome(crm.TryCompute(MonthStart(0), MonthStart(0) + 367, "")) ==
        "INVALID_ARGUMENT end_date");
  CHECK(Outcome(crm.TryCompute(MonthStart(0), MonthEnd(0), "bert")) ==
        "INVALID_ARGUMENT sales_rep");
  // The cancelled order was never booked: no actual in the forecast either.
  const sv1::ForecastSalesResponse forecast = ForecastOf(crm, Forecast(MonthStart(0), MonthEnd(0)));
  REQUIRE(forecast.rows_size() == 1);
  CHECK(Text(forecast.rows(0).actual()) == "EUR 2499.94");
}
