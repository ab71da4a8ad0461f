// The rules of the sales resources without storage: for condition records
// (percentages by type, amounts, scales, scope, validity, priority,
// exclusive), price lists (currency, entries, validity, priority), products
// (product group, unit, list and cost price, tax class, state) and tax
// classes (rate), a valid example passes and each bad field is reported
// with its exact path.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "crm/sales/v1/pricing.pb.h"
#include "crm/sales/v1/product.pb.h"
#include "services/sales/catalog_validation.h"
#include "services/sales/pricing_validation.h"

namespace crm::sales {
namespace {

using Fields = std::vector<std::string>;
using type::v1::Money;

Money Cash(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// The fields of the violations, in the order reported.
Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

// The description of the one violation of `field`, or "" if none.
std::string DescriptionOf(const Violations& violations, const std::string& field) {
  for (const FieldViolation& v : violations.list()) {
    if (v.field == field) return v.description;
  }
  return "";
}

Fields ConditionFields(const v1::PriceCondition& condition) {
  Violations out;
  ValidatePriceCondition(condition, "price_condition", &out);
  return FieldsOf(out);
}

Fields ListFields(const v1::PriceList& list) {
  Violations out;
  ValidatePriceList(list, "price_list", &out);
  return FieldsOf(out);
}

Fields ProductFields(const v1::Product& product) {
  Violations out;
  ValidateProduct(product, "product", &out);
  return FieldsOf(out);
}

Fields TaxClassFields(const v1::TaxClass& tax_class) {
  Violations out;
  ValidateTaxClass(tax_class, "tax_class", &out);
  return FieldsOf(out);
}

// ---------------------------------------------------------------------------
// Valid resources that the tests spoil one field at a time.

// The SPEC's condition: 10 % off for A-class retailers from 100 units.
v1::PriceCondition VolumeDiscount() {
  v1::PriceCondition condition;
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

// A percentage without a scale on one product group.
v1::PriceCondition PercentCondition(v1::ConditionType type, double percent) {
  v1::PriceCondition condition;
  condition.set_display_name("Monitors");
  condition.set_type(type);
  condition.set_percent(percent);
  condition.mutable_scope()->set_product_group("MONITORS");
  return condition;
}

// An amount without a scale on one product.
v1::PriceCondition AmountCondition(v1::ConditionType type, const Money& amount) {
  v1::PriceCondition condition;
  condition.set_display_name("Campaign price");
  condition.set_type(type);
  *condition.mutable_amount() = amount;
  condition.mutable_scope()->set_product("products/monitor-24");
  return condition;
}

v1::ScaleLevel* AddLevel(v1::PriceCondition* condition, double min_quantity) {
  v1::ScaleLevel* level = condition->add_scale();
  level->set_min_quantity(min_quantity);
  return level;
}

v1::PriceList RetailList() {
  v1::PriceList list;
  list.set_display_name("Retail 2027");
  list.set_currency_code("EUR");
  list.set_price_group("RETAIL");
  *list.mutable_valid_from() = Day(2027, 1, 1);
  *list.mutable_valid_to() = Day(2027, 12, 31);
  list.set_priority(10);
  for (const char* product : {"products/monitor-24", "products/cable"}) {
    v1::PriceListEntry* entry = list.add_entries();
    entry->set_product(product);
    *entry->mutable_price() = Cash("EUR", 189, 990'000'000);
  }
  return list;
}

v1::Product MonitorProduct() {
  v1::Product product;
  product.set_display_name("24-inch monitor");
  product.set_description("Full HD, matte.");
  product.set_product_group("MONITORS");
  product.set_unit("EA");
  *product.mutable_list_price() = Cash("EUR", 200);
  *product.mutable_cost_price() = Cash("EUR", 120);
  product.set_tax_class("taxClasses/standard");
  product.set_state(v1::PRODUCT_STATE_ACTIVE);
  return product;
}

v1::TaxClass StandardRate(double rate_percent = 19) {
  v1::TaxClass tax_class;
  tax_class.set_display_name("Standard rate");
  tax_class.set_rate_percent(rate_percent);
  return tax_class;
}

}  // namespace

// ---------------------------------------------------------------------------
// Condition records: valid ones

TEST_CASE("Valid condition records pass", "[sales][validation]") {
  CHECK(ConditionFields(VolumeDiscount()) == Fields{});
  CHECK(ConditionFields(PercentCondition(v1::CONDITION_TYPE_DISCOUNT_PERCENT, 100)) == Fields{});
  CHECK(ConditionFields(PercentCondition(v1::CONDITION_TYPE_DISCOUNT_PERCENT, 0.0001)) ==
        Fields{});
  CHECK(ConditionFields(PercentCondition(v1::CONDITION_TYPE_DISCOUNT_PERCENT, 12.3456)) ==
        Fields{});
  CHECK(ConditionFields(PercentCondition(v1::CONDITION_TYPE_SURCHARGE_PERCENT, 1000)) == Fields{});
  CHECK(ConditionFields(AmountCondition(v1::CONDITION_TYPE_PRICE, Cash("EUR", 149, 990'000'000))) ==
        Fields{});
  CHECK(ConditionFields(AmountCondition(v1::CONDITION_TYPE_PRICE, Cash("EUR", 0))) == Fields{});
  CHECK(ConditionFields(AmountCondition(v1::CONDITION_TYPE_DISCOUNT_AMOUNT, Cash("JPY", 500))) ==
        Fields{});

  v1::PriceCondition scaled_amount;
  scaled_amount.set_display_name("Bulk");
  scaled_amount.set_type(v1::CONDITION_TYPE_DISCOUNT_AMOUNT);
  *AddLevel(&scaled_amount, 10)->mutable_amount() = Cash("EUR", 2);
  *AddLevel(&scaled_amount, 50.5)->mutable_amount() = Cash("EUR", 5, 500'000'000);
  scaled_amount.mutable_scope()->set_customer("partners/acme");
  scaled_amount.mutable_scope()->set_campaign("campaigns/spring");
  scaled_amount.set_priority(-1000);
  scaled_amount.set_exclusive(true);
  CHECK(ConditionFields(scaled_amount) == Fields{});

  v1::PriceCondition one_day = VolumeDiscount();
  *one_day.mutable_valid_to() = one_day.valid_from();
  one_day.set_priority(1000);
  CHECK(ConditionFields(one_day) == Fields{});
}

TEST_CASE("IsPercentType is true for the percentage discounts and surcharges only",
          "[sales][validation]") {
  CHECK(IsPercentType(v1::CONDITION_TYPE_DISCOUNT_PERCENT));
  CHECK(IsPercentType(v1::CONDITION_TYPE_SURCHARGE_PERCENT));
  CHECK_FALSE(IsPercentType(v1::CONDITION_TYPE_PRICE));
  CHECK_FALSE(IsPercentType(v1::CONDITION_TYPE_DISCOUNT_AMOUNT));
  CHECK_FALSE(IsPercentType(v1::CONDITION_TYPE_UNSPECIFIED));
}

// ---------------------------------------------------------------------------
// Condition records: display name and type

TEST_CASE("A condition record needs a display name of at most 200 characters",
          "[sales][validation]") {
  v1::PriceCondition condition = VolumeDiscount();
  condition.clear_display_name();
  CHECK(ConditionFields(condition) == Fields{"price_condition.display_name"});
  condition.set_display_name(std::string(201, 'x'));
  CHECK(ConditionFields(condition) == Fields{"price_condition.display_name"});
  condition.set_display_name(std::string(200, 'x'));
  CHECK(ConditionFields(condition) == Fields{});
}

TEST_CASE("A condition record needs a known type, and without one nothing else is judged",
          "[sales][validation]") {
  v1::PriceCondition condition = VolumeDiscount();
  condition.set_type(v1::CONDITION_TYPE_UNSPECIFIED);
  condition.set_priority(5000);
  condition.clear_scope();
  CHECK(ConditionFields(condition) == Fields{"price_condition.type"});
  condition.set_type(static_cast<v1::ConditionType>(99));
  CHECK(ConditionFields(condition) == Fields{"price_condition.type"});
}

// ---------------------------------------------------------------------------
// Condition records: percentages

TEST_CASE("A discount is above 0 and at most 100 percent", "[sales][validation]") {
  for (double percent : {100.0001, 101.0, 0.0, -5.0}) {
    INFO(percent);
    Violations out;
    ValidatePriceCondition(PercentCondition(v1::CONDITION_TYPE_DISCOUNT_PERCENT, percent),
                           "price_condition", &out);
    CHECK(FieldsOf(out) == Fields{"price_condition.percent"});
  }
  Violations out;
  ValidatePriceCondition(PercentCondition(v1::CONDITION_TYPE_DISCOUNT_PERCENT, 150),
                         "price_condition", &out);
  CHECK(DescriptionOf(out, "price_condition.percent") == "must be above 0 and at most 100");
}

TEST_CASE("A surcharge is above 0 and at most 1000 percent", "[sales][validation]") {
  for (double percent : {1000.0001, 1500.0, 0.0, -1.0}) {
    INFO(percent);
    CHECK(ConditionFields(PercentCondition(v1::CONDITION_TYPE_SURCHARGE_PERCENT, percent)) ==
          Fields{"price_condition.percent"});
  }
  CHECK(ConditionFields(PercentCondition(v1::CONDITION_TYPE_SURCHARGE_PERCENT, 250)) == Fields{});
}

TEST_CASE("A percentage has at most 4 decimals", "[sales][validation]") {
  CHECK(ConditionFields(PercentCondition(v1::CONDITION_TYPE_DISCOUNT_PERCENT, 12.34567)) ==
        Fields{"price_condition.percent"});
  CHECK(ConditionFields(PercentCondition(v1::CONDITION_TYPE_SURCHARGE_PERCENT, 0.00001)) ==
        Fields{"price_condition.percent"});

  v1::PriceCondition scaled = VolumeDiscount();
  scaled.mutable_scale(0)->set_percent(10.00005);
  CHECK(ConditionFields(scaled) == Fields{"price_condition.scale[0].percent"});
}

TEST_CASE("A percentage is unset for an amount type", "[sales][validation]") {
  for (v1::ConditionType type : {v1::CONDITION_TYPE_PRICE, v1::CONDITION_TYPE_DISCOUNT_AMOUNT}) {
    v1::PriceCondition condition = AmountCondition(type, Cash("EUR", 10));
    condition.set_percent(5);
    Violations out;
    ValidatePriceCondition(condition, "price_condition", &out);
    CHECK(FieldsOf(out) == Fields{"price_condition.percent"});
    CHECK(DescriptionOf(out, "price_condition.percent") == "must be unset for an amount type");
  }
}

// ---------------------------------------------------------------------------
// Condition records: amounts

TEST_CASE("An amount is unset for a percentage type", "[sales][validation]") {
  v1::PriceCondition condition = PercentCondition(v1::CONDITION_TYPE_DISCOUNT_PERCENT, 10);
  *condition.mutable_amount() = Cash("EUR", 10);
  Violations out;
  ValidatePriceCondition(condition, "price_condition", &out);
  CHECK(FieldsOf(out) == Fields{"price_condition.amount"});
  CHECK(DescriptionOf(out, "price_condition.amount") == "must be unset for a percentage type");

  v1::PriceCondition scaled = VolumeDiscount();
  *scaled.mutable_scale(0)->mutable_amount() = Cash("EUR", 10);
  CHECK(ConditionFields(scaled) == Fields{"price_condition.scale[0].amount"});
}

TEST_CASE("An amount type without a scale needs a sound amount, not negative",
          "[sales][validation]") {
  CHECK(ConditionFields(AmountCondition(v1::CONDITION_TYPE_PRICE, Money())) ==
        Fields{"price_condition.amount"});
  CHECK(ConditionFields(AmountCondition(v1::CONDITION_TYPE_DISCOUNT_AMOUNT, Cash("EUR", -5))) ==
        Fields{"price_condition.amount"});
  CHECK(ConditionFields(AmountCondition(v1::CONDITION_TYPE_PRICE, Cash("eur", 5))) ==
        Fields{"price_condition.amount.currency_code"});
  CHECK(ConditionFields(AmountCondition(v1::CONDITION_TYPE_PRICE, Cash("EUR", 5, -1))) ==
        Fields{"price_condition.amount.nanos"});
}

// ---------------------------------------------------------------------------
// Condition records: scales

TEST_CASE("A scale replaces the percentage or the amount", "[sales][validation]") {
  v1::PriceCondition percent = VolumeDiscount();
  percent.set_percent(10);
  Violations out;
  ValidatePriceCondition(percent, "price_condition", &out);
  CHECK(FieldsOf(out) == Fields{"price_condition.percent"});
  CHECK(DescriptionOf(out, "price_condition.percent") == "must be unset when a scale is given");

  v1::PriceCondition amount = AmountCondition(v1::CONDITION_TYPE_PRICE, Cash("EUR", 150));
  *AddLevel(&amount, 10)->mutable_amount() = Cash("EUR", 140);
  CHECK(ConditionFields(amount) == Fields{"price_condition.amount"});
}

TEST_CASE("Scale levels ascend in min_quantity, each above 0 with at most 3 decimals",
          "[sales][validation]") {
  v1::PriceCondition descending = VolumeDiscount();
  AddLevel(&descending, 50)->set_percent(5);
  Violations out;
  ValidatePriceCondition(descending, "price_condition", &out);
  CHECK(FieldsOf(out) == Fields{"price_condition.scale[1].min_quantity"});
  CHECK(DescriptionOf(out, "price_condition.scale[1].min_quantity") ==
        "must be above the previous level's");

  v1::PriceCondition equal = VolumeDiscount();
  AddLevel(&equal, 100)->set_percent(12);
  CHECK(ConditionFields(equal) == Fields{"price_condition.scale[1].min_quantity"});

  v1::PriceCondition ascending = VolumeDiscount();
  AddLevel(&ascending, 100.001)->set_percent(12);
  AddLevel(&ascending, 500)->set_percent(15);
  CHECK(ConditionFields(ascending) == Fields{});

  v1::PriceCondition zero = VolumeDiscount();
  zero.mutable_scale(0)->set_min_quantity(0);
  CHECK(ConditionFields(zero) == Fields{"price_condition.scale[0].min_quantity"});

  v1::PriceCondition digits = VolumeDiscount();
  digits.mutable_scale(0)->set_min_quantity(0.0005);
  CHECK(ConditionFields(digits) == Fields{"price_condition.scale[0].min_quantity"});

  // A bad level is not compared with; the next one is with the last good one.
  v1::PriceCondition after_bad = VolumeDiscount();
  AddLevel(&after_bad, -1)->set_percent(12);
  AddLevel(&after_bad, 90)->set_percent(15);
  CHECK(ConditionFields(after_bad) ==
        Fields{"price_condition.scale[1].min_quantity", "price_condition.scale[2].min_quantity"});
}

TEST_CASE("A scale has at most 20 levels", "[sales][validation]") {
  v1::PriceCondition condition = PercentCondition(v1::CONDITION_TYPE_DISCOUNT_PERCENT, 0);
  condition.clear_percent();
  for (int i = 1; i <= 20; ++i) AddLevel(&condition, i * 10)->set_percent(i);
  CHECK(ConditionFields(condition) == Fields{});
  AddLevel(&condition, 210)->set_percent(21);
  Violations out;
  ValidatePriceCondition(condition, "price_condition", &out);
  CHECK(FieldsOf(out) == Fields{"price_condition.scale"});
  CHECK(DescriptionOf(out, "price_condition.scale") == "must have at most 20 entries");
}

TEST_CASE("Scale levels of a percentage type take a valid percentage and no amount",
          "[sales][validation]") {
  v1::PriceCondition over = VolumeDiscount();
  AddLevel(&over, 200)->set_percent(100.5);
  CHECK(ConditionFields(over) == Fields{"price_condition.scale[1].percent"});

  v1::PriceCondition missing = VolumeDiscount();
  missing.mutable_scale(0)->clear_percent();
  CHECK(ConditionFields(missing) == Fields{"price_condition.scale[0].percent"});

  v1::PriceCondition surcharge = VolumeDiscount();
  surcharge.set_type(v1::CONDITION_TYPE_SURCHARGE_PERCENT);
  surcharge.mutable_scale(0)->set_percent(1000);
  CHECK(ConditionFields(surcharge) == Fields{});
  surcharge.mutable_scale(0)->set_percent(1000.5);
  CHECK(ConditionFields(surcharge) == Fields{"price_condition.scale[0].percent"});
}

TEST_CASE("Scale levels of an amount type take an amount in one currency and no percentage",
          "[sales][validation]") {
  v1::PriceCondition condition;
  condition.set_display_name("Bulk price");
  condition.set_type(v1::CONDITION_TYPE_PRICE);
  condition.mutable_scope()->set_product("products/monitor-24");
  *AddLevel(&condition, 10)->mutable_amount() = Cash("EUR", 180);
  *AddLevel(&condition, 50)->mutable_amount() = Cash("EUR", 170);
  CHECK(ConditionFields(condition) == Fields{});

  v1::PriceCondition other_currency = condition;
  *other_currency.mutable_scale(1)->mutable_amount() = Cash("USD", 170);
  CHECK(ConditionFields(other_currency) == Fields{"price_condition.scale[1].amount.currency_code"});

  v1::PriceCondition missing = condition;
  missing.mutable_scale(0)->clear_amount();
  CHECK(ConditionFields(missing) == Fields{"price_condition.scale[0].amount"});

  v1::PriceCondition negative = condition;
  *negative.mutable_scale(1)->mutable_amount() = Cash("EUR", -1);
  CHECK(ConditionFields(negative) == Fields{"price_condition.scale[1].amount"});

  v1::PriceCondition with_percent = condition;
  with_percent.mutable_scale(0)->set_percent(5);
  CHECK(ConditionFields(with_percent) == Fields{"price_condition.scale[0].percent"});
}

// ---------------------------------------------------------------------------
// Condition records: scope

TEST_CASE("A condition's scope sets at least one field", "[sales][validation]") {
  v1::PriceCondition condition = VolumeDiscount();
  condition.clear_scope();
  Violations out;
  ValidatePriceCondition(condition, "price_condition", &out);
  CHECK(FieldsOf(out) == Fields{"price_condition.scope"});

  for (int field = 0; field < 7; ++field) {
    INFO("scope field " << field);
    v1::PriceCondition one = VolumeDiscount();
    one.clear_scope();
    v1::ConditionScope* scope = one.mutable_scope();
    switch (field) {
      case 0: scope->set_product("products/monitor-24"); break;
      case 1: scope->set_product_group("MONITORS"); break;
      case 2: scope->set_customer_class(partners::v1::CUSTOMER_CLASS_C); break;
      case 3: scope->set_price_group("GOLD"); break;
      case 4: scope->set_industry_code("C26.2"); break;
      case 5: scope->set_customer("partners/acme"); break;
      case 6: scope->set_campaign("campaigns/spring"); break;
    }
    CHECK(ConditionFields(one) == Fields{});
  }
}

TEST_CASE("Each field of a condition's scope is checked by its path", "[sales][validation]") {
  struct Case {
    std::string field;
    void (*spoil)(v1::ConditionScope*);
  };
  const std::vector<Case> cases = {
      {"price_condition.scope.product", [](v1::ConditionScope* s) { s->set_product("monitor-24"); }},
      {"price_condition.scope.product",
       [](v1::ConditionScope* s) { s->set_product("partners/monitor-24"); }},
      {"price_condition.scope.product_group",
       [](v1::ConditionScope* s) { s->set_product_group("monitors"); }},
      {"price_condition.scope.product_group",
       [](v1::ConditionScope* s) { s->set_product_group(std::string(21, 'M')); }},
      {"price_condition.scope.customer_class",
       [](v1::ConditionScope* s) { s->set_customer_class(static_cast<partners::v1::CustomerClass>(9)); }},
      {"price_condition.scope.price_group",
       [](v1::ConditionScope* s) { s->set_price_group(std::string(21, 'G')); }},
      {"price_condition.scope.industry_code",
       [](v1::ConditionScope* s) { s->set_industry_code(std::string(21, '1')); }},
      {"price_condition.scope.customer",
       [](v1::ConditionScope* s) { s->set_customer("customers/acme"); }},
      {"price_condition.scope.campaign",
       [](v1::ConditionScope* s) { s->set_campaign("campaigns/"); }},
  };
  for (const Case& c : cases) {
    v1::PriceCondition condition = VolumeDiscount();
    c.spoil(condition.mutable_scope());
    INFO(condition.scope().ShortDebugString());
    CHECK(ConditionFields(condition) == Fields{c.field});
  }
}

// ---------------------------------------------------------------------------
// Condition records: validity, priority, exclusive

TEST_CASE("A condition's valid_to is not before its valid_from", "[sales][validation]") {
  v1::PriceCondition condition = VolumeDiscount();
  *condition.mutable_valid_to() = Day(2026, 9, 30);
  Violations out;
  ValidatePriceCondition(condition, "price_condition", &out);
  CHECK(FieldsOf(out) == Fields{"price_condition.valid_to"});
  CHECK(DescriptionOf(out, "price_condition.valid_to") == "must not be before valid_from");

  // Open on either side is fine.
  condition.clear_valid_from();
  CHECK(ConditionFields(condition) == Fields{});
  condition = VolumeDiscount();
  condition.clear_valid_to();
  CHECK(ConditionFields(condition) == Fields{});
}

TEST_CASE("A condition's dates are full, valid dates", "[sales][validation]") {
  v1::PriceCondition leap = VolumeDiscount();
  *leap.mutable_valid_from() = Day(2027, 2, 29);
  Violations out;
  ValidatePriceCondition(leap, "price_condition", &out);
  CHECK(FieldsOf(out) == Fields{"price_condition.valid_from"});
  CHECK(DescriptionOf(out, "price_condition.valid_from") == "must be a full, valid date");

  v1::PriceCondition year_only = VolumeDiscount();
  *year_only.mutable_valid_to() = Day(2026, 0, 0);
  CHECK(ConditionFields(year_only) == Fields{"price_condition.valid_to"});

  v1::PriceCondition month_13 = VolumeDiscount();
  *month_13.mutable_valid_to() = Day(2026, 13, 1);
  CHECK(ConditionFields(month_13) == Fields{"price_condition.valid_to"});

  v1::PriceCondition leap_year = VolumeDiscount();
  *leap_year.mutable_valid_to() = Day(2028, 2, 29);
  CHECK(ConditionFields(leap_year) == Fields{});
}

TEST_CASE("A condition's priority is from -1000 to 1000", "[sales][validation]") {
  for (int priority : {1001, -1001, 1 << 30}) {
    INFO(priority);
    v1::PriceCondition condition = VolumeDiscount();
    condition.set_priority(priority);
    Violations out;
    ValidatePriceCondition(condition, "price_condition", &out);
    CHECK(FieldsOf(out) == Fields{"price_condition.priority"});
    CHECK(DescriptionOf(out, "price_condition.priority") == "must be from -1000 to 1000");
  }
}

TEST_CASE("Only discounts and surcharges can be exclusive", "[sales][validation]") {
  v1::PriceCondition price = AmountCondition(v1::CONDITION_TYPE_PRICE, Cash("EUR", 150));
  price.set_exclusive(true);
  CHECK(ConditionFields(price) == Fields{"price_condition.exclusive"});

  v1::PriceCondition discount = VolumeDiscount();
  discount.set_exclusive(true);
  CHECK(ConditionFields(discount) == Fields{});
  v1::PriceCondition surcharge = PercentCondition(v1::CONDITION_TYPE_SURCHARGE_PERCENT, 5);
  surcharge.set_exclusive(true);
  CHECK(ConditionFields(surcharge) == Fields{});
  v1::PriceCondition amount = AmountCondition(v1::CONDITION_TYPE_DISCOUNT_AMOUNT, Cash("EUR", 5));
  amount.set_exclusive(true);
  CHECK(ConditionFields(amount) == Fields{});
}

TEST_CASE("Every bad field of a condition record is reported at once", "[sales][validation]") {
  v1::PriceCondition condition = VolumeDiscount();
  condition.clear_display_name();
  condition.set_percent(10);
  AddLevel(&condition, 10)->set_percent(5);
  condition.mutable_scope()->set_customer("acme");
  *condition.mutable_valid_to() = Day(2026, 1, 1);
  condition.set_priority(-2000);
  Violations out;
  ValidatePriceCondition(condition, "request.price_condition", &out);
  CHECK(FieldsOf(out) == Fields{"request.price_condition.display_name",
                                "request.price_condition.percent",
                                "request.price_condition.scale[1].min_quantity",
                                "request.price_condition.scope.customer",
                                "request.price_condition.valid_to",
                                "request.price_condition.priority"});
}

// ---------------------------------------------------------------------------
// Price lists

TEST_CASE("A valid price list passes", "[sales][validation]") {
  CHECK(ListFields(RetailList()) == Fields{});
  v1::PriceList minimal;
  minimal.set_display_name("Base");
  minimal.set_currency_code("JPY");
  CHECK(ListFields(minimal) == Fields{});
}

TEST_CASE("A price list needs a display name and a currency code", "[sales][validation]") {
  v1::PriceList no_name = RetailList();
  no_name.clear_display_name();
  CHECK(ListFields(no_name) == Fields{"price_list.display_name"});

  v1::PriceList no_currency = RetailList();
  no_currency.clear_currency_code();
  Violations out;
  ValidatePriceList(no_currency, "price_list", &out);
  // Without a currency the entries' currencies are not judged.
  CHECK(FieldsOf(out) == Fields{"price_list.currency_code"});
  CHECK(DescriptionOf(out, "price_list.currency_code") == "is required");

  for (const char* code : {"eur", "EURO", "E1R"}) {
    INFO(code);
    v1::PriceList bad = RetailList();
    bad.set_currency_code(code);
    CHECK(ListFields(bad) == Fields{"price_list.currency_code"});
  }
}

TEST_CASE("A price list's price group has at most 20 characters", "[sales][validation]") {
  v1::PriceList list = RetailList();
  list.set_price_group(std::string(20, 'G'));
  CHECK(ListFields(list) == Fields{});
  list.set_price_group(std::string(21, 'G'));
  CHECK(ListFields(list) == Fields{"price_list.price_group"});
}

TEST_CASE("A price list's validity and priority are checked", "[sales][validation]") {
  v1::PriceList backwards = RetailList();
  *backwards.mutable_valid_to() = Day(2026, 12, 31);
  CHECK(ListFields(backwards) == Fields{"price_list.valid_to"});

  v1::PriceList invalid = RetailList();
  *invalid.mutable_valid_from() = Day(2027, 4, 31);
  CHECK(ListFields(invalid) == Fields{"price_list.valid_from"});

  v1::PriceList priority = RetailList();
  priority.set_priority(1001);
  CHECK(ListFields(priority) == Fields{"price_list.priority"});
  priority.set_priority(-1000);
  CHECK(ListFields(priority) == Fields{});
}

TEST_CASE("A price list names each product once", "[sales][validation]") {
  v1::PriceList list = RetailList();
  list.mutable_entries(1)->set_product("products/monitor-24");
  Violations out;
  ValidatePriceList(list, "price_list", &out);
  CHECK(FieldsOf(out) == Fields{"price_list.entries[1].product"});
  CHECK(DescriptionOf(out, "price_list.entries[1].product") == "appears twice in the list");
}

TEST_CASE("A price list entry needs a product name", "[sales][validation]") {
  v1::PriceList missing = RetailList();
  missing.mutable_entries(0)->clear_product();
  CHECK(ListFields(missing) == Fields{"price_list.entries[0].product"});

  v1::PriceList wrong = RetailList();
  wrong.mutable_entries(1)->set_product("taxClasses/standard");
  CHECK(ListFields(wrong) == Fields{"price_list.entries[1].product"});
}

TEST_CASE("A price list entry's price is in the list's currency and not negative",
          "[sales][validation]") {
  v1::PriceList other_currency = RetailList();
  *other_currency.mutable_entries(0)->mutable_price() = Cash("USD", 199);
  Violations out;
  ValidatePriceList(other_currency, "price_list", &out);
  CHECK(FieldsOf(out) == Fields{"price_list.entries[0].price.currency_code"});
  CHECK(DescriptionOf(out, "price_list.entries[0].price.currency_code") == "must be EUR");

  v1::PriceList negative = RetailList();
  *negative.mutable_entries(1)->mutable_price() = Cash("EUR", -1);
  CHECK(ListFields(negative) == Fields{"price_list.entries[1].price"});

  v1::PriceList missing = RetailList();
  missing.mutable_entries(0)->clear_price();
  CHECK(ListFields(missing) == Fields{"price_list.entries[0].price"});

  v1::PriceList free = RetailList();
  *free.mutable_entries(0)->mutable_price() = Cash("EUR", 0);
  CHECK(ListFields(free) == Fields{});
}

TEST_CASE("A price list has at most 1000 entries", "[sales][validation]") {
  v1::PriceList list = RetailList();
  list.clear_entries();
  for (int i = 0; i < 1000; ++i) {
    v1::PriceListEntry* entry = list.add_entries();
    entry->set_product(absl::StrCat("products/p", i));
    *entry->mutable_price() = Cash("EUR", 1);
  }
  CHECK(ListFields(list) == Fields{});
  list.add_entries();  // also bad: not judged once the list is too long
  CHECK(ListFields(list) == Fields{"price_list.entries"});
}

// ---------------------------------------------------------------------------
// Products

TEST_CASE("A valid product passes", "[sales][validation]") {
  CHECK(ProductFields(MonitorProduct()) == Fields{});
  v1::Product minimal = MonitorProduct();
  minimal.clear_description();
  minimal.clear_cost_price();
  minimal.clear_state();
  CHECK(ProductFields(minimal) == Fields{});
}

TEST_CASE("A product needs a display name of at most 200 characters", "[sales][validation]") {
  v1::Product product = MonitorProduct();
  product.clear_display_name();
  CHECK(ProductFields(product) == Fields{"product.display_name"});
  product.set_display_name(std::string(201, 'x'));
  CHECK(ProductFields(product) == Fields{"product.display_name"});
  product.set_display_name("ok");
  product.set_description(std::string(2001, 'x'));
  CHECK(ProductFields(product) == Fields{"product.description"});
}

TEST_CASE("A product group is 1 to 20 upper-case letters, digits, '-' or '_'",
          "[sales][validation]") {
  for (const std::string& good : Fields{"MONITORS", "A", "IT-2_B", std::string(20, 'X')}) {
    INFO(good);
    CHECK(IsProductGroup(good));
    v1::Product product = MonitorProduct();
    product.set_product_group(good);
    CHECK(ProductFields(product) == Fields{});
  }
  for (const std::string& bad : Fields{"", "monitors", "MONITORS 24", "MONITORS/24", "ÄPFEL",
                                       std::string(21, 'X')}) {
    INFO(bad);
    CHECK_FALSE(IsProductGroup(bad));
    v1::Product product = MonitorProduct();
    product.set_product_group(bad);
    CHECK(ProductFields(product) == Fields{"product.product_group"});
  }
}

TEST_CASE("A unit is 1 to 10 upper-case letters or digits", "[sales][validation]") {
  for (const std::string& good : Fields{"EA", "H", "M2", std::string(10, 'U')}) {
    INFO(good);
    v1::Product product = MonitorProduct();
    product.set_unit(good);
    CHECK(ProductFields(product) == Fields{});
  }
  for (const std::string& bad : Fields{"", "ea", "E-A", "E_A", "KG ", std::string(11, 'U')}) {
    INFO(bad);
    v1::Product product = MonitorProduct();
    product.set_unit(bad);
    CHECK(ProductFields(product) == Fields{"product.unit"});
  }
}

TEST_CASE("A product's list price is required and not negative", "[sales][validation]") {
  v1::Product missing = MonitorProduct();
  missing.clear_list_price();
  missing.clear_cost_price();
  CHECK(ProductFields(missing) == Fields{"product.list_price"});

  v1::Product negative = MonitorProduct();
  *negative.mutable_list_price() = Cash("EUR", -200);
  Violations out;
  ValidateProduct(negative, "product", &out);
  CHECK(FieldsOf(out) == Fields{"product.list_price"});
  CHECK(DescriptionOf(out, "product.list_price") == "must not be negative");

  v1::Product bad_currency = MonitorProduct();
  bad_currency.mutable_list_price()->set_currency_code("Euro");
  // The cost price is then not compared with it.
  CHECK(ProductFields(bad_currency) == Fields{"product.list_price.currency_code"});
}

TEST_CASE("A product's cost price is optional, in the list price's currency, not negative",
          "[sales][validation]") {
  v1::Product other_currency = MonitorProduct();
  *other_currency.mutable_cost_price() = Cash("USD", 120);
  Violations out;
  ValidateProduct(other_currency, "product", &out);
  CHECK(FieldsOf(out) == Fields{"product.cost_price.currency_code"});
  CHECK(DescriptionOf(out, "product.cost_price.currency_code") == "must be EUR");

  v1::Product negative = MonitorProduct();
  *negative.mutable_cost_price() = Cash("EUR", 0, -500'000'000);
  CHECK(ProductFields(negative) == Fields{"product.cost_price"});

  v1::Product usd = MonitorProduct();
  *usd.mutable_list_price() = Cash("USD", 250);
  *usd.mutable_cost_price() = Cash("USD", 150);
  CHECK(ProductFields(usd) == Fields{});
}

TEST_CASE("A product names its tax class and has a known state", "[sales][validation]") {
  v1::Product missing = MonitorProduct();
  missing.clear_tax_class();
  CHECK(ProductFields(missing) == Fields{"product.tax_class"});

  v1::Product wrong = MonitorProduct();
  wrong.set_tax_class("standard");
  CHECK(ProductFields(wrong) == Fields{"product.tax_class"});

  v1::Product state = MonitorProduct();
  state.set_state(static_cast<v1::ProductState>(7));
  CHECK(ProductFields(state) == Fields{"product.state"});
  state.set_state(v1::PRODUCT_STATE_DISCONTINUED);
  CHECK(ProductFields(state) == Fields{});
}

// ---------------------------------------------------------------------------
// Tax classes

TEST_CASE("A valid tax class passes", "[sales][validation]") {
  for (double rate : {19.0, 7.5, 0.0, 100.0, 12.3456}) {
    INFO(rate);
    CHECK(TaxClassFields(StandardRate(rate)) == Fields{});
  }
}

TEST_CASE("A tax rate is from 0 to 100 percent with at most 4 decimals", "[sales][validation]") {
  for (double rate : {-1.0, -0.0001, 100.0001, 119.0, 7.12345}) {
    INFO(rate);
    CHECK(TaxClassFields(StandardRate(rate)) == Fields{"tax_class.rate_percent"});
  }
  Violations out;
  ValidateTaxClass(StandardRate(101), "tax_class", &out);
  CHECK(DescriptionOf(out, "tax_class.rate_percent") == "must be from 0 to 100");
}

TEST_CASE("A tax class needs a display name of at most 100 characters", "[sales][validation]") {
  v1::TaxClass tax_class = StandardRate();
  tax_class.clear_display_name();
  CHECK(TaxClassFields(tax_class) == Fields{"tax_class.display_name"});
  tax_class.set_display_name(std::string(101, 'x'));
  CHECK(TaxClassFields(tax_class) == Fields{"tax_class.display_name"});
  tax_class.set_display_name(std::string(100, 'x'));
  CHECK(TaxClassFields(tax_class) == Fields{});
}

}  // namespace crm::sales
