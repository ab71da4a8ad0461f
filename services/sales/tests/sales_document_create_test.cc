// Creating quotations and sales orders (SalesDocumentService) over a real
// gRPC channel and a real SQLite file, with a real partners service beside it:
//  - CreateQuotation prices its items exactly as PricingService.PriceItems
//    does for the same customer today (the SPEC's volume discount for an
//    A-class retailer ordering 120 units), with totals, currency, pricing
//    date and state; output-only fields sent are ignored; a campaign's
//    conditions apply to the documents naming it; a request_id retry gives
//    the same quotation and one feed entry;
//  - refused creates name their field (or the unknown product, customer or
//    opportunity, or the discontinued product) and write nothing; a merged
//    customer is stored under its survivor.
// The fixture is in sales_document_fixture.h.
#include <catch2/catch.hpp>

#include "services/sales/tests/sales_document_fixture.h"

using namespace crm::sales::testing::sales_documents;  // NOLINT(build/namespaces)

TEST_CASE("documents: CreateQuotation prices its items as PriceItems does, for the customer today",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const std::string small = desk.AddCustomer("Berta Retail KG", "RETAIL", pv1::CUSTOMER_CLASS_B);
  const sv1::PriceCondition discount = desk.AddVolumeDiscount();

  const std::vector<Item> items = {{kKeyboard, 3}, {kMonitor, 120}};
  const sv1::Quotation quotation = desk.Create(Offer(retailer, items, InDays(30)));
  CheckPricedAs(quotation, desk.Price(retailer, items));
  // The SPEC's example: 120 monitors at 10 % off; 3 keyboards at list price.
  REQUIRE(quotation.items_size() == 2);
  CHECK(quotation.items(0).product() == kKeyboard);
  CHECK(quotation.items(0).pricing().conditions().empty());
  CHECK(Text(quotation.items(0).pricing().net_amount()) == "EUR 149.97");
  CHECK(quotation.items(1).product() == kMonitor);
  CHECK(quotation.items(1).quantity() == 120);
  CHECK(Sources(quotation.items(1).pricing()) == Strings{discount.name()});
  CHECK(Text(quotation.items(1).pricing().net_unit_price()) == "EUR 180.00");
  CHECK(Text(quotation.items(1).pricing().net_amount()) == "EUR 21600.00");
  CHECK(Text(quotation.items(1).pricing().tax_amount()) == "EUR 4104.00");
  CHECK(Text(quotation.net_total()) == "EUR 21749.97");
  CHECK(Text(quotation.tax_total()) == "EUR 4114.50");
  CHECK(Text(quotation.gross_total()) == "EUR 25864.47");
  CHECK(quotation.currency_code() == "EUR");
  CHECK(Iso(quotation.pricing_date()) == Iso(InDays(0)));
  CHECK(quotation.state() == sv1::QUOTATION_STATE_OPEN);

  // What the service owns, and what the client sent.
  CHECK(absl::StartsWith(quotation.name(), "quotations/"));
  CHECK(quotation.customer() == retailer);
  CHECK(Iso(quotation.valid_until()) == Iso(InDays(30)));
  CHECK(quotation.opportunity().empty());
  CHECK(quotation.sales_order().empty());
  CHECK(quotation.reject_reason().empty());
  CHECK(quotation.create_time().seconds() > 0);
  CHECK(Same(quotation.create_time(), quotation.update_time()));
  CHECK_FALSE(quotation.etag().empty());
  CHECK(Same(desk.GetQuotation(quotation.name()), quotation));

  // A B-class retailer gets no volume discount, as PriceItems says.
  const sv1::Quotation plain = desk.Create(Offer(small, {{kMonitor, 120}}));
  CheckPricedAs(plain, desk.Price(small, {{kMonitor, 120}}));
  CHECK(Sources(plain.items(0).pricing()).empty());
  CHECK(Text(plain.net_total()) == "EUR 24000.00");
  CHECK(Text(plain.gross_total()) == "EUR 28560.00");
  // Nor does the A-class retailer below 100 units.
  const sv1::Quotation fewer = desk.Create(Offer(retailer, {{kMonitor, 99}}));
  CHECK(Sources(fewer.items(0).pricing()).empty());
  CHECK(Text(fewer.net_total()) == "EUR 19800.00");
}

TEST_CASE("documents: output-only fields sent with a document are ignored", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  desk.AddVolumeDiscount();

  sv1::Quotation sent = Offer(retailer, {{kMonitor, 120}});
  sent.set_name("quotations/mine");
  sent.set_state(sv1::QUOTATION_STATE_REJECTED);
  sent.set_sales_order("salesOrders/elsewhere");
  sent.set_reject_reason("too dear");
  *sent.mutable_net_total() = Eur(1);
  *sent.mutable_tax_total() = Eur(1);
  *sent.mutable_gross_total() = Eur(2);
  *sent.mutable_pricing_date() = MakeDate(2020, 1, 1);
  sent.mutable_create_time()->set_seconds(1);
  sent.mutable_update_time()->set_seconds(1);
  sent.set_etag("\"9\"");
  sent.mutable_items(0)->mutable_pricing()->set_product(kKeyboard);
  *sent.mutable_items(0)->mutable_pricing()->mutable_net_amount() = Eur(1);
  const sv1::Quotation quotation = desk.Create(sent);
  CHECK(quotation.name() != "quotations/mine");
  CHECK(quotation.state() == sv1::QUOTATION_STATE_OPEN);
  CHECK(quotation.sales_order().empty());
  CHECK(quotation.reject_reason().empty());
  CHECK(Iso(quotation.pricing_date()) == Iso(InDays(0)));
  CHECK(quotation.create_time().seconds() > 1);
  CHECK(quotation.etag() != "\"9\"");
  CheckPricedAs(quotation, desk.Price(retailer, {{kMonitor, 120}}));
  CHECK(Text(quotation.net_total()) == "EUR 21600.00");

  sv1::SalesOrder order = Order(retailer, {{kMonitor, 120}});
  order.set_name("salesOrders/mine");
  order.set_quotation("quotations/elsewhere");
  order.set_state(sv1::SALES_ORDER_STATE_CANCELLED);
  order.set_cancel_reason("never");
  *order.mutable_gross_total() = Eur(5);
  *order.mutable_pricing_date() = MakeDate(2020, 1, 1);
  order.set_etag("\"4\"");
  order.mutable_items(0)->mutable_pricing()->set_quantity(7);
  const sv1::SalesOrder created = desk.Create(order);
  CHECK(created.name() != "salesOrders/mine");
  CHECK(created.quotation().empty());
  CHECK(created.state() == sv1::SALES_ORDER_STATE_OPEN);
  CHECK(created.cancel_reason().empty());
  CHECK(Iso(created.pricing_date()) == Iso(InDays(0)));
  CHECK(created.etag() != "\"4\"");
  CheckPricedAs(created, desk.Price(retailer, {{kMonitor, 120}}));
}

TEST_CASE("documents: a campaign's conditions apply to the documents naming it",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_B);
  sv1::PriceCondition spring;
  spring.set_display_name("Spring monitors");
  spring.set_type(sv1::CONDITION_TYPE_DISCOUNT_PERCENT);
  spring.set_percent(5);
  spring.mutable_scope()->set_campaign("campaigns/spring");
  spring.mutable_scope()->set_product_group("MONITORS");
  spring = desk.AddCondition(spring);

  const std::vector<Item> items = {{kMonitor, 10}, {kKeyboard, 1}};
  sv1::Quotation offer = Offer(retailer, items);
  offer.set_campaign("campaigns/spring");
  const sv1::Quotation quotation = desk.Create(offer);
  CheckPricedAs(quotation, desk.Price(retailer, items, "campaigns/spring"));
  CHECK(Sources(quotation.items(0).pricing()) == Strings{spring.name()});
  CHECK(Sources(quotation.items(1).pricing()).empty());
  CHECK(Text(quotation.items(0).pricing().net_amount()) == "EUR 1900.00");
  sv1::SalesOrder order = Order(retailer, items);
  order.set_campaign("campaigns/spring");
  CheckPricedAs(desk.Create(order), desk.Price(retailer, items, "campaigns/spring"));

  // Without the campaign, or with another, the list price.
  const sv1::Quotation plain = desk.Create(Offer(retailer, items));
  CHECK(Sources(plain.items(0).pricing()).empty());
  CHECK(Text(plain.items(0).pricing().net_amount()) == "EUR 2000.00");
  offer.set_campaign("campaigns/autumn");
  CHECK(Sources(desk.Create(offer).items(0).pricing()).empty());
}

TEST_CASE("documents: a request_id retry returns the same document, one feed entry",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const int64_t head = desk.HeadSequence();

  const sv1::Quotation offer = Offer(retailer, {{kMonitor, 120}});
  sv1::Quotation first, again;
  REQUIRE(Outcome(desk.TryCreate(offer, &first, "quote-1")) == "OK");
  REQUIRE(Outcome(desk.TryCreate(offer, &again, "quote-1")) == "OK");
  CHECK(Same(again, first));
  CHECK(desk.QuotationNames() == Strings{first.name()});

  const sv1::SalesOrder order = Order(retailer, {{kKeyboard, 2}});
  sv1::SalesOrder first_order, again_order;
  REQUIRE(Outcome(desk.TryCreate(order, &first_order, "order-1")) == "OK");
  REQUIRE(Outcome(desk.TryCreate(order, &again_order, "order-1")) == "OK");
  CHECK(Same(again_order, first_order));
  CHECK(desk.OrderNames() == Strings{first_order.name()});
  // The first document for a customer also assigns it to its territory.
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{
            absl::StrCat("CHANGE_KIND_CREATED territoryAssignments/",
                         retailer.substr(retailer.find('/') + 1), " CreateQuotation "),
            absl::StrCat("CHANGE_KIND_CREATED ", first.name(), " CreateQuotation quote-1"),
            absl::StrCat("CHANGE_KIND_CREATED ", first_order.name(), " CreateSalesOrder order-1")});
  const int64_t after = desk.HeadSequence();

  // The same id for another request is refused.
  sv1::Quotation other = offer;
  other.mutable_items(0)->set_quantity(5);
  CHECK(Outcome(desk.TryCreate(other, nullptr, "quote-1")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(desk.TryCreate(Order(retailer, {{kKeyboard, 3}}), nullptr, "order-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(Outcome(desk.TryCreate(offer, nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");

  // A retry is answered without asking partners.
  desk.StopPartners();
  sv1::Quotation third;
  CHECK(Outcome(desk.TryCreate(offer, &third, "quote-1", 2)) == "OK");
  CHECK(third.name() == first.name());
  CHECK(desk.QuotationNames() == Strings{first.name()});
  CHECK(desk.OrderNames() == Strings{first_order.name()});
  CHECK(desk.HeadSequence() == after);
}

TEST_CASE("documents: a refused create names the problem and writes nothing", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const int64_t head = desk.HeadSequence();

  struct Case {
    std::string what;
    std::function<void(sv1::Quotation*)> spoil;
    std::string outcome;
  };
  const std::vector<Case> cases = {
      {"no customer", [](auto* q) { q->clear_customer(); }, "INVALID_ARGUMENT quotation.customer"},
      {"a customer that is not a name", [](auto* q) { q->set_customer("alvis"); },
       "INVALID_ARGUMENT quotation.customer"},
      {"no valid_until", [](auto* q) { q->clear_valid_until(); },
       "INVALID_ARGUMENT quotation.valid_until"},
      {"valid_until yesterday", [](auto* q) { *q->mutable_valid_until() = InDays(-1); },
       "INVALID_ARGUMENT quotation.valid_until"},
      {"valid_until impossible",
       [](auto* q) { *q->mutable_valid_until() = MakeDate(InDays(0).year() + 1, 2, 30); },
       "INVALID_ARGUMENT quotation.valid_until"},
      {"no items", [](auto* q) { q->clear_items(); }, "INVALID_ARGUMENT quotation.items"},
      {"501 items",
       [](auto* q) {
         while (q->items_size() <= 500) *q->add_items() = q->items(0);
       },
       "INVALID_ARGUMENT quotation.items"},
      {"a product that is not a name",
       [](auto* q) { q->mutable_items(1)->set_product("keyboard"); },
       "INVALID_ARGUMENT quotation.items[1].product"},
      {"no product", [](auto* q) { q->mutable_items(1)->clear_product(); },
       "INVALID_ARGUMENT quotation.items[1].product"},
      {"quantity 0", [](auto* q) { q->mutable_items(0)->set_quantity(0); },
       "INVALID_ARGUMENT quotation.items[0].quantity"},
      {"a negative quantity", [](auto* q) { q->mutable_items(0)->set_quantity(-3); },
       "INVALID_ARGUMENT quotation.items[0].quantity"},
      {"a quantity with 4 decimals", [](auto* q) { q->mutable_items(0)->set_quantity(1.2345); },
       "INVALID_ARGUMENT quotation.items[0].quantity"},
      {"a lower-case currency", [](auto* q) { q->set_currency_code("eur"); },
       "INVALID_ARGUMENT quotation.currency_code"},
      {"an opportunity that is not a name", [](auto* q) { q->set_opportunity("deal-7"); },
       "INVALID_ARGUMENT quotation.opportunity"},
      {"a campaign that is not a name", [](auto* q) { q->set_campaign("spring"); },
       "INVALID_ARGUMENT quotation.campaign"},
      {"everything at once",
       [](auto* q) {
         q->set_customer("alvis");
         q->clear_valid_until();
         q->mutable_items(0)->set_quantity(0);
       },
       "INVALID_ARGUMENT quotation.customer, quotation.valid_until, quotation.items[0].quantity"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    sv1::Quotation quotation = Offer(retailer, {{kMonitor, 120}, {kKeyboard, 3}});
    c.spoil(&quotation);
    CHECK(Outcome(desk.TryCreate(quotation, nullptr, "bad-quote")) == c.outcome);
  }
  sv1::CreateQuotationRequest empty;
  sv1::Quotation ignored;
  CHECK(Outcome(desk.api().CreateQuotation(ContextWithDeadline().get(), empty, &ignored)) ==
        "INVALID_ARGUMENT quotation");

  // What only storage or partners know.
  const grpc::Status unknown_product =
      desk.TryCreate(Offer(retailer, {{kMonitor, 1}, {"products/nothing-here", 1}}));
  CHECK(Outcome(unknown_product) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_product).resource_name() ==
        "products/nothing-here");
  const grpc::Status discontinued =
      desk.TryCreate(Offer(retailer, {{kMonitor, 1}, {kOldMonitor, 1}}));
  CHECK(Outcome(discontinued) == "FAILED_PRECONDITION");
  CHECK(Precondition(discontinued) == "DISCONTINUED quotation.items[1].product");
  const grpc::Status unknown_customer = desk.TryCreate(Offer("partners/nobody", {{kMonitor, 1}}));
  CHECK(Outcome(unknown_customer) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_customer).resource_name() == "partners/nobody");
  sv1::Quotation with_unknown_deal = Offer(retailer, {{kMonitor, 1}});
  with_unknown_deal.set_opportunity("opportunities/nothing-here");
  const grpc::Status unknown_deal = desk.TryCreate(with_unknown_deal, nullptr, "deal-quote");
  CHECK(Outcome(unknown_deal) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_deal).resource_name() ==
        "opportunities/nothing-here");

  // The same for orders.
  sv1::SalesOrder late = Order(retailer, {{kMonitor, 1}});
  *late.mutable_requested_delivery_date() = InDays(-1);
  CHECK(Outcome(desk.TryCreate(late)) == "INVALID_ARGUMENT sales_order.requested_delivery_date");
  CHECK(Outcome(desk.TryCreate(Order(retailer, {{kMonitor, 0.0001}}))) ==
        "INVALID_ARGUMENT sales_order.items[0].quantity");
  CHECK(Outcome(desk.TryCreate(Order("", {{kMonitor, 1}}))) ==
        "INVALID_ARGUMENT sales_order.customer");
  CHECK(Outcome(desk.TryCreate(Order(retailer, {}))) == "INVALID_ARGUMENT sales_order.items");
  const grpc::Status old_order = desk.TryCreate(Order(retailer, {{kOldMonitor, 1}}));
  CHECK(Outcome(old_order) == "FAILED_PRECONDITION");
  CHECK(Precondition(old_order) == "DISCONTINUED sales_order.items[0].product");
  CHECK(Outcome(desk.TryCreate(Order(retailer, {{"products/nothing-here", 1}}))) == "NOT_FOUND");
  CHECK(Outcome(desk.TryCreate(Order("partners/nobody", {{kMonitor, 1}}))) == "NOT_FOUND");
  sv1::CreateSalesOrderRequest empty_order;
  sv1::SalesOrder ignored_order;
  CHECK(Outcome(desk.api().CreateSalesOrder(ContextWithDeadline().get(), empty_order,
                                            &ignored_order)) == "INVALID_ARGUMENT sales_order");

  CHECK(desk.QuotationNames().empty());
  CHECK(desk.OrderNames().empty());
  CHECK(desk.HeadSequence() == head);

  // Ids of refused requests were not used up.
  sv1::Quotation fixed = with_unknown_deal;
  fixed.clear_opportunity();
  CHECK(Outcome(desk.TryCreate(fixed, nullptr, "deal-quote")) == "OK");
}

TEST_CASE("documents: a merged customer's documents are stored under the survivor",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  desk.AddVolumeDiscount();
  const std::string survivor =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const std::string merged =
      desk.AddCustomer("Alvis Einzelhandel", "WHOLESALE", pv1::CUSTOMER_CLASS_C);
  desk.Merge(survivor, merged);

  const sv1::Quotation quotation = desk.Create(Offer(merged, {{kMonitor, 120}}));
  CHECK(quotation.customer() == survivor);
  // Priced as the survivor, an A-class retailer, as PriceItems prices it.
  CheckPricedAs(quotation, desk.Price(merged, {{kMonitor, 120}}));
  CHECK(Text(quotation.net_total()) == "EUR 21600.00");
  const sv1::SalesOrder order = desk.Create(Order(merged, {{kKeyboard, 1}}));
  CHECK(order.customer() == survivor);

  CHECK(desk.QuotationNames(absl::StrCat("customer = \"", survivor, "\"")) ==
        Strings{quotation.name()});
  CHECK(desk.QuotationNames(absl::StrCat("customer = \"", merged, "\"")).empty());
  CHECK(desk.OrderNames(absl::StrCat("customer = \"", survivor, "\"")) == Strings{order.name()});
}
