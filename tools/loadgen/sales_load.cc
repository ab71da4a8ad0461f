// crm-sales-load: drives a running sales service (with partners beside it)
// and prints throughput and latency percentiles of PriceItems. A benchmark,
// not a test.
//
//   crm-sales-load --mix=setup --products=1000 --conditions=5000
//       creates a tax class, products p0..p(N-1) in 20 product groups, one
//       price list per price group, and condition records: per product
//       group an A-class volume scale, per product a campaign price, and
//       customer-class discounts, all valid today; plus one A-class RETAIL
//       customer in partners. Run once on empty data folders.
//   crm-sales-load --mix=price --items=10 --clients=8 --seconds=10
//       prices orders of --items random products for that customer.
//   crm-sales-load --mix=pipeline --opportunities=20000 --orders=5000
//       after setup: 20 reps, 10 territories, a stage, opportunities closing
//       over the next 12 months and completed orders, for the forecast.
//   crm-sales-load --mix=forecast --clients=2 --seconds=10
//       asks for the year ahead by month, grouped by rep (and by quarter
//       and territory, alternately).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "tools/loadgen/load_support.h"

#include "absl/strings/str_cat.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "crm/sales/v1/planning_service.grpc.pb.h"
#include "crm/sales/v1/sales_document_service.grpc.pb.h"
#include "crm/sales/v1/territory_service.grpc.pb.h"
#include "crm/sales/v1/pricing_service.grpc.pb.h"

namespace {

// Calls without a deadline of their own get 30 s.
std::unique_ptr<grpc::ClientContext> Context(int seconds = 30) {
  return crm::loadgen::Deadline(seconds);
}

bool Check(const grpc::Status& status, const std::string& what) {
  return crm::loadgen::CheckStatus(status, what, true);
}

namespace pv1 = crm::partners::v1;
namespace sv1 = crm::sales::v1;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "127.0.0.1:50052";
  std::string partners = "127.0.0.1:50051";
  std::string mix = "price";
  int clients = 8;
  int seconds = 10;
  int products = 1000;
  int conditions = 5000;
  int items = 10;
  int opportunities = 20000;
  int orders = 5000;
};

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    auto value = [&](const char* flag) { return crm::loadgen::FlagValue(argv[i], flag); };
    if (const char* v = value("--target=")) o.target = v;
    else if (const char* v = value("--partners=")) o.partners = v;
    else if (const char* v = value("--mix=")) o.mix = v;
    else if (const char* v = value("--clients=")) o.clients = std::max(1, std::atoi(v));
    else if (const char* v = value("--seconds=")) o.seconds = std::max(1, std::atoi(v));
    else if (const char* v = value("--products=")) o.products = std::max(1, std::atoi(v));
    else if (const char* v = value("--conditions=")) o.conditions = std::max(0, std::atoi(v));
    else if (const char* v = value("--items=")) o.items = std::clamp(std::atoi(v), 1, 500);
    else if (const char* v = value("--opportunities=")) o.opportunities = std::max(0, std::atoi(v));
    else if (const char* v = value("--orders=")) o.orders = std::max(0, std::atoi(v));
    else {
      std::fprintf(stderr,
                   "usage: crm-sales-load [--target=host:port] [--partners=host:port] "
                   "[--mix=setup|price|pipeline|forecast] [--clients=N] [--seconds=N] "
                   "[--products=N] [--conditions=N] [--items=N] [--opportunities=N] "
                   "[--orders=N]\n");
      std::exit(2);
    }
  }
  return o;
}

crm::type::v1::Money Eur(int64_t units, int32_t nanos = 0) {
  crm::type::v1::Money m;
  m.set_currency_code("EUR");
  m.set_units(units);
  m.set_nanos(nanos);
  return m;
}

std::string Group(int product) { return absl::StrCat("GROUP-", product % 20); }

constexpr char kCustomerRequestId[] = "sales-load-customer";

int Setup(const Options& o) {
  auto catalog = sv1::CatalogService::NewStub(grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials()));
  auto pricing = sv1::PricingService::NewStub(grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials()));
  sv1::CreateTaxClassRequest tax;
  tax.set_tax_class_id("standard");
  tax.mutable_tax_class()->set_display_name("Standard");
  tax.mutable_tax_class()->set_rate_percent(19);
  sv1::TaxClass tax_class;
  if (!Check(catalog->CreateTaxClass(Context().get(), tax, &tax_class), "tax class")) return 1;
  for (int p = 0; p < o.products; ++p) {
    sv1::CreateProductRequest request;
    request.set_product_id(absl::StrCat("p", p));
    sv1::Product* product = request.mutable_product();
    product->set_display_name(absl::StrCat("Product ", p));
    product->set_product_group(Group(p));
    product->set_unit("EA");
    *product->mutable_list_price() = Eur(10 + p % 990, (p * 7919) % 100 * 10'000'000);
    *product->mutable_cost_price() = Eur(5 + p % 400);
    product->set_tax_class("taxClasses/standard");
    sv1::Product created;
    if (!Check(catalog->CreateProduct(Context().get(), request, &created), "product")) return 1;
  }
  for (const char* group : {"RETAIL", "WHOLESALE"}) {
    sv1::CreatePriceListRequest request;
    sv1::PriceList* list = request.mutable_price_list();
    list->set_display_name(absl::StrCat(group, " prices"));
    list->set_currency_code("EUR");
    list->set_price_group(group);
    for (int p = 0; p < std::min(o.products, 1000); p += 2) {
      sv1::PriceListEntry* entry = list->add_entries();
      entry->set_product(absl::StrCat("products/p", p));
      *entry->mutable_price() = Eur(9 + p % 990);
    }
    request.set_request_id(absl::StrCat("sales-load-list-", group));
    sv1::PriceList created;
    if (!Check(pricing->CreatePriceList(Context().get(), request, &created), "price list")) return 1;
  }
  for (int k = 0; k < o.conditions; ++k) {
    sv1::CreatePriceConditionRequest request;
    request.set_request_id(absl::StrCat("sales-load-condition-", k));
    sv1::PriceCondition* c = request.mutable_price_condition();
    c->set_display_name(absl::StrCat("Condition ", k));
    c->set_priority(k % 7);
    switch (k % 3) {
      case 0: {  // volume scale for A-class customers on a product group
        c->set_type(sv1::CONDITION_TYPE_DISCOUNT_PERCENT);
        c->mutable_scope()->set_product_group(Group(k / 3));
        c->mutable_scope()->set_customer_class(pv1::CUSTOMER_CLASS_A);
        for (int level = 1; level <= 3; ++level) {
          sv1::ScaleLevel* s = c->add_scale();
          s->set_min_quantity(level * 10);
          s->set_percent(level * 2.5);
        }
        break;
      }
      case 1:  // campaign price for one product
        c->set_type(sv1::CONDITION_TYPE_PRICE);
        c->mutable_scope()->set_product(absl::StrCat("products/p", (k / 3) % o.products));
        c->mutable_scope()->set_campaign(absl::StrCat("campaigns/c", k % 5));
        *c->mutable_amount() = Eur(8);
        break;
      default:  // class discount on one product
        c->set_type(sv1::CONDITION_TYPE_DISCOUNT_PERCENT);
        c->mutable_scope()->set_product(absl::StrCat("products/p", (k / 3) % o.products));
        c->mutable_scope()->set_customer_class(k % 2 ? pv1::CUSTOMER_CLASS_A : pv1::CUSTOMER_CLASS_B);
        c->set_percent(3);
        break;
    }
    sv1::PriceCondition created;
    if (!Check(pricing->CreatePriceCondition(Context().get(), request, &created), "condition")) {
      return 1;
    }
  }
  auto partners = pv1::PartnerService::NewStub(grpc::CreateChannel(o.partners, grpc::InsecureChannelCredentials()));
  pv1::CreatePartnerRequest request;
  request.set_request_id(kCustomerRequestId);
  pv1::Partner* p = request.mutable_partner();
  p->set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  p->mutable_organization()->set_legal_name("Load Retail AG");
  p->mutable_organization()->set_industry_code("RETAIL");
  pv1::Role* role = p->add_roles();
  role->set_type(pv1::ROLE_TYPE_CUSTOMER);
  role->mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_A);
  role->mutable_customer()->set_price_group("RETAIL");
  pv1::Partner created;
  if (!Check(partners->CreatePartner(Context().get(), request, &created), "customer")) return 1;
  std::printf("set up %d products, %d conditions, customer %s\n", o.products, o.conditions,
              created.name().c_str());
  return 0;
}

google::type::Date DateOf(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& target) {
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

// The customer the setup created, found again by its name.
std::string FindCustomer(const Options& o) {
  auto partners = pv1::PartnerService::NewStub(Channel(o.partners));
  pv1::ListPartnersRequest request;
  request.set_filter("display_name = \"Load Retail AG\"");
  pv1::ListPartnersResponse response;
  if (!Check(partners->ListPartners(Context().get(), request, &response), "find customer") ||
      response.partners().empty()) {
    return "";
  }
  return response.partners(0).name();
}

int SetupPipeline(const Options& o, const std::string& customer) {
  auto partners = pv1::PartnerService::NewStub(Channel(o.partners));
  auto territories = sv1::TerritoryService::NewStub(Channel(o.target));
  auto pipeline = sv1::OpportunityService::NewStub(Channel(o.target));
  auto documents = sv1::SalesDocumentService::NewStub(Channel(o.target));
  std::vector<std::string> reps;
  for (int r = 0; r < 20; ++r) {
    pv1::CreatePartnerRequest request;
    request.set_request_id(absl::StrCat("sales-load-rep-", r));
    request.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_PERSON);
    request.mutable_partner()->mutable_person()->set_given_name("Rep");
    request.mutable_partner()->mutable_person()->set_family_name(absl::StrCat("Number ", r));
    request.mutable_partner()->add_roles()->set_type(pv1::ROLE_TYPE_EMPLOYEE);
    pv1::Partner rep;
    if (!Check(partners->CreatePartner(Context().get(), request, &rep), "rep")) return 1;
    reps.push_back(rep.name());
  }
  for (int t = 0; t < 10; ++t) {
    sv1::CreateTerritoryRequest request;
    request.set_territory_id(absl::StrCat("t", t));
    request.mutable_territory()->set_display_name(absl::StrCat("Territory ", t));
    request.mutable_territory()->add_rules()->add_product_groups(Group(t));
    sv1::Territory created;
    if (!Check(territories->CreateTerritory(Context().get(), request, &created), "territory")) {
      return 1;
    }
  }
  sv1::CreateSalesStageRequest stage;
  stage.set_sales_stage_id("qualification");
  stage.mutable_sales_stage()->set_display_name("Qualification");
  stage.mutable_sales_stage()->set_position(1);
  stage.mutable_sales_stage()->set_default_probability_percent(20);
  sv1::SalesStage created_stage;
  if (!Check(pipeline->CreateSalesStage(Context().get(), stage, &created_stage), "stage")) return 1;
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  for (int i = 0; i < o.opportunities; ++i) {
    sv1::CreateOpportunityRequest request;
    request.set_request_id(absl::StrCat("sales-load-opportunity-", i));
    sv1::Opportunity* deal = request.mutable_opportunity();
    deal->set_display_name(absl::StrCat("Deal ", i));
    deal->set_account(customer);
    deal->set_owner(reps[i % reps.size()]);
    deal->set_stage("salesStages/qualification");
    deal->set_product_group(Group(i));
    *deal->mutable_expected_revenue() = Eur(1000 + i % 50000);
    *deal->mutable_close_date() = DateOf(today + (i * 7919) % 365);
    sv1::Opportunity created;
    if (!Check(pipeline->CreateOpportunity(Context().get(), request, &created), "opportunity")) {
      return 1;
    }
  }
  for (int i = 0; i < o.orders; ++i) {
    sv1::CreateSalesOrderRequest request;
    request.set_request_id(absl::StrCat("sales-load-order-", i));
    request.mutable_sales_order()->set_customer(customer);
    request.mutable_sales_order()->set_sales_rep(reps[i % reps.size()]);
    for (int k = 0; k < 3; ++k) {
      sv1::DocumentItem* item = request.mutable_sales_order()->add_items();
      item->set_product(absl::StrCat("products/p", (i * 3 + k) % o.products));
      item->set_quantity(1 + (i + k) % 20);
    }
    sv1::SalesOrder order;
    if (!Check(documents->CreateSalesOrder(Context().get(), request, &order), "order")) return 1;
    sv1::CompleteSalesOrderRequest complete;
    complete.set_name(order.name());
    if (order.state() == sv1::SALES_ORDER_STATE_OPEN &&
        !Check(documents->CompleteSalesOrder(Context().get(), complete, &order), "complete")) {
      return 1;
    }
  }
  std::printf("set up 20 reps, 10 territories, %d opportunities, %d completed orders\n",
              o.opportunities, o.orders);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  if (o.mix == "setup") return Setup(o);
  if (o.mix != "price" && o.mix != "pipeline" && o.mix != "forecast") {
    std::fprintf(stderr, "unknown --mix=%s\n", o.mix.c_str());
    return 2;
  }
  const std::string customer = FindCustomer(o);
  if (customer.empty()) {
    std::fprintf(stderr, "no customer: run --mix=setup first\n");
    return 1;
  }
  if (o.mix == "pipeline") return SetupPipeline(o, customer);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  std::atomic<long> errors{0};
  std::mutex mu;
  crm::loadgen::Latencies latencies_ms;
  const auto end = Clock::now() + std::chrono::seconds(o.seconds);
  std::vector<std::thread> threads;
  for (int client = 0; client < o.clients; ++client) {
    threads.emplace_back([&, client] {
      grpc::ChannelArguments args;
      args.SetInt("crm.client", client);  // a connection per client
      auto channel = grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args);
      auto stub = sv1::PricingService::NewStub(channel);
      auto planning = sv1::PlanningService::NewStub(channel);
      std::vector<double> mine;
      for (long n = 0; Clock::now() < end; ++n) {
        if (o.mix == "forecast") {
          sv1::ForecastSalesRequest request;
          *request.mutable_start_date() = DateOf(today - 30);
          *request.mutable_end_date() = DateOf(today + 365);
          request.set_currency_code("EUR");
          request.set_period_length(n % 2 ? sv1::PERIOD_LENGTH_QUARTER : sv1::PERIOD_LENGTH_MONTH);
          request.set_group_by(n % 2 ? sv1::FORECAST_DIMENSION_TERRITORY
                                     : sv1::FORECAST_DIMENSION_SALES_REP);
          sv1::ForecastSalesResponse response;
          const auto started = Clock::now();
          const grpc::Status status = planning->ForecastSales(Context().get(), request, &response);
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
          if (!status.ok() && errors++ == 0) Check(status, "ForecastSales");
          continue;
        }
        sv1::PriceItemsRequest request;
        request.set_customer(customer);
        if (n % 4 == 0) request.set_campaign(absl::StrCat("campaigns/c", n % 5));
        for (int i = 0; i < o.items; ++i) {
          sv1::ItemToPrice* item = request.add_items();
          const uint64_t x = static_cast<uint64_t>(n * 2654435761u + client * 40503u + i * 97u);
          item->set_product(absl::StrCat("products/p", x % static_cast<uint64_t>(o.products)));
          item->set_quantity(1 + static_cast<double>(x % 40));
        }
        sv1::PriceItemsResponse response;
        const auto started = Clock::now();
        const grpc::Status status = stub->PriceItems(Context().get(), request, &response);
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        if (!status.ok()) {
          if (errors++ == 0) Check(status, "PriceItems");
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies_ms.Add(mine);
    });
  }
  for (auto& t : threads) t.join();
  auto pct = [&](double p) { return latencies_ms.Percentile(p); };
  std::printf("mix=%s items=%d clients=%d seconds=%d calls=%zu errors=%ld throughput=%.0f/s "
              "p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms\n",
              o.mix.c_str(), o.items, o.clients, o.seconds, latencies_ms.size(), errors.load(),
              latencies_ms.size() / static_cast<double>(o.seconds), pct(0.5), pct(0.9), pct(0.99),
              pct(1.0));
  return errors.load() == 0 ? 0 : 1;
}
