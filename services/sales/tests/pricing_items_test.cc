// Pricing (PricingService.PriceItems) over a real gRPC channel and a real
// SQLite file, with a real partners service beside it:
//  - the worked example (10 % off from 100 units for A-class retailers,
//    120 units: net 21600.00, tax 4104.00, gross 25704.00, margin 7200.00)
//    and where it does not apply, price lists by the customer's price group,
//    a merged customer priced as its survivor, totals, unknown and
//    discontinued products, unknown customers, bad input by field path.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/pricing_fixture.h"

using namespace crm::sales::testing::pricing_testing;  // NOLINT

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
