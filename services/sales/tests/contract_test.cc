// Contracts (ContractService) over a real gRPC channel and a real SQLite
// file, with a real partners service beside it: create (customer checked
// with partners, products with the catalogue, each bad field named, nothing
// written when refused or partners is down), get, list, update, cancel;
// request_id retries and the change feed.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "services/sales/tests/contract_fixture.h"

using namespace crm::sales::testing::contract_testing;  // NOLINT

TEST_CASE("contracts: CreateContract stores an active contract with nothing released",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  const int64_t head = office.HeadSequence();

  const std::string rep = office.AddRep();
  sv1::Contract sent = Deal(alvis, 50000, {{kMonitor, 200}, {kKeyboard, 0}});
  sent.set_sales_rep(rep);
  // Output-only fields sent are ignored.
  sent.set_name("contracts/mine");
  sent.set_state(sv1::CONTRACT_STATE_FULFILLED);
  *sent.mutable_released_value() = Eur(999);
  sent.mutable_items(0)->set_released_quantity(150);
  sent.set_cancel_reason("never");
  sent.set_etag("\"7\"");
  sent.mutable_create_time()->set_seconds(1);
  sv1::Contract contract;
  RequireOk(office.TryCreate(sent, &contract, "contract-1"));
  CHECK(absl::StartsWith(contract.name(), "contracts/"));
  CHECK(contract.name() != "contracts/mine");
  CHECK(contract.customer() == alvis);
  CHECK(contract.sales_rep() == rep);
  CHECK(Iso(contract.valid_to()) == Iso(InDays(30)));
  CHECK(Text(contract.target_value()) == "EUR 50000.00");
  CHECK(Text(contract.released_value()) == "EUR 0.00");
  CHECK(contract.state() == sv1::CONTRACT_STATE_ACTIVE);
  CHECK(contract.cancel_reason().empty());
  REQUIRE(contract.items_size() == 2);
  CHECK(contract.items(0).target_quantity() == 200);
  CHECK(Released(contract) == Quantities{0, 0});
  CHECK(contract.create_time().seconds() > 1);
  CHECK(Same(contract.create_time(), contract.update_time()));
  CHECK((!contract.etag().empty() && contract.etag() != "\"7\""));
  CHECK(Same(office.Get(contract.name()), contract));

  // A retry with the same id: the same contract, one feed entry.
  sv1::Contract again;
  RequireOk(office.TryCreate(sent, &again, "contract-1"));
  CHECK(Same(again, contract));
  CHECK(office.Names() == Strings{contract.name()});
  CHECK(Outcome(office.TryCreate(Deal(alvis, 1), nullptr, "contract-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(office.Changes(head) == Strings{absl::StrCat("CHANGE_KIND_CREATED ", contract.name(),
                                                     " CreateContract contract-1")});
  CHECK(Same(office.InFeed<sv1::Contract>(head, contract.name()), contract));
}

TEST_CASE("contracts: a refused create names the problem and writes nothing", "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  const int64_t head = office.HeadSequence();

  using Spoil = std::function<void(sv1::Contract*)>;
  const std::vector<std::tuple<std::string, Spoil, std::string>> cases = {
      {"display name of spaces", [](auto* c) { c->set_display_name("   "); }, "display_name"},
      {"customer not a name", [](auto* c) { c->set_customer("alvis"); }, "customer"},
      {"rep not a name", [](auto* c) { c->set_sales_rep("reppe"); }, "sales_rep"},
      {"lower-case currency", [](auto* c) { c->set_currency_code("eur"); }, "currency_code"},
      {"no valid_from", [](auto* c) { c->clear_valid_from(); }, "valid_from"},
      {"valid_to impossible",
       [](auto* c) { *c->mutable_valid_to() = MakeDate(InDays(0).year() + 1, 2, 30); }, "valid_to"},
      {"valid_to before valid_from", [](auto* c) { *c->mutable_valid_from() = InDays(31); },
       "valid_to"},
      {"valid_to yesterday", [](auto* c) { *c->mutable_valid_to() = InDays(-1); }, "valid_to"},
      {"no target at all",
       [](auto* c) {
         c->clear_target_value();
         c->mutable_items(0)->set_target_quantity(0);
       },
       "target_value"},
      {"target value in USD", [](auto* c) { c->mutable_target_value()->set_currency_code("USD"); },
       "target_value.currency_code"},
      {"product not a name", [](auto* c) { c->mutable_items(1)->set_product("paper"); },
       "items[1].product"},
      {"a product twice", [](auto* c) { c->mutable_items(1)->set_product(kMonitor); },
       "items[1].product"},
      {"target quantity of 4 decimals",
       [](auto* c) { c->mutable_items(0)->set_target_quantity(1.0005); },
       "items[0].target_quantity"},
      {"201 items",
       [](auto* c) {
         while (c->items_size() <= 200) *c->add_items() = c->items(0);
       },
       "items"},
  };
  for (const auto& [what, spoil, field] : cases) {
    INFO(what);
    sv1::Contract contract = Deal(alvis, 5000, {{kMonitor, 10}, {kPaper, 0}});
    spoil(&contract);
    CHECK(Outcome(office.TryCreate(contract, nullptr, "bad")) ==
          absl::StrCat("INVALID_ARGUMENT contract.", field));
  }
  sv1::Contract worst = Deal(alvis, 5000, {{kMonitor, 10}, {kPaper, 0}});
  worst.clear_display_name();
  worst.clear_valid_to();
  worst.mutable_items(1)->set_product("paper");
  CHECK(Outcome(office.TryCreate(worst)) ==
        "INVALID_ARGUMENT contract.display_name, contract.valid_to, contract.items[1].product");
  CHECK(Outcome(Call(office.api(), &CS::CreateContract, sv1::CreateContractRequest())) ==
        "INVALID_ARGUMENT contract");
  CHECK(Outcome(office.TryCreate(Deal(alvis, 5000), nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");

  // What only partners or the catalogue know.
  const grpc::Status nobody = office.TryCreate(Deal("partners/nobody", 5000), nullptr, "retry");
  CHECK(Outcome(nobody) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(nobody).resource_name() == "partners/nobody");
  sv1::Contract customer_as_rep = Deal(alvis, 5000);
  customer_as_rep.set_sales_rep(alvis);
  CHECK(Verdict(office.TryCreate(customer_as_rep)) ==
        "FAILED_PRECONDITION NOT_EMPLOYEE contract.sales_rep");
  const grpc::Status unknown_product =
      office.TryCreate(Deal(alvis, 5000, {{kMonitor, 1}, {"products/nothing-here", 1}}));
  CHECK(Outcome(unknown_product) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_product).resource_name() ==
        "products/nothing-here");

  CHECK(office.Names().empty());
  CHECK(office.HeadSequence() == head);
  // Ids of refused requests are not used up.
  CHECK(Outcome(office.TryCreate(Deal(alvis, 5000), nullptr, "retry")) == "OK");
}

TEST_CASE("contracts: with partners down creates and releases are UNAVAILABLE, retries are not",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  sv1::Contract contract, same;
  RequireOk(office.TryCreate(Deal(alvis, 0, {{kMonitor, 10}}), &contract, "c-1"));
  sv1::SalesOrder first, again;
  RequireOk(office.TryRelease(contract.name(), {{kMonitor, 6}}, &first, "rel-1"));
  const sv1::Contract counted = office.Get(contract.name());
  CHECK(Released(counted) == Quantities{6});
  const int64_t head = office.HeadSequence();
  // A retry: 6 more would not fit, the same order comes back, counted once.
  RequireOk(office.TryRelease(contract.name(), {{kMonitor, 6}}, &again, "rel-1"));
  CHECK(Same(again, first));
  CHECK(Outcome(office.TryRelease(contract.name(), {{kMonitor, 1}}, nullptr, "rel-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(Verdict(office.TryRelease(contract.name(), {{kMonitor, 6}}, nullptr, "rel-2")) ==
        "FAILED_PRECONDITION EXCEEDS_CONTRACT items[0].quantity");

  office.StopPartners();
  constexpr int kDeadlineSeconds = 2;
  for (const std::string& request_id : {std::string(), std::string("down-1")}) {
    INFO("request_id \"" << request_id << "\"");
    const grpc::Status create =
        office.TryCreate(Deal(alvis, 1000), nullptr, request_id, kDeadlineSeconds);
    CHECK(Outcome(create) == "UNAVAILABLE");
    CHECK(absl::StrContains(create.error_message(), "partners"));
    CHECK(Outcome(office.TryRelease(contract.name(), {{kMonitor, 1}}, nullptr, request_id,
                                    kDeadlineSeconds)) == "UNAVAILABLE");
  }
  // Bad input, unknown contracts and retries are answered without partners.
  CHECK(Outcome(office.TryCreate(Deal(alvis, 0), nullptr, "", kDeadlineSeconds)) ==
        "INVALID_ARGUMENT contract.target_value");
  CHECK(Outcome(office.TryRelease("contracts/nothing-here", {{kMonitor, 1}}, nullptr, "",
                                  kDeadlineSeconds)) == "NOT_FOUND");
  RequireOk(office.TryRelease(contract.name(), {{kMonitor, 6}}, &again, "rel-1"));
  CHECK(Same(again, first));
  RequireOk(office.TryCreate(Deal(alvis, 0, {{kMonitor, 10}}), &same, "c-1"));
  CHECK(Same(same, contract));
  CHECK(office.Names() == Strings{contract.name()});
  CHECK(office.OrderNames() == Strings{first.name()});
  CHECK(Same(office.Get(contract.name()), counted));
  CHECK(office.HeadSequence() == head);
}

TEST_CASE("contracts: GetContract and ListContracts, newest first, filtered and paged",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  const std::string berta = office.AddCustomer("Berta Retail KG", pv1::CUSTOMER_CLASS_B);
  const std::string c1 = office.Create(Deal(alvis, 1000)).name();
  const std::string c2 = office.Create(Deal(berta, 1000)).name();
  sv1::Contract later = Deal(alvis, 0, {{kPaper, 10}});
  *later.mutable_valid_from() = InDays(5);
  *later.mutable_valid_to() = InDays(60);
  const std::string c3 = office.Create(later).name();
  const std::string c4 = office.Create(Deal(alvis, 0, {{kPaper, 10}})).name();
  const std::string c5 = office.Create(Deal(berta, 1000)).name();
  RequireOk(office.TryCancel(c2, "Budget cut"));
  office.Release(c4, {{kPaper, 10}});  // fulfilled

  const Strings all = {c5, c4, c3, c2, c1};
  CHECK(office.Names() == all);
  const std::string of_alvis = Quoted("customer", alvis);
  CHECK(office.Names(of_alvis) == Strings{c4, c3, c1});
  CHECK(office.Names("state = ACTIVE") == Strings{c5, c3, c1});
  CHECK(office.Names("state = CANCELLED") == Strings{c2});
  CHECK(office.Names("state = FULFILLED") == Strings{c4});
  CHECK(office.Names("state != ACTIVE") == Strings{c4, c2});
  CHECK(office.Names(absl::StrCat(of_alvis, " AND state = ACTIVE")) == Strings{c3, c1});
  CHECK(office.Names(absl::StrCat("valid_from > \"", Iso(InDays(0)), "\"")) == Strings{c3});
  CHECK(office.Names(absl::StrCat("valid_to >= \"", Iso(InDays(60)), "\"")) == Strings{c3});
  int pages = 0;
  CHECK(office.Names("", 2, &pages) == all);
  CHECK(pages == 3);
  CHECK(office.Names(of_alvis, 1, &pages) == Strings{c4, c3, c1});
  CHECK(pages == 3);

  sv1::ListContractsRequest request;
  for (const std::string filter : {"colour = \"red\"", "state = OPEN", "valid_to = tomorrow"}) {
    INFO(filter);
    request.set_filter(filter);
    CHECK(Outcome(Call(office.api(), &CS::ListContracts, request)) == "INVALID_ARGUMENT filter");
  }
  request.set_filter("");
  request.set_page_size(2);
  const sv1::ListContractsResponse page = Must(office.api(), &CS::ListContracts, request);
  REQUIRE(page.contracts_size() == 2);
  CHECK(Same(page.contracts(0), office.Get(c5)));
  request.set_page_token(page.next_page_token());
  request.set_filter("state = ACTIVE");
  CHECK(Outcome(Call(office.api(), &CS::ListContracts, request)) == "INVALID_ARGUMENT page_token");

  const grpc::Status unknown = office.TryGet("contracts/nothing-here");
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "contracts/nothing-here");
  for (const std::string name : {"", "contracts/", "salesOrders/x", "contracts/a b"}) {
    INFO("name \"" << name << "\"");
    CHECK(Outcome(office.TryGet(name)) == "INVALID_ARGUMENT name");
  }
}

TEST_CASE("contracts: UpdateContract changes the name, the validity and the targets",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  const sv1::Contract contract = office.Create(Deal(alvis, 0, {{kMonitor, 10}, {kPaper, 5}}));
  const int64_t head = office.HeadSequence();

  sv1::Contract changes = contract;
  changes.set_display_name("Monitors 2027");
  *changes.mutable_valid_to() = InDays(90);
  changes.set_customer("partners/someone-else");  // not in the mask: ignored
  const sv1::Contract renamed = office.Update(changes, {"display_name", "valid_to"});
  CHECK(renamed.display_name() == "Monitors 2027");
  CHECK(Iso(renamed.valid_to()) == Iso(InDays(90)));
  CHECK(renamed.customer() == alvis);
  CHECK(renamed.etag() != contract.etag());
  CHECK(Same(renamed.create_time(), contract.create_time()));
  CHECK(Same(office.Get(contract.name()), renamed));
  CHECK(office.Changes(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", contract.name(), " UpdateContract ")});

  // Released to the target: FULFILLED; a raised target makes it ACTIVE again.
  office.Release(contract.name(), {{kMonitor, 10}, {kPaper, 5}});
  const sv1::Contract fulfilled = office.Get(contract.name());
  REQUIRE(fulfilled.state() == sv1::CONTRACT_STATE_FULFILLED);
  sv1::Contract raise = fulfilled;
  raise.mutable_items(0)->set_target_quantity(15);
  raise.mutable_items(0)->set_released_quantity(0);  // output only: ignored
  const sv1::Contract raised = office.Update(raise, {"items"});
  CHECK(raised.state() == sv1::CONTRACT_STATE_ACTIVE);
  CHECK(Released(raised) == Quantities{10, 5});
  CHECK(raised.items(0).target_quantity() == 15);
  // A target value added with "*"; the released value stays.
  sv1::Contract with_value = raised;
  *with_value.mutable_target_value() = Eur(5000);
  const sv1::Contract valued = office.Update(with_value, {"*"});
  CHECK(Text(valued.target_value()) == "EUR 5000.00");
  CHECK(Text(valued.released_value()) == "EUR 2025.00");
  CHECK(valued.state() == sv1::CONTRACT_STATE_ACTIVE);

  // Targets below what is released, or an item with releases removed.
  sv1::Contract below = valued;
  below.mutable_items(0)->set_target_quantity(9);
  CHECK(Verdict(office.TryUpdate(below, {"items"})) ==
        "FAILED_PRECONDITION BELOW_RELEASED contract.items[0].target_quantity");
  sv1::Contract value_below = valued;
  *value_below.mutable_target_value() = Eur(2024);
  CHECK(Verdict(office.TryUpdate(value_below, {"target_value"})) ==
        "FAILED_PRECONDITION BELOW_RELEASED contract.target_value");
  sv1::Contract removed = valued;
  removed.mutable_items()->DeleteSubrange(1, 1);
  CHECK(Verdict(office.TryUpdate(removed, {"items"})) ==
        "FAILED_PRECONDITION RELEASED contract.items");

  // What cannot change, bad values, stale etags, unknown names.
  for (const std::string path : {"customer", "currency_code", "valid_from", "sales_rep", "state",
                                 "released_value", "items.released_quantity", "name", "colour"}) {
    INFO(path);
    CHECK(Outcome(office.TryUpdate(valued, {path})) == "INVALID_ARGUMENT update_mask");
  }
  CHECK(Outcome(office.TryUpdate(valued, {})) == "INVALID_ARGUMENT update_mask");
  sv1::Contract past = valued;
  *past.mutable_valid_to() = InDays(-1);
  CHECK(Outcome(office.TryUpdate(past, {"valid_to"})) == "INVALID_ARGUMENT contract.valid_to");
  sv1::Contract unknown_product = valued;
  unknown_product.add_items()->set_product("products/nothing-here");
  CHECK(Outcome(office.TryUpdate(unknown_product, {"items"})) == "NOT_FOUND");
  sv1::Contract stale = valued;
  stale.set_etag(contract.etag());
  CHECK(Outcome(office.TryUpdate(stale, {"display_name"})) == "ABORTED");
  sv1::Contract nowhere = valued;
  nowhere.set_name("contracts/nothing-here");
  CHECK(Outcome(office.TryUpdate(nowhere, {"display_name"})) == "NOT_FOUND");
  CHECK(Same(office.Get(contract.name()), valued));

  // A cancelled contract does not change.
  RequireOk(office.TryCancel(contract.name(), "Budget cut"));
  sv1::Contract late = valued;
  late.clear_etag();
  CHECK(Verdict(office.TryUpdate(late, {"display_name"})) ==
        absl::StrCat("FAILED_PRECONDITION CANCELLED ", contract.name()));
}

TEST_CASE("contracts: CancelContract records the reason once", "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  const sv1::Contract contract = office.Create(Deal(alvis, 1000));
  const int64_t head = office.HeadSequence();

  CHECK(Outcome(office.TryCancel(contract.name(), "")) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(office.TryCancel(contract.name(), "  ")) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(office.TryCancel(contract.name(), std::string(1001, 'x'))) ==
        "INVALID_ARGUMENT reason");
  CHECK(Outcome(office.TryCancel("salesOrders/x", "")) == "INVALID_ARGUMENT name, reason");
  CHECK(Outcome(office.TryCancel("contracts/nothing-here", "Budget cut")) == "NOT_FOUND");
  CHECK(Outcome(office.TryCancel(contract.name(), "Budget cut", "\"9\"")) == "ABORTED");
  CHECK(Same(office.Get(contract.name()), contract));
  CHECK(office.HeadSequence() == head);

  sv1::Contract cancelled;
  RequireOk(office.TryCancel(contract.name(), "Budget cut", contract.etag(), &cancelled));
  CHECK(cancelled.state() == sv1::CONTRACT_STATE_CANCELLED);
  CHECK(cancelled.cancel_reason() == "Budget cut");
  CHECK(cancelled.etag() != contract.etag());
  CHECK(Same(office.Get(contract.name()), cancelled));
  CHECK(Verdict(office.TryCancel(contract.name(), "Again")) ==
        absl::StrCat("FAILED_PRECONDITION CANCELLED ", contract.name()));
  CHECK(office.Get(contract.name()).cancel_reason() == "Budget cut");
  CHECK(office.Changes(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", contract.name(), " CancelContract ")});
}
