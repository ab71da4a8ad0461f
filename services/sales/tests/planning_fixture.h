// Test support for the PlanningService tests (planning_*_test.cc): the sales
// service in-process with a real partners service beside it (`Planner`: the
// employees and customers, catalogue, territory, opportunities and orders a
// forecast or a commission is made of, and the planning calls), days
// around today, money, sales targets, forecast requests and calls with a
// deadline.
#ifndef CRM_SERVICES_SALES_TESTS_PLANNING_FIXTURE_H_
#define CRM_SERVICES_SALES_TESTS_PLANNING_FIXTURE_H_

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

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

namespace crm::sales::testing::planning_testing {

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

inline constexpr char kMonitor[] = "products/monitor-24";  // EUR 200, MONITORS
inline constexpr char kKeyboard[] = "products/keyboard";   // EUR 49.99, INPUT
inline constexpr char kRetail[] = "territories/retail";    // takes RETAIL accounts

// Days around today (UTC), the day orders complete on.
inline absl::CivilDay Today() { return crm::api::CivilDayOf(crm::api::UtcDate(absl::Now())); }
// The first day of the month `offset` months from this one.
inline absl::CivilDay MonthStart(int offset) {
  return absl::CivilDay(absl::CivilMonth(Today()) + offset);
}
inline absl::CivilDay MonthEnd(int offset) { return MonthStart(offset + 1) - 1; }
inline Date D(absl::CivilDay day) { return crm::api::DateOf(day); }
inline std::string Iso(absl::CivilDay day) { return crm::api::IsoDate(D(day)); }

inline Money Cash(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}
inline Money Eur(int64_t units, int32_t cents = 0) {
  return Cash("EUR", units, cents * 10'000'000);
}

// "EUR 2199.96" (amounts here are not negative).
inline std::string Text(const Money& money) {
  return absl::StrFormat("%s %d.%02d", money.currency_code(), money.units(),
                         money.nanos() / 10'000'000);
}
inline bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
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
inline void RequireOk(const grpc::Status& status) {
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

inline sv1::SalesTarget Target(absl::CivilDay first, absl::CivilDay last, const Money& amount,
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

inline sv1::ForecastSalesRequest Forecast(
    absl::CivilDay first, absl::CivilDay last,
    sv1::ForecastDimension by = sv1::FORECAST_DIMENSION_UNSPECIFIED, const std::string& rep = "") {
  sv1::ForecastSalesRequest request;
  *request.mutable_start_date() = D(first);
  *request.mutable_end_date() = D(last);
  request.set_group_by(by);
  request.set_currency_code("EUR");
  request.set_sales_rep(rep);
  return request;
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

inline sv1::ForecastSalesResponse ForecastOf(Planner& crm,
                                             const sv1::ForecastSalesRequest& request) {
  return Ok(crm.api(), &Planning::ForecastSales, request);
}

}  // namespace crm::sales::testing::planning_testing

#endif  // CRM_SERVICES_SALES_TESTS_PLANNING_FIXTURE_H_
