// Pricing (PricingService) over a real gRPC channel and a real SQLite file,
// with a real partners service beside it:
//  - price lists and condition records: create (a request_id repeated gives
//    the same resource and one feed entry), get, list, update with masks and
//    etags (a stale one is ABORTED), delete; unknown products in entries or
//    scopes are NOT_FOUND; bad input names its field; nothing refused is
//    written or put on the change feed; ListPriceConditions by valid_on and
//    type, newest first, paged;
//  - PriceItems: the worked example (10 % off from 100 units for A-class
//    retailers, 120 units: net 21600.00, tax 4104.00, gross 25704.00, margin
//    7200.00) and where it does not apply, price lists by the customer's
//    price group, a merged customer priced as its survivor, totals, unknown
//    and discontinued products, unknown customers, bad input by field path;
//  - partners down: PriceItems for a customer and conditions naming a
//    customer are UNAVAILABLE within the deadline and write nothing, while
//    everything that does not need partners still works.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors.h"
#include "common/testing/process_harness.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/pricing_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/partners/partners_spec.h"
#include "services/sales/sales_spec.h"
#include "services/sales/tests/sales_beside_partners.h"

namespace {

namespace sv1 = crm::sales::v1;
using crm::sales::testing::Sources;
namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::DetailOf;
using crm::testing::Mask;
using crm::testing::Outcome;
using crm::testing::Precondition;
using crm::testing::MakeDate;
using Date = google::type::Date;
using Money = crm::type::v1::Money;
using Strings = std::vector<std::string>;

constexpr char kMonitor[] = "products/monitor-24";
constexpr char kKeyboard[] = "products/keyboard";
constexpr char kOldMonitor[] = "products/monitor-19";  // discontinued

Money Amount(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}
Money Eur(int64_t units, int32_t nanos = 0) { return Amount("EUR", units, nanos); }

// "EUR 21600.00", "EUR -20.00"; more decimals only where there are any.
std::string Text(const Money& money) {
  std::string fraction = absl::StrFormat("%09d", std::abs(money.nanos()));
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  const bool negative = money.units() < 0 || money.nanos() < 0;
  return absl::StrCat(money.currency_code(), " ", negative ? "-" : "", std::abs(money.units()), ".",
                      fraction);
}

struct Item {
  std::string product;
  double quantity;
};

sv1::PriceItemsRequest PriceRequest(const std::string& customer, const Date& day,
                                    const std::vector<Item>& items) {
  sv1::PriceItemsRequest request;
  request.set_customer(customer);
  *request.mutable_pricing_date() = day;
  for (const Item& item : items) {
    sv1::ItemToPrice* added = request.add_items();
    added->set_product(item.product);
    added->set_quantity(item.quantity);
  }
  return request;
}

// The sources of the conditions applied to an item, in order.
// The SPEC's condition: "10 % off from 100 units for A-class retailers
// until the end of the quarter".
sv1::PriceCondition VolumeDiscount() {
  sv1::PriceCondition condition;
  condition.set_display_name("Volume discount A-class retail");
  condition.set_type(sv1::CONDITION_TYPE_DISCOUNT_PERCENT);
  sv1::ScaleLevel* level = condition.add_scale();
  level->set_min_quantity(100);
  level->set_percent(10);
  condition.mutable_scope()->set_customer_class(pv1::CUSTOMER_CLASS_A);
  condition.mutable_scope()->set_industry_code("RETAIL");
  *condition.mutable_valid_from() = MakeDate(2026, 10, 1);
  *condition.mutable_valid_to() = MakeDate(2026, 12, 31);
  return condition;
}

// A condition of `type` for the MONITORS group, open-ended unless given.
sv1::PriceCondition GroupCondition(const std::string& display_name, sv1::ConditionType type,
                                   double percent, const Money& amount = {}) {
  sv1::PriceCondition condition;
  condition.set_display_name(display_name);
  condition.set_type(type);
  condition.set_percent(percent);
  if (!amount.currency_code().empty()) *condition.mutable_amount() = amount;
  condition.mutable_scope()->set_product_group("MONITORS");
  return condition;
}

sv1::PriceList List(const std::string& display_name, const std::string& currency,
                    const std::string& price_group, int priority,
                    const std::vector<std::pair<std::string, Money>>& entries) {
  sv1::PriceList list;
  list.set_display_name(display_name);
  list.set_currency_code(currency);
  list.set_price_group(price_group);
  list.set_priority(priority);
  for (const auto& [product, price] : entries) {
    sv1::PriceListEntry* entry = list.add_entries();
    entry->set_product(product);
    *entry->mutable_price() = price;
  }
  return list;
}

// Sales with a partners service beside it (or, with `partners_up` false,
// pointed at a loopback port nobody listens on), one fresh database each.
class Sales : public crm::sales::testing::SalesBesidePartners {
 public:
  explicit Sales(bool partners_up = true) : SalesBesidePartners(partners_up) {
    catalog_ = sv1::CatalogService::NewStub(sales_->channel());
    pricing_ = sv1::PricingService::NewStub(sales_->channel());
  }

  sv1::PricingService::Stub& pricing() { return *pricing_; }

  // Tax classes "standard" (19 %) and "reduced" (7 %); the 24-inch monitor
  // (EUR 200, cost 120), a keyboard (EUR 49.99, no cost price, reduced) and
  // a discontinued 19-inch monitor.
  void AddCatalog() {
    AddTaxClass("standard", 19);
    AddTaxClass("reduced", 7);
    AddProduct("monitor-24", "24-inch monitor", "MONITORS", Eur(200), Eur(120), "standard");
    AddProduct("keyboard", "Keyboard", "INPUT", Eur(49, 990'000'000), {}, "reduced");
    AddProduct("monitor-19", "19-inch monitor", "MONITORS", Eur(90), Eur(70), "standard",
               sv1::PRODUCT_STATE_DISCONTINUED);
  }

  // An organisation with a customer role.
  pv1::Partner AddCustomer(const std::string& legal_name, const std::string& industry_code,
                           pv1::CustomerClass customer_class, const std::string& price_group = "") {
    pv1::CreatePartnerRequest request;
    pv1::Partner* partner = request.mutable_partner();
    partner->set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
    partner->mutable_organization()->set_legal_name(legal_name);
    partner->mutable_organization()->set_industry_code(industry_code);
    pv1::Role* role = partner->add_roles();
    role->set_type(pv1::ROLE_TYPE_CUSTOMER);
    role->mutable_customer()->set_customer_class(customer_class);
    role->mutable_customer()->set_price_group(price_group);
    pv1::Partner created;
    REQUIRE(Outcome(partner_stub_->CreatePartner(ContextWithDeadline().get(), request, &created)) ==
            "OK");
    return created;
  }
  void MergeInto(const pv1::Partner& survivor, const pv1::Partner& merged) {
    pv1::MergePartnersRequest request;
    request.set_survivor(survivor.name());
    request.add_merged_partners(merged.name());
    pv1::MergePartnersResponse response;
    REQUIRE(Outcome(partner_stub_->MergePartners(ContextWithDeadline().get(), request,
                                                 &response)) == "OK");
  }
  void DeletePartner(const pv1::Partner& partner) {
    pv1::DeletePartnerRequest request;
    request.set_name(partner.name());
    google::protobuf::Empty empty;
    REQUIRE(Outcome(partner_stub_->DeletePartner(ContextWithDeadline().get(), request, &empty)) ==
            "OK");
  }

  void SetProductState(const std::string& name, sv1::ProductState state) {
    sv1::UpdateProductRequest request;
    request.mutable_product()->set_name(name);
    request.mutable_product()->set_state(state);
    request.mutable_update_mask()->add_paths("state");
    sv1::Product updated;
    REQUIRE(Outcome(catalog_->UpdateProduct(ContextWithDeadline().get(), request, &updated)) ==
            "OK");
  }

  grpc::Status TryPrice(const sv1::PriceItemsRequest& request, sv1::PriceItemsResponse* out,
                        int deadline_seconds = 10) {
    return pricing_->PriceItems(ContextWithDeadline(deadline_seconds).get(), request, out);
  }
  sv1::PriceItemsResponse Price(const sv1::PriceItemsRequest& request) {
    sv1::PriceItemsResponse response;
    const grpc::Status status = TryPrice(request, &response);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return response;
  }
  // One item of `product` priced for `customer` on `day`.
  sv1::PricedItem PriceOne(const std::string& customer, const Date& day, const std::string& product,
                           double quantity) {
    const sv1::PriceItemsResponse response =
        Price(PriceRequest(customer, day, {{product, quantity}}));
    REQUIRE(response.items_size() == 1);
    return response.items(0);
  }

  grpc::Status TryCreateList(const sv1::PriceList& list, sv1::PriceList* out = nullptr,
                             const std::string& request_id = "") {
    sv1::CreatePriceListRequest request;
    *request.mutable_price_list() = list;
    request.set_request_id(request_id);
    sv1::PriceList ignored;
    return pricing_->CreatePriceList(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  sv1::PriceList CreateList(const sv1::PriceList& list) {
    sv1::PriceList created;
    REQUIRE(Outcome(TryCreateList(list, &created)) == "OK");
    return created;
  }
  grpc::Status TryGetList(const std::string& name, sv1::PriceList* out = nullptr) {
    sv1::GetPriceListRequest request;
    request.set_name(name);
    sv1::PriceList ignored;
    return pricing_->GetPriceList(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryUpdateList(const sv1::PriceList& list, const Strings& paths,
                             sv1::PriceList* out = nullptr) {
    sv1::UpdatePriceListRequest request;
    *request.mutable_price_list() = list;
    *request.mutable_update_mask() = Mask(paths);
    sv1::PriceList ignored;
    return pricing_->UpdatePriceList(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryDeleteList(const std::string& name, const std::string& etag = "") {
    sv1::DeletePriceListRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return pricing_->DeletePriceList(ContextWithDeadline().get(), request, &empty);
  }
  // Names of every price list, following the pages.
  Strings ListNames(int page_size = 0) {
    sv1::ListPriceListsRequest request;
    request.set_page_size(page_size);
    Strings names;
    for (int pages = 0; pages < 100; ++pages) {
      sv1::ListPriceListsResponse response;
      REQUIRE(Outcome(pricing_->ListPriceLists(ContextWithDeadline().get(), request, &response)) ==
              "OK");
      for (const auto& list : response.price_lists()) names.push_back(list.name());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return names;
  }

  grpc::Status TryCreateCondition(const sv1::PriceCondition& condition,
                                  sv1::PriceCondition* out = nullptr,
                                  const std::string& request_id = "", int deadline_seconds = 10) {
    sv1::CreatePriceConditionRequest request;
    *request.mutable_price_condition() = condition;
    request.set_request_id(request_id);
    sv1::PriceCondition ignored;
    return pricing_->CreatePriceCondition(ContextWithDeadline(deadline_seconds).get(), request,
                                          out ? out : &ignored);
  }
  sv1::PriceCondition CreateCondition(const sv1::PriceCondition& condition) {
    sv1::PriceCondition created;
    const grpc::Status status = TryCreateCondition(condition, &created);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return created;
  }
  grpc::Status TryGetCondition(const std::string& name, sv1::PriceCondition* out = nullptr) {
    sv1::GetPriceConditionRequest request;
    request.set_name(name);
    sv1::PriceCondition ignored;
    return pricing_->GetPriceCondition(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryUpdateCondition(const sv1::PriceCondition& condition, const Strings& paths,
                                  sv1::PriceCondition* out = nullptr) {
    sv1::UpdatePriceConditionRequest request;
    *request.mutable_price_condition() = condition;
    *request.mutable_update_mask() = Mask(paths);
    sv1::PriceCondition ignored;
    return pricing_->UpdatePriceCondition(ContextWithDeadline().get(), request,
                                          out ? out : &ignored);
  }
  grpc::Status TryDeleteCondition(const std::string& name, const std::string& etag = "") {
    sv1::DeletePriceConditionRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return pricing_->DeletePriceCondition(ContextWithDeadline().get(), request, &empty);
  }
  grpc::Status TryListConditions(const sv1::ListPriceConditionsRequest& request,
                                 sv1::ListPriceConditionsResponse* out) {
    return pricing_->ListPriceConditions(ContextWithDeadline().get(), request, out);
  }
  // Names of every condition the request matches, following the pages.
  Strings ConditionNames(sv1::ListPriceConditionsRequest request, int* pages = nullptr) {
    Strings names;
    int count = 0;
    for (; count < 100; ++count) {
      sv1::ListPriceConditionsResponse response;
      REQUIRE(Outcome(TryListConditions(request, &response)) == "OK");
      if (request.page_size() > 0) CHECK(response.price_conditions_size() <= request.page_size());
      for (const auto& condition : response.price_conditions()) names.push_back(condition.name());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count + 1;
    return names;
  }
  Strings ConditionNames() { return ConditionNames(sv1::ListPriceConditionsRequest()); }


 private:
  void AddTaxClass(const std::string& id, double rate_percent) {
    sv1::CreateTaxClassRequest request;
    request.set_tax_class_id(id);
    request.mutable_tax_class()->set_display_name(id);
    request.mutable_tax_class()->set_rate_percent(rate_percent);
    sv1::TaxClass created;
    REQUIRE(Outcome(catalog_->CreateTaxClass(ContextWithDeadline().get(), request, &created)) ==
            "OK");
  }
  void AddProduct(const std::string& id, const std::string& display_name, const std::string& group,
                  const Money& list_price, const Money& cost_price, const std::string& tax_class,
                  sv1::ProductState state = sv1::PRODUCT_STATE_ACTIVE) {
    sv1::CreateProductRequest request;
    request.set_product_id(id);
    sv1::Product* product = request.mutable_product();
    product->set_display_name(display_name);
    product->set_product_group(group);
    product->set_unit("EA");
    *product->mutable_list_price() = list_price;
    if (!cost_price.currency_code().empty()) *product->mutable_cost_price() = cost_price;
    product->set_tax_class(absl::StrCat("taxClasses/", tax_class));
    product->set_state(state);
    sv1::Product created;
    REQUIRE(Outcome(catalog_->CreateProduct(ContextWithDeadline().get(), request, &created)) ==
            "OK");
  }

  std::unique_ptr<sv1::CatalogService::Stub> catalog_;
  std::unique_ptr<sv1::PricingService::Stub> pricing_;
};

const Date kPricingDay = MakeDate(2026, 11, 23);

}  // namespace

TEST_CASE("pricing: the worked example, 10 % off from 100 units for A-class retailers",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const pv1::Partner retailer =
      sales.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::PriceCondition discount = sales.CreateCondition(VolumeDiscount());

  const sv1::PriceItemsResponse response =
      sales.Price(PriceRequest(retailer.name(), kPricingDay, {{kMonitor, 120}}));
  CHECK(response.currency_code() == "EUR");
  REQUIRE(response.items_size() == 1);
  const sv1::PricedItem& item = response.items(0);
  CHECK(item.product() == kMonitor);
  CHECK(item.quantity() == 120);
  CHECK(item.unit() == "EA");
  CHECK(Text(item.list_price()) == "EUR 200.00");
  CHECK(Text(item.base_price()) == "EUR 200.00");
  REQUIRE(item.conditions_size() == 1);
  const sv1::AppliedCondition& applied = item.conditions(0);
  CHECK(applied.source() == discount.name());
  CHECK(applied.display_name() == "Volume discount A-class retail");
  CHECK(applied.type() == sv1::CONDITION_TYPE_DISCOUNT_PERCENT);
  CHECK(applied.percent() == 10);
  CHECK(Text(applied.unit_amount()) == "EUR -20.00");
  CHECK(applied.reason() ==
        "customer class A; industry RETAIL; quantity 120 reaches the scale level 100; "
        "valid 2026-10-01 to 2026-12-31");
  CHECK(Text(item.net_unit_price()) == "EUR 180.00");
  CHECK(Text(item.net_amount()) == "EUR 21600.00");
  CHECK(item.tax_rate_percent() == 19);
  CHECK(Text(item.tax_amount()) == "EUR 4104.00");
  CHECK(Text(item.gross_amount()) == "EUR 25704.00");
  CHECK(Text(item.margin()) == "EUR 7200.00");
  CHECK(item.margin_percent() == Approx(100.0 / 3));
  CHECK(Text(response.net_total()) == "EUR 21600.00");
  CHECK(Text(response.tax_total()) == "EUR 4104.00");
  CHECK(Text(response.gross_total()) == "EUR 25704.00");
  CHECK(Text(response.margin_total()) == "EUR 7200.00");

  // 99 units do not reach the scale: the list price.
  const sv1::PricedItem fewer = sales.PriceOne(retailer.name(), kPricingDay, kMonitor, 99);
  CHECK(fewer.conditions().empty());
  CHECK(Text(fewer.base_price()) == "EUR 200.00");
  CHECK(Text(fewer.net_unit_price()) == "EUR 200.00");
  CHECK(Text(fewer.net_amount()) == "EUR 19800.00");
  CHECK(Text(fewer.tax_amount()) == "EUR 3762.00");
  CHECK(Text(fewer.gross_amount()) == "EUR 23562.00");
  CHECK(Text(fewer.margin()) == "EUR 7920.00");

  // Exactly 100 units reach it.
  CHECK(Sources(sales.PriceOne(retailer.name(), kPricingDay, kMonitor, 100)) ==
        Strings{discount.name()});
}

TEST_CASE("pricing: the volume discount needs every scope field and its period",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const pv1::Partner a_retail = sales.AddCustomer("A Retail AG", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const pv1::Partner b_retail = sales.AddCustomer("B Retail AG", "RETAIL", pv1::CUSTOMER_CLASS_B);
  const pv1::Partner a_wholesale =
      sales.AddCustomer("A Wholesale AG", "WHOLESALE", pv1::CUSTOMER_CLASS_A);
  const sv1::PriceCondition discount = sales.CreateCondition(VolumeDiscount());

  struct Case {
    std::string what;
    std::string customer;
    Date day;
    bool discounted;
  };
  const std::vector<Case> cases = {
      {"A-class retailer in the period", a_retail.name(), kPricingDay, true},
      {"first day", a_retail.name(), MakeDate(2026, 10, 1), true},
      {"last day", a_retail.name(), MakeDate(2026, 12, 31), true},
      {"the day before", a_retail.name(), MakeDate(2026, 9, 30), false},
      {"the day after", a_retail.name(), MakeDate(2027, 1, 1), false},
      {"B-class retailer", b_retail.name(), kPricingDay, false},
      {"A-class wholesaler", a_wholesale.name(), kPricingDay, false},
      {"no customer", "", kPricingDay, false},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const sv1::PricedItem item = sales.PriceOne(c.customer, c.day, kMonitor, 120);
    CHECK(Sources(item) == (c.discounted ? Strings{discount.name()} : Strings{}));
    CHECK(Text(item.net_amount()) == (c.discounted ? "EUR 21600.00" : "EUR 24000.00"));
  }
}

TEST_CASE("pricing: totals add up the items, margins only where there is a cost price",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const pv1::Partner retailer =
      sales.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  sales.CreateCondition(VolumeDiscount());

  const sv1::PriceItemsResponse response =
      sales.Price(PriceRequest(retailer.name(), kPricingDay, {{kKeyboard, 3}, {kMonitor, 120}}));
  REQUIRE(response.items_size() == 2);
  // In the order asked.
  const sv1::PricedItem& keyboard = response.items(0);
  CHECK(keyboard.product() == kKeyboard);
  CHECK(keyboard.conditions().empty());  // 3 units do not reach the scale
  CHECK(Text(keyboard.net_amount()) == "EUR 149.97");
  CHECK(keyboard.tax_rate_percent() == 7);
  CHECK(Text(keyboard.tax_amount()) == "EUR 10.50");  // 10.4979 rounded
  CHECK(Text(keyboard.gross_amount()) == "EUR 160.47");
  CHECK_FALSE(keyboard.has_margin());
  CHECK(keyboard.margin_percent() == 0);
  CHECK(response.items(1).product() == kMonitor);
  CHECK(Text(response.items(1).net_amount()) == "EUR 21600.00");

  CHECK(Text(response.net_total()) == "EUR 21749.97");
  CHECK(Text(response.tax_total()) == "EUR 4114.50");
  CHECK(Text(response.gross_total()) == "EUR 25864.47");
  CHECK(Text(response.margin_total()) == "EUR 7200.00");
}

TEST_CASE("pricing: price lists apply by the customer's price group", "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const pv1::Partner vip =
      sales.AddCustomer("VIP Handel KG", "WHOLESALE", pv1::CUSTOMER_CLASS_B, "VIP");
  const pv1::Partner plain =
      sales.AddCustomer("Plain Handel KG", "WHOLESALE", pv1::CUSTOMER_CLASS_B);

  const sv1::PriceList general =
      sales.CreateList(List("General", "EUR", "", 0, {{kMonitor, Eur(195)}}));
  sv1::PriceList vip_sent = List("VIP 2026", "EUR", "VIP", 10, {{kMonitor, Eur(180)}});
  *vip_sent.mutable_valid_from() = MakeDate(2026, 1, 1);
  *vip_sent.mutable_valid_to() = MakeDate(2026, 12, 31);
  const sv1::PriceList vip_list = sales.CreateList(vip_sent);
  // In another currency: never for a document in EUR.
  sales.CreateList(List("VIP USD", "USD", "VIP", 100, {{kMonitor, Amount("USD", 150)}}));

  const sv1::PricedItem for_vip = sales.PriceOne(vip.name(), kPricingDay, kMonitor, 10);
  CHECK(Text(for_vip.list_price()) == "EUR 200.00");
  CHECK(Text(for_vip.base_price()) == "EUR 180.00");
  REQUIRE(for_vip.conditions_size() == 1);
  CHECK(for_vip.conditions(0).source() == vip_list.name());
  CHECK(for_vip.conditions(0).display_name() == "VIP 2026");
  CHECK(for_vip.conditions(0).type() == sv1::CONDITION_TYPE_PRICE);
  CHECK(Text(for_vip.conditions(0).unit_amount()) == "EUR -20.00");
  CHECK(for_vip.conditions(0).reason() ==
        "price list in EUR; price group VIP; valid 2026-01-01 to 2026-12-31");
  CHECK(Text(for_vip.net_amount()) == "EUR 1800.00");
  CHECK(Text(for_vip.tax_amount()) == "EUR 342.00");
  CHECK(Text(for_vip.margin()) == "EUR 600.00");

  // Others get the list for everyone.
  for (const std::string& customer : {plain.name(), std::string()}) {
    INFO("customer \"" << customer << "\"");
    const sv1::PricedItem item = sales.PriceOne(customer, kPricingDay, kMonitor, 10);
    CHECK(Sources(item) == Strings{general.name()});
    CHECK(item.conditions(0).reason() == "price list in EUR");
    CHECK(Text(item.base_price()) == "EUR 195.00");
    CHECK(Text(item.net_amount()) == "EUR 1950.00");
  }
  // And so does the VIP customer once the VIP list has expired.
  CHECK(Sources(sales.PriceOne(vip.name(), MakeDate(2027, 1, 4), kMonitor, 10)) ==
        Strings{general.name()});
  // Products a list has no entry for keep their list price.
  CHECK(Sources(sales.PriceOne(vip.name(), kPricingDay, kKeyboard, 1)).empty());

  // Discounts are taken off the price list's price.
  sales.CreateCondition(GroupCondition("Monitor week", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 5));
  const sv1::PricedItem discounted = sales.PriceOne(vip.name(), kPricingDay, kMonitor, 10);
  REQUIRE(discounted.conditions_size() == 2);
  CHECK(discounted.conditions(0).source() == vip_list.name());
  CHECK(Text(discounted.conditions(1).unit_amount()) == "EUR -9.00");
  CHECK(Text(discounted.net_unit_price()) == "EUR 171.00");
}

TEST_CASE("pricing: a merged customer still prices as its survivor", "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const pv1::Partner survivor =
      sales.AddCustomer("Alvis Handel AG", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const pv1::Partner merged = sales.AddCustomer("Alvis Handel", "WHOLESALE", pv1::CUSTOMER_CLASS_C);
  const sv1::PriceCondition volume = sales.CreateCondition(VolumeDiscount());
  // A condition agreed with the duplicate before the merge.
  sv1::PriceCondition loyalty_sent;
  loyalty_sent.set_display_name("Loyalty Alvis");
  loyalty_sent.set_type(sv1::CONDITION_TYPE_DISCOUNT_AMOUNT);
  *loyalty_sent.mutable_amount() = Eur(5);
  loyalty_sent.mutable_scope()->set_customer(merged.name());
  const sv1::PriceCondition loyalty = sales.CreateCondition(loyalty_sent);

  // Before the merge: a C-class wholesaler with its own condition.
  const sv1::PricedItem before = sales.PriceOne(merged.name(), kPricingDay, kMonitor, 120);
  CHECK(Sources(before) == Strings{loyalty.name()});
  CHECK(before.conditions(0).reason() == absl::StrCat("customer ", merged.name()));
  CHECK(Text(before.net_amount()) == "EUR 23400.00");

  sales.MergeInto(survivor, merged);

  // After it the old name prices with the survivor's class and industry,
  // and the condition made for the old name still applies.
  const sv1::PricedItem after = sales.PriceOne(merged.name(), kPricingDay, kMonitor, 120);
  CHECK(Sources(after) == Strings{volume.name(), loyalty.name()});
  CHECK(Text(after.net_unit_price()) == "EUR 175.00");
  CHECK(Text(after.net_amount()) == "EUR 21000.00");

  // The survivor itself gets the volume discount.
  const sv1::PricedItem direct = sales.PriceOne(survivor.name(), kPricingDay, kMonitor, 120);
  REQUIRE_FALSE(direct.conditions().empty());
  CHECK(direct.conditions(0).source() == volume.name());
}

TEST_CASE("pricing: unknown or discontinued products and unknown customers are refused",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const pv1::Partner retailer =
      sales.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const pv1::Partner gone = sales.AddCustomer("Gone GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  sales.DeletePartner(gone);
  sv1::PriceItemsResponse response;

  const grpc::Status unknown_product = sales.TryPrice(
      PriceRequest(retailer.name(), kPricingDay, {{kMonitor, 1}, {"products/monitor-99", 1}}),
      &response);
  CHECK(Outcome(unknown_product) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_product).resource_name() ==
        "products/monitor-99");

  const grpc::Status discontinued = sales.TryPrice(
      PriceRequest(retailer.name(), kPricingDay, {{kMonitor, 1}, {kOldMonitor, 1}}), &response);
  CHECK(Outcome(discontinued) == "FAILED_PRECONDITION");
  CHECK(Precondition(discontinued) == "DISCONTINUED items[1].product");
  // A product discontinued after it was priced once.
  REQUIRE(Outcome(sales.TryPrice(PriceRequest("", kPricingDay, {{kMonitor, 1}}), &response)) ==
          "OK");
  sales.SetProductState(kMonitor, sv1::PRODUCT_STATE_DISCONTINUED);
  CHECK(Precondition(sales.TryPrice(PriceRequest("", kPricingDay, {{kMonitor, 1}}), &response)) ==
        "DISCONTINUED items[0].product");

  for (const std::string& customer : {std::string("partners/nobody"), gone.name()}) {
    INFO(customer);
    const grpc::Status unknown =
        sales.TryPrice(PriceRequest(customer, kPricingDay, {{kKeyboard, 1}}), &response);
    CHECK(Outcome(unknown) == "NOT_FOUND");
    CHECK(absl::StrContains(unknown.error_message(), customer));
  }

  // A document in a currency the product has no price in.
  sv1::PriceItemsRequest in_usd = PriceRequest("", kPricingDay, {{kKeyboard, 1}});
  in_usd.set_currency_code("USD");
  const grpc::Status no_price = sales.TryPrice(in_usd, &response);
  CHECK(Outcome(no_price) == "FAILED_PRECONDITION");
  CHECK(Precondition(no_price) == "NO_PRICE items[0]");
}

TEST_CASE("pricing: bad PriceItems requests name each bad field", "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  struct Case {
    std::string what;
    std::function<void(sv1::PriceItemsRequest*)> spoil;
    std::string outcome;
  };
  const std::vector<Case> cases = {
      {"no items", [](auto* r) { r->clear_items(); }, "INVALID_ARGUMENT items"},
      {"quantity 0", [](auto* r) { r->mutable_items(0)->set_quantity(0); },
       "INVALID_ARGUMENT items[0].quantity"},
      {"a negative quantity", [](auto* r) { r->mutable_items(0)->set_quantity(-2); },
       "INVALID_ARGUMENT items[0].quantity"},
      {"a quantity with 4 decimals", [](auto* r) { r->mutable_items(0)->set_quantity(1.2345); },
       "INVALID_ARGUMENT items[0].quantity"},
      {"a bad second item", [](auto* r) { r->mutable_items(1)->set_quantity(0.0001); },
       "INVALID_ARGUMENT items[1].quantity"},
      {"no product", [](auto* r) { r->mutable_items(0)->clear_product(); },
       "INVALID_ARGUMENT items[0].product"},
      {"a product that is not a name",
       [](auto* r) { r->mutable_items(0)->set_product("monitor-24"); },
       "INVALID_ARGUMENT items[0].product"},
      {"a lower-case currency", [](auto* r) { r->set_currency_code("eur"); },
       "INVALID_ARGUMENT currency_code"},
      {"a currency of four letters", [](auto* r) { r->set_currency_code("EURO"); },
       "INVALID_ARGUMENT currency_code"},
      {"30 February", [](auto* r) { *r->mutable_pricing_date() = MakeDate(2026, 2, 30); },
       "INVALID_ARGUMENT pricing_date"},
      {"a month without a day", [](auto* r) { *r->mutable_pricing_date() = MakeDate(2026, 11, 0); },
       "INVALID_ARGUMENT pricing_date"},
      {"a customer that is not a name", [](auto* r) { r->set_customer("alvis"); },
       "INVALID_ARGUMENT customer"},
      {"a campaign that is not a name", [](auto* r) { r->set_campaign("spring"); },
       "INVALID_ARGUMENT campaign"},
      {"several at once",
       [](auto* r) {
         r->set_currency_code("eur");
         r->mutable_items(0)->set_quantity(0);
         r->mutable_items(1)->set_product("");
       },
       "INVALID_ARGUMENT currency_code, items[0].quantity, items[1].product"},
      // Checked before partners is asked about the customer.
      {"a bad quantity for an unknown customer",
       [](auto* r) {
         r->set_customer("partners/nobody");
         r->mutable_items(0)->set_quantity(0);
       },
       "INVALID_ARGUMENT items[0].quantity"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    sv1::PriceItemsRequest request = PriceRequest("", kPricingDay, {{kMonitor, 1}, {kKeyboard, 2}});
    c.spoil(&request);
    sv1::PriceItemsResponse response;
    CHECK(Outcome(sales.TryPrice(request, &response)) == c.outcome);
  }

  // 501 items are too many; 3 decimals are fine.
  sv1::PriceItemsRequest many = PriceRequest("", kPricingDay, {});
  for (int i = 0; i < 501; ++i)
    *many.add_items() = PriceRequest("", kPricingDay, {{kKeyboard, 1}}).items(0);
  sv1::PriceItemsResponse response;
  CHECK(Outcome(sales.TryPrice(many, &response)) == "INVALID_ARGUMENT items");
  CHECK(Outcome(sales.TryPrice(PriceRequest("", kPricingDay, {{kKeyboard, 1.125}}), &response)) ==
        "OK");
}

TEST_CASE("pricing: price lists are created once per request_id, read, updated and deleted",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const int64_t head = sales.HeadSequence();

  sv1::PriceList sent = List("Retail 2026", "EUR", "RETAIL", 5, {{kMonitor, Eur(180)}});
  *sent.mutable_valid_from() = MakeDate(2026, 1, 1);
  sent.set_etag("\"9\"");  // output only: ignored
  sv1::PriceList created;
  REQUIRE(Outcome(sales.TryCreateList(sent, &created, "list-1")) == "OK");
  CHECK(absl::StartsWith(created.name(), "priceLists/"));
  CHECK(created.display_name() == "Retail 2026");
  CHECK(created.entries_size() == 1);
  CHECK(created.etag() == "\"1\"");
  CHECK(created.create_time().seconds() > 0);

  // The same request again: the same list, not a second one.
  sv1::PriceList again;
  REQUIRE(Outcome(sales.TryCreateList(sent, &again, "list-1")) == "OK");
  CHECK(again.SerializeAsString() == created.SerializeAsString());
  // The same id for another request is refused.
  sent.set_display_name("Retail 2026 (copy)");
  CHECK(Outcome(sales.TryCreateList(sent, nullptr, "list-1")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(sales.TryCreateList(sent, nullptr, "has space")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(sales.TryCreateList(sent, nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");
  CHECK(sales.ListNames() == Strings{created.name()});
  CHECK(sales.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", created.name(), " CreatePriceList list-1")});

  sv1::PriceList got;
  REQUIRE(Outcome(sales.TryGetList(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == created.SerializeAsString());
  CHECK(Outcome(sales.TryGetList("priceLists/nope")) == "NOT_FOUND");
  CHECK(Outcome(sales.TryGetList("nope")) == "INVALID_ARGUMENT name");

  // Without request ids two creates make two lists; newest first, paged.
  const sv1::PriceList second = sales.CreateList(List("Second", "EUR", "", 0, {}));
  const sv1::PriceList third = sales.CreateList(List("Third", "EUR", "", 0, {}));
  CHECK(sales.ListNames() == Strings{third.name(), second.name(), created.name()});
  CHECK(sales.ListNames(2) == Strings{third.name(), second.name(), created.name()});

  // Update with the current etag, then with the stale one.
  sv1::PriceList change = created;
  change.clear_entries();
  sv1::PriceListEntry* entry = change.add_entries();
  entry->set_product(kMonitor);
  *entry->mutable_price() = Eur(175);
  *change.mutable_valid_to() = MakeDate(2026, 12, 31);
  sv1::PriceList updated;
  REQUIRE(Outcome(sales.TryUpdateList(change, {"entries", "valid_to"}, &updated)) == "OK");
  CHECK(updated.etag() == "\"2\"");
  CHECK(Text(updated.entries(0).price()) == "EUR 175.00");
  CHECK(updated.valid_to().year() == 2026);
  CHECK(updated.display_name() == "Retail 2026");
  const int64_t after_update = sales.HeadSequence();

  change.set_priority(50);
  const grpc::Status stale = sales.TryUpdateList(change, {"priority"});
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(DetailOf<google::rpc::ErrorInfo>(stale).reason() == "STALE_ETAG");
  CHECK(Outcome(sales.TryUpdateList(updated, {"name"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(sales.TryUpdateList(updated, {"colour"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(sales.TryDeleteList(created.name(), created.etag())) == "ABORTED");
  REQUIRE(Outcome(sales.TryGetList(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == updated.SerializeAsString());
  CHECK(sales.HeadSequence() == after_update);

  REQUIRE(Outcome(sales.TryDeleteList(created.name(), updated.etag())) == "OK");
  CHECK(Outcome(sales.TryGetList(created.name())) == "NOT_FOUND");
  CHECK(Outcome(sales.TryDeleteList(created.name())) == "NOT_FOUND");
  CHECK(sales.DescribeChangesAfter(after_update) ==
        Strings{absl::StrCat("CHANGE_KIND_DELETED ", created.name(), " DeletePriceList ")});
}

TEST_CASE("pricing: conditions are created once per request_id, read, updated and deleted",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const int64_t head = sales.HeadSequence();

  sv1::PriceCondition created;
  REQUIRE(Outcome(sales.TryCreateCondition(VolumeDiscount(), &created, "cond-1")) == "OK");
  CHECK(absl::StartsWith(created.name(), "priceConditions/"));
  CHECK(created.etag() == "\"1\"");
  CHECK(created.scale_size() == 1);
  sv1::PriceCondition again;
  REQUIRE(Outcome(sales.TryCreateCondition(VolumeDiscount(), &again, "cond-1")) == "OK");
  CHECK(again.SerializeAsString() == created.SerializeAsString());
  sv1::PriceCondition other = VolumeDiscount();
  other.set_priority(3);
  CHECK(Outcome(sales.TryCreateCondition(other, nullptr, "cond-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(sales.ConditionNames() == Strings{created.name()});
  CHECK(sales.DescribeChangesAfter(head) ==
        Strings{
            absl::StrCat("CHANGE_KIND_CREATED ", created.name(), " CreatePriceCondition cond-1")});

  sv1::PriceCondition got;
  REQUIRE(Outcome(sales.TryGetCondition(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == created.SerializeAsString());
  CHECK(Outcome(sales.TryGetCondition("priceConditions/nope")) == "NOT_FOUND");

  // The quarter is extended.
  sv1::PriceCondition change = created;
  *change.mutable_valid_to() = MakeDate(2027, 3, 31);
  sv1::PriceCondition updated;
  REQUIRE(Outcome(sales.TryUpdateCondition(change, {"valid_to"}, &updated)) == "OK");
  CHECK(updated.etag() == "\"2\"");
  CHECK(updated.valid_to().year() == 2027);
  const int64_t after_update = sales.HeadSequence();

  // Stale, bad and unknown updates change nothing.
  change.set_priority(7);
  CHECK(Outcome(sales.TryUpdateCondition(change, {"priority"})) == "ABORTED");
  sv1::PriceCondition bad = updated;
  *bad.mutable_valid_to() = MakeDate(2026, 9, 1);
  CHECK(Outcome(sales.TryUpdateCondition(bad, {"valid_to"})) ==
        "INVALID_ARGUMENT price_condition.valid_to");
  bad = updated;
  bad.mutable_scope()->set_product("products/monitor-99");
  CHECK(Outcome(sales.TryUpdateCondition(bad, {"scope"})) == "NOT_FOUND");
  CHECK(Outcome(sales.TryUpdateCondition(updated, {"create_time"})) ==
        "INVALID_ARGUMENT update_mask");
  bad = updated;
  bad.set_name("priceConditions/nope");
  CHECK(Outcome(sales.TryUpdateCondition(bad, {"priority"})) == "NOT_FOUND");
  CHECK(Outcome(sales.TryDeleteCondition(created.name(), created.etag())) == "ABORTED");
  REQUIRE(Outcome(sales.TryGetCondition(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == updated.SerializeAsString());
  CHECK(sales.HeadSequence() == after_update);

  REQUIRE(Outcome(sales.TryDeleteCondition(created.name(), updated.etag())) == "OK");
  CHECK(Outcome(sales.TryGetCondition(created.name())) == "NOT_FOUND");
  CHECK(sales.ConditionNames().empty());
  CHECK(sales.DescribeChangesAfter(after_update) ==
        Strings{absl::StrCat("CHANGE_KIND_DELETED ", created.name(), " DeletePriceCondition ")});
}

TEST_CASE("pricing: unknown products in a price list or a scope are NOT_FOUND and write nothing",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const sv1::PriceList existing =
      sales.CreateList(List("General", "EUR", "", 0, {{kMonitor, Eur(195)}}));
  const int64_t head = sales.HeadSequence();

  const sv1::PriceList with_unknown =
      List("Retail", "EUR", "", 0, {{kMonitor, Eur(180)}, {"products/monitor-99", Eur(150)}});
  const grpc::Status list_status = sales.TryCreateList(with_unknown, nullptr, "list-unknown");
  CHECK(Outcome(list_status) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(list_status).resource_name() == "products/monitor-99");
  sv1::PriceList changed = existing;
  *changed.mutable_entries() = with_unknown.entries();
  CHECK(Outcome(sales.TryUpdateList(changed, {"entries"})) == "NOT_FOUND");

  sv1::PriceCondition condition =
      GroupCondition("Old monitor price", sv1::CONDITION_TYPE_PRICE, 0, Eur(80));
  condition.mutable_scope()->set_product("products/monitor-99");
  const grpc::Status condition_status =
      sales.TryCreateCondition(condition, nullptr, "cond-unknown");
  CHECK(Outcome(condition_status) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(condition_status).resource_name() ==
        "products/monitor-99");

  CHECK(sales.ListNames() == Strings{existing.name()});
  sv1::PriceList unchanged;
  REQUIRE(Outcome(sales.TryGetList(existing.name(), &unchanged)) == "OK");
  CHECK(unchanged.SerializeAsString() == existing.SerializeAsString());
  CHECK(sales.ConditionNames().empty());
  CHECK(sales.HeadSequence() == head);

  // A refusal is not remembered under its request_id: with the product
  // there, the same ids go through. A discontinued product may be named.
  condition.mutable_scope()->set_product(kOldMonitor);
  CHECK(Outcome(sales.TryCreateCondition(condition, nullptr, "cond-unknown")) == "OK");
  CHECK(Outcome(sales.TryCreateList(List("Retail", "EUR", "", 0, {{kOldMonitor, Eur(80)}}), nullptr,
                                    "list-unknown")) == "OK");
}

TEST_CASE("pricing: bad price lists and conditions name their fields and write nothing",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const int64_t head = sales.HeadSequence();

  struct ListCase {
    std::string what;
    std::function<void(sv1::PriceList*)> spoil;
    std::string outcome;
  };
  const std::vector<ListCase> lists = {
      {"no display name", [](auto* l) { l->clear_display_name(); },
       "INVALID_ARGUMENT price_list.display_name"},
      {"no currency", [](auto* l) { l->clear_currency_code(); },
       "INVALID_ARGUMENT price_list.currency_code"},
      {"a lower-case currency", [](auto* l) { l->set_currency_code("eur"); },
       "INVALID_ARGUMENT price_list.currency_code"},
      {"a price group too long", [](auto* l) { l->set_price_group(std::string(21, 'G')); },
       "INVALID_ARGUMENT price_list.price_group"},
      {"valid_to before valid_from",
       [](auto* l) {
         *l->mutable_valid_from() = MakeDate(2026, 12, 31);
         *l->mutable_valid_to() = MakeDate(2026, 1, 1);
       },
       "INVALID_ARGUMENT price_list.valid_to"},
      {"an impossible valid_from",
       [](auto* l) { *l->mutable_valid_from() = MakeDate(2026, 13, 1); },
       "INVALID_ARGUMENT price_list.valid_from"},
      {"a priority too low", [](auto* l) { l->set_priority(-1001); },
       "INVALID_ARGUMENT price_list.priority"},
      {"an entry without product", [](auto* l) { l->mutable_entries(0)->clear_product(); },
       "INVALID_ARGUMENT price_list.entries[0].product"},
      {"an entry that is not a product name",
       [](auto* l) { l->mutable_entries(0)->set_product("monitor-24"); },
       "INVALID_ARGUMENT price_list.entries[0].product"},
      {"a product twice", [](auto* l) { *l->add_entries() = l->entries(0); },
       "INVALID_ARGUMENT price_list.entries[1].product"},
      {"a price in another currency",
       [](auto* l) { *l->mutable_entries(0)->mutable_price() = Amount("USD", 180); },
       "INVALID_ARGUMENT price_list.entries[0].price.currency_code"},
      {"a negative price", [](auto* l) { *l->mutable_entries(0)->mutable_price() = Eur(-1); },
       "INVALID_ARGUMENT price_list.entries[0].price"},
  };
  for (const ListCase& c : lists) {
    INFO(c.what);
    sv1::PriceList list = List("Retail", "EUR", "", 0, {{kMonitor, Eur(180)}});
    c.spoil(&list);
    CHECK(Outcome(sales.TryCreateList(list)) == c.outcome);
  }

  struct ConditionCase {
    std::string what;
    std::function<void(sv1::PriceCondition*)> spoil;
    std::string outcome;
  };
  // Each spoils the SPEC's condition (a percentage scale); those marked
  // "fixed:" replace it with one of a single percentage or amount.
  const std::vector<ConditionCase> conditions = {
      {"no display name", [](auto* c) { c->clear_display_name(); },
       "INVALID_ARGUMENT price_condition.display_name"},
      {"no type", [](auto* c) { c->clear_type(); }, "INVALID_ARGUMENT price_condition.type"},
      {"an unknown type", [](auto* c) { c->set_type(static_cast<sv1::ConditionType>(9)); },
       "INVALID_ARGUMENT price_condition.type"},
      {"fixed: a discount over 100 %",
       [](auto* c) { *c = GroupCondition("Too much", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 150); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: a discount of 0 %",
       [](auto* c) { *c = GroupCondition("Nothing", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 0); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: a percentage with 5 decimals",
       [](auto* c) { *c = GroupCondition("Odd", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 1.23456); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: a surcharge over 1000 %",
       [](auto* c) { *c = GroupCondition("Steep", sv1::CONDITION_TYPE_SURCHARGE_PERCENT, 1001); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: an amount on a percentage",
       [](auto* c) {
         *c = GroupCondition("Both", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 5, Eur(5));
       },
       "INVALID_ARGUMENT price_condition.amount"},
      {"fixed: a price without amount",
       [](auto* c) { *c = GroupCondition("Price", sv1::CONDITION_TYPE_PRICE, 0); },
       "INVALID_ARGUMENT price_condition.amount"},
      {"fixed: a percentage on a price",
       [](auto* c) { *c = GroupCondition("Price", sv1::CONDITION_TYPE_PRICE, 5, Eur(150)); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: an exclusive price",
       [](auto* c) {
         *c = GroupCondition("Price", sv1::CONDITION_TYPE_PRICE, 0, Eur(150));
         c->set_exclusive(true);
       },
       "INVALID_ARGUMENT price_condition.exclusive"},
      {"a percentage beside the scale", [](auto* c) { c->set_percent(10); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"a scale not ascending",
       [](auto* c) {
         sv1::ScaleLevel* level = c->add_scale();
         level->set_min_quantity(50);
         level->set_percent(5);
       },
       "INVALID_ARGUMENT price_condition.scale[1].min_quantity"},
      {"a scale level repeated", [](auto* c) { *c->add_scale() = c->scale(0); },
       "INVALID_ARGUMENT price_condition.scale[1].min_quantity"},
      {"a scale level over 100 %", [](auto* c) { c->mutable_scale(0)->set_percent(110); },
       "INVALID_ARGUMENT price_condition.scale[0].percent"},
      {"a scale level from 0", [](auto* c) { c->mutable_scale(0)->set_min_quantity(0); },
       "INVALID_ARGUMENT price_condition.scale[0].min_quantity"},
      {"an empty scope", [](auto* c) { c->clear_scope(); },
       "INVALID_ARGUMENT price_condition.scope"},
      {"a scope product that is not a name",
       [](auto* c) { c->mutable_scope()->set_product("monitor"); },
       "INVALID_ARGUMENT price_condition.scope.product"},
      {"a lower-case product group",
       [](auto* c) { c->mutable_scope()->set_product_group("monitors"); },
       "INVALID_ARGUMENT price_condition.scope.product_group"},
      {"an unknown customer class",
       [](auto* c) { c->mutable_scope()->set_customer_class(static_cast<pv1::CustomerClass>(8)); },
       "INVALID_ARGUMENT price_condition.scope.customer_class"},
      {"a customer that is not a name", [](auto* c) { c->mutable_scope()->set_customer("alvis"); },
       "INVALID_ARGUMENT price_condition.scope.customer"},
      {"a campaign that is not a name", [](auto* c) { c->mutable_scope()->set_campaign("spring"); },
       "INVALID_ARGUMENT price_condition.scope.campaign"},
      {"valid_to before valid_from",
       [](auto* c) { *c->mutable_valid_to() = MakeDate(2026, 9, 30); },
       "INVALID_ARGUMENT price_condition.valid_to"},
      {"an impossible valid_to", [](auto* c) { *c->mutable_valid_to() = MakeDate(2026, 2, 29); },
       "INVALID_ARGUMENT price_condition.valid_to"},
      {"a priority too high", [](auto* c) { c->set_priority(1001); },
       "INVALID_ARGUMENT price_condition.priority"},
  };
  for (const ConditionCase& c : conditions) {
    INFO(c.what);
    sv1::PriceCondition condition = VolumeDiscount();
    c.spoil(&condition);
    CHECK(Outcome(sales.TryCreateCondition(condition)) == c.outcome);
  }
  // Without a condition at all.
  sv1::CreatePriceConditionRequest empty;
  sv1::PriceCondition ignored;
  CHECK(Outcome(sales.pricing().CreatePriceCondition(
            ContextWithDeadline().get(), empty, &ignored)) == "INVALID_ARGUMENT price_condition");

  CHECK(sales.ListNames().empty());
  CHECK(sales.ConditionNames().empty());
  CHECK(sales.HeadSequence() == head);
}

TEST_CASE("pricing: ListPriceConditions filters by valid_on and type, newest first, paged",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  auto valid = [](sv1::PriceCondition c, const Date& from, const Date& to) {
    if (from.year() != 0) *c.mutable_valid_from() = from;
    if (to.year() != 0) *c.mutable_valid_to() = to;
    return c;
  };
  const Date open;
  using sv1::CONDITION_TYPE_DISCOUNT_PERCENT;
  const std::string autumn = sales.CreateCondition(VolumeDiscount()).name();  // 2026-10-01..12-31
  const std::string november =
      sales
          .CreateCondition(
              valid(GroupCondition("November price", sv1::CONDITION_TYPE_PRICE, 0, Eur(179)),
                    MakeDate(2026, 11, 1), MakeDate(2026, 11, 30)))
          .name();
  const std::string summer =
      sales
          .CreateCondition(
              valid(GroupCondition("Summer surcharge", sv1::CONDITION_TYPE_SURCHARGE_PERCENT, 5),
                    MakeDate(2026, 6, 1), MakeDate(2026, 8, 31)))
          .name();
  const std::string standing = sales
                                   .CreateCondition(GroupCondition(
                                       "Standing", sv1::CONDITION_TYPE_DISCOUNT_AMOUNT, 0, Eur(2)))
                                   .name();
  const std::string december =
      sales
          .CreateCondition(
              valid(GroupCondition("From December", CONDITION_TYPE_DISCOUNT_PERCENT, 3),
                    MakeDate(2026, 12, 1), open))
          .name();
  const std::string until_october =
      sales
          .CreateCondition(
              valid(GroupCondition("Until October", CONDITION_TYPE_DISCOUNT_PERCENT, 1), open,
                    MakeDate(2026, 10, 31)))
          .name();

  auto names = [&](const Date& valid_on, sv1::ConditionType type, int page_size = 0,
                   int* pages = nullptr) {
    sv1::ListPriceConditionsRequest request;
    if (valid_on.year() != 0) *request.mutable_valid_on() = valid_on;
    request.set_type(type);
    request.set_page_size(page_size);
    return sales.ConditionNames(request, pages);
  };
  const auto any = sv1::CONDITION_TYPE_UNSPECIFIED;
  const Strings everything = {until_october, december, standing, summer, november, autumn};
  CHECK(names(open, any) == everything);
  CHECK(names(kPricingDay, any) == Strings{standing, november, autumn});
  CHECK(names(MakeDate(2026, 12, 15), any) == Strings{december, standing, autumn});
  CHECK(names(MakeDate(2026, 7, 1), any) == Strings{until_october, standing, summer});
  // Both ends of a period count.
  CHECK(names(MakeDate(2026, 10, 31), any) == Strings{until_october, standing, autumn});
  CHECK(names(MakeDate(2026, 10, 1), any) == Strings{until_october, standing, autumn});
  CHECK(names(MakeDate(2026, 12, 1), any) == Strings{december, standing, autumn});
  CHECK(names(open, CONDITION_TYPE_DISCOUNT_PERCENT) == Strings{until_october, december, autumn});
  CHECK(names(open, sv1::CONDITION_TYPE_PRICE) == Strings{november});
  CHECK(names(kPricingDay, CONDITION_TYPE_DISCOUNT_PERCENT) == Strings{autumn});
  CHECK(names(MakeDate(2027, 6, 1), sv1::CONDITION_TYPE_SURCHARGE_PERCENT).empty());

  // Two at a time, without repeats or gaps.
  int pages = 0;
  CHECK(names(open, any, 2, &pages) == everything);
  CHECK(pages == 3);
  CHECK(names(open, CONDITION_TYPE_DISCOUNT_PERCENT, 2, &pages) ==
        Strings{until_october, december, autumn});
  CHECK(pages == 2);
  CHECK(names(MakeDate(2026, 12, 15), any, 1, &pages) == Strings{december, standing, autumn});
  CHECK(pages == 3);

  // A token belongs to its filters; bad filters name their field.
  sv1::ListPriceConditionsRequest request;
  request.set_page_size(2);
  sv1::ListPriceConditionsResponse first;
  REQUIRE(Outcome(sales.TryListConditions(request, &first)) == "OK");
  REQUIRE_FALSE(first.next_page_token().empty());
  sv1::ListPriceConditionsResponse response;
  request.set_page_token(first.next_page_token());
  request.set_type(CONDITION_TYPE_DISCOUNT_PERCENT);
  CHECK(Outcome(sales.TryListConditions(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_type(any);
  *request.mutable_valid_on() = kPricingDay;
  CHECK(Outcome(sales.TryListConditions(request, &response)) == "INVALID_ARGUMENT page_token");
  request.clear_valid_on();
  CHECK(Outcome(sales.TryListConditions(request, &response)) == "OK");
  request.set_page_token("garbage");
  CHECK(Outcome(sales.TryListConditions(request, &response)) == "INVALID_ARGUMENT page_token");

  sv1::ListPriceConditionsRequest bad;
  *bad.mutable_valid_on() = MakeDate(2026, 2, 30);
  CHECK(Outcome(sales.TryListConditions(bad, &response)) == "INVALID_ARGUMENT valid_on");
  bad.clear_valid_on();
  bad.set_type(static_cast<sv1::ConditionType>(42));
  CHECK(Outcome(sales.TryListConditions(bad, &response)) == "INVALID_ARGUMENT type");
  bad.set_type(any);
  bad.set_page_size(-1);
  CHECK(Outcome(sales.TryListConditions(bad, &response)) == "INVALID_ARGUMENT page_size");
}

TEST_CASE("pricing: a condition for one customer needs partners to know the customer",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const pv1::Partner alvis =
      sales.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_B);
  const pv1::Partner other =
      sales.AddCustomer("Other Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_B);
  const int64_t head = sales.HeadSequence();

  sv1::PriceCondition special;
  special.set_display_name("Special price Alvis");
  special.set_type(sv1::CONDITION_TYPE_PRICE);
  *special.mutable_amount() = Eur(170);
  special.mutable_scope()->set_product(kMonitor);
  special.mutable_scope()->set_customer("partners/nobody");
  CHECK(Outcome(sales.TryCreateCondition(special)) == "NOT_FOUND");
  CHECK(sales.ConditionNames().empty());
  CHECK(sales.HeadSequence() == head);

  special.mutable_scope()->set_customer(alvis.name());
  const sv1::PriceCondition created = sales.CreateCondition(special);
  const sv1::PricedItem for_alvis = sales.PriceOne(alvis.name(), kPricingDay, kMonitor, 2);
  CHECK(Sources(for_alvis) == Strings{created.name()});
  CHECK(for_alvis.conditions(0).reason() ==
        absl::StrCat("product 24-inch monitor; customer ", alvis.name()));
  CHECK(Text(for_alvis.conditions(0).unit_amount()) == "EUR -30.00");
  CHECK(Text(for_alvis.base_price()) == "EUR 170.00");
  CHECK(Text(for_alvis.net_amount()) == "EUR 340.00");
  CHECK(Sources(sales.PriceOne(other.name(), kPricingDay, kMonitor, 2)).empty());
  CHECK(Sources(sales.PriceOne("", kPricingDay, kMonitor, 2)).empty());

  // Moving it to an unknown customer is refused as well.
  sv1::PriceCondition moved = created;
  moved.mutable_scope()->set_customer("partners/nobody");
  CHECK(Outcome(sales.TryUpdateCondition(moved, {"scope"})) == "NOT_FOUND");
  sv1::PriceCondition unchanged;
  REQUIRE(Outcome(sales.TryGetCondition(created.name(), &unchanged)) == "OK");
  CHECK(unchanged.scope().customer() == alvis.name());
  moved.mutable_scope()->set_customer(other.name());
  CHECK(Outcome(sales.TryUpdateCondition(moved, {"scope"})) == "OK");
}

TEST_CASE("pricing: with partners down, pricing for a customer is UNAVAILABLE within the deadline",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const pv1::Partner retailer =
      sales.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::PriceCondition discount = sales.CreateCondition(VolumeDiscount());
  const sv1::PriceItemsRequest for_retailer =
      PriceRequest(retailer.name(), kPricingDay, {{kMonitor, 120}});
  CHECK(Text(sales.Price(for_retailer).net_total()) == "EUR 21600.00");

  sales.StopPartners();

  constexpr int kDeadlineSeconds = 3;
  const auto started = std::chrono::steady_clock::now();
  sv1::PriceItemsResponse response;
  const grpc::Status down = sales.TryPrice(for_retailer, &response, kDeadlineSeconds);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(Outcome(down) == "UNAVAILABLE");
  CHECK(absl::StrContains(down.error_message(), "partners"));
  CHECK(seconds < kDeadlineSeconds);

  // Without a customer nothing is asked of partners.
  const sv1::PriceItemsResponse anonymous =
      sales.Price(PriceRequest("", kPricingDay, {{kMonitor, 120}}));
  CHECK(anonymous.items(0).conditions().empty());
  CHECK(Text(anonymous.net_total()) == "EUR 24000.00");
  CHECK(Text(anonymous.gross_total()) == "EUR 28560.00");
}

TEST_CASE("pricing: with partners unreachable, a condition for a customer is not created",
          "[sales][pricing]") {
  Sales sales(/*partners_up=*/false);
  sales.AddCatalog();
  const int64_t head = sales.HeadSequence();

  sv1::PriceCondition special;
  special.set_display_name("Special price");
  special.set_type(sv1::CONDITION_TYPE_PRICE);
  *special.mutable_amount() = Eur(170);
  special.mutable_scope()->set_product(kMonitor);
  special.mutable_scope()->set_customer("partners/alvis");
  constexpr int kDeadlineSeconds = 3;
  for (const std::string& request_id : {std::string(), std::string("cond-special")}) {
    INFO("request_id \"" << request_id << "\"");
    const auto started = std::chrono::steady_clock::now();
    const grpc::Status down =
        sales.TryCreateCondition(special, nullptr, request_id, kDeadlineSeconds);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(Outcome(down) == "UNAVAILABLE");
    CHECK(seconds < kDeadlineSeconds);
  }
  CHECK(sales.ConditionNames().empty());
  CHECK(sales.HeadSequence() == head);

  // A bad condition is refused for what it is, without waiting for partners.
  special.set_priority(5000);
  CHECK(Outcome(sales.TryCreateCondition(special)) == "INVALID_ARGUMENT price_condition.priority");

  // Conditions that name no customer are created and priced with.
  const sv1::PriceCondition week = sales.CreateCondition(
      GroupCondition("Monitor week", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 5));
  CHECK(sales.ConditionNames() == Strings{week.name()});
  CHECK(sales.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", week.name(), " CreatePriceCondition ")});
  const sv1::PricedItem item = sales.PriceOne("", kPricingDay, kMonitor, 1);
  CHECK(Sources(item) == Strings{week.name()});
  CHECK(Text(item.net_amount()) == "EUR 190.00");
}

TEST_CASE("pricing: customer conditions answer retries and unrelated updates without partners",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const pv1::Partner alvis =
      sales.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_B);
  sv1::PriceCondition special;
  special.set_display_name("Special price Alvis");
  special.set_type(sv1::CONDITION_TYPE_PRICE);
  *special.mutable_amount() = Eur(170);
  special.mutable_scope()->set_product(kMonitor);
  special.mutable_scope()->set_customer(alvis.name());
  sv1::PriceCondition first;
  REQUIRE(Outcome(sales.TryCreateCondition(special, &first, "special-1")) == "OK");

  sales.StopPartners();
  // A retry of a create whose answer was lost gets the first result.
  sv1::PriceCondition again;
  CHECK(Outcome(sales.TryCreateCondition(special, &again, "special-1")) == "OK");
  CHECK(again.name() == first.name());
  CHECK(sales.ConditionNames().size() == 1);

  // Renaming needs no partners; a stale etag is ABORTED before partners is
  // asked; a malformed customer names its field.
  sv1::PriceCondition renamed = first;
  renamed.set_display_name("Special price Alvis 2027");
  sv1::PriceCondition updated;
  CHECK(Outcome(sales.TryUpdateCondition(renamed, {"display_name"}, &updated)) == "OK");
  CHECK(updated.display_name() == "Special price Alvis 2027");
  CHECK(Outcome(sales.TryUpdateCondition(first, {"scope"})) == "ABORTED");
  sv1::PriceCondition malformed = updated;
  malformed.mutable_scope()->set_customer("alvis");
  CHECK(Outcome(sales.TryUpdateCondition(malformed, {"scope"})) ==
        "INVALID_ARGUMENT price_condition.scope.customer");
}
