// Ordering and rejecting quotations (SalesDocumentService) over a real gRPC
// channel and a real SQLite file, with a real partners service beside it:
//  - OrderQuotation: the order at the quotation's prices even after the list
//    price and the conditions changed, the quotation ORDERED; not twice, not
//    a rejected or expired one, not with a stale etag or a past delivery
//    date; a request_id retry gives the same order; it needs no partners,
//    while creating a quotation or order is UNAVAILABLE with partners down;
//  - RejectQuotation and what it refuses.
// The fixture is in sales_document_fixture.h.
#include <catch2/catch.hpp>

#include "services/sales/tests/sales_document_fixture.h"

using namespace crm::sales::testing::sales_documents;  // NOLINT(build/namespaces)

TEST_CASE("documents: OrderQuotation keeps the quotation's prices after prices changed",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::PriceCondition discount = desk.AddVolumeDiscount();
  const std::string deal = desk.AddOpportunity(retailer);
  sv1::Quotation offer = Offer(retailer, {{kMonitor, 120}, {kKeyboard, 3}});
  offer.set_opportunity(deal);
  offer.set_campaign("campaigns/spring");
  const sv1::Quotation quotation = desk.Create(offer);
  REQUIRE(Sources(quotation.items(0).pricing()) == Strings{discount.name()});
  CHECK(quotation.opportunity() == deal);
  CHECK(quotation.campaign() == "campaigns/spring");

  // Since then the monitor costs more and the discount is gone.
  desk.SetListPrice(kMonitor, Eur(250));
  desk.DeleteCondition(discount.name());
  const sv1::PriceItemsResponse now = desk.Price(retailer, {{kMonitor, 120}});
  CHECK(now.items(0).conditions().empty());
  CHECK(Text(now.net_total()) == "EUR 30000.00");

  const int64_t head = desk.HeadSequence();
  sv1::OrderQuotationRequest request;
  request.set_name(quotation.name());
  *request.mutable_requested_delivery_date() = InDays(14);
  request.set_etag(quotation.etag());
  request.set_request_id("order-quote-1");
  sv1::SalesOrder order;
  const grpc::Status status = desk.TryOrder(request, &order);
  INFO(status.error_message());
  REQUIRE(Outcome(status) == "OK");
  CHECK(absl::StartsWith(order.name(), "salesOrders/"));
  CHECK(order.customer() == retailer);
  CHECK(order.quotation() == quotation.name());
  CHECK(order.opportunity() == deal);
  CHECK(order.campaign() == "campaigns/spring");
  CHECK(order.currency_code() == "EUR");
  REQUIRE(order.items_size() == 2);
  for (int i = 0; i < 2; ++i) {
    INFO("item " << i);
    CHECK(Same(order.items(i), quotation.items(i)));
  }
  CHECK(Text(order.items(0).pricing().net_amount()) == "EUR 21600.00");
  CHECK(Same(order.net_total(), quotation.net_total()));
  CHECK(Same(order.tax_total(), quotation.tax_total()));
  CHECK(Same(order.gross_total(), quotation.gross_total()));
  CHECK(Text(order.net_total()) == "EUR 21749.97");
  CHECK(Same(order.pricing_date(), quotation.pricing_date()));
  CHECK(Iso(order.requested_delivery_date()) == Iso(InDays(14)));
  CHECK(order.state() == sv1::SALES_ORDER_STATE_OPEN);
  CHECK(order.cancel_reason().empty());
  CHECK_FALSE(order.etag().empty());
  CHECK(Same(order.create_time(), order.update_time()));
  CHECK(Same(desk.GetOrder(order.name()), order));

  // The quotation is ORDERED and names its order; nothing else changed.
  const sv1::Quotation ordered = desk.GetQuotation(quotation.name());
  CHECK(ordered.state() == sv1::QUOTATION_STATE_ORDERED);
  CHECK(ordered.sales_order() == order.name());
  CHECK(ordered.etag() != quotation.etag());
  CHECK(Same(ordered.update_time(), order.create_time()));
  sv1::Quotation unchanged = ordered;
  unchanged.set_state(quotation.state());
  unchanged.clear_sales_order();
  unchanged.set_etag(quotation.etag());
  *unchanged.mutable_update_time() = quotation.update_time();
  CHECK(Same(unchanged, quotation));

  // Both on the feed, with the request id.
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", order.name(), " OrderQuotation order-quote-1"),
                absl::StrCat("CHANGE_KIND_UPDATED ", quotation.name(),
                             " OrderQuotation order-quote-1")});
  const fv1::ListChangesResponse changes = desk.ChangesAfter(head);
  REQUIRE(changes.changes_size() == 2);
  sv1::SalesOrder order_in_feed;
  REQUIRE(changes.changes(0).resource().UnpackTo(&order_in_feed));
  CHECK(Same(order_in_feed, order));
  sv1::Quotation quotation_in_feed;
  REQUIRE(changes.changes(1).resource().UnpackTo(&quotation_in_feed));
  CHECK(Same(quotation_in_feed, ordered));
  const int64_t after = desk.HeadSequence();

  // A retry gets the same order and writes nothing.
  sv1::SalesOrder again;
  REQUIRE(Outcome(desk.TryOrder(request, &again)) == "OK");
  CHECK(Same(again, order));
  CHECK(desk.OrderNames() == Strings{order.name()});
  CHECK(desk.HeadSequence() == after);

  // Ordering it again is refused: with another id, without one, by etag.
  request.set_request_id("order-quote-2");
  request.clear_etag();
  const grpc::Status twice = desk.TryOrder(request, &again);
  CHECK(Outcome(twice) == "FAILED_PRECONDITION");
  CHECK(Precondition(twice) == absl::StrCat("NOT_OPEN ", quotation.name()));
  const grpc::Status plain = desk.TryOrder(quotation.name());
  CHECK(Outcome(plain) == "FAILED_PRECONDITION");
  CHECK(Precondition(plain) == absl::StrCat("NOT_OPEN ", quotation.name()));
  request.set_etag(quotation.etag());
  CHECK(Outcome(desk.TryOrder(request)) == "ABORTED");
  CHECK(desk.OrderNames() == Strings{order.name()});
  CHECK(desk.HeadSequence() == after);
  CHECK(desk.OrderNames(absl::StrCat("quotation = \"", quotation.name(), "\"")) ==
        Strings{order.name()});
}

TEST_CASE("documents: a quotation made days ago is ordered as it was made", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::Quotation quotation = desk.Create(Offer(retailer, {{kKeyboard, 2}, {kMonitor, 5}}));
  // Priced three days ago; since then the monitor was discontinued.
  desk.RewriteStored(quotation.name(),
                     [](sv1::Quotation* q) { *q->mutable_pricing_date() = InDays(-3); });
  desk.Discontinue(kMonitor);

  // New documents refuse it; the existing quotation keeps it.
  const grpc::Status refused = desk.TryCreate(Offer(retailer, {{kKeyboard, 2}, {kMonitor, 5}}));
  CHECK(Outcome(refused) == "FAILED_PRECONDITION");
  CHECK(Precondition(refused) == "DISCONTINUED quotation.items[1].product");
  const sv1::SalesOrder order = desk.OrderFrom(quotation.name());
  REQUIRE(order.items_size() == 2);
  CHECK(Same(order.items(1), quotation.items(1)));
  CHECK(Same(order.gross_total(), quotation.gross_total()));
  CHECK(Iso(order.pricing_date()) == Iso(InDays(-3)));
  CHECK(desk.GetQuotation(quotation.name()).state() == sv1::QUOTATION_STATE_ORDERED);
  CHECK(Outcome(desk.TryComplete(order.name())) == "OK");
}

TEST_CASE("documents: a rejected, expired or changed quotation is not ordered",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::Quotation quotation = desk.Create(Offer(retailer, {{kMonitor, 10}}));
  const int64_t head = desk.HeadSequence();

  sv1::OrderQuotationRequest request;
  sv1::SalesOrder order;
  request.set_name("quotations/nothing-here");
  const grpc::Status unknown = desk.TryOrder(request);
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "quotations/nothing-here");
  for (const std::string name : {"", "salesOrders/x", "quotations/"}) {
    INFO("name \"" << name << "\"");
    request.set_name(name);
    CHECK(Outcome(desk.TryOrder(request)) == "INVALID_ARGUMENT name");
  }
  request.set_name(quotation.name());
  *request.mutable_requested_delivery_date() = InDays(-1);
  CHECK(Outcome(desk.TryOrder(request)) == "INVALID_ARGUMENT requested_delivery_date");
  *request.mutable_requested_delivery_date() = MakeDate(InDays(0).year() + 1, 2, 30);
  CHECK(Outcome(desk.TryOrder(request)) == "INVALID_ARGUMENT requested_delivery_date");
  request.clear_requested_delivery_date();
  request.set_request_id(std::string(101, 'r'));
  CHECK(Outcome(desk.TryOrder(request)) == "INVALID_ARGUMENT request_id");
  request.clear_request_id();
  request.set_etag("\"7\"");
  CHECK(Outcome(desk.TryOrder(request)) == "ABORTED");
  CHECK(desk.OrderNames().empty());
  CHECK(desk.HeadSequence() == head);
  CHECK(Same(desk.GetQuotation(quotation.name()), quotation));

  // Rejected: neither ordered nor, with the etag from before, even looked at.
  REQUIRE(Outcome(desk.TryReject(quotation.name(), "Too expensive")) == "OK");
  const grpc::Status rejected = desk.TryOrder(quotation.name());
  CHECK(Outcome(rejected) == "FAILED_PRECONDITION");
  CHECK(Precondition(rejected) == absl::StrCat("NOT_OPEN ", quotation.name()));
  request.set_etag(quotation.etag());
  CHECK(Outcome(desk.TryOrder(request)) == "ABORTED");

  // Expired: its last day was yesterday.
  const sv1::Quotation expiring = desk.Create(Offer(retailer, {{kMonitor, 10}}, InDays(10)));
  desk.RewriteStored(expiring.name(),
                     [](sv1::Quotation* q) { *q->mutable_valid_until() = InDays(-1); });
  const int64_t before_expired = desk.HeadSequence();
  const grpc::Status expired = desk.TryOrder(expiring.name());
  CHECK(Outcome(expired) == "FAILED_PRECONDITION");
  CHECK(Precondition(expired) == absl::StrCat("EXPIRED ", expiring.name()));
  CHECK(absl::StrContains(expired.error_message(), Iso(InDays(-1))));
  CHECK(desk.GetQuotation(expiring.name()).state() == sv1::QUOTATION_STATE_OPEN);
  CHECK(desk.OrderNames().empty());
  CHECK(desk.HeadSequence() == before_expired);

  // Valid until today: still fine.
  const sv1::Quotation last_day = desk.Create(Offer(retailer, {{kMonitor, 10}}, InDays(0)));
  const sv1::SalesOrder ordered = desk.OrderFrom(last_day.name());
  CHECK(ordered.quotation() == last_day.name());
  CHECK(desk.OrderNames() == Strings{ordered.name()});
}

TEST_CASE("documents: OrderQuotation needs no partners, creates are UNAVAILABLE without them",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  desk.AddVolumeDiscount();
  const sv1::Quotation quotation = desk.Create(Offer(retailer, {{kMonitor, 120}}));
  const sv1::Quotation other = desk.Create(Offer(retailer, {{kKeyboard, 1}}));

  desk.StopPartners();

  const sv1::SalesOrder order = desk.OrderFrom(quotation.name());
  CHECK(Same(order.items(0), quotation.items(0)));
  CHECK(Text(order.net_total()) == "EUR 21600.00");
  CHECK(desk.GetQuotation(quotation.name()).state() == sv1::QUOTATION_STATE_ORDERED);
  // Nor do reads, rejects, completions.
  CHECK(Outcome(desk.TryReject(other.name(), "Found it cheaper")) == "OK");
  CHECK(Outcome(desk.TryComplete(order.name())) == "OK");
  const int64_t head = desk.HeadSequence();

  constexpr int kDeadlineSeconds = 2;
  for (const std::string& request_id : {std::string(), std::string("down-1")}) {
    INFO("request_id \"" << request_id << "\"");
    grpc::Status down;
    double seconds = SecondsOf([&] {
      down =
          desk.TryCreate(Offer(retailer, {{kMonitor, 1}}), nullptr, request_id, kDeadlineSeconds);
    });
    CHECK(Outcome(down) == "UNAVAILABLE");
    CHECK(absl::StrContains(down.error_message(), "partners"));
    CHECK(seconds < kDeadlineSeconds);
    seconds = SecondsOf([&] {
      down =
          desk.TryCreate(Order(retailer, {{kMonitor, 1}}), nullptr, request_id, kDeadlineSeconds);
    });
    CHECK(Outcome(down) == "UNAVAILABLE");
    CHECK(seconds < kDeadlineSeconds);
  }
  CHECK(desk.QuotationNames() == Strings{other.name(), quotation.name()});
  CHECK(desk.OrderNames() == Strings{order.name()});
  CHECK(desk.HeadSequence() == head);
  // Bad input is refused for what it is, without waiting for partners.
  CHECK(Outcome(desk.TryCreate(Offer(retailer, {}), nullptr, "", kDeadlineSeconds)) ==
        "INVALID_ARGUMENT quotation.items");
}

TEST_CASE("documents: RejectQuotation records the reason once", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::Quotation quotation = desk.Create(Offer(retailer, {{kMonitor, 10}}));
  const int64_t head = desk.HeadSequence();

  CHECK(Outcome(desk.TryReject(quotation.name(), "")) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(desk.TryReject(quotation.name(), std::string(1001, 'x'))) ==
        "INVALID_ARGUMENT reason");
  CHECK(Outcome(desk.TryReject("quotations/nothing-here", "Too expensive")) == "NOT_FOUND");
  CHECK(Outcome(desk.TryReject("salesOrders/x", "Too expensive")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(desk.TryReject(quotation.name(), "Too expensive", "\"5\"")) == "ABORTED");
  CHECK(Same(desk.GetQuotation(quotation.name()), quotation));
  CHECK(desk.HeadSequence() == head);

  sv1::Quotation rejected;
  REQUIRE(Outcome(desk.TryReject(quotation.name(), "Too expensive", quotation.etag(), &rejected)) ==
          "OK");
  CHECK(rejected.state() == sv1::QUOTATION_STATE_REJECTED);
  CHECK(rejected.reject_reason() == "Too expensive");
  CHECK(rejected.sales_order().empty());
  CHECK(rejected.etag() != quotation.etag());
  CHECK(Same(rejected.items(0), quotation.items(0)));
  CHECK(Same(rejected.create_time(), quotation.create_time()));
  CHECK(Same(desk.GetQuotation(quotation.name()), rejected));
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", quotation.name(), " RejectQuotation ")});
  CHECK(Outcome(desk.TryReject(quotation.name(), std::string(1000, 'x'))) == "FAILED_PRECONDITION");

  const grpc::Status again = desk.TryReject(quotation.name(), "Still too expensive");
  CHECK(Outcome(again) == "FAILED_PRECONDITION");
  CHECK(Precondition(again) == absl::StrCat("NOT_OPEN ", quotation.name()));
  CHECK(desk.GetQuotation(quotation.name()).reject_reason() == "Too expensive");

  // An ordered quotation is not rejected either.
  const sv1::Quotation second = desk.Create(Offer(retailer, {{kMonitor, 10}}));
  desk.OrderFrom(second.name());
  const grpc::Status ordered = desk.TryReject(second.name(), "Changed my mind");
  CHECK(Outcome(ordered) == "FAILED_PRECONDITION");
  CHECK(Precondition(ordered) == absl::StrCat("NOT_OPEN ", second.name()));
  CHECK(desk.GetQuotation(second.name()).state() == sv1::QUOTATION_STATE_ORDERED);
}
