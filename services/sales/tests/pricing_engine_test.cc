// The pricing engine without gRPC or a database: the SPEC's worked example
// (10 % off for A-class retailers from 100 units until the quarter's end)
// and where it does not apply; the choice of price list (currency, price
// group, validity, priority, latest valid_from, name) and NO_PRICE when an
// item has no price in the document currency; PRICE conditions (highest
// priority wins, campaign prices only for their campaign); discounts and
// surcharges (priority order, percentages of the base price, amounts only
// in their currency, exclusive ones, never below zero); rounding of net
// amount and tax to the minor unit, margins; the totals; and the customer
// facts read from a partner, after a merge too.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors.h"
#include "common/money/money.h"
#include "google/rpc/error_details.pb.h"
#include "services/sales/pricing_engine.h"

namespace crm::sales {
namespace {

using Catch::Matchers::WithinAbs;
using money::kNanosPerUnit;
using money::kScale;
using type::v1::Money;

constexpr char kField[] = "items[0]";

// ---------------------------------------------------------------------------
// Amounts, dates and quantities.

// "EUR 19.99"-like money from a non-negative decimal text, e.g. ("EUR", "0.333").
Money Cash(const std::string& currency, const std::string& decimal) {
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

Money Eur(const std::string& decimal) { return Cash("EUR", decimal); }
Money Usd(const std::string& decimal) { return Cash("USD", decimal); }

// Money as exact text, trailing zeros dropped: "EUR 21600", "EUR -20",
// "EUR 0.333". Exact, so that an amount left unrounded shows.
std::string Show(const Money& money) {
  const money::Nanos nanos = money::ToNanos(money);
  const bool negative = nanos < 0;
  const money::Nanos magnitude = negative ? -nanos : nanos;
  std::string text = absl::StrCat(static_cast<int64_t>(magnitude / kNanosPerUnit));
  std::string fraction = absl::StrFormat("%09d", static_cast<int>(magnitude % kNanosPerUnit));
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) absl::StrAppend(&text, ".", fraction);
  return absl::StrCat(money.currency_code(), " ", negative ? "-" : "", text);
}

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// A quantity or percentage as the engine takes it (millionths).
money::Scaled Scaled(double value) {
  const std::optional<money::Scaled> scaled = money::ToScaled(value, 6);
  REQUIRE(scaled.has_value());
  return *scaled;
}

// ---------------------------------------------------------------------------
// Products, customers and documents.

// A monitor listed at `list_price`, costing `cost_price` (unset: no cost).
v1::Product Monitor(const Money& list_price, const Money& cost_price = Money()) {
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

ItemToPrice Item(const v1::Product& product, double quantity, double tax_rate_percent = 19) {
  ItemToPrice item;
  item.product = product;
  item.quantity = Scaled(quantity);
  item.tax_rate_percent = Scaled(tax_rate_percent);
  return item;
}

CustomerFacts Customer(partners::v1::CustomerClass customer_class,
                       const std::string& industry_code, const std::string& price_group = "",
                       const std::string& name = "partners/acme") {
  CustomerFacts facts;
  facts.names = {name};
  facts.customer_class = customer_class;
  facts.industry_code = industry_code;
  facts.price_group = price_group;
  return facts;
}

CustomerFacts RetailerA() { return Customer(partners::v1::CUSTOMER_CLASS_A, "RETAIL"); }

PricingContext Document(const google::type::Date& date,
                        std::optional<CustomerFacts> customer = std::nullopt,
                        const std::string& currency = "EUR", const std::string& campaign = "") {
  PricingContext context;
  context.currency_code = currency;
  context.date = date;
  context.campaign = campaign;
  context.customer = std::move(customer);
  return context;
}

// ---------------------------------------------------------------------------
// Price lists and condition records.

v1::PriceList List(const std::string& id, const std::string& currency, int priority = 0) {
  v1::PriceList list;
  list.set_name(absl::StrCat("priceLists/", id));
  list.set_display_name(absl::StrCat("List ", id));
  list.set_currency_code(currency);
  list.set_priority(priority);
  return list;
}

v1::PriceList WithEntry(v1::PriceList list, const std::string& product, const Money& price) {
  v1::PriceListEntry* entry = list.add_entries();
  entry->set_product(product);
  *entry->mutable_price() = price;
  return list;
}

// A condition on every monitor; callers narrow or widen the scope.
v1::PriceCondition Condition(const std::string& id, v1::ConditionType type, int priority = 0) {
  v1::PriceCondition condition;
  condition.set_name(absl::StrCat("priceConditions/", id));
  condition.set_display_name(absl::StrCat("Condition ", id));
  condition.set_type(type);
  condition.set_priority(priority);
  condition.mutable_scope()->set_product_group("MONITORS");
  return condition;
}

v1::PriceCondition Discount(const std::string& id, double percent, int priority = 0) {
  v1::PriceCondition condition = Condition(id, v1::CONDITION_TYPE_DISCOUNT_PERCENT, priority);
  condition.set_percent(percent);
  return condition;
}

v1::PriceCondition Surcharge(const std::string& id, double percent, int priority = 0) {
  v1::PriceCondition condition = Condition(id, v1::CONDITION_TYPE_SURCHARGE_PERCENT, priority);
  condition.set_percent(percent);
  return condition;
}

v1::PriceCondition AmountOff(const std::string& id, const Money& amount, int priority = 0) {
  v1::PriceCondition condition = Condition(id, v1::CONDITION_TYPE_DISCOUNT_AMOUNT, priority);
  *condition.mutable_amount() = amount;
  return condition;
}

v1::PriceCondition PriceOf(const std::string& id, const Money& amount, int priority = 0) {
  v1::PriceCondition condition = Condition(id, v1::CONDITION_TYPE_PRICE, priority);
  *condition.mutable_amount() = amount;
  return condition;
}

// The SPEC's condition: 10 % off for A-class retailers ordering 100 units
// or more until the end of the quarter.
v1::PriceCondition RetailVolumeDiscount() {
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

v1::PricedItem Priced(const PricingContext& context, const ItemToPrice& item,
                      const std::vector<v1::PriceList>& lists,
                      const std::vector<v1::PriceCondition>& conditions) {
  absl::StatusOr<v1::PricedItem> priced = PriceItem(context, item, lists, conditions, kField);
  INFO(priced.status().ToString());
  REQUIRE(priced.ok());
  return *priced;
}

// The sources of the applied conditions, in the order applied.
std::vector<std::string> Sources(const v1::PricedItem& item) {
  std::vector<std::string> sources;
  for (const v1::AppliedCondition& applied : item.conditions()) sources.push_back(applied.source());
  return sources;
}

// The PreconditionFailure a status carries (empty if none).
google::rpc::PreconditionFailure PreconditionFailureOf(const absl::Status& status) {
  google::rpc::PreconditionFailure failure;
  const auto payload = status.GetPayload(absl::StrCat(
      "type.googleapis.com/", google::rpc::PreconditionFailure::descriptor()->full_name()));
  if (payload) failure.ParseFromString(std::string(*payload));
  return failure;
}

// ---------------------------------------------------------------------------
// Partners as pricing reads them.

partners::v1::Partner Retailer(const std::string& name) {
  partners::v1::Partner partner;
  partner.set_name(name);
  partner.set_category(partners::v1::PARTNER_CATEGORY_ORGANIZATION);
  partner.mutable_organization()->set_legal_name("Acme Retail GmbH");
  partner.mutable_organization()->set_industry_code("RETAIL");
  partner.add_roles()->set_type(partners::v1::ROLE_TYPE_PROSPECT);
  partners::v1::Role* customer = partner.add_roles();
  customer->set_type(partners::v1::ROLE_TYPE_CUSTOMER);
  customer->mutable_customer()->set_customer_class(partners::v1::CUSTOMER_CLASS_A);
  customer->mutable_customer()->set_price_group("GOLD");
  partners::v1::Role* channel = partner.add_roles();
  channel->set_type(partners::v1::ROLE_TYPE_CHANNEL_PARTNER);
  channel->mutable_channel_partner();
  return partner;
}

}  // namespace

// ---------------------------------------------------------------------------
// The SPEC's worked example

TEST_CASE("SPEC: 10% off for A-class retailers ordering 100 units or more until the end of "
          "the quarter",
          "[sales][pricing]") {
  const v1::PricedItem item =
      Priced(Document(Day(2026, 11, 23), RetailerA()),
             Item(Monitor(Eur("200.00"), Eur("120.00")), 120, 19), {}, {RetailVolumeDiscount()});

  CHECK(item.product() == "products/monitor-24");
  CHECK(item.quantity() == 120);
  CHECK(item.unit() == "EA");
  CHECK(Show(item.list_price()) == "EUR 200");
  CHECK(Show(item.base_price()) == "EUR 200");
  REQUIRE(item.conditions_size() == 1);
  const v1::AppliedCondition& applied = item.conditions(0);
  CHECK(applied.source() == "priceConditions/retail-volume");
  CHECK(applied.display_name() == "Volume discount A-class retail");
  CHECK(applied.type() == v1::CONDITION_TYPE_DISCOUNT_PERCENT);
  CHECK(applied.percent() == 10);
  CHECK(Show(applied.unit_amount()) == "EUR -20");
  CHECK(applied.reason() ==
        "customer class A; industry RETAIL; quantity 120 reaches the scale level 100; "
        "valid 2026-10-01 to 2026-12-31");
  CHECK(Show(item.net_unit_price()) == "EUR 180");
  CHECK(Show(item.net_amount()) == "EUR 21600");
  CHECK(item.tax_rate_percent() == 19);
  CHECK(Show(item.tax_amount()) == "EUR 4104");
  CHECK(Show(item.gross_amount()) == "EUR 25704");
  REQUIRE(item.has_margin());
  CHECK(Show(item.margin()) == "EUR 7200");
  CHECK_THAT(item.margin_percent(), WithinAbs(100.0 / 3, 1e-9));
}

TEST_CASE("SPEC: the retail volume discount applies from exactly 100 units and on the "
          "period's first and last day",
          "[sales][pricing]") {
  const v1::Product monitor = Monitor(Eur("200.00"), Eur("120.00"));
  for (const google::type::Date& day : {Day(2026, 10, 1), Day(2026, 12, 31)}) {
    const v1::PricedItem item =
        Priced(Document(day, RetailerA()), Item(monitor, 100), {}, {RetailVolumeDiscount()});
    REQUIRE(item.conditions_size() == 1);
    CHECK(absl::StrContains(item.conditions(0).reason(),
                            "quantity 100 reaches the scale level 100"));
    CHECK(Show(item.net_amount()) == "EUR 18000");
  }
}

TEST_CASE("SPEC: the retail volume discount does not apply below 100 units, to other "
          "customers or outside its period",
          "[sales][pricing]") {
  const v1::Product monitor = Monitor(Eur("200.00"), Eur("120.00"));
  const std::vector<v1::PriceCondition> conditions = {RetailVolumeDiscount()};
  struct Case {
    std::string what;
    PricingContext context;
    double quantity;
  };
  const std::vector<Case> cases = {
      {"99 units", Document(Day(2026, 11, 23), RetailerA()), 99},
      {"a B-class retailer",
       Document(Day(2026, 11, 23), Customer(partners::v1::CUSTOMER_CLASS_B, "RETAIL")), 120},
      {"an A-class manufacturer",
       Document(Day(2026, 11, 23), Customer(partners::v1::CUSTOMER_CLASS_A, "C26.2")), 120},
      {"no customer", Document(Day(2026, 11, 23)), 120},
      {"the day after the quarter", Document(Day(2027, 1, 1), RetailerA()), 120},
      {"the day before the quarter", Document(Day(2026, 9, 30), RetailerA()), 120},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const v1::PricedItem item = Priced(c.context, Item(monitor, c.quantity), {}, conditions);
    CHECK(item.conditions_size() == 0);
    CHECK(Show(item.net_unit_price()) == "EUR 200");
    CHECK(Show(item.net_amount()) == Show(Eur(absl::StrCat(200 * c.quantity))));
  }
}

// ---------------------------------------------------------------------------
// Price lists

TEST_CASE("The price list of highest priority prices the item, then the latest valid_from",
          "[sales][pricing]") {
  const std::string product = "products/monitor-24";
  v1::PriceList low = WithEntry(List("low", "EUR", 1), product, Eur("150"));
  v1::PriceList open = WithEntry(List("open", "EUR", 5), product, Eur("190"));
  v1::PriceList earlier = WithEntry(List("earlier", "EUR", 5), product, Eur("185"));
  *earlier.mutable_valid_from() = Day(2026, 1, 1);
  v1::PriceList later = WithEntry(List("later", "EUR", 5), product, Eur("180"));
  *later.mutable_valid_from() = Day(2026, 6, 1);
  v1::PriceList expired = WithEntry(List("expired", "EUR", 100), product, Eur("100"));
  *expired.mutable_valid_to() = Day(2026, 6, 30);
  v1::PriceList future = WithEntry(List("future", "EUR", 100), product, Eur("100"));
  *future.mutable_valid_from() = Day(2026, 8, 1);
  v1::PriceList other_product = WithEntry(List("other", "EUR", 100), "products/cable", Eur("1"));

  const std::vector<v1::PriceList> lists = {low, open, earlier, later, expired, future,
                                            other_product};
  const std::vector<v1::PriceList> reversed(lists.rbegin(), lists.rend());
  for (const auto* candidates : {&lists, &reversed}) {
    const v1::PricedItem item = Priced(Document(Day(2026, 7, 15)),
                                       Item(Monitor(Eur("200")), 2), *candidates, {});
    CHECK(Show(item.list_price()) == "EUR 200");
    CHECK(Show(item.base_price()) == "EUR 180");
    REQUIRE(item.conditions_size() == 1);
    const v1::AppliedCondition& applied = item.conditions(0);
    CHECK(applied.source() == "priceLists/later");
    CHECK(applied.display_name() == "List later");
    CHECK(applied.type() == v1::CONDITION_TYPE_PRICE);
    CHECK(Show(applied.unit_amount()) == "EUR -20");
    CHECK(applied.reason() == "price list in EUR; valid from 2026-06-01");
    CHECK(Show(item.net_amount()) == "EUR 360");
  }
}

TEST_CASE("Price lists of equal priority and start are chosen by name, whatever their order",
          "[sales][pricing]") {
  const std::string product = "products/monitor-24";
  const v1::PriceList b = WithEntry(List("b", "EUR"), product, Eur("170"));
  const v1::PriceList a = WithEntry(List("a", "EUR"), product, Eur("175"));
  for (const auto& lists : {std::vector<v1::PriceList>{a, b}, std::vector<v1::PriceList>{b, a}}) {
    const v1::PricedItem item =
        Priced(Document(Day(2026, 7, 15)), Item(Monitor(Eur("200")), 1), lists, {});
    CHECK(Sources(item) == std::vector<std::string>{"priceLists/a"});
    CHECK(Show(item.base_price()) == "EUR 175");
  }
}

TEST_CASE("A price list for a price group prices only that group's customers",
          "[sales][pricing]") {
  const std::string product = "products/monitor-24";
  v1::PriceList gold = WithEntry(List("gold", "EUR", 10), product, Eur("150"));
  gold.set_price_group("GOLD");
  const v1::PriceList everyone = WithEntry(List("everyone", "EUR", 0), product, Eur("180"));
  const ItemToPrice item = Item(Monitor(Eur("200")), 1);

  const v1::PricedItem for_gold =
      Priced(Document(Day(2026, 7, 15), Customer(partners::v1::CUSTOMER_CLASS_B, "", "GOLD")),
             item, {gold, everyone}, {});
  CHECK(Sources(for_gold) == std::vector<std::string>{"priceLists/gold"});
  CHECK(for_gold.conditions(0).reason() == "price list in EUR; price group GOLD");
  CHECK(Show(for_gold.base_price()) == "EUR 150");

  const v1::PricedItem for_silver =
      Priced(Document(Day(2026, 7, 15), Customer(partners::v1::CUSTOMER_CLASS_B, "", "SILVER")),
             item, {gold, everyone}, {});
  CHECK(Sources(for_silver) == std::vector<std::string>{"priceLists/everyone"});
  CHECK(Show(for_silver.base_price()) == "EUR 180");

  const v1::PricedItem for_nobody = Priced(Document(Day(2026, 7, 15)), item, {gold, everyone}, {});
  CHECK(Sources(for_nobody) == std::vector<std::string>{"priceLists/everyone"});
  CHECK(Show(for_nobody.base_price()) == "EUR 180");
}

TEST_CASE("A price list in another currency is ignored", "[sales][pricing]") {
  const v1::PriceList dollars =
      WithEntry(List("dollars", "USD", 100), "products/monitor-24", Usd("100"));
  const v1::PricedItem item =
      Priced(Document(Day(2026, 7, 15)), Item(Monitor(Eur("200")), 1), {dollars}, {});
  CHECK(item.conditions_size() == 0);
  CHECK(Show(item.base_price()) == "EUR 200");
  CHECK(Show(item.net_amount()) == "EUR 200");
}

TEST_CASE("A product listed in USD is priced in EUR only through a EUR price list",
          "[sales][pricing]") {
  const v1::Product monitor = Monitor(Usd("250"), Usd("150"));
  const v1::PriceList euros = WithEntry(List("euros", "EUR"), monitor.name(), Eur("210"));

  const v1::PricedItem item =
      Priced(Document(Day(2026, 7, 15)), Item(monitor, 2, 19), {euros}, {});
  CHECK(item.list_price().currency_code() == "EUR");
  CHECK(Show(item.base_price()) == "EUR 210");
  CHECK(Sources(item) == std::vector<std::string>{"priceLists/euros"});
  CHECK(Show(item.net_amount()) == "EUR 420");
  CHECK(Show(item.tax_amount()) == "EUR 79.8");
  // The cost price is in USD: no margin in EUR.
  CHECK_FALSE(item.has_margin());
  CHECK(item.margin_percent() == 0);

  SECTION("without a EUR list the item has no price") {
    v1::PriceList expired = euros;
    *expired.mutable_valid_to() = Day(2026, 6, 30);
    const v1::PriceList dollars = WithEntry(List("dollars", "USD"), monitor.name(), Usd("240"));
    const v1::PriceList other = WithEntry(List("other", "EUR"), "products/cable", Eur("5"));
    // A PRICE condition in EUR is no price: only a list price or a list is.
    const v1::PriceCondition price = PriceOf("eur-price", Eur("199"));
    for (const auto& lists : {std::vector<v1::PriceList>{}, std::vector<v1::PriceList>{expired},
                              std::vector<v1::PriceList>{dollars, other}}) {
      const absl::StatusOr<v1::PricedItem> priced =
          PriceItem(Document(Day(2026, 7, 15)), Item(monitor, 2), lists, {price}, kField);
      REQUIRE(priced.status().code() == absl::StatusCode::kFailedPrecondition);
      const google::rpc::PreconditionFailure failure = PreconditionFailureOf(priced.status());
      REQUIRE(failure.violations_size() == 1);
      CHECK(failure.violations(0).type() == "NO_PRICE");
      CHECK(failure.violations(0).subject() == "items[0]");
      CHECK(absl::StrContains(failure.violations(0).description(),
                              "products/monitor-24 has no price in EUR"));
    }
  }

  SECTION("in USD its own list price applies") {
    const v1::PricedItem in_dollars =
        Priced(Document(Day(2026, 7, 15), std::nullopt, "USD"), Item(monitor, 2), {euros}, {});
    CHECK(in_dollars.conditions_size() == 0);
    CHECK(Show(in_dollars.net_amount()) == "USD 500");
    CHECK(Show(in_dollars.margin()) == "USD 200");
  }
}

// ---------------------------------------------------------------------------
// PRICE conditions

TEST_CASE("The PRICE condition of highest priority becomes the base price", "[sales][pricing]") {
  const v1::PriceList list = WithEntry(List("main", "EUR"), "products/monitor-24", Eur("190"));
  const std::vector<v1::PriceCondition> conditions = {
      PriceOf("low", Eur("150"), 1),
      PriceOf("high", Eur("160"), 3),
      PriceOf("middle", Eur("170"), 2),
      Discount("ten", 10, -5),
  };
  const v1::PricedItem item =
      Priced(Document(Day(2026, 7, 15)), Item(Monitor(Eur("200")), 1), {list}, conditions);
  CHECK(Sources(item) == std::vector<std::string>{"priceLists/main", "priceConditions/high",
                                                  "priceConditions/ten"});
  CHECK(Show(item.list_price()) == "EUR 200");
  CHECK(Show(item.conditions(0).unit_amount()) == "EUR -10");
  CHECK(item.conditions(1).type() == v1::CONDITION_TYPE_PRICE);
  CHECK(Show(item.conditions(1).unit_amount()) == "EUR -30");
  CHECK(Show(item.base_price()) == "EUR 160");
  // The discount is a percentage of the new base price.
  CHECK(Show(item.conditions(2).unit_amount()) == "EUR -16");
  CHECK(Show(item.net_unit_price()) == "EUR 144");
}

TEST_CASE("PRICE conditions of equal priority: the latest valid_from, then the name",
          "[sales][pricing]") {
  v1::PriceCondition older = PriceOf("a-older", Eur("150"));
  *older.mutable_valid_from() = Day(2026, 1, 1);
  v1::PriceCondition newer = PriceOf("z-newer", Eur("160"));
  *newer.mutable_valid_from() = Day(2026, 7, 1);
  const v1::PriceCondition open = PriceOf("0-open", Eur("140"));
  const ItemToPrice item = Item(Monitor(Eur("200")), 1);
  CHECK(Sources(Priced(Document(Day(2026, 7, 15)), item, {}, {older, open, newer})) ==
        std::vector<std::string>{"priceConditions/z-newer"});
  CHECK(Sources(Priced(Document(Day(2026, 7, 15)), item, {}, {newer, older, open})) ==
        std::vector<std::string>{"priceConditions/z-newer"});
  // Same start: by name.
  const v1::PriceCondition b = PriceOf("b", Eur("155"));
  const v1::PriceCondition a = PriceOf("a", Eur("165"));
  const v1::PricedItem by_name = Priced(Document(Day(2026, 7, 15)), item, {}, {b, a});
  CHECK(Sources(by_name) == std::vector<std::string>{"priceConditions/a"});
  CHECK(Show(by_name.base_price()) == "EUR 165");
}

TEST_CASE("A campaign price applies only when the pricing names the campaign",
          "[sales][pricing]") {
  v1::PriceCondition spring = PriceOf("spring", Eur("150"), 10);
  spring.mutable_scope()->clear_product_group();
  spring.mutable_scope()->set_campaign("campaigns/spring");
  const ItemToPrice item = Item(Monitor(Eur("200")), 1);

  CHECK(Show(Priced(Document(Day(2026, 4, 1)), item, {}, {spring}).base_price()) == "EUR 200");
  CHECK(Show(Priced(Document(Day(2026, 4, 1), std::nullopt, "EUR", "campaigns/summer"), item, {},
                    {spring})
                 .base_price()) == "EUR 200");

  const v1::PricedItem in_campaign =
      Priced(Document(Day(2026, 4, 1), std::nullopt, "EUR", "campaigns/spring"), item, {}, {spring});
  CHECK(Show(in_campaign.base_price()) == "EUR 150");
  REQUIRE(in_campaign.conditions_size() == 1);
  CHECK(in_campaign.conditions(0).reason() == "campaign campaigns/spring");
  CHECK(Show(in_campaign.conditions(0).unit_amount()) == "EUR -50");
}

TEST_CASE("A PRICE condition in another currency does not apply", "[sales][pricing]") {
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200")), 1), {},
                                     {PriceOf("dollars", Usd("99"), 10)});
  CHECK(item.conditions_size() == 0);
  CHECK(Show(item.base_price()) == "EUR 200");
}

// ---------------------------------------------------------------------------
// Scope

TEST_CASE("A condition applies only when every field of its scope matches", "[sales][pricing]") {
  v1::PriceCondition condition = Discount("narrow", 5);
  v1::ConditionScope* scope = condition.mutable_scope();
  scope->set_product("products/monitor-24");
  scope->set_product_group("MONITORS");
  scope->set_customer_class(partners::v1::CUSTOMER_CLASS_A);
  scope->set_price_group("GOLD");
  scope->set_industry_code("RETAIL");
  scope->set_customer("partners/acme");
  const ItemToPrice item = Item(Monitor(Eur("200")), 1);
  const CustomerFacts acme = Customer(partners::v1::CUSTOMER_CLASS_A, "RETAIL", "GOLD");

  const v1::PricedItem matched = Priced(Document(Day(2026, 4, 1), acme), item, {}, {condition});
  REQUIRE(matched.conditions_size() == 1);
  CHECK(matched.conditions(0).reason() ==
        "product 24-inch monitor; product group MONITORS; customer class A; price group GOLD; "
        "industry RETAIL; customer partners/acme");
  CHECK(Show(matched.net_unit_price()) == "EUR 190");

  CustomerFacts other_group = acme;
  other_group.price_group = "SILVER";
  CustomerFacts other_customer = acme;
  other_customer.names = {"partners/globex"};
  v1::Product cable = Monitor(Eur("200"));
  cable.set_name("products/cable");
  v1::Product other_group_product = Monitor(Eur("200"));
  other_group_product.set_product_group("DESKS");

  CHECK(Priced(Document(Day(2026, 4, 1), other_group), item, {}, {condition}).conditions_size() ==
        0);
  CHECK(Priced(Document(Day(2026, 4, 1), other_customer), item, {}, {condition})
            .conditions_size() == 0);
  CHECK(Priced(Document(Day(2026, 4, 1), acme), Item(cable, 1), {}, {condition})
            .conditions_size() == 0);
  CHECK(Priced(Document(Day(2026, 4, 1), acme), Item(other_group_product, 1), {}, {condition})
            .conditions_size() == 0);
}

TEST_CASE("Conditions for either name of a merged customer apply", "[sales][pricing]") {
  v1::PriceCondition for_merged = Discount("merged", 5);
  for_merged.mutable_scope()->clear_product_group();
  for_merged.mutable_scope()->set_customer("partners/merged");
  v1::PriceCondition for_survivor = Discount("survivor", 3);
  for_survivor.mutable_scope()->clear_product_group();
  for_survivor.mutable_scope()->set_customer("partners/survivor");

  const CustomerFacts facts = CustomerFactsOf("partners/merged", Retailer("partners/survivor"));
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1), facts), Item(Monitor(Eur("200")), 1),
                                     {}, {for_merged, for_survivor});
  CHECK(Sources(item) ==
        std::vector<std::string>{"priceConditions/merged", "priceConditions/survivor"});
  CHECK(Show(item.net_unit_price()) == "EUR 184");
}

// ---------------------------------------------------------------------------
// Discounts and surcharges

TEST_CASE("Discounts and surcharges apply highest priority first, each a percentage of the "
          "base price",
          "[sales][pricing]") {
  const std::vector<v1::PriceCondition> conditions = {
      Discount("twenty", 20, 1),
      Discount("ten", 10, 5),
      Surcharge("five", 5, 3),
  };
  const v1::PricedItem item =
      Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200")), 1), {}, conditions);
  CHECK(Sources(item) == std::vector<std::string>{"priceConditions/ten", "priceConditions/five",
                                                  "priceConditions/twenty"});
  REQUIRE(item.conditions_size() == 3);
  CHECK(item.conditions(0).percent() == 10);
  CHECK(Show(item.conditions(0).unit_amount()) == "EUR -20");
  CHECK(item.conditions(1).type() == v1::CONDITION_TYPE_SURCHARGE_PERCENT);
  CHECK(item.conditions(1).percent() == 5);
  CHECK(Show(item.conditions(1).unit_amount()) == "EUR 10");
  CHECK(item.conditions(2).percent() == 20);
  CHECK(Show(item.conditions(2).unit_amount()) == "EUR -40");
  // 200 − 20 + 10 − 40, not 200 × 0.9 × 1.05 × 0.8 = 151.20.
  CHECK(Show(item.net_unit_price()) == "EUR 150");
  CHECK(Show(item.base_price()) == "EUR 200");
}

TEST_CASE("Scales pick the highest level reached, for amounts and surcharges too",
          "[sales][pricing]") {
  v1::PriceCondition surcharge = Condition("small-orders", v1::CONDITION_TYPE_SURCHARGE_PERCENT, 2);
  const std::vector<std::pair<double, double>> percent_levels = {{1, 8}, {5, 4}, {10.5, 1.5}};
  for (const auto& [min, percent] : percent_levels) {
    v1::ScaleLevel* level = surcharge.add_scale();
    level->set_min_quantity(min);
    level->set_percent(percent);
  }
  v1::PriceCondition amount_off = Condition("bulk", v1::CONDITION_TYPE_DISCOUNT_AMOUNT, 1);
  const std::vector<std::pair<double, std::string>> amount_levels = {{10, "2"}, {50, "5.5"}};
  for (const auto& [min, amount] : amount_levels) {
    v1::ScaleLevel* level = amount_off.add_scale();
    level->set_min_quantity(min);
    *level->mutable_amount() = Eur(amount);
  }
  const v1::Product monitor = Monitor(Eur("200"));
  const auto net_unit = [&](double quantity) {
    return Show(
        Priced(Document(Day(2026, 4, 1)), Item(monitor, quantity), {}, {surcharge, amount_off})
            .net_unit_price());
  };
  CHECK(net_unit(0.5) == "EUR 200");      // below every level
  CHECK(net_unit(1) == "EUR 216");        // +8 %
  CHECK(net_unit(9.999) == "EUR 208");    // +4 %
  CHECK(net_unit(10) == "EUR 206");       // +4 %, −2
  CHECK(net_unit(10.5) == "EUR 201");     // +1.5 %, −2
  CHECK(net_unit(1000) == "EUR 197.5");   // +1.5 %, −5.50

  const v1::PricedItem item =
      Priced(Document(Day(2026, 4, 1)), Item(monitor, 10.5), {}, {surcharge, amount_off});
  REQUIRE(item.conditions_size() == 2);
  CHECK(item.conditions(0).reason() ==
        "product group MONITORS; quantity 10.5 reaches the scale level 10.5");
  CHECK(item.conditions(1).reason() ==
        "product group MONITORS; quantity 10.5 reaches the scale level 10");
  CHECK(item.conditions(1).percent() == 0);
  CHECK(Show(item.conditions(1).unit_amount()) == "EUR -2");
}

TEST_CASE("A discount amount applies only in the document's currency", "[sales][pricing]") {
  const std::vector<v1::PriceCondition> conditions = {AmountOff("euros", Eur("15.50"), 2),
                                                      AmountOff("dollars", Usd("30"), 1)};
  const v1::PricedItem item =
      Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200")), 2), {}, conditions);
  CHECK(Sources(item) == std::vector<std::string>{"priceConditions/euros"});
  CHECK(item.conditions(0).type() == v1::CONDITION_TYPE_DISCOUNT_AMOUNT);
  CHECK(Show(item.conditions(0).unit_amount()) == "EUR -15.5");
  CHECK(Show(item.net_unit_price()) == "EUR 184.5");
  CHECK(Show(item.net_amount()) == "EUR 369");
}

TEST_CASE("An exclusive discount stops those of lower priority, not those of equal priority",
          "[sales][pricing]") {
  v1::PriceCondition exclusive = Discount("exclusive", 10, 5);
  exclusive.set_exclusive(true);
  // Of equal priority, "equal" sorts before and "extra" after "exclusive".
  const std::vector<v1::PriceCondition> conditions = {
      Discount("lower", 20, 1),     exclusive,          Discount("extra", 1, 5),
      Discount("equal", 5, 5),      Surcharge("higher", 2, 9),
      Surcharge("lower-fee", 3, 4),
  };
  const v1::PricedItem item =
      Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200")), 1), {}, conditions);
  CHECK(Sources(item) ==
        std::vector<std::string>{"priceConditions/higher", "priceConditions/equal",
                                 "priceConditions/exclusive", "priceConditions/extra"});
  CHECK(Show(item.net_unit_price()) == "EUR 172");  // 200 + 4 − 10 − 20 − 2

  SECTION("an exclusive condition that does not apply stops nothing") {
    v1::PriceCondition elsewhere = exclusive;
    elsewhere.set_name("priceConditions/elsewhere");
    elsewhere.mutable_scope()->set_product_group("DESKS");
    const v1::PricedItem open = Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200")), 1),
                                       {}, {elsewhere, Discount("lower", 20, 1)});
    CHECK(Sources(open) == std::vector<std::string>{"priceConditions/lower"});
  }
}

TEST_CASE("The net unit price is never below zero", "[sales][pricing]") {
  const v1::PricedItem item =
      Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200"), Eur("120")), 3),
             {}, {AmountOff("too-much", Eur("250"), 2), Discount("half", 50, 1)});
  REQUIRE(item.conditions_size() == 2);
  CHECK(Show(item.conditions(0).unit_amount()) == "EUR -250");
  CHECK(Show(item.conditions(1).unit_amount()) == "EUR -100");
  CHECK(Show(item.net_unit_price()) == "EUR 0");
  CHECK(Show(item.net_amount()) == "EUR 0");
  CHECK(Show(item.tax_amount()) == "EUR 0");
  CHECK(Show(item.gross_amount()) == "EUR 0");
  // Sold below cost: the margin is the cost, its percentage 0 on a zero net.
  CHECK(Show(item.margin()) == "EUR -360");
  CHECK(item.margin_percent() == 0);
}

// ---------------------------------------------------------------------------
// Rounding, tax and margin

TEST_CASE("Amounts in yen round to whole yen", "[sales][pricing]") {
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1), std::nullopt, "JPY"),
                                     Item(Monitor(Cash("JPY", "333")), 1.5, 10), {}, {});
  CHECK(Show(item.net_unit_price()) == "JPY 333");
  CHECK(Show(item.net_amount()) == "JPY 500");  // 499.5, half away from zero
  CHECK(Show(item.tax_amount()) == "JPY 50");
  CHECK(Show(item.gross_amount()) == "JPY 550");
}

TEST_CASE("A price with fractions of a cent times a quantity with 3 decimals rounds to the "
          "cent once",
          "[sales][pricing]") {
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1)),
                                     Item(Monitor(Eur("0.333"), Eur("0.1234")), 2.555, 10), {}, {});
  // The unit price keeps its fractions; the amounts are in cents.
  CHECK(Show(item.net_unit_price()) == "EUR 0.333");
  CHECK(Show(item.net_amount()) == "EUR 0.85");    // 0.850815
  CHECK(Show(item.tax_amount()) == "EUR 0.09");    // 10 % of 0.85 = 0.085, half away from zero
  CHECK(Show(item.gross_amount()) == "EUR 0.94");
  CHECK(Show(item.margin()) == "EUR 0.53");        // 0.85 − 0.32 (0.315287)
  CHECK_THAT(item.margin_percent(), WithinAbs(53.0 / 85 * 100, 1e-9));
}

TEST_CASE("A percentage discount with fractions of a cent rounds only the amounts",
          "[sales][pricing]") {
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1)),
                                     Item(Monitor(Eur("19.99")), 3, 19), {}, {Discount("d", 12.5)});
  CHECK(Show(item.conditions(0).unit_amount()) == "EUR -2.49875");
  CHECK(Show(item.net_unit_price()) == "EUR 17.49125");
  CHECK(Show(item.net_amount()) == "EUR 52.47");  // 52.47375
  CHECK(Show(item.tax_amount()) == "EUR 9.97");   // 19 % of 52.47 = 9.9693
  CHECK(Show(item.gross_amount()) == "EUR 62.44");
}

TEST_CASE("Amounts in a currency of three decimals round to the thousandth",
          "[sales][pricing]") {
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1), std::nullopt, "KWD"),
                                     Item(Monitor(Cash("KWD", "1.2345")), 1, 5), {}, {});
  CHECK(Show(item.net_amount()) == "KWD 1.235");
  CHECK(Show(item.tax_amount()) == "KWD 0.062");  // 0.06175
  CHECK(Show(item.gross_amount()) == "KWD 1.297");
}

TEST_CASE("The margin is the net amount less the cost, in percent of the net amount",
          "[sales][pricing]") {
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1)),
                                     Item(Monitor(Eur("200"), Eur("150")), 3), {}, {Discount("d", 10)});
  CHECK(Show(item.net_amount()) == "EUR 540");
  CHECK(Show(item.margin()) == "EUR 90");
  CHECK_THAT(item.margin_percent(), WithinAbs(100.0 / 6, 1e-9));

  SECTION("without a cost price there is no margin") {
    const v1::PricedItem no_cost =
        Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200")), 3), {}, {});
    CHECK_FALSE(no_cost.has_margin());
    CHECK(no_cost.margin_percent() == 0);
  }
}

TEST_CASE("A tax rate of zero taxes nothing", "[sales][pricing]") {
  const v1::PricedItem item =
      Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("99.99")), 7, 0), {}, {});
  CHECK(item.tax_rate_percent() == 0);
  CHECK(Show(item.tax_amount()) == "EUR 0");
  CHECK(Show(item.net_amount()) == "EUR 699.93");
  CHECK(Show(item.gross_amount()) == "EUR 699.93");
}

TEST_CASE("An item too large to represent is refused naming its quantity", "[sales][pricing]") {
  ItemToPrice item = Item(Monitor(Eur("1000000000000")), 1);
  item.quantity = 1'000'000'000 * kScale;  // EUR 10^21
  const absl::StatusOr<v1::PricedItem> priced =
      PriceItem(Document(Day(2026, 4, 1)), item, {}, {}, kField);
  REQUIRE(priced.status().code() == absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(priced.status());
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "items[0].quantity");
}

// ---------------------------------------------------------------------------
// SumTotals

TEST_CASE("SumTotals sums the items, and the margins of items that have one",
          "[sales][pricing]") {
  v1::PriceItemsResponse response;
  response.set_currency_code("EUR");
  *response.add_items() =
      Priced(Document(Day(2026, 11, 23), RetailerA()),
             Item(Monitor(Eur("200"), Eur("120")), 120, 19), {}, {RetailVolumeDiscount()});
  *response.add_items() =
      Priced(Document(Day(2026, 11, 23)), Item(Monitor(Eur("10.10")), 5, 7), {}, {});
  *response.add_items() =
      Priced(Document(Day(2026, 11, 23)), Item(Monitor(Eur("10"), Eur("12")), 1, 19), {}, {});
  REQUIRE_FALSE(response.items(1).has_margin());

  REQUIRE(SumTotals(&response).ok());
  // 21,600 + 50.50 + 10; 4,104 + 3.54 + 1.90.
  CHECK(Show(response.net_total()) == "EUR 21660.5");
  CHECK(Show(response.tax_total()) == "EUR 4109.44");
  CHECK(Show(response.gross_total()) == "EUR 25769.94");
  // 7,200 − 2; the item without a cost price adds nothing.
  CHECK(Show(response.margin_total()) == "EUR 7198");
}

TEST_CASE("SumTotals of no items is zero, with no margin without cost prices", "[sales][pricing]") {
  v1::PriceItemsResponse response;
  response.set_currency_code("JPY");
  REQUIRE(SumTotals(&response).ok());
  CHECK(Show(response.net_total()) == "JPY 0");
  CHECK(Show(response.tax_total()) == "JPY 0");
  CHECK(Show(response.gross_total()) == "JPY 0");
  // No item has a cost price, so there is no margin to show.
  CHECK_FALSE(response.has_margin_total());
}

TEST_CASE("SumTotals refuses a total too large to represent", "[sales][pricing]") {
  v1::PriceItemsResponse response;
  response.set_currency_code("EUR");
  for (int i = 0; i < 2; ++i) {
    v1::PricedItem* item = response.add_items();
    *item->mutable_net_amount() = Eur("6000000000000000000");
    *item->mutable_tax_amount() = Eur("0");
  }
  const absl::Status status = SumTotals(&response);
  REQUIRE(status.code() == absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(status);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "items");
}

// ---------------------------------------------------------------------------
// CustomerFactsOf

TEST_CASE("CustomerFactsOf reads class and price group from the customer role and the "
          "industry from the organisation",
          "[sales][pricing]") {
  const CustomerFacts facts = CustomerFactsOf("partners/acme", Retailer("partners/acme"));
  CHECK(facts.names == std::vector<std::string>{"partners/acme"});
  CHECK(facts.customer_class == partners::v1::CUSTOMER_CLASS_A);
  CHECK(facts.price_group == "GOLD");
  CHECK(facts.industry_code == "RETAIL");
}

TEST_CASE("CustomerFactsOf names both the asked and the surviving partner after a merge",
          "[sales][pricing]") {
  const CustomerFacts facts = CustomerFactsOf("partners/merged", Retailer("partners/survivor"));
  CHECK(facts.names == std::vector<std::string>{"partners/merged", "partners/survivor"});
  CHECK(facts.customer_class == partners::v1::CUSTOMER_CLASS_A);
}

TEST_CASE("CustomerFactsOf of a person without a customer role has no class, group or "
          "industry",
          "[sales][pricing]") {
  partners::v1::Partner person;
  person.set_name("partners/anna");
  person.set_category(partners::v1::PARTNER_CATEGORY_PERSON);
  person.mutable_person()->set_family_name("Schmidt");
  person.add_roles()->set_type(partners::v1::ROLE_TYPE_PROSPECT);
  const CustomerFacts facts = CustomerFactsOf("partners/anna", person);
  CHECK(facts.names == std::vector<std::string>{"partners/anna"});
  CHECK(facts.customer_class == partners::v1::CUSTOMER_CLASS_UNSPECIFIED);
  CHECK(facts.price_group.empty());
  CHECK(facts.industry_code.empty());
}

}  // namespace crm::sales
