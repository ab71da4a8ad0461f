// The pricing engine without gRPC or a database: the amounts of a priced
// item and of a document. Rounding of net amount and tax to the minor unit
// (yen, cents, thousandths, fractions of a cent), margins, a zero tax rate,
// an item too large to represent; SumTotals (net, tax, gross and margin
// totals, none, too large).
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/errors.h"
#include "services/sales/pricing_engine.h"
#include "services/sales/tests/pricing_engine_fixture.h"

namespace crm::sales::testing::pricing_engine_testing {

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

TEST_CASE(
    "A price with fractions of a cent times a quantity with 3 decimals rounds to the "
    "cent once",
    "[sales][pricing]") {
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1)),
                                     Item(Monitor(Eur("0.333"), Eur("0.1234")), 2.555, 10), {}, {});
  // The unit price keeps its fractions; the amounts are in cents.
  CHECK(Show(item.net_unit_price()) == "EUR 0.333");
  CHECK(Show(item.net_amount()) == "EUR 0.85");  // 0.850815
  CHECK(Show(item.tax_amount()) == "EUR 0.09");  // 10 % of 0.85 = 0.085, half away from zero
  CHECK(Show(item.gross_amount()) == "EUR 0.94");
  CHECK(Show(item.margin()) == "EUR 0.53");  // 0.85 − 0.32 (0.315287)
  CHECK_THAT(item.margin_percent(), WithinAbs(53.0 / 85 * 100, 1e-9));
}

TEST_CASE("A percentage discount with fractions of a cent rounds only the amounts",
          "[sales][pricing]") {
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1)), Item(Monitor(Eur("19.99")), 3, 19),
                                     {}, {Discount("d", 12.5)});
  CHECK(Show(item.conditions(0).unit_amount()) == "EUR -2.49875");
  CHECK(Show(item.net_unit_price()) == "EUR 17.49125");
  CHECK(Show(item.net_amount()) == "EUR 52.47");  // 52.47375
  CHECK(Show(item.tax_amount()) == "EUR 9.97");   // 19 % of 52.47 = 9.9693
  CHECK(Show(item.gross_amount()) == "EUR 62.44");
}

TEST_CASE("Amounts in a currency of three decimals round to the thousandth", "[sales][pricing]") {
  const v1::PricedItem item = Priced(Document(Day(2026, 4, 1), std::nullopt, "KWD"),
                                     Item(Monitor(Cash("KWD", "1.2345")), 1, 5), {}, {});
  CHECK(Show(item.net_amount()) == "KWD 1.235");
  CHECK(Show(item.tax_amount()) == "KWD 0.062");  // 0.06175
  CHECK(Show(item.gross_amount()) == "KWD 1.297");
}

TEST_CASE("The margin is the net amount less the cost, in percent of the net amount",
          "[sales][pricing]") {
  const v1::PricedItem item = Priced(
      Document(Day(2026, 4, 1)), Item(Monitor(Eur("200"), Eur("150")), 3), {}, {Discount("d", 10)});
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

TEST_CASE("SumTotals sums the items, and the margins of items that have one", "[sales][pricing]") {
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

}  // namespace crm::sales::testing::pricing_engine_testing
