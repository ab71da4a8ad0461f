// The pricing engine without gRPC or a database: the conditions that apply
// to an item. The SPEC's worked example (10 % off for A-class retailers
// from 100 units until the quarter's end) and where it does not apply; the
// scope of a condition (every field must match, either name of a merged
// customer); discounts and surcharges (priority order, percentages of the
// base price, scales, amounts only in their currency, exclusive ones, never
// below zero); and the customer facts read from a partner, after a merge
// too.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/sales/pricing_engine.h"
#include "services/sales/tests/pricing_engine_fixture.h"

namespace crm::sales::testing::pricing_engine_testing {
namespace {

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

TEST_CASE(
    "SPEC: 10% off for A-class retailers ordering 100 units or more until the end of "
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

TEST_CASE(
    "SPEC: the retail volume discount applies from exactly 100 units and on the "
    "period's first and last day",
    "[sales][pricing]") {
  const v1::Product monitor = Monitor(Eur("200.00"), Eur("120.00"));
  for (const google::type::Date& day : {Day(2026, 10, 1), Day(2026, 12, 31)}) {
    const v1::PricedItem item =
        Priced(Document(day, RetailerA()), Item(monitor, 100), {}, {RetailVolumeDiscount()});
    REQUIRE(item.conditions_size() == 1);
    CHECK(
        absl::StrContains(item.conditions(0).reason(), "quantity 100 reaches the scale level 100"));
    CHECK(Show(item.net_amount()) == "EUR 18000");
  }
}

TEST_CASE(
    "SPEC: the retail volume discount does not apply below 100 units, to other "
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
  CHECK(
      Priced(Document(Day(2026, 4, 1), other_customer), item, {}, {condition}).conditions_size() ==
      0);
  CHECK(
      Priced(Document(Day(2026, 4, 1), acme), Item(cable, 1), {}, {condition}).conditions_size() ==
      0);
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

TEST_CASE(
    "Discounts and surcharges apply highest priority first, each a percentage of the "
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
  CHECK(net_unit(0.5) == "EUR 200");     // below every level
  CHECK(net_unit(1) == "EUR 216");       // +8 %
  CHECK(net_unit(9.999) == "EUR 208");   // +4 %
  CHECK(net_unit(10) == "EUR 206");      // +4 %, −2
  CHECK(net_unit(10.5) == "EUR 201");    // +1.5 %, −2
  CHECK(net_unit(1000) == "EUR 197.5");  // +1.5 %, −5.50

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
      Discount("lower", 20, 1),  exclusive,
      Discount("extra", 1, 5),   Discount("equal", 5, 5),
      Surcharge("higher", 2, 9), Surcharge("lower-fee", 3, 4),
  };
  const v1::PricedItem item =
      Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200")), 1), {}, conditions);
  CHECK(Sources(item) == std::vector<std::string>{"priceConditions/higher", "priceConditions/equal",
                                                  "priceConditions/exclusive",
                                                  "priceConditions/extra"});
  CHECK(Show(item.net_unit_price()) == "EUR 172");  // 200 + 4 − 10 − 20 − 2

  SECTION("an exclusive condition that does not apply stops nothing") {
    v1::PriceCondition elsewhere = exclusive;
    elsewhere.set_name("priceConditions/elsewhere");
    elsewhere.mutable_scope()->set_product_group("DESKS");
    const v1::PricedItem open = Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200")), 1), {},
                                       {elsewhere, Discount("lower", 20, 1)});
    CHECK(Sources(open) == std::vector<std::string>{"priceConditions/lower"});
  }
}

TEST_CASE("The net unit price is never below zero", "[sales][pricing]") {
  const v1::PricedItem item =
      Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("200"), Eur("120")), 3), {},
             {AmountOff("too-much", Eur("250"), 2), Discount("half", 50, 1)});
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
// CustomerFactsOf

TEST_CASE(
    "CustomerFactsOf reads class and price group from the customer role and the "
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

TEST_CASE(
    "CustomerFactsOf of a person without a customer role has no class, group or "
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

}  // namespace crm::sales::testing::pricing_engine_testing
