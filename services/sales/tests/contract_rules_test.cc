// The rules of contracts and release orders without storage or partners:
// ValidateContract (display name, customer, sales rep, ISO currency,
// validity dates, a target value or a target quantity, 0 to 200 items each
// naming a product once with a target quantity of at most 3 decimals), each
// bad field with its exact path; ClearContractOutputOnly; CheckRelease
// (NOT_IN_CONTRACT, EXCEEDS_CONTRACT by quantity summed per product or by
// value, an exact fit allowed); CountRelease and IsFulfilled (FULFILLED
// when the target value is reached or every listed product is at its target
// quantity, ACTIVE again when given back, CANCELLED stays);
// CarryOverReleases (released quantities carried by product, BELOW_RELEASED,
// RELEASED, the state).
#include "services/sales/contract_rules.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/money/money.h"
#include "common/testing/status_checks.h"
#include "crm/sales/v1/contract.pb.h"
#include "crm/sales/v1/sales_document.pb.h"

namespace crm::sales {
namespace {

using Fields = std::vector<std::string>;
using crm::testing::Outcome;
using crm::testing::Precondition;
using type::v1::Money;

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

constexpr char kMonitor[] = "products/monitor-24";
constexpr char kKeyboard[] = "products/keyboard";
constexpr char kPaper[] = "products/paper";
constexpr char kToner[] = "products/toner";

// The day the rules are checked on.
const google::type::Date kToday = Day(2026, 6, 15);

Money Cash(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}
Money Eur(int64_t units, int32_t nanos = 0) { return Cash("EUR", units, nanos); }

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

std::string DescriptionOf(const Violations& violations, const std::string& field) {
  for (const FieldViolation& v : violations.list()) {
    if (v.field == field) return v.description;
  }
  return "";
}

v1::ContractItem* AddItem(v1::Contract* contract, const std::string& product,
                          double target_quantity, double released_quantity = 0) {
  v1::ContractItem* item = contract->add_items();
  item->set_product(product);
  item->set_target_quantity(target_quantity);
  item->set_released_quantity(released_quantity);
  return item;
}

// A valid contract that uses every field a client may set.
v1::Contract Framework() {
  v1::Contract contract;
  contract.set_display_name("Framework 2026 monitors");
  contract.set_customer("partners/alvis");
  contract.set_sales_rep("partners/reppe");
  contract.set_currency_code("EUR");
  *contract.mutable_valid_from() = Day(2026, 1, 1);
  *contract.mutable_valid_to() = Day(2026, 12, 31);
  *contract.mutable_target_value() = Eur(50000);
  AddItem(&contract, kMonitor, 200);
  AddItem(&contract, kKeyboard, 0);
  return contract;
}

Violations Check(const v1::Contract& contract, bool new_valid_to = true,
                 const google::type::Date& today = kToday) {
  Violations out;
  ValidateContract(contract, "contract", today, new_valid_to, &out);
  return out;
}
Fields ContractFields(const v1::Contract& contract, bool new_valid_to = true) {
  return FieldsOf(Check(contract, new_valid_to));
}

// A stored contract with releases: monitors 30 of 100, keyboards without
// a limit (5 released), paper 0 of 10; EUR 2000 of EUR 10000.
v1::Contract Stored() {
  v1::Contract contract = Framework();
  contract.set_name("contracts/c1");
  contract.clear_items();
  AddItem(&contract, kMonitor, 100, 30);
  AddItem(&contract, kKeyboard, 0, 5);
  AddItem(&contract, kPaper, 10, 0);
  *contract.mutable_target_value() = Eur(10000);
  *contract.mutable_released_value() = Eur(2000);
  contract.set_state(v1::CONTRACT_STATE_ACTIVE);
  return contract;
}

// Only quantity targets: monitors 30 of 100, paper 0 of 10.
v1::Contract ByQuantity() {
  v1::Contract contract = Stored();
  contract.clear_target_value();
  contract.mutable_items()->DeleteSubrange(1, 1);  // the keyboards without a limit
  return contract;
}

struct Line {
  std::string product;
  double quantity;
};

v1::SalesOrder Release(const std::vector<Line>& lines, const Money& net_total) {
  v1::SalesOrder order;
  order.set_currency_code(net_total.currency_code());
  for (const Line& line : lines) {
    v1::DocumentItem* item = order.add_items();
    item->set_product(line.product);
    item->set_quantity(line.quantity);
  }
  *order.mutable_net_total() = net_total;
  return order;
}

// "OK", or "TYPE subject" of the FAILED_PRECONDITION (other codes as Outcome).
std::string Verdict(const absl::Status& status) {
  const grpc::Status grpc_status = ToGrpcStatus(status);
  if (grpc_status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
    return Outcome(grpc_status);
  }
  return Precondition(grpc_status);
}

std::string ReleaseVerdict(const v1::Contract& contract, const std::vector<Line>& lines,
                           const Money& net_total) {
  return Verdict(CheckRelease(contract, Release(lines, net_total), "items"));
}

}  // namespace

// ---------------------------------------------------------------------------
// ValidateContract

TEST_CASE("contract rules: valid contracts pass", "[sales][contract]") {
  CHECK(ContractFields(Framework()).empty());

  // A value contract: no items, only a target value.
  v1::Contract value = Framework();
  value.clear_items();
  CHECK(ContractFields(value).empty());
  // A quantity contract: no target value, one item with a target quantity.
  v1::Contract quantity = Framework();
  quantity.clear_target_value();
  CHECK(ContractFields(quantity).empty());
  // One day long, and that day today; valid_from may be in the future too.
  v1::Contract today = value;
  *today.mutable_valid_from() = kToday;
  *today.mutable_valid_to() = kToday;
  CHECK(ContractFields(today).empty());
  *today.mutable_valid_from() = *today.mutable_valid_to() = Day(2027, 1, 1);
  CHECK(ContractFields(today).empty());
  // Three decimals, the largest quantity, 200 items.
  v1::Contract many = Framework();
  many.clear_items();
  AddItem(&many, kPaper, 0.125);
  AddItem(&many, kToner, 1'000'000'000);
  for (int i = 2; i < kMaxContractItems; ++i) AddItem(&many, absl::StrCat("products/p-", i), 1);
  CHECK(ContractFields(many).empty());

  // Output-only fields are not the rules' business.
  v1::Contract with_output = Framework();
  with_output.set_name("not a name");
  with_output.set_state(static_cast<v1::ContractState>(42));
  with_output.mutable_released_value()->set_currency_code("xx");
  with_output.mutable_items(0)->set_released_quantity(-1.23456);
  with_output.set_cancel_reason(std::string(5000, 'x'));
  CHECK(ContractFields(with_output).empty());
}

TEST_CASE("contract rules: required fields are named, each with its path", "[sales][contract]") {
  const Violations empty = Check(v1::Contract());
  CHECK(FieldsOf(empty) == Fields{"contract.display_name", "contract.customer",
                                  "contract.currency_code", "contract.valid_from",
                                  "contract.valid_to", "contract.target_value"});
  for (const std::string field :
       {"contract.display_name", "contract.customer", "contract.currency_code",
        "contract.valid_from", "contract.valid_to"}) {
    INFO(field);
    CHECK(DescriptionOf(empty, field) == "is required");
  }
  CHECK(DescriptionOf(empty, "contract.target_value") ==
        "is required unless an item has a target_quantity");
}

TEST_CASE("contract rules: display name, customer, sales rep and currency", "[sales][contract]") {
  for (const std::string& name : {std::string("   "), std::string(201, 'n'),
                                  std::string("Paper\n2026"), std::string("\xff\xfe")}) {
    INFO("display_name \"" << name << "\"");
    v1::Contract contract = Framework();
    contract.set_display_name(name);
    CHECK(ContractFields(contract) == Fields{"contract.display_name"});
  }
  v1::Contract spaces = Framework();
  spaces.set_display_name("  ");
  CHECK(absl::StrContains(DescriptionOf(Check(spaces), "contract.display_name"), "only spaces"));
  v1::Contract longest = Framework();
  longest.set_display_name(std::string(200, 'n'));
  CHECK(ContractFields(longest).empty());

  for (const std::string customer :
       {"alvis", "partners/", "products/alvis", "partners/al vis", "partners/a/b"}) {
    INFO("customer \"" << customer << "\"");
    v1::Contract contract = Framework();
    contract.set_customer(customer);
    CHECK(ContractFields(contract) == Fields{"contract.customer"});
    // The sales rep, optional, is a partner's name too.
    contract.set_customer("partners/alvis");
    contract.set_sales_rep(customer);
    CHECK(ContractFields(contract) == Fields{"contract.sales_rep"});
  }
  v1::Contract no_rep = Framework();
  no_rep.clear_sales_rep();
  CHECK(ContractFields(no_rep).empty());

  for (const std::string currency : {"eur", "EURO", "E1R", "€"}) {
    INFO("currency \"" << currency << "\"");
    v1::Contract contract = Framework();
    contract.set_currency_code(currency);
    // The target value is not compared with a currency that is no code.
    CHECK(ContractFields(contract) == Fields{"contract.currency_code"});
  }
}

TEST_CASE("contract rules: validity dates", "[sales][contract]") {
  for (const google::type::Date& bad :
       {Day(2026, 2, 30), Day(2026, 13, 1), Day(2026, 6, 0), Day(0, 6, 15), Day(2026, 0, 0)}) {
    INFO("date " << bad.year() << "-" << bad.month() << "-" << bad.day());
    v1::Contract from = Framework();
    *from.mutable_valid_from() = bad;
    CHECK(ContractFields(from) == Fields{"contract.valid_from"});
    v1::Contract to = Framework();
    *to.mutable_valid_to() = bad;
    CHECK(ContractFields(to) == Fields{"contract.valid_to"});
    CHECK(DescriptionOf(Check(to), "contract.valid_to") == "must be a full, valid date");
  }

  // valid_to before valid_from, whether or not valid_to is new.
  v1::Contract backwards = Framework();
  *backwards.mutable_valid_from() = Day(2026, 9, 1);
  *backwards.mutable_valid_to() = Day(2026, 8, 31);
  CHECK(ContractFields(backwards) == Fields{"contract.valid_to"});
  CHECK(ContractFields(backwards, false) == Fields{"contract.valid_to"});
  CHECK(absl::StrContains(DescriptionOf(Check(backwards), "contract.valid_to"), "2026-09-01"));

  // valid_to in the past: only when it is new (a create, or an update that
  // changes it); yesterday is past, today is not.
  v1::Contract past = Framework();
  *past.mutable_valid_to() = Day(2026, 6, 14);
  const Violations refused = Check(past);
  CHECK(FieldsOf(refused) == Fields{"contract.valid_to"});
  CHECK(absl::StrContains(DescriptionOf(refused, "contract.valid_to"), "2026-06-15"));
  CHECK(ContractFields(past, false).empty());
  *past.mutable_valid_to() = kToday;
  CHECK(ContractFields(past).empty());
  // A bad valid_from does not hide a past valid_to.
  v1::Contract both = Framework();
  *both.mutable_valid_from() = Day(2026, 2, 30);
  *both.mutable_valid_to() = Day(2026, 1, 31);
  CHECK(ContractFields(both) == Fields{"contract.valid_from", "contract.valid_to"});
}

TEST_CASE("contract rules: the target value is in the currency and above 0", "[sales][contract]") {
  const std::vector<std::pair<Money, std::string>> cases = {
      {Eur(0), "contract.target_value"},
      {Eur(-5), "contract.target_value"},
      {Eur(0, -1), "contract.target_value"},
      {Cash("USD", 100), "contract.target_value.currency_code"},
      {Cash("eur", 100), "contract.target_value.currency_code"},
      {Cash("", 100), "contract.target_value.currency_code"},
      {Eur(1, 1'000'000'000), "contract.target_value.nanos"},
      {Eur(1, -5), "contract.target_value.nanos"},
  };
  for (const auto& [target, field] : cases) {
    INFO(target.ShortDebugString());
    v1::Contract contract = Framework();
    *contract.mutable_target_value() = target;
    CHECK(ContractFields(contract) == Fields{field});
    // Without a target quantity: still only the bad value, not "required" too.
    contract.clear_items();
    CHECK(ContractFields(contract) == Fields{field});
  }
  v1::Contract zero = Framework();
  *zero.mutable_target_value() = Eur(0);
  CHECK(absl::StrContains(DescriptionOf(Check(zero), "contract.target_value"), "above 0"));
  v1::Contract cent = Framework();
  *cent.mutable_target_value() = Eur(0, 10'000'000);
  CHECK(ContractFields(cent).empty());
}

TEST_CASE("contract rules: a target value is required unless an item has a target quantity",
          "[sales][contract]") {
  v1::Contract no_target = Framework();
  no_target.clear_target_value();
  no_target.mutable_items(0)->set_target_quantity(0);  // both items without a limit
  const Violations out = Check(no_target);
  CHECK(FieldsOf(out) == Fields{"contract.target_value"});
  CHECK(DescriptionOf(out, "contract.target_value") ==
        "is required unless an item has a target_quantity");
  no_target.clear_items();
  CHECK(ContractFields(no_target) == Fields{"contract.target_value"});

  // One item with a target quantity is enough; the second one here.
  v1::Contract second = no_target;
  AddItem(&second, kMonitor, 0);
  AddItem(&second, kPaper, 0.001);
  CHECK(ContractFields(second).empty());
  // A bad target quantity beside a good one: only the bad one.
  AddItem(&second, kToner, 1.0005);
  CHECK(ContractFields(second) == Fields{"contract.items[2].target_quantity"});
}

TEST_CASE("contract rules: items name a product once, target quantities of 3 decimals",
          "[sales][contract]") {
  for (const std::string& product :
       {std::string("monitor-24"), std::string("catalog/monitor-24"), std::string("products/"),
        std::string("products/monitor 24"), std::string("partners/alvis"),
        absl::StrCat("products/", std::string(65, 'm'))}) {
    INFO("product \"" << product << "\"");
    v1::Contract contract = Framework();
    contract.mutable_items(1)->set_product(product);
    CHECK(ContractFields(contract) == Fields{"contract.items[1].product"});
  }
  v1::Contract missing = Framework();
  missing.mutable_items(1)->clear_product();
  CHECK(DescriptionOf(Check(missing), "contract.items[1].product") == "is required");

  // Listed twice: the second one is named; a third time, the third too.
  v1::Contract twice = Framework();
  AddItem(&twice, kMonitor, 5);
  const Violations dup = Check(twice);
  CHECK(FieldsOf(dup) == Fields{"contract.items[2].product"});
  CHECK(absl::StrContains(DescriptionOf(dup, "contract.items[2].product"), "listed twice"));
  AddItem(&twice, kKeyboard, 0);
  AddItem(&twice, kMonitor, 0);
  CHECK(ContractFields(twice) == Fields{"contract.items[2].product", "contract.items[3].product",
                                        "contract.items[4].product"});

  for (double quantity :
       {1.2345, 0.0001, -1.0, -0.001, 1e9 + 1, 1e13, std::numeric_limits<double>::quiet_NaN(),
        std::numeric_limits<double>::infinity()}) {
    INFO("target_quantity " << quantity);
    v1::Contract contract = Framework();
    contract.mutable_items(0)->set_target_quantity(quantity);
    CHECK(ContractFields(contract) == Fields{"contract.items[0].target_quantity"});
  }
  v1::Contract four = Framework();
  four.mutable_items(1)->set_target_quantity(2.0005);
  CHECK(absl::StrContains(DescriptionOf(Check(four), "contract.items[1].target_quantity"),
                          "3 decimals"));

  // More than 200 items: the list is named, not each item.
  v1::Contract too_many = Framework();
  too_many.clear_items();
  for (int i = 0; i <= kMaxContractItems; ++i) AddItem(&too_many, "products/same", -1);
  const Violations over = Check(too_many);
  CHECK(FieldsOf(over) == Fields{"contract.items"});
  CHECK(absl::StrContains(DescriptionOf(over, "contract.items"), "200"));

  // Several bad fields at once: all of them, in order.
  v1::Contract worst = Framework();
  worst.set_customer("alvis");
  *worst.mutable_target_value() = Cash("USD", 5);
  worst.mutable_items(0)->set_product("monitor");
  worst.mutable_items(1)->set_target_quantity(-2);
  CHECK(ContractFields(worst) == Fields{"contract.customer", "contract.target_value.currency_code",
                                        "contract.items[0].product",
                                        "contract.items[1].target_quantity"});
}

TEST_CASE("contract rules: ClearContractOutputOnly keeps only what a client sets",
          "[sales][contract]") {
  v1::Contract contract = Stored();
  contract.set_cancel_reason("Budget cut");
  contract.set_state(v1::CONTRACT_STATE_CANCELLED);
  contract.mutable_create_time()->set_seconds(100);
  contract.mutable_update_time()->set_seconds(200);
  contract.set_etag("\"3\"");
  ClearContractOutputOnly(&contract);

  v1::Contract expected = Stored();
  expected.clear_name();
  expected.clear_released_value();
  expected.clear_state();
  for (v1::ContractItem& item : *expected.mutable_items()) item.clear_released_quantity();
  CHECK(contract.DebugString() == expected.DebugString());
  CHECK_FALSE(contract.has_released_value());
  CHECK(contract.items(0).target_quantity() == 100);
}

// ---------------------------------------------------------------------------
// CheckRelease

TEST_CASE("contract rules: CheckRelease refuses a product the contract does not list",
          "[sales][contract]") {
  const v1::Contract contract = Stored();
  const absl::Status status =
      CheckRelease(contract, Release({{kPaper, 1}, {kToner, 1}}, Eur(10)), "items");
  CHECK(Verdict(status) == "NOT_IN_CONTRACT items[1].product");
  CHECK(absl::StrContains(status.message(), kToner));
  CHECK(absl::StrContains(status.message(), "contracts/c1"));
  // Named even when another item also exceeds its target.
  CHECK(ReleaseVerdict(contract, {{kMonitor, 500}, {kToner, 1}}, Eur(10)) ==
        "NOT_IN_CONTRACT items[1].product");
  // The items_field is the prefix.
  CHECK(Verdict(CheckRelease(contract, Release({{kToner, 1}}, Eur(1)), "release.items")) ==
        "NOT_IN_CONTRACT release.items[0].product");

  // A value contract (no items) takes any product.
  v1::Contract value = contract;
  value.clear_items();
  CHECK(ReleaseVerdict(value, {{kToner, 1000}, {"products/anything", 1}}, Eur(10)) == "OK");
}

TEST_CASE("contract rules: CheckRelease refuses a quantity beyond what is left",
          "[sales][contract]") {
  const v1::Contract contract = Stored();  // monitors: 70 of 100 left; paper: 10 of 10
  CHECK(ReleaseVerdict(contract, {{kMonitor, 70}}, Eur(1)) == "OK");
  CHECK(ReleaseVerdict(contract, {{kMonitor, 69.999}}, Eur(1)) == "OK");
  const absl::Status over = CheckRelease(contract, Release({{kMonitor, 70.001}}, Eur(1)), "items");
  CHECK(Verdict(over) == "EXCEEDS_CONTRACT items[0].quantity");
  CHECK(absl::StrContains(over.message(), "70.001"));
  CHECK(absl::StrContains(over.message(), "70 of 100 left"));
  CHECK(ReleaseVerdict(contract, {{kKeyboard, 1}, {kPaper, 11}}, Eur(1)) ==
        "EXCEEDS_CONTRACT items[1].quantity");

  // Summed over the items naming a product; the first of them is named.
  CHECK(ReleaseVerdict(contract, {{kKeyboard, 1}, {kMonitor, 40}, {kPaper, 1}, {kMonitor, 30}},
                       Eur(1)) == "OK");
  const absl::Status summed = CheckRelease(
      contract, Release({{kKeyboard, 1}, {kMonitor, 40}, {kPaper, 1}, {kMonitor, 31}}, Eur(1)),
      "items");
  CHECK(Verdict(summed) == "EXCEEDS_CONTRACT items[1].quantity");
  CHECK(absl::StrContains(summed.message(), "releasing 71"));

  // Target 0 means no limit by quantity.
  CHECK(ReleaseVerdict(contract, {{kKeyboard, 1'000'000}}, Eur(1)) == "OK");
  // Nothing left: even the smallest quantity is too much.
  v1::Contract done = contract;
  done.mutable_items(0)->set_released_quantity(100);
  CHECK(ReleaseVerdict(done, {{kMonitor, 0.001}}, Eur(1)) == "EXCEEDS_CONTRACT items[0].quantity");
  CHECK(ReleaseVerdict(done, {{kPaper, 10}}, Eur(1)) == "OK");
}

TEST_CASE("contract rules: CheckRelease refuses a net value beyond what is left",
          "[sales][contract]") {
  const v1::Contract contract = Stored();  // EUR 8000 of EUR 10000 left
  CHECK(ReleaseVerdict(contract, {{kKeyboard, 1}}, Eur(8000)) == "OK");
  const absl::Status over =
      CheckRelease(contract, Release({{kKeyboard, 1}}, Eur(8000, 10'000'000)), "items");
  CHECK(Verdict(over) == "EXCEEDS_CONTRACT target_value");
  CHECK(absl::StrContains(over.message(), "8000.01"));
  CHECK(absl::StrContains(over.message(), "8000.00"));
  // Quantities are checked before the value.
  CHECK(ReleaseVerdict(contract, {{kPaper, 11}}, Eur(9000)) ==
        "EXCEEDS_CONTRACT items[0].quantity");

  // Without a target value, any value; a value contract has only the value.
  v1::Contract quantities = contract;
  quantities.clear_target_value();
  CHECK(ReleaseVerdict(quantities, {{kPaper, 10}}, Eur(1'000'000)) == "OK");
  v1::Contract value = contract;
  value.clear_items();
  CHECK(ReleaseVerdict(value, {{kToner, 5}}, Eur(8000)) == "OK");
  CHECK(ReleaseVerdict(value, {{kToner, 5}}, Eur(8000, 1)) == "EXCEEDS_CONTRACT target_value");
}

// ---------------------------------------------------------------------------
// CountRelease and IsFulfilled

TEST_CASE("contract rules: CountRelease counts an order and gives it back", "[sales][contract]") {
  v1::Contract contract = Stored();
  const v1::SalesOrder order =
      Release({{kMonitor, 20}, {kKeyboard, 2.5}, {kMonitor, 0.125}}, Eur(4321, 990'000'000));
  CountRelease(order, +1, &contract);
  CHECK(contract.items(0).released_quantity() == 50.125);
  CHECK(contract.items(1).released_quantity() == 7.5);
  CHECK(contract.items(2).released_quantity() == 0);
  CHECK(money::ToNanos(contract.released_value()) == money::ToNanos(Eur(6321, 990'000'000)));
  CHECK(contract.released_value().currency_code() == "EUR");
  CHECK(contract.state() == v1::CONTRACT_STATE_ACTIVE);
  CHECK(contract.items(0).target_quantity() == 100);  // targets untouched

  CountRelease(order, -1, &contract);
  CHECK(contract.SerializeAsString() == Stored().SerializeAsString());

  // A product the contract does not list changes no item, only the value.
  v1::Contract value = Stored();
  value.clear_items();
  CountRelease(Release({{kToner, 3}}, Eur(100)), +1, &value);
  CHECK(value.items().empty());
  CHECK(value.released_value().units() == 2100);
  // Giving back more than an item counts (released before it was listed)
  // stops at 0.
  v1::Contract listed_later = Stored();
  CountRelease(Release({{kPaper, 4}, {kMonitor, 31}}, Eur(100)), -1, &listed_later);
  CHECK(listed_later.items(2).released_quantity() == 0);
  CHECK(listed_later.items(0).released_quantity() == 0);
  CHECK(listed_later.released_value().units() == 1900);
}

TEST_CASE("contract rules: CountRelease makes a contract FULFILLED and ACTIVE again",
          "[sales][contract]") {
  // By value: the target value reached is enough, whatever the quantities.
  v1::Contract contract = Stored();  // EUR 2000 of EUR 10000
  CountRelease(Release({{kMonitor, 10}}, Eur(7999)), +1, &contract);
  CHECK(contract.state() == v1::CONTRACT_STATE_ACTIVE);
  CHECK_FALSE(IsFulfilled(contract));
  const v1::SalesOrder rest = Release({{kPaper, 1}}, Eur(1));
  CountRelease(rest, +1, &contract);
  CHECK(IsFulfilled(contract));
  CHECK(contract.state() == v1::CONTRACT_STATE_FULFILLED);
  CHECK(contract.items(0).released_quantity() == 40);  // of 100
  CountRelease(rest, -1, &contract);
  CHECK(contract.state() == v1::CONTRACT_STATE_ACTIVE);
  CHECK(contract.items(2).released_quantity() == 0);

  // By quantity: every listed product at its target quantity.
  v1::Contract quantities = ByQuantity();  // monitors 30 of 100, paper 0 of 10
  CountRelease(Release({{kMonitor, 70}}, Eur(1)), +1, &quantities);
  CHECK(quantities.state() == v1::CONTRACT_STATE_ACTIVE);
  const v1::SalesOrder paper = Release({{kPaper, 10}}, Eur(50));
  CountRelease(paper, +1, &quantities);
  CHECK(quantities.state() == v1::CONTRACT_STATE_FULFILLED);
  CountRelease(paper, -1, &quantities);
  CHECK(quantities.state() == v1::CONTRACT_STATE_ACTIVE);
  // A product without a limit can always take more; so can a contract
  // without items or target value.
  v1::Contract unlimited = Stored();  // keyboards without a limit
  unlimited.clear_target_value();
  CountRelease(Release({{kMonitor, 70}, {kPaper, 10}}, Eur(1)), +1, &unlimited);
  CHECK(unlimited.state() == v1::CONTRACT_STATE_ACTIVE);
  unlimited.clear_items();
  CHECK_FALSE(IsFulfilled(unlimited));
  // A value contract is fulfilled at its value.
  v1::Contract value = Stored();
  value.clear_items();
  CountRelease(Release({{kToner, 1}}, Eur(8000)), +1, &value);
  CHECK(value.state() == v1::CONTRACT_STATE_FULFILLED);

  // A cancelled contract stays cancelled either way.
  v1::Contract cancelled = Stored();
  cancelled.set_state(v1::CONTRACT_STATE_CANCELLED);
  const v1::SalesOrder all = Release({{kPaper, 1}}, Eur(8000));
  CountRelease(all, +1, &cancelled);
  CHECK(IsFulfilled(cancelled));
  CHECK(cancelled.state() == v1::CONTRACT_STATE_CANCELLED);
  CountRelease(all, -1, &cancelled);
  CHECK(cancelled.state() == v1::CONTRACT_STATE_CANCELLED);
  CHECK(cancelled.released_value().units() == 2000);
}

// ---------------------------------------------------------------------------
// CarryOverReleases

TEST_CASE("contract rules: CarryOverReleases carries released quantities by product",
          "[sales][contract]") {
  const v1::Contract before = Stored();
  // Reordered, a new product added, targets raised; what the client sent
  // as released is replaced.
  v1::Contract after = before;
  after.clear_items();
  AddItem(&after, kToner, 4, 99);
  AddItem(&after, kPaper, 20, 7);
  AddItem(&after, kKeyboard, 0, 1);
  AddItem(&after, kMonitor, 150, 0);
  *after.mutable_released_value() = Eur(1);
  after.set_state(v1::CONTRACT_STATE_UNSPECIFIED);
  REQUIRE(Verdict(CarryOverReleases(before, &after)) == "OK");
  CHECK(after.items(0).released_quantity() == 0);
  CHECK(after.items(1).released_quantity() == 0);
  CHECK(after.items(2).released_quantity() == 5);
  CHECK(after.items(3).released_quantity() == 30);
  CHECK(after.items(3).target_quantity() == 150);
  CHECK(after.released_value().SerializeAsString() == before.released_value().SerializeAsString());
  CHECK(after.state() == v1::CONTRACT_STATE_ACTIVE);

  // Removing an item without releases is fine; a target may equal what is
  // released, or be 0 (no limit).
  v1::Contract fewer = before;
  fewer.mutable_items()->DeleteSubrange(2, 1);
  fewer.mutable_items(0)->set_target_quantity(30);
  fewer.mutable_items(1)->set_target_quantity(0);
  CHECK(Verdict(CarryOverReleases(before, &fewer)) == "OK");
  CHECK(fewer.items_size() == 2);
}

TEST_CASE("contract rules: CarryOverReleases refuses targets below what is released",
          "[sales][contract]") {
  const v1::Contract before = Stored();  // monitors 30, keyboards 5 released; EUR 2000
  v1::Contract below = before;
  below.mutable_items(0)->set_target_quantity(29.999);
  const absl::Status status = CarryOverReleases(before, &below);
  CHECK(Verdict(status) == "BELOW_RELEASED contract.items[0].target_quantity");
  CHECK(absl::StrContains(status.message(), "30 of products/monitor-24"));
  // Named at its new index.
  v1::Contract moved = before;
  std::swap(*moved.mutable_items(0), *moved.mutable_items(1));
  moved.mutable_items(1)->set_target_quantity(10);
  CHECK(Verdict(CarryOverReleases(before, &moved)) ==
        "BELOW_RELEASED contract.items[1].target_quantity");
  // A limit set now on an unlimited item with releases.
  v1::Contract limited = before;
  limited.mutable_items(1)->set_target_quantity(4);
  CHECK(Verdict(CarryOverReleases(before, &limited)) ==
        "BELOW_RELEASED contract.items[1].target_quantity");

  // Removing an item with releases.
  v1::Contract removed = before;
  removed.mutable_items()->DeleteSubrange(1, 1);
  const absl::Status gone = CarryOverReleases(before, &removed);
  CHECK(Verdict(gone) == "RELEASED contract.items");
  CHECK(absl::StrContains(gone.message(), kKeyboard));
  v1::Contract none = before;
  none.clear_items();
  CHECK(Verdict(CarryOverReleases(before, &none)) == "RELEASED contract.items");

  // The target value.
  v1::Contract value = before;
  *value.mutable_target_value() = Eur(1999, 990'000'000);
  const absl::Status value_below = CarryOverReleases(before, &value);
  CHECK(Verdict(value_below) == "BELOW_RELEASED contract.target_value");
  CHECK(absl::StrContains(value_below.message(), "EUR 2000.00"));
  v1::Contract equal = before;
  *equal.mutable_target_value() = Eur(2000);
  CHECK(Verdict(CarryOverReleases(before, &equal)) == "OK");
  v1::Contract unset = before;
  unset.clear_target_value();
  CHECK(Verdict(CarryOverReleases(before, &unset)) == "OK");
}

TEST_CASE("contract rules: CarryOverReleases sets the state", "[sales][contract]") {
  // Fulfilled by value: a raised target value makes it ACTIVE again, a
  // raised quantity does not; nor does a new name, whatever state is sent.
  v1::Contract by_value = Stored();
  CountRelease(Release({{kMonitor, 1}}, Eur(8000)), +1, &by_value);
  REQUIRE(by_value.state() == v1::CONTRACT_STATE_FULFILLED);
  v1::Contract more_value = by_value;
  *more_value.mutable_target_value() = Eur(10001);
  REQUIRE(Verdict(CarryOverReleases(by_value, &more_value)) == "OK");
  CHECK(more_value.state() == v1::CONTRACT_STATE_ACTIVE);
  v1::Contract more_monitors = by_value;
  more_monitors.mutable_items(0)->set_target_quantity(200);
  REQUIRE(Verdict(CarryOverReleases(by_value, &more_monitors)) == "OK");
  CHECK(more_monitors.state() == v1::CONTRACT_STATE_FULFILLED);
  v1::Contract renamed = by_value;
  renamed.set_display_name("Renamed");
  renamed.set_state(v1::CONTRACT_STATE_ACTIVE);
  REQUIRE(Verdict(CarryOverReleases(by_value, &renamed)) == "OK");
  CHECK(renamed.state() == v1::CONTRACT_STATE_FULFILLED);

  // Fulfilled by quantity: a raised target, a new item or a limit lifted.
  v1::Contract by_quantity = ByQuantity();
  CountRelease(Release({{kMonitor, 70}, {kPaper, 10}}, Eur(1)), +1, &by_quantity);
  REQUIRE(by_quantity.state() == v1::CONTRACT_STATE_FULFILLED);
  v1::Contract raised = by_quantity;
  raised.mutable_items(1)->set_target_quantity(11);
  REQUIRE(Verdict(CarryOverReleases(by_quantity, &raised)) == "OK");
  CHECK(raised.state() == v1::CONTRACT_STATE_ACTIVE);
  v1::Contract added = by_quantity;
  AddItem(&added, kToner, 1);
  REQUIRE(Verdict(CarryOverReleases(by_quantity, &added)) == "OK");
  CHECK(added.state() == v1::CONTRACT_STATE_ACTIVE);
  v1::Contract lifted = by_quantity;
  lifted.mutable_items(0)->set_target_quantity(0);
  REQUIRE(Verdict(CarryOverReleases(by_quantity, &lifted)) == "OK");
  CHECK(lifted.state() == v1::CONTRACT_STATE_ACTIVE);

  // Lowered to what is released: FULFILLED.
  const v1::Contract active = Stored();
  v1::Contract lowered = active;
  *lowered.mutable_target_value() = Eur(2000);
  REQUIRE(Verdict(CarryOverReleases(active, &lowered)) == "OK");
  CHECK(lowered.state() == v1::CONTRACT_STATE_FULFILLED);
  const v1::Contract partly = ByQuantity();
  v1::Contract cut = partly;
  cut.mutable_items(0)->set_target_quantity(30);
  cut.mutable_items()->DeleteSubrange(1, 1);  // paper, nothing released
  REQUIRE(Verdict(CarryOverReleases(partly, &cut)) == "OK");
  CHECK(cut.state() == v1::CONTRACT_STATE_FULFILLED);

  // CANCELLED stays.
  v1::Contract cancelled = Stored();
  cancelled.set_state(v1::CONTRACT_STATE_CANCELLED);
  v1::Contract after = cancelled;
  after.set_state(v1::CONTRACT_STATE_ACTIVE);
  *after.mutable_target_value() = Eur(2000);
  REQUIRE(Verdict(CarryOverReleases(cancelled, &after)) == "OK");
  CHECK(after.state() == v1::CONTRACT_STATE_CANCELLED);
}

}  // namespace crm::sales
