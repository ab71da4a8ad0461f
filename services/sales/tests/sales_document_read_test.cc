// Reading quotations and sales orders back (SalesDocumentService) over a real
// gRPC channel and a real SQLite file, with a real partners service beside it:
//  - reads of unknown or malformed names;
//  - ListQuotations and ListSalesOrders newest first, filtered and paged;
//  - the change feed of every write.
// The fixture is in sales_document_fixture.h.
#include <catch2/catch.hpp>

#include "services/sales/tests/sales_document_fixture.h"

using namespace crm::sales::testing::sales_documents;  // NOLINT(build/namespaces)

TEST_CASE("documents: reads of unknown or malformed names", "[sales][document]") {
  Desk desk;
  sv1::GetQuotationRequest get_quotation;
  sv1::Quotation quotation;
  get_quotation.set_name("quotations/nothing-here");
  const grpc::Status unknown =
      desk.api().GetQuotation(ContextWithDeadline().get(), get_quotation, &quotation);
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "quotations/nothing-here");
  sv1::GetSalesOrderRequest get_order;
  sv1::SalesOrder order;
  get_order.set_name("salesOrders/nothing-here");
  CHECK(Outcome(desk.api().GetSalesOrder(ContextWithDeadline().get(), get_order, &order)) ==
        "NOT_FOUND");
  for (const std::string name : {"", "salesOrders/x", "quotations/", "quotations/a b"}) {
    INFO("name \"" << name << "\"");
    get_quotation.set_name(name);
    CHECK(Outcome(desk.api().GetQuotation(ContextWithDeadline().get(), get_quotation,
                                          &quotation)) == "INVALID_ARGUMENT name");
  }
  get_order.set_name("quotations/x");
  CHECK(Outcome(desk.api().GetSalesOrder(ContextWithDeadline().get(), get_order, &order)) ==
        "INVALID_ARGUMENT name");
}

TEST_CASE("documents: ListQuotations, newest first, filtered and paged", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string alvis = desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const std::string berta = desk.AddCustomer("Berta Retail KG", "RETAIL", pv1::CUSTOMER_CLASS_B);
  const std::string deal = desk.AddOpportunity(alvis);
  sv1::Quotation for_deal = Offer(alvis, {{kMonitor, 1}}, InDays(10));
  for_deal.set_opportunity(deal);
  const std::string q1 = desk.Create(for_deal).name();
  const std::string q2 = desk.Create(Offer(berta, {{kMonitor, 2}}, InDays(20))).name();
  const std::string q3 = desk.Create(Offer(alvis, {{kMonitor, 3}}, InDays(30))).name();
  const std::string q4 = desk.Create(Offer(alvis, {{kMonitor, 4}}, InDays(40))).name();
  const std::string q5 = desk.Create(Offer(berta, {{kMonitor, 5}}, InDays(50))).name();
  REQUIRE(Outcome(desk.TryReject(q3, "Too expensive")) == "OK");
  desk.OrderFrom(q4);

  const Strings all = {q5, q4, q3, q2, q1};
  CHECK(desk.QuotationNames() == all);
  const std::string of_alvis = absl::StrCat("customer = \"", alvis, "\"");
  CHECK(desk.QuotationNames(of_alvis) == Strings{q4, q3, q1});
  CHECK(desk.QuotationNames("state = OPEN") == Strings{q5, q2, q1});
  CHECK(desk.QuotationNames("state = QUOTATION_STATE_OPEN") == Strings{q5, q2, q1});
  CHECK(desk.QuotationNames("state = REJECTED") == Strings{q3});
  CHECK(desk.QuotationNames("state = ORDERED") == Strings{q4});
  CHECK(desk.QuotationNames("state != OPEN") == Strings{q4, q3});
  CHECK(desk.QuotationNames(absl::StrCat(of_alvis, " AND state = OPEN")) == Strings{q1});
  CHECK(desk.QuotationNames(absl::StrCat("opportunity = \"", deal, "\"")) == Strings{q1});
  CHECK(desk.QuotationNames(absl::StrCat("valid_until <= \"", Iso(InDays(20)), "\"")) ==
        Strings{q2, q1});
  CHECK(desk.QuotationNames(absl::StrCat("valid_until > \"", Iso(InDays(40)), "\"")) ==
        Strings{q5});
  CHECK(desk.QuotationNames("customer = \"partners/nobody\"").empty());
  CHECK(desk.QuotationNames("create_time > \"2000-01-01T00:00:00Z\"") == all);
  CHECK(desk.QuotationNames("create_time > \"9000-01-01T00:00:00Z\"").empty());

  // Two at a time, without repeats or gaps.
  int pages = 0;
  CHECK(desk.QuotationNames("", 2, &pages) == all);
  CHECK(pages == 3);
  CHECK(desk.QuotationNames(of_alvis, 2, &pages) == Strings{q4, q3, q1});
  CHECK(pages == 2);
  CHECK(desk.QuotationNames("state = OPEN", 1, &pages) == Strings{q5, q2, q1});
  CHECK(pages == 3);

  sv1::ListQuotationsResponse response;
  for (const std::string filter :
       {"colour = \"red\"", "state = LOST", "state > OPEN", "customer =", "quotation = \"x\"",
        "valid_until = tomorrow", "(state = OPEN", "state = OPEN AND"}) {
    INFO(filter);
    sv1::ListQuotationsRequest request;
    request.set_filter(filter);
    CHECK(Outcome(desk.TryListQuotations(request, &response)) == "INVALID_ARGUMENT filter");
  }
  sv1::ListQuotationsRequest request;
  request.set_page_size(-1);
  CHECK(Outcome(desk.TryListQuotations(request, &response)) == "INVALID_ARGUMENT page_size");
  request.set_page_size(2);
  REQUIRE(Outcome(desk.TryListQuotations(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_filter("state = OPEN");
  CHECK(Outcome(desk.TryListQuotations(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_filter("");
  request.set_page_token("garbage");
  CHECK(Outcome(desk.TryListQuotations(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("documents: ListSalesOrders, newest first, filtered and paged", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string alvis = desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const std::string berta = desk.AddCustomer("Berta Retail KG", "RETAIL", pv1::CUSTOMER_CLASS_B);
  const std::string deal = desk.AddOpportunity(alvis);
  const std::string quotation = desk.Create(Offer(alvis, {{kMonitor, 1}})).name();
  const std::string o1 = desk.Create(Order(alvis, {{kMonitor, 1}})).name();
  const std::string o2 = desk.OrderFrom(quotation).name();
  const std::string o3 = desk.Create(Order(berta, {{kMonitor, 3}})).name();
  sv1::SalesOrder for_deal = Order(alvis, {{kMonitor, 4}});
  for_deal.set_opportunity(deal);
  const std::string o4 = desk.Create(for_deal).name();
  REQUIRE(Outcome(desk.TryComplete(o1)) == "OK");
  REQUIRE(Outcome(desk.TryCancel(o3, "Ordered twice")) == "OK");

  const Strings all = {o4, o3, o2, o1};
  CHECK(desk.OrderNames() == all);
  const std::string of_alvis = absl::StrCat("customer = \"", alvis, "\"");
  CHECK(desk.OrderNames(of_alvis) == Strings{o4, o2, o1});
  CHECK(desk.OrderNames("state = OPEN") == Strings{o4, o2});
  CHECK(desk.OrderNames("state = COMPLETED") == Strings{o1});
  CHECK(desk.OrderNames("state = CANCELLED") == Strings{o3});
  CHECK(desk.OrderNames(absl::StrCat(of_alvis, " AND state = OPEN")) == Strings{o4, o2});
  CHECK(desk.OrderNames(absl::StrCat("quotation = \"", quotation, "\"")) == Strings{o2});
  CHECK(desk.OrderNames("quotation = \"\"") == Strings{o4, o3, o1});
  CHECK(desk.OrderNames(absl::StrCat("opportunity = \"", deal, "\"")) == Strings{o4});
  // Marketing's attribution: orders by campaign and by completion day.
  const std::string today = crm::api::IsoDate(crm::api::UtcDate(absl::Now()));
  CHECK(desk.OrderNames(absl::StrCat("completion_date = \"", today, "\"")) == Strings{o1});
  CHECK(desk.OrderNames(absl::StrCat("completion_date >= \"", today, "\" AND state = COMPLETED")) ==
        Strings{o1});
  CHECK(desk.OrderNames("campaign = \"\"") == all);
  CHECK(desk.OrderNames("campaign = \"campaigns/spring\"").empty());

  int pages = 0;
  CHECK(desk.OrderNames("", 2, &pages) == all);
  CHECK(pages == 2);
  CHECK(desk.OrderNames("", 3, &pages) == all);
  CHECK(pages == 2);
  CHECK(desk.OrderNames(of_alvis, 1, &pages) == Strings{o4, o2, o1});
  CHECK(pages == 3);

  sv1::ListSalesOrdersResponse response;
  for (const std::string filter : {"valid_until = 2030-01-01", "state = ORDERED", "colour = 1",
                                   "state = OPEN OR", "create_time > yesterday"}) {
    INFO(filter);
    sv1::ListSalesOrdersRequest request;
    request.set_filter(filter);
    CHECK(Outcome(desk.TryListOrders(request, &response)) == "INVALID_ARGUMENT filter");
  }
  sv1::ListSalesOrdersRequest request;
  request.set_page_size(1);
  REQUIRE(Outcome(desk.TryListOrders(request, &response)) == "OK");
  request.set_page_token(response.next_page_token());
  request.set_filter(of_alvis);
  CHECK(Outcome(desk.TryListOrders(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("documents: every write is on the change feed, refused ones are not",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  desk.Create(Offer(retailer, {{kMonitor, 1}}));  // assigns the customer: its entry comes before
  const int64_t head = desk.HeadSequence();

  sv1::Quotation quotation, second;
  REQUIRE(Outcome(desk.TryCreate(Offer(retailer, {{kMonitor, 1}}), &quotation, "q-1")) == "OK");
  REQUIRE(Outcome(desk.TryCreate(Offer(retailer, {{kMonitor, 2}}), &second)) == "OK");
  sv1::SalesOrder direct;
  REQUIRE(Outcome(desk.TryCreate(Order(retailer, {{kKeyboard, 1}}), &direct, "o-1")) == "OK");
  sv1::OrderQuotationRequest order_request;
  order_request.set_name(quotation.name());
  order_request.set_request_id("oq-1");
  sv1::SalesOrder ordered;
  REQUIRE(Outcome(desk.TryOrder(order_request, &ordered)) == "OK");
  REQUIRE(Outcome(desk.TryReject(second.name(), "No budget")) == "OK");
  REQUIRE(Outcome(desk.TryComplete(ordered.name())) == "OK");
  REQUIRE(Outcome(desk.TryCancel(direct.name(), "Ordered twice")) == "OK");
  // Refused: none of these are on the feed.
  CHECK(Outcome(desk.TryOrder(second.name())) == "FAILED_PRECONDITION");
  CHECK(Outcome(desk.TryReject(second.name(), "Again")) == "FAILED_PRECONDITION");
  CHECK(Outcome(desk.TryCancel(direct.name(), "Again")) == "FAILED_PRECONDITION");
  CHECK(Outcome(desk.TryCreate(Offer(retailer, {{kOldMonitor, 1}}))) == "FAILED_PRECONDITION");

  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", quotation.name(), " CreateQuotation q-1"),
                absl::StrCat("CHANGE_KIND_CREATED ", second.name(), " CreateQuotation "),
                absl::StrCat("CHANGE_KIND_CREATED ", direct.name(), " CreateSalesOrder o-1"),
                absl::StrCat("CHANGE_KIND_CREATED ", ordered.name(), " OrderQuotation oq-1"),
                absl::StrCat("CHANGE_KIND_UPDATED ", quotation.name(), " OrderQuotation oq-1"),
                absl::StrCat("CHANGE_KIND_UPDATED ", second.name(), " RejectQuotation "),
                absl::StrCat("CHANGE_KIND_UPDATED ", ordered.name(), " CompleteSalesOrder "),
                absl::StrCat("CHANGE_KIND_UPDATED ", direct.name(), " CancelSalesOrder ")});
  // Each carries the document as it was written.
  const fv1::ListChangesResponse changes = desk.ChangesAfter(head);
  REQUIRE(changes.changes_size() == 8);
  sv1::Quotation created;
  REQUIRE(changes.changes(0).resource().UnpackTo(&created));
  CHECK(Same(created, quotation));
  sv1::SalesOrder cancelled;
  REQUIRE(changes.changes(7).resource().UnpackTo(&cancelled));
  CHECK(cancelled.state() == sv1::SALES_ORDER_STATE_CANCELLED);
  CHECK(Same(cancelled, desk.GetOrder(direct.name())));
}
