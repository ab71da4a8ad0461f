// Test support for the PricingService tests (pricing_*_test.cc): the sales
// service in-process with a real partners service beside it (`Sales`), its
// catalog of products and tax classes, and helpers for building price lists,
// conditions, pricing requests and money.
#ifndef CRM_SERVICES_SALES_TESTS_PRICING_FIXTURE_H_
#define CRM_SERVICES_SALES_TESTS_PRICING_FIXTURE_H_

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

namespace crm::sales::testing::pricing_testing {

namespace sv1 = crm::sales::v1;
using crm::sales::testing::Sources;
namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::DetailOf;
using crm::testing::MakeDate;
using crm::testing::Mask;
using crm::testing::Outcome;
using crm::testing::Precondition;
using Date = google::type::Date;
using Money = crm::type::v1::Money;
using Strings = std::vector<std::string>;

inline constexpr char kMonitor[] = "products/monitor-24";
inline constexpr char kKeyboard[] = "products/keyboard";
inline constexpr char kOldMonitor[] = "products/monitor-19";  // discontinued

inline Money Amount(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}
inline Money Eur(int64_t units, int32_t nanos = 0) { return Amount("EUR", units, nanos); }

// "EUR 21600.00", "EUR -20.00"; more decimals only where there are any.
inline std::string Text(const Money& money) {
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

inline sv1::PriceItemsRequest PriceRequest(const std::string& customer, const Date& day,
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
inline sv1::PriceCondition VolumeDiscount() {
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
inline sv1::PriceCondition GroupCondition(const std::string& display_name, sv1::ConditionType type,
                                          double percent, const Money& amount = {}) {
  sv1::PriceCondition condition;
  condition.set_display_name(display_name);
  condition.set_type(type);
  condition.set_percent(percent);
  if (!amount.currency_code().empty()) *condition.mutable_amount() = amount;
  condition.mutable_scope()->set_product_group("MONITORS");
  return condition;
}

inline sv1::PriceList List(const std::string& display_name, const std::string& currency,
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

inline const Date kPricingDay = MakeDate(2026, 11, 23);

}  // namespace crm::sales::testing::pricing_testing

#endif  // CRM_SERVICES_SALES_TESTS_PRICING_FIXTURE_H_
