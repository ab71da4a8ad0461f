// Release orders (ContractService.CreateReleaseOrder) over a real gRPC
// channel and a real SQLite file, with a real partners service beside it:
// priced as PriceItems prices them for the contract's customer and counted
// against the contract (or refused: EXCEEDS_CONTRACT, NOT_IN_CONTRACT,
// NOT_ACTIVE, OUTSIDE_VALIDITY), given back by CancelSalesOrder; the
// change feed.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "services/sales/tests/contract_fixture.h"

using namespace crm::sales::testing::contract_testing;  // NOLINT

TEST_CASE("contracts: a release order is priced for the customer and counted",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  const std::string berta = office.AddCustomer("Berta Retail KG", pv1::CUSTOMER_CLASS_B);
  const std::string discount = office.AddVolumeDiscount();
  sv1::Contract deal = Deal(alvis, 100000, {{kMonitor, 300}, {kKeyboard, 0}});
  deal.set_sales_rep(office.AddRep());
  const sv1::Contract contract = office.Create(deal);
  const int64_t head = office.HeadSequence();

  const std::vector<Item> items = {{kMonitor, 120}, {kKeyboard, 3}};
  sv1::CreateReleaseOrderRequest request = ReleaseRequest(contract.name(), items, "release-1");
  *request.mutable_requested_delivery_date() = InDays(14);
  const sv1::SalesOrder order = Must(office.api(), &CS::CreateReleaseOrder, request);
  // As PriceItems prices it for the A-class retailer: 10 % off the monitors.
  const sv1::PriceItemsResponse expected = office.Price(alvis, items);
  REQUIRE(order.items_size() == 2);
  CHECK(Same(order.items(0).pricing(), expected.items(0)));
  CHECK(Same(order.items(1).pricing(), expected.items(1)));
  CHECK(Same(order.net_total(), expected.net_total()));
  CHECK(Same(order.gross_total(), expected.gross_total()));
  CHECK(Sources(order.items(0).pricing()) == Strings{discount});
  CHECK(Text(order.items(0).pricing().net_amount()) == "EUR 21600.00");
  CHECK(Text(order.net_total()) == "EUR 21749.97");
  CHECK(Text(order.gross_total()) == "EUR 25864.47");
  CHECK(absl::StartsWith(order.name(), "salesOrders/"));
  CHECK(order.contract() == contract.name());
  CHECK(order.customer() == alvis);
  CHECK(order.sales_rep() == contract.sales_rep());
  CHECK(order.currency_code() == "EUR");
  CHECK(order.state() == sv1::SALES_ORDER_STATE_OPEN);
  CHECK(Iso(order.pricing_date()) == Iso(InDays(0)));
  CHECK(Iso(order.requested_delivery_date()) == Iso(InDays(14)));
  CHECK(order.quotation().empty());
  sv1::GetSalesOrderRequest get;
  get.set_name(order.name());
  CHECK(Same(Must(office.documents(), &DS::GetSalesOrder, get), order));
  // The same as a plain sales order for the customer, which names no contract.
  sv1::CreateSalesOrderRequest plain_request;
  plain_request.mutable_sales_order()->set_customer(alvis);
  Fill(plain_request.mutable_sales_order()->mutable_items(), items);
  const sv1::SalesOrder plain = Must(office.documents(), &DS::CreateSalesOrder, plain_request);
  CHECK((Same(plain.gross_total(), order.gross_total()) && plain.contract().empty()));

  // Counted against the contract.
  const sv1::Contract counted = office.Get(contract.name());
  CHECK(Released(counted) == Quantities{120, 3});
  CHECK(Same(counted.released_value(), order.net_total()));
  CHECK(counted.state() == sv1::CONTRACT_STATE_ACTIVE);
  CHECK(counted.etag() != contract.etag());
  CHECK(Same(counted.update_time(), order.create_time()));

  // On the feed: the order created and the contract updated, with the id.
  CHECK(office.Changes(head) ==
        Strings{
            absl::StrCat("CHANGE_KIND_CREATED ", order.name(), " CreateReleaseOrder release-1"),
            absl::StrCat("CHANGE_KIND_UPDATED ", contract.name(), " CreateReleaseOrder release-1"),
            absl::StrCat("CHANGE_KIND_CREATED ", plain.name(), " CreateSalesOrder ")});
  CHECK(Same(office.InFeed<sv1::SalesOrder>(head, order.name()), order));
  CHECK(Same(office.InFeed<sv1::Contract>(head, contract.name()), counted));

  // A second release adds up; the B-class customer's contract has no discount.
  const sv1::SalesOrder second = office.Release(contract.name(), {{kMonitor, 30}, {kMonitor, 20}});
  CHECK(Released(office.Get(contract.name())) == Quantities{170, 3});
  const sv1::Contract for_berta = office.Create(Deal(berta, 100000));
  const sv1::SalesOrder berta_order = office.Release(for_berta.name(), {{kMonitor, 120}});
  CHECK(Sources(berta_order.items(0).pricing()).empty());
  CHECK(Text(berta_order.net_total()) == "EUR 24000.00");
  CHECK(berta_order.customer() == berta);

  // ListSalesOrders by contract.
  CHECK(office.OrderNames(Quoted("contract", contract.name())) ==
        Strings{second.name(), order.name()});
  CHECK(office.OrderNames(Quoted("contract", for_berta.name())) == Strings{berta_order.name()});
  CHECK(office.OrderNames(Quoted("contract", "")) == Strings{plain.name()});
}

TEST_CASE("contracts: a release beyond a target is refused and writes nothing",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  // 10 monitors, paper without a limit, EUR 3000 at most; 4 monitors released.
  const sv1::Contract contract = office.Create(Deal(alvis, 3000, {{kMonitor, 10}, {kPaper, 0}}));
  office.Release(contract.name(), {{kMonitor, 4}});
  const sv1::Contract before = office.Get(contract.name());
  const Strings orders = office.OrderNames();
  const int64_t head = office.HeadSequence();

  const grpc::Status quantity = office.TryRelease(contract.name(), {{kPaper, 1}, {kMonitor, 7}});
  CHECK(Verdict(quantity) == "FAILED_PRECONDITION EXCEEDS_CONTRACT items[1].quantity");
  CHECK(absl::StrContains(quantity.error_message(), "6 of 10 left"));
  // Summed over the items; the first one naming the product is named.
  CHECK(
      Verdict(office.TryRelease(contract.name(), {{kMonitor, 3}, {kPaper, 1}, {kMonitor, 3.5}})) ==
      "FAILED_PRECONDITION EXCEEDS_CONTRACT items[0].quantity");
  // By value: EUR 2200 is left; 441 paper are EUR 2205.
  CHECK(Verdict(office.TryRelease(contract.name(), {{kPaper, 441}})) ==
        "FAILED_PRECONDITION EXCEEDS_CONTRACT target_value");
  CHECK(Verdict(office.TryRelease(contract.name(), {{kMonitor, 1}, {kKeyboard, 1}})) ==
        "FAILED_PRECONDITION NOT_IN_CONTRACT items[1].product");
  CHECK(Outcome(office.TryRelease(contract.name(), {{"products/nothing-here", 1}})) == "NOT_FOUND");
  CHECK(Same(office.Get(contract.name()), before));
  CHECK(office.OrderNames() == orders);
  CHECK(office.HeadSequence() == head);

  // Exactly what is left: 6 monitors (EUR 1200) and 200 paper (EUR 1000).
  office.Release(contract.name(), {{kMonitor, 6}, {kPaper, 200}});
  const sv1::Contract fulfilled = office.Get(contract.name());
  CHECK(Released(fulfilled) == Quantities{10, 200});
  CHECK(Text(fulfilled.released_value()) == "EUR 3000.00");
  CHECK(fulfilled.state() == sv1::CONTRACT_STATE_FULFILLED);
  const grpc::Status done = office.TryRelease(contract.name(), {{kPaper, 1}});
  CHECK(Verdict(done) == absl::StrCat("FAILED_PRECONDITION NOT_ACTIVE ", contract.name()));
  CHECK(absl::StrContains(done.error_message(), "FULFILLED"));
}

TEST_CASE("contracts: releases against cancelled, future or unknown contracts are refused",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  const sv1::Contract cancelled = office.Create(Deal(alvis, 3000));
  RequireOk(office.TryCancel(cancelled.name(), "Budget cut"));
  sv1::Contract from_tomorrow = Deal(alvis, 3000);
  *from_tomorrow.mutable_valid_from() = InDays(1);
  const sv1::Contract future = office.Create(from_tomorrow);
  sv1::Contract one_day = Deal(alvis, 3000);
  *one_day.mutable_valid_from() = InDays(0);
  *one_day.mutable_valid_to() = InDays(0);
  const sv1::Contract today_only = office.Create(one_day);
  const int64_t head = office.HeadSequence();

  CHECK(Verdict(office.TryRelease(cancelled.name(), {{kMonitor, 1}})) ==
        absl::StrCat("FAILED_PRECONDITION NOT_ACTIVE ", cancelled.name()));
  const grpc::Status not_yet = office.TryRelease(future.name(), {{kMonitor, 1}});
  CHECK(Verdict(not_yet) == absl::StrCat("FAILED_PRECONDITION OUTSIDE_VALIDITY ", future.name()));
  CHECK(absl::StrContains(not_yet.error_message(), Iso(InDays(1))));
  const grpc::Status unknown = office.TryRelease("contracts/nothing-here", {{kMonitor, 1}});
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "contracts/nothing-here");
  CHECK(Outcome(office.TryRelease("", {{kMonitor, 1}})) == "INVALID_ARGUMENT contract");
  CHECK(Outcome(office.TryRelease("quotations/x", {{kMonitor, 1}})) == "INVALID_ARGUMENT contract");
  CHECK(Outcome(office.TryRelease(future.name(), {})) == "INVALID_ARGUMENT items");
  CHECK(Outcome(office.TryRelease(future.name(), {{kMonitor, 0.0001}, {"paper", 1}})) ==
        "INVALID_ARGUMENT items[0].quantity, items[1].product");
  CHECK(Outcome(office.TryRelease(future.name(), {{kMonitor, 1}}, nullptr,
                                  std::string(101, 'r'))) == "INVALID_ARGUMENT request_id");
  sv1::CreateReleaseOrderRequest late = ReleaseRequest(today_only.name(), {{kMonitor, 1}});
  *late.mutable_requested_delivery_date() = InDays(-1);
  CHECK(Outcome(Call(office.api(), &CS::CreateReleaseOrder, late)) ==
        "INVALID_ARGUMENT requested_delivery_date");
  CHECK(office.OrderNames().empty());
  CHECK(office.HeadSequence() == head);
  CHECK(Text(office.Get(cancelled.name()).released_value()) == "EUR 0.00");

  // Valid today only: fine.
  CHECK(office.Release(today_only.name(), {{kMonitor, 1}}).contract() == today_only.name());
}

TEST_CASE("contracts: cancelling a release order gives it back to the contract",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  const sv1::Contract contract = office.Create(Deal(alvis, 0, {{kMonitor, 10}, {kPaper, 10}}));
  const sv1::SalesOrder kept = office.Release(contract.name(), {{kMonitor, 4}, {kPaper, 10}});
  const sv1::SalesOrder order = office.Release(contract.name(), {{kMonitor, 6}});
  const sv1::Contract fulfilled = office.Get(contract.name());
  REQUIRE(fulfilled.state() == sv1::CONTRACT_STATE_FULFILLED);
  REQUIRE(Text(fulfilled.released_value()) == "EUR 2050.00");
  const int64_t head = office.HeadSequence();

  RequireOk(office.TryCancelOrder(order.name(), "Ordered twice"));
  const sv1::Contract active = office.Get(contract.name());
  CHECK(active.state() == sv1::CONTRACT_STATE_ACTIVE);
  CHECK(Released(active) == Quantities{4, 10});
  CHECK(Text(active.released_value()) == "EUR 850.00");
  CHECK(active.etag() != fulfilled.etag());
  CHECK(office.Changes(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", order.name(), " CancelSalesOrder "),
                absl::StrCat("CHANGE_KIND_UPDATED ", contract.name(), " CancelSalesOrder ")});
  CHECK(Same(office.InFeed<sv1::Contract>(head, contract.name()), active));

  // The 6 monitors can be released again; a refused cancel gives nothing back.
  const sv1::SalesOrder again = office.Release(contract.name(), {{kMonitor, 6}});
  CHECK(office.Get(contract.name()).state() == sv1::CONTRACT_STATE_FULFILLED);
  CHECK(Outcome(office.TryCancelOrder(order.name(), "Again")) == "FAILED_PRECONDITION");
  CHECK(Released(office.Get(contract.name())) == Quantities{10, 10});

  // A completed release order stays counted; one of a cancelled contract is
  // given back, and the contract stays cancelled.
  sv1::CompleteSalesOrderRequest complete;
  complete.set_name(kept.name());
  Must(office.documents(), &DS::CompleteSalesOrder, complete);
  CHECK(Released(office.Get(contract.name())) == Quantities{10, 10});
  RequireOk(office.TryCancel(contract.name(), "Budget cut"));
  RequireOk(office.TryCancelOrder(again.name(), "Not needed"));
  const sv1::Contract after = office.Get(contract.name());
  CHECK(after.state() == sv1::CONTRACT_STATE_CANCELLED);
  CHECK(Released(after) == Quantities{4, 10});
  CHECK(Text(after.released_value()) == "EUR 850.00");
}

// An item listed after releases of its product counts from then on.
TEST_CASE("contracts: a release from before an item was listed never drives it below zero",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  // A value contract (any product): 10 monitors released; then it lists
  // monitors with a target of 50, and the release is cancelled.
  const sv1::Contract contract = office.Create(Deal(alvis, 100000));
  const sv1::SalesOrder order = office.Release(contract.name(), {{kMonitor, 10}});
  sv1::Contract listed = office.Get(contract.name());
  listed.add_items()->set_product(kMonitor);
  listed.mutable_items(0)->set_target_quantity(50);
  CHECK(Released(office.Update(listed, {"items"})) == Quantities{0});
  RequireOk(office.TryCancelOrder(order.name(), "Ordered twice"));

  // Nothing is released any more: not below 0, and 50 monitors at most.
  const sv1::Contract after = office.Get(contract.name());
  CHECK(Text(after.released_value()) == "EUR 0.00");
  CHECK(Released(after) == Quantities{0});
  CHECK(Verdict(office.TryRelease(contract.name(), {{kMonitor, 51}})) ==
        "FAILED_PRECONDITION EXCEEDS_CONTRACT items[0].quantity");
}
