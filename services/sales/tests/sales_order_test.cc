// Sales orders (SalesDocumentService) over a real gRPC channel and a real
// SQLite file, with a real partners service beside it: CreateSalesOrder,
// CompleteSalesOrder, CancelSalesOrder and what they refuse.
// The fixture is in sales_document_fixture.h.
#include <catch2/catch.hpp>

#include "services/sales/tests/sales_document_fixture.h"

using namespace crm::sales::testing::sales_documents;  // NOLINT(build/namespaces)

TEST_CASE("documents: CreateSalesOrder prices today, orders are completed or cancelled once",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::PriceCondition discount = desk.AddVolumeDiscount();
  const std::string deal = desk.AddOpportunity(retailer);
  const std::vector<Item> items = {{kMonitor, 120}, {kKeyboard, 3}};
  sv1::SalesOrder sent = Order(retailer, items);
  *sent.mutable_requested_delivery_date() = InDays(14);
  sent.set_opportunity(deal);
  const int64_t head = desk.HeadSequence();
  const sv1::SalesOrder order = desk.Create(sent);
  CheckPricedAs(order, desk.Price(retailer, items));
  CHECK(Sources(order.items(0).pricing()) == Strings{discount.name()});
  CHECK(Text(order.gross_total()) == "EUR 25864.47");
  CHECK(Iso(order.pricing_date()) == Iso(InDays(0)));
  CHECK(Iso(order.requested_delivery_date()) == Iso(InDays(14)));
  CHECK(order.state() == sv1::SALES_ORDER_STATE_OPEN);
  CHECK(absl::StartsWith(order.name(), "salesOrders/"));
  CHECK(order.customer() == retailer);
  CHECK(order.opportunity() == deal);
  CHECK(order.quotation().empty());
  CHECK(Same(desk.GetOrder(order.name()), order));
  // Today's prices: after a price change a new order costs more.
  desk.SetListPrice(kKeyboard, Eur(59, 990'000'000));
  const sv1::SalesOrder dearer = desk.Create(Order(retailer, {{kKeyboard, 3}}));
  CHECK(Text(dearer.net_total()) == "EUR 179.97");
  CHECK(dearer.requested_delivery_date().year() == 0);

  // Completing: name, etag, then state.
  CHECK(Outcome(desk.TryComplete("")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(desk.TryComplete("quotations/x")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(desk.TryComplete("salesOrders/nothing-here")) == "NOT_FOUND");
  CHECK(Outcome(desk.TryComplete(order.name(), "\"3\"")) == "ABORTED");
  sv1::SalesOrder completed;
  REQUIRE(Outcome(desk.TryComplete(order.name(), order.etag(), &completed)) == "OK");
  CHECK(completed.state() == sv1::SALES_ORDER_STATE_COMPLETED);
  CHECK(completed.cancel_reason().empty());
  CHECK(completed.etag() != order.etag());
  CHECK(Same(completed.items(0), order.items(0)));
  CHECK(Same(desk.GetOrder(order.name()), completed));
  for (const grpc::Status& status :
       {desk.TryComplete(order.name()), desk.TryCancel(order.name(), "Wrong address")}) {
    CHECK(Outcome(status) == "FAILED_PRECONDITION");
    CHECK(Precondition(status) == absl::StrCat("NOT_OPEN ", order.name()));
  }
  CHECK(Outcome(desk.TryComplete(order.name(), order.etag())) == "ABORTED");

  // Cancelling: the reason is required.
  CHECK(Outcome(desk.TryCancel(dearer.name(), "")) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(desk.TryCancel(dearer.name(), std::string(1001, 'x'))) ==
        "INVALID_ARGUMENT reason");
  CHECK(Outcome(desk.TryCancel("salesOrders/nothing-here", "Wrong address")) == "NOT_FOUND");
  CHECK(Outcome(desk.TryCancel(dearer.name(), "Wrong address", "\"9\"")) == "ABORTED");
  CHECK(Same(desk.GetOrder(dearer.name()), dearer));
  sv1::SalesOrder cancelled;
  REQUIRE(Outcome(desk.TryCancel(dearer.name(), "Ordered twice", dearer.etag(), &cancelled)) ==
          "OK");
  CHECK(cancelled.state() == sv1::SALES_ORDER_STATE_CANCELLED);
  CHECK(cancelled.cancel_reason() == "Ordered twice");
  CHECK(Same(desk.GetOrder(dearer.name()), cancelled));
  for (const grpc::Status& status :
       {desk.TryComplete(dearer.name()), desk.TryCancel(dearer.name(), "Again")}) {
    CHECK(Outcome(status) == "FAILED_PRECONDITION");
    CHECK(Precondition(status) == absl::StrCat("NOT_OPEN ", dearer.name()));
  }
  CHECK(desk.GetOrder(dearer.name()).cancel_reason() == "Ordered twice");

  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", order.name(), " CreateSalesOrder "),
                "CHANGE_KIND_UPDATED products/keyboard UpdateProduct ",
                absl::StrCat("CHANGE_KIND_CREATED ", dearer.name(), " CreateSalesOrder "),
                absl::StrCat("CHANGE_KIND_UPDATED ", order.name(), " CompleteSalesOrder "),
                absl::StrCat("CHANGE_KIND_UPDATED ", dearer.name(), " CancelSalesOrder ")});
}
