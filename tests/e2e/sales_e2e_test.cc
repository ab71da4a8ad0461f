// End to end with the real crm-partners and crm-sales executables: sales
// prices the SPEC's worked example for a customer it reads from partners;
// with partners stopped mid-way, calls that need it fail with UNAVAILABLE
// within their deadline and write nothing, while calls that do not need it
// keep working; once partners is back, sales uses it again. The pipeline
// stays readable and closable, and quotations can be ordered, while
// partners is down.
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "crm/sales/v1/pricing_service.grpc.pb.h"
#include "crm/sales/v1/sales_document_service.grpc.pb.h"
#include "tests/e2e/sales_e2e_support.h"

namespace {

using crm::testing::BinaryPath;
using crm::testing::ContextWithDeadline;
using crm::testing::Day;
using crm::testing::Describe;
using crm::testing::Eur;
using crm::testing::FetchMetrics;
using crm::testing::ServiceProcess;
using crm::testing::TempDir;
using crm::testing::Text;
using Clock = std::chrono::steady_clock;

namespace partnersv1 = crm::partners::v1;
namespace salesv1 = crm::sales::v1;

struct Catalog {
  std::unique_ptr<salesv1::CatalogService::Stub> catalog;
  std::unique_ptr<salesv1::PricingService::Stub> pricing;
};

void SetUpCatalog(const Catalog& sales) {
  salesv1::CreateTaxClassRequest tax;
  tax.set_tax_class_id("standard");
  tax.mutable_tax_class()->set_display_name("Standard rate");
  tax.mutable_tax_class()->set_rate_percent(19);
  salesv1::TaxClass tax_class;
  grpc::Status status = sales.catalog->CreateTaxClass(ContextWithDeadline().get(), tax, &tax_class);
  INFO(Describe(status));
  REQUIRE(status.ok());

  salesv1::CreateProductRequest product;
  product.set_product_id("monitor-24");
  salesv1::Product* p = product.mutable_product();
  p->set_display_name("24-inch monitor");
  p->set_product_group("MONITORS");
  p->set_unit("EA");
  *p->mutable_list_price() = Eur(200);
  *p->mutable_cost_price() = Eur(120);
  p->set_tax_class("taxClasses/standard");
  salesv1::Product created;
  status = sales.catalog->CreateProduct(ContextWithDeadline().get(), product, &created);
  INFO(Describe(status));
  REQUIRE(status.ok());

  // "Orders of 100 units or more from A-class retailers get 10% off until
  // the end of the quarter."
  salesv1::CreatePriceConditionRequest condition;
  salesv1::PriceCondition* c = condition.mutable_price_condition();
  c->set_display_name("Volume discount A-class retail");
  c->set_type(salesv1::CONDITION_TYPE_DISCOUNT_PERCENT);
  salesv1::ScaleLevel* level = c->add_scale();
  level->set_min_quantity(100);
  level->set_percent(10);
  c->mutable_scope()->set_customer_class(partnersv1::CUSTOMER_CLASS_A);
  c->mutable_scope()->set_industry_code("RETAIL");
  *c->mutable_valid_from() = Day(2026, 10, 1);
  *c->mutable_valid_to() = Day(2026, 12, 31);
  salesv1::PriceCondition stored;
  status = sales.pricing->CreatePriceCondition(ContextWithDeadline().get(), condition, &stored);
  INFO(Describe(status));
  REQUIRE(status.ok());
}

std::string CreateRetailer(partnersv1::PartnerService::Stub& partners) {
  partnersv1::CreatePartnerRequest request;
  partnersv1::Partner* p = request.mutable_partner();
  p->set_category(partnersv1::PARTNER_CATEGORY_ORGANIZATION);
  p->mutable_organization()->set_legal_name("Kaufhaus Nordstern GmbH");
  p->mutable_organization()->set_industry_code("RETAIL");
  partnersv1::Role* role = p->add_roles();
  role->set_type(partnersv1::ROLE_TYPE_CUSTOMER);
  role->mutable_customer()->set_customer_class(partnersv1::CUSTOMER_CLASS_A);
  partnersv1::Partner created;
  const grpc::Status status = partners.CreatePartner(ContextWithDeadline().get(), request, &created);
  INFO(Describe(status));
  REQUIRE(status.ok());
  return created.name();
}

salesv1::PriceItemsRequest Order(const std::string& customer, double quantity) {
  salesv1::PriceItemsRequest request;
  request.set_customer(customer);
  *request.mutable_pricing_date() = Day(2026, 11, 23);
  salesv1::ItemToPrice* item = request.add_items();
  item->set_product("products/monitor-24");
  item->set_quantity(quantity);
  return request;
}

int CountConditions(salesv1::PricingService::Stub& pricing) {
  salesv1::ListPriceConditionsRequest request;
  request.set_page_size(1000);
  salesv1::ListPriceConditionsResponse response;
  const grpc::Status status = pricing.ListPriceConditions(ContextWithDeadline().get(), request, &response);
  REQUIRE(status.ok());
  return response.price_conditions_size();
}

}  // namespace

TEST_CASE("crm-sales prices through crm-partners and survives partners stopping mid-way",
          "[e2e][sales]") {
  TempDir partners_dir;
  TempDir sales_dir;
  ServiceProcess partners(BinaryPath("crm-partners"), partners_dir.path());
  REQUIRE(partners.Start());
  ServiceProcess sales(BinaryPath("crm-sales"), sales_dir.path(),
                       {"--partners_address=" + partners.address()});
  REQUIRE(sales.Start());
  auto partner_stub = partnersv1::PartnerService::NewStub(partners.channel());
  const Catalog stubs{salesv1::CatalogService::NewStub(sales.channel()),
                      salesv1::PricingService::NewStub(sales.channel())};
  SetUpCatalog(stubs);
  const std::string retailer = CreateRetailer(*partner_stub);

  // The worked example: 120 monitors at 200.00 less 10 %, 19 % tax.
  salesv1::PriceItemsResponse priced;
  grpc::Status status =
      stubs.pricing->PriceItems(ContextWithDeadline().get(), Order(retailer, 120), &priced);
  INFO(Describe(status));
  REQUIRE(status.ok());
  REQUIRE(priced.items_size() == 1);
  REQUIRE(priced.items(0).conditions_size() == 1);
  CHECK(priced.items(0).conditions(0).display_name() == "Volume discount A-class retail");
  CHECK(Text(priced.items(0).net_unit_price()) == "180.00 EUR");
  CHECK(Text(priced.net_total()) == "21600.00 EUR");
  CHECK(Text(priced.tax_total()) == "4104.00 EUR");
  CHECK(Text(priced.gross_total()) == "25704.00 EUR");
  CHECK(Text(priced.margin_total()) == "7200.00 EUR");

  // Partners stops. Pricing for a customer needs it: UNAVAILABLE, in time.
  REQUIRE(partners.Stop(SIGTERM) == 0);
  {
    auto context = ContextWithDeadline(5);
    const auto start = Clock::now();
    status = stubs.pricing->PriceItems(context.get(), Order(retailer, 120), &priced);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    INFO(Describe(status));
    CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(seconds < 5.5);
  }
  // A condition for one customer cannot be checked: refused, nothing written.
  const int conditions_before = CountConditions(*stubs.pricing);
  salesv1::CreatePriceConditionRequest special;
  special.mutable_price_condition()->set_display_name("Special price Nordstern");
  special.mutable_price_condition()->set_type(salesv1::CONDITION_TYPE_PRICE);
  *special.mutable_price_condition()->mutable_amount() = Eur(175);
  special.mutable_price_condition()->mutable_scope()->set_customer(retailer);
  salesv1::PriceCondition unused;
  status = stubs.pricing->CreatePriceCondition(ContextWithDeadline(5).get(), special, &unused);
  INFO(Describe(status));
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(CountConditions(*stubs.pricing) == conditions_before);

  // What does not need partners keeps working: anonymous pricing, the catalogue.
  status = stubs.pricing->PriceItems(ContextWithDeadline().get(), Order("", 120), &priced);
  INFO(Describe(status));
  REQUIRE(status.ok());
  CHECK(priced.items(0).conditions_size() == 0);
  CHECK(Text(priced.net_total()) == "24000.00 EUR");
  salesv1::Product product;
  salesv1::GetProductRequest get;
  get.set_name("products/monitor-24");
  CHECK(stubs.catalog->GetProduct(ContextWithDeadline().get(), get, &product).ok());

  // Partners is back on the same address and data: sales reaches it again.
  REQUIRE(partners.Start());
  status = stubs.pricing->PriceItems(ContextWithDeadline(10).get(), Order(retailer, 120), &priced);
  INFO(Describe(status));
  REQUIRE(status.ok());
  CHECK(Text(priced.net_total()) == "21600.00 EUR");
  status = stubs.pricing->CreatePriceCondition(ContextWithDeadline(10).get(), special, &unused);
  INFO(Describe(status));
  CHECK(status.ok());
  CHECK(CountConditions(*stubs.pricing) == conditions_before + 1);

  // Sales exports its own metrics, the failed calls included.
  const std::string metrics = FetchMetrics(sales.metrics_port());
  CHECK(metrics.find("grpc_method=\"PriceItems\"") != std::string::npos);
  CHECK(metrics.find("grpc_code=\"Unavailable\"") != std::string::npos);
  CHECK(sales.Stop(SIGTERM) == 0);
}

TEST_CASE("crm-sales keeps its pipeline readable and closable while crm-partners is down",
          "[e2e][sales]") {
  TempDir partners_dir;
  TempDir sales_dir;
  ServiceProcess partners(BinaryPath("crm-partners"), partners_dir.path());
  REQUIRE(partners.Start());
  ServiceProcess sales(BinaryPath("crm-sales"), sales_dir.path(),
                       {"--partners_address=" + partners.address()});
  REQUIRE(sales.Start());
  auto partner_stub = partnersv1::PartnerService::NewStub(partners.channel());
  auto pipeline = salesv1::OpportunityService::NewStub(sales.channel());

  const std::string account = CreateRetailer(*partner_stub);
  partnersv1::CreatePartnerRequest rep_request;
  rep_request.mutable_partner()->set_category(partnersv1::PARTNER_CATEGORY_PERSON);
  rep_request.mutable_partner()->mutable_person()->set_given_name("David");
  rep_request.mutable_partner()->mutable_person()->set_family_name("Verkauf");
  rep_request.mutable_partner()->add_roles()->set_type(partnersv1::ROLE_TYPE_EMPLOYEE);
  partnersv1::Partner rep;
  REQUIRE(partner_stub->CreatePartner(ContextWithDeadline().get(), rep_request, &rep).ok());

  salesv1::CreateSalesStageRequest stage;
  stage.set_sales_stage_id("qualification");
  stage.mutable_sales_stage()->set_display_name("Qualification");
  stage.mutable_sales_stage()->set_position(10);
  stage.mutable_sales_stage()->set_default_probability_percent(25);
  salesv1::SalesStage created_stage;
  REQUIRE(pipeline->CreateSalesStage(ContextWithDeadline().get(), stage, &created_stage).ok());

  salesv1::CreateOpportunityRequest request;
  salesv1::Opportunity* o = request.mutable_opportunity();
  o->set_display_name("Monitors for the Hamburg branches");
  o->set_account(account);
  o->set_owner(rep.name());
  o->set_stage("salesStages/qualification");
  *o->mutable_expected_revenue() = Eur(48000);
  *o->mutable_close_date() = Day(2099, 3, 31);
  salesv1::Opportunity opportunity;
  grpc::Status status =
      pipeline->CreateOpportunity(ContextWithDeadline().get(), request, &opportunity);
  INFO(Describe(status));
  REQUIRE(status.ok());
  CHECK(opportunity.probability_percent() == 25);
  CHECK(Text(opportunity.weighted_revenue()) == "12000.00 EUR");

  // A quotation for the deal, priced for the A-class retailer today.
  const Catalog catalog{salesv1::CatalogService::NewStub(sales.channel()),
                        salesv1::PricingService::NewStub(sales.channel())};
  SetUpCatalog(catalog);
  auto documents = salesv1::SalesDocumentService::NewStub(sales.channel());
  salesv1::CreateQuotationRequest offer;
  salesv1::Quotation* q = offer.mutable_quotation();
  q->set_customer(account);
  q->set_opportunity(opportunity.name());
  *q->mutable_valid_until() = Day(2099, 12, 31);
  salesv1::DocumentItem* item = q->add_items();
  item->set_product("products/monitor-24");
  item->set_quantity(10);
  salesv1::Quotation quotation;
  status = documents->CreateQuotation(ContextWithDeadline().get(), offer, &quotation);
  INFO(Describe(status));
  REQUIRE(status.ok());
  CHECK(Text(quotation.net_total()) == "2000.00 EUR");

  REQUIRE(partners.Stop(SIGTERM) == 0);
  // The customer orders: the quotation's prices stand, no partners needed.
  salesv1::OrderQuotationRequest order_request;
  order_request.set_name(quotation.name());
  salesv1::SalesOrder order;
  status = documents->OrderQuotation(ContextWithDeadline().get(), order_request, &order);
  INFO(Describe(status));
  REQUIRE(status.ok());
  CHECK(order.quotation() == quotation.name());
  CHECK(Text(order.gross_total()) == "2380.00 EUR");
  // A new quotation needs partners: refused.
  status = documents->CreateQuotation(ContextWithDeadline(3).get(), offer, &quotation);
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);

  // A new opportunity needs partners: refused, nothing written.
  salesv1::Opportunity unused;
  status = pipeline->CreateOpportunity(ContextWithDeadline(3).get(), request, &unused);
  INFO(Describe(status));
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  salesv1::ListOpportunitiesRequest list;
  salesv1::ListOpportunitiesResponse listed;
  REQUIRE(pipeline->ListOpportunities(ContextWithDeadline().get(), list, &listed).ok());
  CHECK(listed.opportunities_size() == 1);

  // Winning it does not: the rep closes the deal while partners is down.
  salesv1::WinOpportunityRequest win;
  win.set_name(opportunity.name());
  win.set_reason("Best price and delivery in two weeks");
  salesv1::Opportunity won;
  status = pipeline->WinOpportunity(ContextWithDeadline().get(), win, &won);
  INFO(Describe(status));
  REQUIRE(status.ok());
  CHECK(won.state() == salesv1::OPPORTUNITY_STATE_WON);
  CHECK(Text(won.weighted_revenue()) == "48000.00 EUR");
  salesv1::ListStageChangesRequest history;
  history.set_parent(opportunity.name());
  salesv1::ListStageChangesResponse changes;
  REQUIRE(pipeline->ListStageChanges(ContextWithDeadline().get(), history, &changes).ok());
  REQUIRE(changes.stage_changes_size() == 2);
  CHECK(changes.stage_changes(1).state() == salesv1::OPPORTUNITY_STATE_WON);
  CHECK(sales.Stop(SIGTERM) == 0);
}
