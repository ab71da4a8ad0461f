// The pricing engine without gRPC or a database: where an item's base price
// comes from. The choice of price list (currency, price group, validity,
// priority, latest valid_from, name) and NO_PRICE when an item has no price
// in the document currency; PRICE conditions (highest priority wins, the
// latest valid_from, then the name; campaign prices only for their
// campaign; only in the document's currency).
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "services/sales/pricing_engine.h"
#include "services/sales/tests/pricing_engine_fixture.h"

namespace crm::sales::testing::pricing_engine_testing {
namespace {

// ---------------------------------------------------------------------------
// Price lists and PRICE condition records.

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

v1::PriceCondition PriceOf(const std::string& id, const Money& amount, int priority = 0) {
  v1::PriceCondition condition = Condition(id, v1::CONDITION_TYPE_PRICE, priority);
  *condition.mutable_amount() = amount;
  return condition;
}

// The PreconditionFailure a status carries (empty if none).
google::rpc::PreconditionFailure PreconditionFailureOf(const absl::Status& status) {
  google::rpc::PreconditionFailure failure;
  const auto payload = status.GetPayload(absl::StrCat(
      "type.googleapis.com/", google::rpc::PreconditionFailure::descriptor()->full_name()));
  if (payload) failure.ParseFromString(std::string(*payload));
  return failure;
}

}  // namespace

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

  const std::vector<v1::PriceList> lists = {low,     open,   earlier,      later,
                                            expired, future, other_product};
  const std::vector<v1::PriceList> reversed(lists.rbegin(), lists.rend());
  for (const auto* candidates : {&lists, &reversed}) {
    const v1::PricedItem item =
        Priced(Document(Day(2026, 7, 15)), Item(Monitor(Eur("200")), 2), *candidates, {});
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

TEST_CASE("A price list for a price group prices only that group's customers", "[sales][pricing]") {
  const std::string product = "products/monitor-24";
  v1::PriceList gold = WithEntry(List("gold", "EUR", 10), product, Eur("150"));
  gold.set_price_group("GOLD");
  const v1::PriceList everyone = WithEntry(List("everyone", "EUR", 0), product, Eur("180"));
  const ItemToPrice item = Item(Monitor(Eur("200")), 1);

  const v1::PricedItem for_gold =
      Priced(Document(Day(2026, 7, 15), Customer(partners::v1::CUSTOMER_CLASS_B, "", "GOLD")), item,
             {gold, everyone}, {});
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

  const v1::PricedItem item = Priced(Document(Day(2026, 7, 15)), Item(monitor, 2, 19), {euros}, {});
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
  CHECK(Sources(item) ==
        std::vector<std::string>{"priceLists/main", "priceConditions/high", "priceConditions/ten"});
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

TEST_CASE("A campaign price applies only when the pricing names the campaign", "[sales][pricing]") {
  v1::PriceCondition spring = PriceOf("spring", Eur("150"), 10);
  spring.mutable_scope()->clear_product_group();
  spring.mutable_scope()->set_campaign("campaigns/spring");
  const ItemToPrice item = Item(Monitor(Eur("200")), 1);

  CHECK(Show(Priced(Document(Day(2026, 4, 1)), item, {}, {spring}).base_price()) == "EUR 200");
  CHECK(Show(Priced(Document(Day(2026, 4, 1), std::nullopt, "EUR", "campaigns/summer"), item, {},
                    {spring})
                 .base_price()) == "EUR 200");

  const v1::PricedItem in_campaign = Priced(
      Document(Day(2026, 4, 1), std::nullopt, "EUR", "campaigns/spring"), item, {}, {spring});
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

}  // namespace crm::sales::testing::pricing_engine_testing
