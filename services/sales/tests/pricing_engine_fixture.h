// Test support for the pricing engine tests (pricing_engine_*_test.cc):
// exact money text, dates and scaled quantities; a monitor, items,
// customers and documents to price; condition records (discounts and the
// SPEC's retail volume discount); an item priced by the engine and the
// sources of its conditions.
#ifndef CRM_SERVICES_SALES_TESTS_PRICING_ENGINE_FIXTURE_H_
#define CRM_SERVICES_SALES_TESTS_PRICING_ENGINE_FIXTURE_H_

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/money/money.h"
#include "services/sales/pricing_engine.h"

namespace crm::sales::testing::pricing_engine_testing {

using Catch::Matchers::WithinAbs;
using money::kNanosPerUnit;
using money::kScale;
using type::v1::Money;

inline constexpr char kField[] = "items[0]";

// ---------------------------------------------------------------------------
// Amounts, dates and quantities.

// "EUR 19.99"-like money from a non-negative decimal text, e.g. ("EUR", "0.333").
inline Money Cash(const std::string& currency, const std::string& decimal) {
  const size_t dot = decimal.find('.');
  Money money;
  money.set_currency_code(currency);
  money.set_units(std::stoll(decimal.substr(0, dot)));
  if (dot != std::string::npos) {
    std::string fraction = decimal.substr(dot + 1);
    fraction.resize(9, '0');
    money.set_nanos(std::stoi(fraction));
  }
  return money;
}

inline Money Eur(const std::string& decimal) { return Cash("EUR", decimal); }
inline Money Usd(const std::string& decimal) { return Cash("USD", decimal); }

// Money as exact text, trailing zeros dropped: "EUR 21600", "EUR -20",
// "EUR 0.333". Exact, so that an amount left unrounded shows.
inline std::string Show(const Money& money) {
  const money::Nanos nanos = money::ToNanos(money);
  const bool negative = nanos < 0;
  const money::Nanos magnitude = negative ? -nanos : nanos;
  std::string text = absl::StrCat(static_cast<int64_t>(magnitude / kNanosPerUnit));
  std::string fraction = absl::StrFormat("%09d", static_cast<int>(magnitude % kNanosPerUnit));
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) absl::StrAppend(&text, ".", fraction);
  return absl::StrCat(money.currency_code(), " ", negative ? "-" : "", text);
}

inline google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// A quantity or percentage as the engine takes it (millionths).
inline money::Scaled Scaled(double value) {
  const std::optional<money::Scaled> scaled = money::ToScaled(value, 6);
  REQUIRE(scaled.has_value());
  return *scaled;
}

// ---------------------------------------------------------------------------
// Products, customers and documents.

// A monitor listed at `list_price`, costing `cost_price` (unset: no cost).
inline v1::Product Monitor(const Money& list_price, const Money& cost_price = Money()) {
  v1::Product product;
  product.set_name("products/monitor-24");
  product.set_display_name("24-inch monitor");
  product.set_product_group("MONITORS");
  product.set_unit("EA");
  *product.mutable_list_price() = list_price;
  if (!cost_price.currency_code().empty()) *product.mutable_cost_price() = cost_price;
  product.set_tax_class("taxClasses/standard");
  return product;
}

inline ItemToPrice Item(const v1::Product& product, double quantity, double tax_rate_percent = 19) {
  ItemToPrice item;
  item.product = product;
  item.quantity = Scaled(quantity);
  item.tax_rate_percent = Scaled(tax_rate_percent);
  return item;
}

inline CustomerFacts Customer(partners::v1::CustomerClass customer_class,
                              const std::string& industry_code, const std::string& price_group = "",
                              const std::string& name = "partners/acme") {
  CustomerFacts facts;
  facts.names = {name};
  facts.customer_class = customer_class;
  facts.industry_code = industry_code;
  facts.price_group = price_group;
  return facts;
}

inline CustomerFacts RetailerA() { return Customer(partners::v1::CUSTOMER_CLASS_A, "RETAIL"); }

inline PricingContext Document(const google::type::Date& date,
                               std::optional<CustomerFacts> customer = std::nullopt,
                               const std::string& currency = "EUR",
                               const std::string& campaign = "") {
  PricingContext context;
  context.currency_code = currency;
  context.date = date;
  context.campaign = campaign;
  context.customer = std::move(customer);
  return context;
}

// ---------------------------------------------------------------------------
// Condition records.

// A condition on every monitor; callers narrow or widen the scope.
inline v1::PriceCondition Condition(const std::string& id, v1::ConditionType type,
                                    int priority = 0) {
  v1::PriceCondition condition;
  condition.set_name(absl::StrCat("priceConditions/", id));
  condition.set_display_name(absl::StrCat("Condition ", id));
  condition.set_type(type);
  condition.set_priority(priority);
  condition.mutable_scope()->set_product_group("MONITORS");
  return condition;
}

inline v1::PriceCondition Discount(const std::string& id, double percent, int priority = 0) {
  v1::PriceCondition condition = Condition(id, v1::CONDITION_TYPE_DISCOUNT_PERCENT, priority);
  condition.set_percent(percent);
  return condition;
}

// The SPEC's condition: 10 % off for A-class retailers ordering 100 units
// or more until the end of the quarter.
inline v1::PriceCondition RetailVolumeDiscount() {
  v1::PriceCondition condition;
  condition.set_name("priceConditions/retail-volume");
  condition.set_display_name("Volume discount A-class retail");
  condition.set_type(v1::CONDITION_TYPE_DISCOUNT_PERCENT);
  v1::ScaleLevel* level = condition.add_scale();
  level->set_min_quantity(100);
  level->set_percent(10);
  condition.mutable_scope()->set_customer_class(partners::v1::CUSTOMER_CLASS_A);
  condition.mutable_scope()->set_industry_code("RETAIL");
  *condition.mutable_valid_from() = Day(2026, 10, 1);
  *condition.mutable_valid_to() = Day(2026, 12, 31);
  return condition;
}

// ---------------------------------------------------------------------------
// Pricing.

inline v1::PricedItem Priced(const PricingContext& context, const ItemToPrice& item,
                             const std::vector<v1::PriceList>& lists,
                             const std::vector<v1::PriceCondition>& conditions) {
  absl::StatusOr<v1::PricedItem> priced = PriceItem(context, item, lists, conditions, kField);
  INFO(priced.status().ToString());
  REQUIRE(priced.ok());
  return *priced;
}

// The sources of the applied conditions, in the order applied.
inline std::vector<std::string> Sources(const v1::PricedItem& item) {
  std::vector<std::string> sources;
  for (const v1::AppliedCondition& applied : item.conditions()) sources.push_back(applied.source());
  return sources;
}

}  // namespace crm::sales::testing::pricing_engine_testing

#endif  // CRM_SERVICES_SALES_TESTS_PRICING_ENGINE_FIXTURE_H_
