// The whole sales story end to end, with the real crm-partners and
// crm-sales executables: a rep and a retailer in partners; territories that
// place the retailer; an opportunity, a quotation priced with the volume
// discount, the order completed; a contract and its release orders; a
// target, the forecast against it, and the rep's commission. Then a rule
// change re-assigns the account, and with partners stopped the planning
// figures still answer while a new release order cannot be priced.
#include <signal.h>

#include <string>

#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/contract_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "crm/sales/v1/planning_service.grpc.pb.h"
#include "crm/sales/v1/pricing_service.grpc.pb.h"
#include "crm/sales/v1/sales_document_service.grpc.pb.h"
#include "crm/sales/v1/territory_service.grpc.pb.h"
#include "tests/e2e/sales_e2e_support.h"

namespace {

using crm::api::DateOf;
using crm::testing::BinaryPath;
using crm::testing::ContextWithDeadline;
using crm::testing::Describe;
using crm::testing::Eur;
using crm::testing::ServiceProcess;
using crm::testing::TempDir;
using crm::testing::Text;

namespace partnersv1 = crm::partners::v1;
namespace salesv1 = crm::sales::v1;

// Runs one call that must succeed and returns its response.
template <typename Response, typename Call>
Response Ok(Call call) {
  Response response;
  const grpc::Status status = call(ContextWithDeadline().get(), &response);
  INFO(Describe(status));
  REQUIRE(status.ok());
  return response;
}

// The calendar around today (UTC), so the story holds whenever it runs.
struct Calendar {
  absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  absl::CivilDay month_start = absl::CivilDay(absl::CivilMonth(today));
  absl::CivilDay month_end = absl::CivilDay(absl::CivilMonth(today) + 1) - 1;
  absl::CivilDay quarter_start = absl::CivilDay(
      absl::CivilMonth(today.year(), (today.month() - 1) / 3 * 3 + 1));
  absl::CivilDay quarter_end = absl::CivilDay(absl::CivilMonth(quarter_start) + 3) - 1;
};

struct Suite {
  TempDir partners_dir;
  TempDir sales_dir;
  ServiceProcess partners{BinaryPath("crm-partners"), partners_dir.path()};
  std::unique_ptr<ServiceProcess> sales;
  std::unique_ptr<partnersv1::PartnerService::Stub> partner_stub;
  std::unique_ptr<salesv1::CatalogService::Stub> catalog;
  std::unique_ptr<salesv1::PricingService::Stub> pricing;
  std::unique_ptr<salesv1::TerritoryService::Stub> territories;
  std::unique_ptr<salesv1::OpportunityService::Stub> opportunities;
  std::unique_ptr<salesv1::SalesDocumentService::Stub> documents;
  std::unique_ptr<salesv1::ContractService::Stub> contracts;
  std::unique_ptr<salesv1::PlanningService::Stub> planning;

  void Start() {
    REQUIRE(partners.Start());
    sales = std::make_unique<ServiceProcess>(BinaryPath("crm-sales"), sales_dir.path(),
                                             std::vector<std::string>{
                                                 "--partners_address=" + partners.address()});
    REQUIRE(sales->Start());
    partner_stub = partnersv1::PartnerService::NewStub(partners.channel());
    catalog = salesv1::CatalogService::NewStub(sales->channel());
    pricing = salesv1::PricingService::NewStub(sales->channel());
    territories = salesv1::TerritoryService::NewStub(sales->channel());
    opportunities = salesv1::OpportunityService::NewStub(sales->channel());
    documents = salesv1::SalesDocumentService::NewStub(sales->channel());
    contracts = salesv1::ContractService::NewStub(sales->channel());
    planning = salesv1::PlanningService::NewStub(sales->channel());
  }

  std::string CreatePartner(const partnersv1::Partner& partner) {
    partnersv1::CreatePartnerRequest request;
    *request.mutable_partner() = partner;
    return Ok<partnersv1::Partner>([&](auto* context, auto* response) {
             return partner_stub->CreatePartner(context, request, response);
           })
        .name();
  }

  salesv1::Territory CreateTerritory(const std::string& id, const salesv1::Territory& territory) {
    salesv1::CreateTerritoryRequest request;
    request.set_territory_id(id);
    *request.mutable_territory() = territory;
    return Ok<salesv1::Territory>([&](auto* context, auto* response) {
      return territories->CreateTerritory(context, request, response);
    });
  }
};

partnersv1::Partner Rep() {
  partnersv1::Partner rep;
  rep.set_category(partnersv1::PARTNER_CATEGORY_PERSON);
  rep.mutable_person()->set_given_name("Rita");
  rep.mutable_person()->set_family_name("Reisinger");
  rep.add_roles()->set_type(partnersv1::ROLE_TYPE_EMPLOYEE);
  return rep;
}

partnersv1::Partner Retailer() {
  partnersv1::Partner p;
  p.set_category(partnersv1::PARTNER_CATEGORY_ORGANIZATION);
  p.mutable_organization()->set_legal_name("Kaufhaus Nordstern GmbH");
  p.mutable_organization()->set_industry_code("RETAIL");
  p.mutable_organization()->set_employee_count(250);
  partnersv1::Address* address = p.add_addresses();
  address->set_type(partnersv1::ADDRESS_TYPE_BUSINESS);
  address->set_city("München");
  address->set_postal_code("80331");
  address->set_region("Bayern");
  address->set_country_code("DE");
  address->set_is_default(true);
  partnersv1::Role* role = p.add_roles();
  role->set_type(partnersv1::ROLE_TYPE_CUSTOMER);
  role->mutable_customer()->set_customer_class(partnersv1::CUSTOMER_CLASS_A);
  return p;
}

void SetUpCatalog(Suite& suite, const Calendar& calendar) {
  salesv1::CreateTaxClassRequest tax;
  tax.set_tax_class_id("standard");
  tax.mutable_tax_class()->set_display_name("Standard rate");
  tax.mutable_tax_class()->set_rate_percent(19);
  Ok<salesv1::TaxClass>([&](auto* context, auto* response) {
    return suite.catalog->CreateTaxClass(context, tax, response);
  });
  salesv1::CreateProductRequest product;
  product.set_product_id("monitor-24");
  product.mutable_product()->set_display_name("24-inch monitor");
  product.mutable_product()->set_product_group("MONITORS");
  product.mutable_product()->set_unit("EA");
  *product.mutable_product()->mutable_list_price() = Eur(200);
  product.mutable_product()->set_tax_class("taxClasses/standard");
  Ok<salesv1::Product>([&](auto* context, auto* response) {
    return suite.catalog->CreateProduct(context, product, response);
  });
  // 10% off for A-class retailers ordering 100 or more, this quarter.
  salesv1::CreatePriceConditionRequest condition;
  salesv1::PriceCondition* c = condition.mutable_price_condition();
  c->set_display_name("Volume discount A-class retail");
  c->set_type(salesv1::CONDITION_TYPE_DISCOUNT_PERCENT);
  salesv1::ScaleLevel* level = c->add_scale();
  level->set_min_quantity(100);
  level->set_percent(10);
  c->mutable_scope()->set_customer_class(partnersv1::CUSTOMER_CLASS_A);
  c->mutable_scope()->set_industry_code("RETAIL");
  *c->mutable_valid_from() = DateOf(calendar.quarter_start);
  *c->mutable_valid_to() = DateOf(calendar.quarter_end);
  Ok<salesv1::PriceCondition>([&](auto* context, auto* response) {
    return suite.pricing->CreatePriceCondition(context, condition, response);
  });
}

salesv1::DocumentItem Monitors(double quantity) {
  salesv1::DocumentItem item;
  item.set_product("products/monitor-24");
  item.set_quantity(quantity);
  return item;
}

}  // namespace

TEST_CASE("the sales story: territory, pipeline, order, contract, forecast and commission",
          "[e2e][sales]") {
  const Calendar calendar;
  Suite suite;
  suite.Start();
  const std::string rep = suite.CreatePartner(Rep());
  const std::string retailer = suite.CreatePartner(Retailer());
  SetUpCatalog(suite, calendar);

  // Territories: DACH by country, Bavaria below it by postal code.
  salesv1::Territory dach;
  dach.set_display_name("DACH");
  for (const char* country : {"DE", "AT", "CH"}) dach.add_rules()->add_country_codes(country);
  dach.add_sales_reps(rep);
  suite.CreateTerritory("dach", dach);
  salesv1::Territory bavaria;
  bavaria.set_display_name("Bavaria");
  bavaria.set_parent("territories/dach");
  salesv1::PostalCodeRange* range = bavaria.add_rules()->add_postal_code_ranges();
  range->set_first("80000");
  range->set_last("87999");
  bavaria.add_sales_reps(rep);
  const salesv1::Territory bavaria_stored = suite.CreateTerritory("bavaria", bavaria);

  // The pipeline: an opportunity falls in Bavaria and assigns the account.
  salesv1::CreateSalesStageRequest stage;
  stage.set_sales_stage_id("proposal");
  stage.mutable_sales_stage()->set_display_name("Proposal");
  stage.mutable_sales_stage()->set_position(1);
  stage.mutable_sales_stage()->set_default_probability_percent(50);
  Ok<salesv1::SalesStage>([&](auto* context, auto* response) {
    return suite.opportunities->CreateSalesStage(context, stage, response);
  });
  salesv1::CreateOpportunityRequest deal;
  salesv1::Opportunity* o = deal.mutable_opportunity();
  o->set_display_name("Monitors for the new floor");
  o->set_account(retailer);
  o->set_stage("salesStages/proposal");
  o->set_owner(rep);
  o->set_product_group("MONITORS");
  *o->mutable_expected_revenue() = Eur(21600);
  *o->mutable_close_date() = DateOf(calendar.month_end);
  const salesv1::Opportunity opportunity = Ok<salesv1::Opportunity>(
      [&](auto* context, auto* response) {
        return suite.opportunities->CreateOpportunity(context, deal, response);
      });
  CHECK(opportunity.territory() == "territories/bavaria");
  CHECK(Text(opportunity.weighted_revenue()) == "10800.00 EUR");
  salesv1::GetTerritoryAssignmentRequest get_assignment;
  get_assignment.set_name("territoryAssignments/" + retailer.substr(retailer.find('/') + 1));
  CHECK(Ok<salesv1::TerritoryAssignment>([&](auto* context, auto* response) {
          return suite.territories->GetTerritoryAssignment(context, get_assignment, response);
        }).territory() == "territories/bavaria");

  // A quotation with the volume discount, ordered, won and completed.
  salesv1::CreateQuotationRequest quote;
  quote.mutable_quotation()->set_customer(retailer);
  quote.mutable_quotation()->set_opportunity(opportunity.name());
  *quote.mutable_quotation()->mutable_valid_until() = DateOf(calendar.today + 14);
  *quote.mutable_quotation()->add_items() = Monitors(120);
  const salesv1::Quotation quotation = Ok<salesv1::Quotation>([&](auto* context, auto* response) {
    return suite.documents->CreateQuotation(context, quote, response);
  });
  CHECK(Text(quotation.net_total()) == "21600.00 EUR");
  salesv1::OrderQuotationRequest order_it;
  order_it.set_name(quotation.name());
  const salesv1::SalesOrder order = Ok<salesv1::SalesOrder>([&](auto* context, auto* response) {
    return suite.documents->OrderQuotation(context, order_it, response);
  });
  CHECK(order.sales_rep() == rep);  // the opportunity's owner
  CHECK(order.territory() == "territories/bavaria");
  salesv1::WinOpportunityRequest win;
  win.set_name(opportunity.name());
  win.set_reason("Best price for 120 monitors");
  Ok<salesv1::Opportunity>([&](auto* context, auto* response) {
    return suite.opportunities->WinOpportunity(context, win, response);
  });
  salesv1::CompleteSalesOrderRequest complete;
  complete.set_name(order.name());
  CHECK(Ok<salesv1::SalesOrder>([&](auto* context, auto* response) {
          return suite.documents->CompleteSalesOrder(context, complete, response);
        }).completion_date().day() == calendar.today.day());

  // A value contract for the rest of the year and its release orders.
  salesv1::CreateContractRequest frame;
  salesv1::Contract* k = frame.mutable_contract();
  k->set_display_name("Monitors framework");
  k->set_customer(retailer);
  k->set_sales_rep(rep);
  k->set_currency_code("EUR");
  *k->mutable_valid_from() = DateOf(calendar.today);
  *k->mutable_valid_to() = DateOf(calendar.quarter_end);
  *k->mutable_target_value() = Eur(50000);
  k->add_items()->set_product("products/monitor-24");
  const salesv1::Contract contract = Ok<salesv1::Contract>([&](auto* context, auto* response) {
    return suite.contracts->CreateContract(context, frame, response);
  });
  salesv1::CreateReleaseOrderRequest release;
  release.set_contract(contract.name());
  *release.add_items() = Monitors(100);
  release.set_request_id("release-1");
  const salesv1::SalesOrder released = Ok<salesv1::SalesOrder>([&](auto* context, auto* response) {
    return suite.contracts->CreateReleaseOrder(context, release, response);
  });
  CHECK(released.contract() == contract.name());
  CHECK(Text(released.net_total()) == "18000.00 EUR");
  // The same request again is the same order; one more than the contract holds is refused.
  CHECK(Ok<salesv1::SalesOrder>([&](auto* context, auto* response) {
          return suite.contracts->CreateReleaseOrder(context, release, response);
        }).name() == released.name());
  salesv1::CreateReleaseOrderRequest too_much;
  too_much.set_contract(contract.name());
  *too_much.add_items() = Monitors(200);
  salesv1::SalesOrder unused_order;
  grpc::Status status =
      suite.contracts->CreateReleaseOrder(ContextWithDeadline().get(), too_much, &unused_order);
  CHECK(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(status.error_message().find("exceeds") != std::string::npos);
  salesv1::GetContractRequest get_contract;
  get_contract.set_name(contract.name());
  CHECK(Text(Ok<salesv1::Contract>([&](auto* context, auto* response) {
               return suite.contracts->GetContract(context, get_contract, response);
             }).released_value()) == "18000.00 EUR");
  // The release is booked for the rep when it completes.
  salesv1::CompleteSalesOrderRequest complete_release;
  complete_release.set_name(released.name());
  Ok<salesv1::SalesOrder>([&](auto* context, auto* response) {
    return suite.documents->CompleteSalesOrder(context, complete_release, response);
  });

  // Rita's target this month, the forecast against it, her commission.
  salesv1::CreateSalesTargetRequest target;
  *target.mutable_sales_target()->mutable_start_date() = DateOf(calendar.month_start);
  *target.mutable_sales_target()->mutable_end_date() = DateOf(calendar.month_end);
  target.mutable_sales_target()->set_sales_rep(rep);
  *target.mutable_sales_target()->mutable_amount() = Eur(30000);
  Ok<salesv1::SalesTarget>([&](auto* context, auto* response) {
    return suite.planning->CreateSalesTarget(context, target, response);
  });
  salesv1::ForecastSalesRequest forecast;
  *forecast.mutable_start_date() = DateOf(calendar.month_start);
  *forecast.mutable_end_date() = DateOf(calendar.month_end);
  forecast.set_currency_code("EUR");
  forecast.set_group_by(salesv1::FORECAST_DIMENSION_SALES_REP);
  auto forecast_now = [&] {
    return Ok<salesv1::ForecastSalesResponse>([&](auto* context, auto* response) {
      return suite.planning->ForecastSales(context, forecast, response);
    });
  };
  salesv1::ForecastSalesResponse figures = forecast_now();
  REQUIRE(figures.rows_size() == 1);
  CHECK(figures.rows(0).dimension_value() == rep);
  CHECK(Text(figures.rows(0).actual()) == "39600.00 EUR");
  CHECK(Text(figures.rows(0).won()) == "21600.00 EUR");
  CHECK(Text(figures.rows(0).target()) == "30000.00 EUR");
  CHECK(figures.rows(0).attainment_percent() == Approx(132.0));

  salesv1::CreateCommissionPlanRequest plan;
  plan.set_commission_plan_id("field-sales");
  salesv1::CommissionPlan* p = plan.mutable_commission_plan();
  p->set_display_name("Field sales");
  p->add_sales_reps(rep);
  p->set_currency_code("EUR");
  *p->mutable_valid_from() = DateOf(calendar.quarter_start);
  *p->mutable_valid_to() = DateOf(calendar.quarter_end);
  salesv1::CommissionRate* rate = p->add_rates();
  rate->set_product_group("MONITORS");
  rate->set_rate_percent(5);
  salesv1::AttainmentTier* tier = p->add_tiers();
  tier->set_min_attainment_percent(100);
  tier->set_multiplier_percent(120);
  Ok<salesv1::CommissionPlan>([&](auto* context, auto* response) {
    return suite.planning->CreateCommissionPlan(context, plan, response);
  });
  salesv1::ComputeCommissionsRequest compute;
  *compute.mutable_start_date() = DateOf(calendar.month_start);
  *compute.mutable_end_date() = DateOf(calendar.month_end);
  auto commissions_now = [&] {
    return Ok<salesv1::ComputeCommissionsResponse>([&](auto* context, auto* response) {
      return suite.planning->ComputeCommissions(context, compute, response);
    });
  };
  salesv1::ComputeCommissionsResponse paid = commissions_now();
  REQUIRE(paid.statements_size() == 1);
  CHECK(paid.statements(0).sales_rep() == rep);
  CHECK(paid.statements(0).multiplier_percent() == Approx(120));
  CHECK(paid.statements(0).lines_size() == 2);
  // 39,600.00 × 5% × 120%
  CHECK(Text(paid.statements(0).commission()) == "2376.00 EUR");

  // Bavaria's rule changes: the account moves up to DACH on re-assignment.
  salesv1::UpdateTerritoryRequest narrow;
  *narrow.mutable_territory() = bavaria_stored;
  narrow.mutable_territory()->mutable_rules(0)->mutable_postal_code_ranges(0)->set_first("90000");
  narrow.mutable_territory()->mutable_rules(0)->mutable_postal_code_ranges(0)->set_last("97999");
  narrow.mutable_update_mask()->add_paths("rules");
  Ok<salesv1::Territory>([&](auto* context, auto* response) {
    return suite.territories->UpdateTerritory(context, narrow, response);
  });

  // With partners stopped, what needs no partner data still answers.
  REQUIRE(suite.partners.Stop(SIGTERM) == 0);
  salesv1::ReassignAccountsRequest reassign;
  const salesv1::ReassignAccountsResponse moved =
      Ok<salesv1::ReassignAccountsResponse>([&](auto* context, auto* response) {
        return suite.territories->ReassignAccounts(context, reassign, response);
      });
  CHECK(moved.accounts_evaluated() == 1);
  CHECK(moved.accounts_changed() == 1);
  CHECK(moved.opportunities_evaluated() == 0);  // the won one is closed
  CHECK(Ok<salesv1::TerritoryAssignment>([&](auto* context, auto* response) {
          return suite.territories->GetTerritoryAssignment(context, get_assignment, response);
        }).territory() == "territories/dach");
  CHECK(Text(forecast_now().rows(0).actual()) == "39600.00 EUR");
  CHECK(Text(commissions_now().statements(0).commission()) == "2376.00 EUR");
  salesv1::CreateReleaseOrderRequest another;
  another.set_contract(contract.name());
  *another.add_items() = Monitors(10);
  status = suite.contracts->CreateReleaseOrder(ContextWithDeadline(5).get(), another, &unused_order);
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(Text(Ok<salesv1::Contract>([&](auto* context, auto* response) {
               return suite.contracts->GetContract(context, get_contract, response);
             }).released_value()) == "18000.00 EUR");
  CHECK(suite.sales->Stop(SIGTERM) == 0);
}
