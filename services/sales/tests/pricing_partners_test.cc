// Pricing (PricingService) for a customer, over a real gRPC channel and a
// real SQLite file, with a real partners service beside it:
//  - a condition for one customer needs partners to know the customer;
//  - partners down: PriceItems for a customer and conditions naming a
//    customer are UNAVAILABLE within the deadline and write nothing, while
//    everything that does not need partners still works.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/pricing_fixture.h"

using namespace crm::sales::testing::pricing_testing;  // NOLINT

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
