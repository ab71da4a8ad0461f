// The rules of quotations and sales orders without storage or partners:
// CheckDocumentItems (1 to 500 items, each a product name and a quantity
// above 0 with at most 3 decimals; the checked ids and scaled quantities),
// ValidateQuotation (customer required, opportunity and campaign by their
// collections, an ISO currency, valid_until required and not in the past),
// ValidateSalesOrder (the same without valid_until, the requested delivery
// date not in the past) and CheckDeliveryDate. A valid example passes and
// each bad field is reported with its exact path.
#include "services/sales/sales_document_validation.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "crm/sales/v1/sales_document.pb.h"

namespace crm::sales {
namespace {

using Fields = std::vector<std::string>;

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// The day the rules are checked on.
const google::type::Date kToday = Day(2026, 6, 15);

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

std::string DescriptionOf(const Violations& violations, const std::string& field) {
  for (const FieldViolation& v : violations.list()) {
    if (v.field == field) return v.description;
  }
  return "";
}

void AddItem(google::protobuf::RepeatedPtrField<v1::DocumentItem>* items,
             const std::string& product, double quantity) {
  v1::DocumentItem* item = items->Add();
  item->set_product(product);
  item->set_quantity(quantity);
}

// A valid quotation that uses every field a client may set.
v1::Quotation Offer() {
  v1::Quotation quotation;
  quotation.set_customer("partners/alvis");
  quotation.set_opportunity("opportunities/hamburg-branches");
  quotation.set_campaign("campaigns/spring-2026");
  quotation.set_currency_code("EUR");
  *quotation.mutable_valid_until() = Day(2026, 7, 31);
  AddItem(quotation.mutable_items(), "products/monitor-24", 120);
  AddItem(quotation.mutable_items(), "products/keyboard", 2.5);
  return quotation;
}

// A valid order that uses every field a client may set.
v1::SalesOrder Order() {
  v1::SalesOrder order;
  order.set_customer("partners/alvis");
  order.set_opportunity("opportunities/hamburg-branches");
  order.set_campaign("campaigns/spring-2026");
  order.set_currency_code("EUR");
  *order.mutable_requested_delivery_date() = Day(2026, 7, 1);
  AddItem(order.mutable_items(), "products/monitor-24", 120);
  AddItem(order.mutable_items(), "products/keyboard", 2.5);
  return order;
}

Fields QuotationFields(const v1::Quotation& quotation, const google::type::Date& today = kToday) {
  Violations out;
  ValidateQuotation(quotation, "quotation", today, &out);
  return FieldsOf(out);
}

Fields OrderFields(const v1::SalesOrder& order, const google::type::Date& today = kToday) {
  Violations out;
  ValidateSalesOrder(order, "sales_order", today, &out);
  return FieldsOf(out);
}

Fields DeliveryFields(const google::type::Date& date, const google::type::Date& today = kToday) {
  Violations out;
  CheckDeliveryDate(date, "requested_delivery_date", today, &out);
  return FieldsOf(out);
}

// The items of a quotation with one item of `quantity`.
Fields QuantityFields(double quantity) {
  google::protobuf::RepeatedPtrField<v1::DocumentItem> items;
  AddItem(&items, "products/monitor-24", quantity);
  Violations out;
  CheckDocumentItems(items, "quotation.items", &out);
  return FieldsOf(out);
}

}  // namespace

TEST_CASE("document validation: valid quotations and orders pass", "[sales][document]") {
  CHECK(QuotationFields(Offer()).empty());
  CHECK(OrderFields(Order()).empty());

  // Only what is required.
  v1::Quotation minimal;
  minimal.set_customer("partners/alvis");
  *minimal.mutable_valid_until() = kToday;  // the last day may be today
  AddItem(minimal.mutable_items(), "products/monitor-24", 1);
  CHECK(QuotationFields(minimal).empty());
  v1::SalesOrder minimal_order;
  minimal_order.set_customer("partners/alvis");
  AddItem(minimal_order.mutable_items(), "products/monitor-24", 1);
  CHECK(OrderFields(minimal_order).empty());
  *minimal_order.mutable_requested_delivery_date() = kToday;
  CHECK(OrderFields(minimal_order).empty());

  // Output-only fields are not the rules' business.
  v1::Quotation with_output = Offer();
  with_output.set_name("whatever");
  with_output.set_state(static_cast<v1::QuotationState>(42));
  with_output.set_sales_order("not a name");
  with_output.mutable_net_total()->set_currency_code("xx");
  CHECK(QuotationFields(with_output).empty());
}

TEST_CASE("document validation: CheckDocumentItems gives the ids and the scaled quantities",
          "[sales][document]") {
  google::protobuf::RepeatedPtrField<v1::DocumentItem> items;
  AddItem(&items, "products/monitor-24", 120);
  AddItem(&items, "products/keyboard", 2.5);
  AddItem(&items, "products/cable_1m", 0.125);       // three decimals are fine
  AddItem(&items, "products/paper", 1'000'000'000);  // the largest quantity
  Violations out;
  const std::vector<ItemQuantity> checked = CheckDocumentItems(items, "quotation.items", &out);
  CHECK(FieldsOf(out).empty());
  REQUIRE(checked.size() == 4);
  CHECK(checked[0] == ItemQuantity{"monitor-24", 120 * money::kScale});
  CHECK(checked[1] == ItemQuantity{"keyboard", 2'500'000});
  CHECK(checked[2] == ItemQuantity{"cable_1m", 125'000});
  CHECK(checked[3] == ItemQuantity{"paper", 1'000'000'000 * money::kScale});

  // A bad item still takes its place, so that later indexes stay right.
  items.Mutable(1)->set_product("keyboard");
  Violations bad;
  const std::vector<ItemQuantity> with_bad = CheckDocumentItems(items, "quotation.items", &bad);
  CHECK(FieldsOf(bad) == Fields{"quotation.items[1].product"});
  REQUIRE(with_bad.size() == 4);
  CHECK(with_bad[1].first.empty());
  CHECK(with_bad[2].first == "cable_1m");
}

TEST_CASE("document validation: items are 1 to 500", "[sales][document]") {
  google::protobuf::RepeatedPtrField<v1::DocumentItem> items;
  Violations empty;
  CHECK(CheckDocumentItems(items, "quotation.items", &empty).empty());
  CHECK(FieldsOf(empty) == Fields{"quotation.items"});
  CHECK(absl::StrContains(DescriptionOf(empty, "quotation.items"), "at least one"));

  for (int i = 0; i < kMaxDocumentItems; ++i) AddItem(&items, "products/monitor-24", 1);
  Violations five_hundred;
  CHECK(CheckDocumentItems(items, "quotation.items", &five_hundred).size() == 500);
  CHECK(FieldsOf(five_hundred).empty());

  AddItem(&items, "products/monitor-24", 1);
  Violations too_many;
  CHECK(CheckDocumentItems(items, "quotation.items", &too_many).empty());
  CHECK(FieldsOf(too_many) == Fields{"quotation.items"});
  CHECK(absl::StrContains(DescriptionOf(too_many, "quotation.items"), "500"));

  v1::Quotation no_items = Offer();
  no_items.clear_items();
  CHECK(QuotationFields(no_items) == Fields{"quotation.items"});
  v1::Quotation over = Offer();
  *over.mutable_items() = items;
  CHECK(QuotationFields(over) == Fields{"quotation.items"});
  v1::SalesOrder no_order_items = Order();
  no_order_items.clear_items();
  CHECK(OrderFields(no_order_items) == Fields{"sales_order.items"});
}

TEST_CASE("document validation: each item needs a product name", "[sales][document]") {
  for (const std::string& product :
       {std::string(), std::string("monitor-24"), std::string("catalog/monitor-24"),
        std::string("products/"), std::string("products/monitor 24"),
        std::string("products/monitor/24"), std::string("partners/alvis"),
        absl::StrCat("products/", std::string(65, 'm'))}) {
    INFO("product \"" << product << "\"");
    v1::Quotation quotation = Offer();
    quotation.mutable_items(1)->set_product(product);
    CHECK(QuotationFields(quotation) == Fields{"quotation.items[1].product"});
    v1::SalesOrder order = Order();
    order.mutable_items(0)->set_product(product);
    CHECK(OrderFields(order) == Fields{"sales_order.items[0].product"});
  }
  v1::Quotation missing = Offer();
  missing.mutable_items(1)->clear_product();
  Violations out;
  ValidateQuotation(missing, "quotation", kToday, &out);
  CHECK(DescriptionOf(out, "quotation.items[1].product") == "is required");
}

TEST_CASE("document validation: quantities are above 0 with at most 3 decimals",
          "[sales][document]") {
  for (double quantity :
       {0.0, -0.0, -1.0, -0.001, 0.0001, 1.2345, 1e9 + 1, 1e13,
        std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    INFO("quantity " << quantity);
    CHECK(QuantityFields(quantity) == Fields{"quotation.items[0].quantity"});
  }
  for (double quantity : {0.001, 1.0, 2.5, 99.999, 1e9}) {
    INFO("quantity " << quantity);
    CHECK(QuantityFields(quantity).empty());
  }

  v1::Quotation zero = Offer();
  zero.mutable_items(0)->set_quantity(0);
  CHECK(QuotationFields(zero) == Fields{"quotation.items[0].quantity"});
  v1::Quotation negative = Offer();
  negative.mutable_items(0)->set_quantity(-5);
  CHECK(QuotationFields(negative) == Fields{"quotation.items[0].quantity"});
  v1::Quotation four_decimals = Offer();
  four_decimals.mutable_items(0)->set_quantity(1.0005);
  Violations out;
  ValidateQuotation(four_decimals, "quotation", kToday, &out);
  CHECK(FieldsOf(out) == Fields{"quotation.items[0].quantity"});
  CHECK(absl::StrContains(DescriptionOf(out, "quotation.items[0].quantity"), "3 decimals"));

  // A product and a quantity both bad: both, in order, each at its index.
  v1::SalesOrder order = Order();
  order.mutable_items(1)->set_product("keyboard");
  order.mutable_items(1)->set_quantity(0);
  order.mutable_items(0)->set_quantity(0.0001);
  CHECK(OrderFields(order) == Fields{"sales_order.items[0].quantity",
                                     "sales_order.items[1].product",
                                     "sales_order.items[1].quantity"});
}

TEST_CASE("document validation: the customer is a required partner name", "[sales][document]") {
  for (const std::string& customer :
       {std::string(), std::string("alvis"), std::string("customers/alvis"),
        std::string("partners/"), std::string("partners/al vis")}) {
    INFO("customer \"" << customer << "\"");
    v1::Quotation quotation = Offer();
    quotation.set_customer(customer);
    CHECK(QuotationFields(quotation) == Fields{"quotation.customer"});
    v1::SalesOrder order = Order();
    order.set_customer(customer);
    CHECK(OrderFields(order) == Fields{"sales_order.customer"});
  }
  v1::Quotation missing = Offer();
  missing.clear_customer();
  Violations out;
  ValidateQuotation(missing, "quotation", kToday, &out);
  CHECK(DescriptionOf(out, "quotation.customer") == "is required");
}

TEST_CASE("document validation: opportunity and campaign are optional names of their kind",
          "[sales][document]") {
  for (const std::string& opportunity :
       {std::string("hamburg-branches"), std::string("deals/hamburg-branches"),
        std::string("opportunities/"), std::string("opportunities/a/b"),
        std::string("campaigns/spring-2026")}) {
    INFO("opportunity \"" << opportunity << "\"");
    v1::Quotation quotation = Offer();
    quotation.set_opportunity(opportunity);
    CHECK(QuotationFields(quotation) == Fields{"quotation.opportunity"});
    v1::SalesOrder order = Order();
    order.set_opportunity(opportunity);
    CHECK(OrderFields(order) == Fields{"sales_order.opportunity"});
  }
  for (const std::string& campaign :
       {std::string("spring-2026"), std::string("campaign/spring-2026"), std::string("campaigns/"),
        std::string("campaigns/spring 2026"), std::string("opportunities/hamburg-branches")}) {
    INFO("campaign \"" << campaign << "\"");
    v1::Quotation quotation = Offer();
    quotation.set_campaign(campaign);
    CHECK(QuotationFields(quotation) == Fields{"quotation.campaign"});
    v1::SalesOrder order = Order();
    order.set_campaign(campaign);
    CHECK(OrderFields(order) == Fields{"sales_order.campaign"});
  }
  v1::Quotation without = Offer();
  without.clear_opportunity();
  without.clear_campaign();
  CHECK(QuotationFields(without).empty());
}

TEST_CASE("document validation: the currency is an ISO 4217 code when set", "[sales][document]") {
  for (const std::string& currency : {std::string("eur"), std::string("EURO"), std::string("EU"),
                                      std::string("E1R"), std::string(" EUR")}) {
    INFO("currency \"" << currency << "\"");
    v1::Quotation quotation = Offer();
    quotation.set_currency_code(currency);
    CHECK(QuotationFields(quotation) == Fields{"quotation.currency_code"});
    v1::SalesOrder order = Order();
    order.set_currency_code(currency);
    CHECK(OrderFields(order) == Fields{"sales_order.currency_code"});
  }
  v1::Quotation usd = Offer();
  usd.set_currency_code("USD");
  CHECK(QuotationFields(usd).empty());
  v1::Quotation unset = Offer();
  unset.clear_currency_code();  // the first product's
  CHECK(QuotationFields(unset).empty());
}

TEST_CASE("document validation: valid_until is required, a real date, not in the past",
          "[sales][document]") {
  v1::Quotation missing = Offer();
  missing.clear_valid_until();
  Violations out;
  ValidateQuotation(missing, "quotation", kToday, &out);
  CHECK(FieldsOf(out) == Fields{"quotation.valid_until"});
  CHECK(DescriptionOf(out, "quotation.valid_until") == "is required");

  v1::Quotation yesterday = Offer();
  *yesterday.mutable_valid_until() = Day(2026, 6, 14);
  Violations past;
  ValidateQuotation(yesterday, "quotation", kToday, &past);
  CHECK(FieldsOf(past) == Fields{"quotation.valid_until"});
  CHECK(absl::StrContains(DescriptionOf(past, "quotation.valid_until"), "2026-06-15"));

  for (const google::type::Date& bad : {Day(2025, 12, 31), Day(2026, 2, 29), Day(2026, 13, 1),
                                        Day(2026, 6, 0), Day(2026, 0, 0), Day(0, 6, 20)}) {
    INFO("valid_until " << bad.year() << "-" << bad.month() << "-" << bad.day());
    v1::Quotation quotation = Offer();
    *quotation.mutable_valid_until() = bad;
    CHECK(QuotationFields(quotation) == Fields{"quotation.valid_until"});
  }
  for (const google::type::Date& good : {kToday, Day(2026, 6, 16), Day(2028, 2, 29)}) {
    v1::Quotation quotation = Offer();
    *quotation.mutable_valid_until() = good;
    CHECK(QuotationFields(quotation).empty());
  }
  // Across a year end.
  v1::Quotation new_year = Offer();
  *new_year.mutable_valid_until() = Day(2026, 12, 31);
  CHECK(QuotationFields(new_year, Day(2027, 1, 1)) == Fields{"quotation.valid_until"});
}

TEST_CASE("document validation: a requested delivery date is optional and not in the past",
          "[sales][document]") {
  CHECK(DeliveryFields(google::type::Date()).empty());
  CHECK(DeliveryFields(kToday).empty());
  CHECK(DeliveryFields(Day(2026, 6, 16)).empty());
  CHECK(DeliveryFields(Day(2030, 1, 1)).empty());
  CHECK(DeliveryFields(Day(2026, 6, 14)) == Fields{"requested_delivery_date"});
  CHECK(DeliveryFields(Day(2026, 5, 31)) == Fields{"requested_delivery_date"});
  CHECK(DeliveryFields(Day(2025, 6, 15)) == Fields{"requested_delivery_date"});
  CHECK(DeliveryFields(Day(2026, 12, 31), Day(2027, 1, 1)) == Fields{"requested_delivery_date"});

  Violations past;
  CheckDeliveryDate(Day(2026, 6, 14), "requested_delivery_date", kToday, &past);
  CHECK(DescriptionOf(past, "requested_delivery_date") ==
        "must not be in the past (today is 2026-06-15 UTC)");
  Violations impossible;
  CheckDeliveryDate(Day(2026, 6, 31), "requested_delivery_date", kToday, &impossible);
  CHECK(DescriptionOf(impossible, "requested_delivery_date") == "must be a full, valid date");
  // Partial dates (a year alone, a month and day without a year) are not days.
  CHECK(DeliveryFields(Day(2027, 0, 0)) == Fields{"requested_delivery_date"});
  CHECK(DeliveryFields(Day(0, 7, 1)) == Fields{"requested_delivery_date"});

  v1::SalesOrder order = Order();
  *order.mutable_requested_delivery_date() = Day(2026, 6, 14);
  CHECK(OrderFields(order) == Fields{"sales_order.requested_delivery_date"});
  *order.mutable_requested_delivery_date() = Day(2026, 2, 30);
  CHECK(OrderFields(order) == Fields{"sales_order.requested_delivery_date"});
}

TEST_CASE("document validation: every bad field at once, in field order", "[sales][document]") {
  v1::Quotation quotation;
  quotation.set_customer("alvis");
  quotation.set_opportunity("deal");
  quotation.set_campaign("spring");
  quotation.set_currency_code("euro");
  AddItem(quotation.mutable_items(), "monitor", 0);
  CHECK(QuotationFields(quotation) == Fields{"quotation.customer", "quotation.opportunity",
                                             "quotation.campaign", "quotation.currency_code",
                                             "quotation.valid_until", "quotation.items[0].product",
                                             "quotation.items[0].quantity"});

  v1::SalesOrder order;
  order.set_opportunity("deal");
  *order.mutable_requested_delivery_date() = Day(2020, 1, 1);
  CHECK(OrderFields(order) == Fields{"sales_order.customer", "sales_order.opportunity",
                                     "sales_order.requested_delivery_date", "sales_order.items"});

  // The path is the caller's.
  Violations out;
  ValidateQuotation(quotation, "q", kToday, &out);
  CHECK(FieldsOf(out).front() == "q.customer");
}

}  // namespace crm::sales
