#include "services/sales/contract_rules.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/money/money.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::sales {
namespace {

using validation::Child;
using validation::Element;

constexpr money::Scaled kMaxQuantity = 1'000'000'000 * money::kScale;

money::Scaled QuantityOf(double value) { return money::ToScaled(value, 3).value_or(0); }

// Released quantity per product.
std::map<std::string, money::Scaled> ReleasedByProduct(const v1::Contract& contract) {
  std::map<std::string, money::Scaled> released;
  for (const v1::ContractItem& item : contract.items()) {
    released[item.product()] = QuantityOf(item.released_quantity());
  }
  return released;
}

void SetState(v1::Contract* contract) {
  if (contract->state() == v1::CONTRACT_STATE_CANCELLED) return;
  contract->set_state(IsFulfilled(*contract) ? v1::CONTRACT_STATE_FULFILLED
                                             : v1::CONTRACT_STATE_ACTIVE);
}

}  // namespace

bool IsFulfilled(const v1::Contract& contract) {
  if (contract.has_target_value() &&
      money::ToNanos(contract.released_value()) >= money::ToNanos(contract.target_value())) {
    return true;
  }
  // Every listed product at its target quantity: nothing more can be released.
  if (contract.items().empty()) return false;
  for (const v1::ContractItem& item : contract.items()) {
    const money::Scaled target = QuantityOf(item.target_quantity());
    if (target == 0 || QuantityOf(item.released_quantity()) < target) return false;
  }
  return true;
}

absl::Status CheckRelease(const v1::Contract& contract, const v1::SalesOrder& order,
                          const std::string& items_field) {
  std::map<std::string, const v1::ContractItem*> listed;
  for (const v1::ContractItem& item : contract.items()) listed[item.product()] = &item;
  // Quantity per product over the order's items, and the first item naming it.
  std::map<std::string, std::pair<money::Scaled, int>> ordered;
  for (int i = 0; i < order.items_size(); ++i) {
    const v1::DocumentItem& item = order.items(i);
    const std::string at = Element(items_field, i);
    if (!contract.items().empty() && listed.count(item.product()) == 0) {
      return FailedPrecondition("NOT_IN_CONTRACT", Child(at, "product"),
                                absl::StrCat(item.product(), " is not one of ", contract.name(),
                                             "'s products"));
    }
    auto [it, first] = ordered.try_emplace(item.product(), 0, i);
    it->second.first += QuantityOf(item.quantity());
  }
  // In the order of the items, so the first item beyond its target is named.
  std::vector<std::pair<int, std::string>> by_item;
  for (const auto& [product, quantity_and_index] : ordered) {
    by_item.emplace_back(quantity_and_index.second, product);
  }
  std::sort(by_item.begin(), by_item.end());
  for (const auto& [index, product] : by_item) {
    const std::pair<money::Scaled, int>& quantity_and_index = ordered.at(product);
    auto item = listed.find(product);
    if (item == listed.end()) continue;
    const money::Scaled target = QuantityOf(item->second->target_quantity());
    if (target == 0) continue;
    const money::Scaled left = target - QuantityOf(item->second->released_quantity());
    if (quantity_and_index.first > left) {
      return FailedPrecondition(
          "EXCEEDS_CONTRACT",
          Child(Element(items_field, quantity_and_index.second), "quantity"),
          absl::StrCat("releasing ", money::FormatScaled(quantity_and_index.first), " of ", product,
                       " exceeds the contract: ", money::FormatScaled(left), " of ",
                       money::FormatScaled(target), " left"));
    }
  }
  if (contract.has_target_value()) {
    const money::Nanos left =
        money::ToNanos(contract.target_value()) - money::ToNanos(contract.released_value());
    const money::Nanos value = money::ToNanos(order.net_total());
    if (value > left) {
      return FailedPrecondition(
          "EXCEEDS_CONTRACT", "target_value",
          absl::StrCat("the order's net value ", money::Format(value, contract.currency_code()),
                       " exceeds what is left of the contract's target value: ",
                       money::Format(left, contract.currency_code())));
    }
  }
  return absl::OkStatus();
}

void CountRelease(const v1::SalesOrder& order, int sign, v1::Contract* contract) {
  std::map<std::string, money::Scaled> quantities;
  for (const v1::DocumentItem& item : order.items()) {
    quantities[item.product()] += QuantityOf(item.quantity());
  }
  for (v1::ContractItem& item : *contract->mutable_items()) {
    auto it = quantities.find(item.product());
    if (it == quantities.end()) continue;
    // An item listed after releases of its product counts from then on:
    // giving back an earlier release stops at zero.
    item.set_released_quantity(money::FromScaled(
        std::max<money::Scaled>(0, QuantityOf(item.released_quantity()) + sign * it->second)));
  }
  const money::Nanos released =
      money::ToNanos(contract->released_value()) + sign * money::ToNanos(order.net_total());
  *contract->mutable_released_value() =
      money::FromNanos(released, contract->currency_code()).value_or(type::v1::Money());
  SetState(contract);
}

absl::Status CarryOverReleases(const v1::Contract& before, v1::Contract* after) {
  std::map<std::string, money::Scaled> released = ReleasedByProduct(before);
  for (int i = 0; i < after->items_size(); ++i) {
    v1::ContractItem& item = *after->mutable_items(i);
    auto it = released.find(item.product());
    const money::Scaled done = it == released.end() ? 0 : it->second;
    if (it != released.end()) released.erase(it);
    item.set_released_quantity(money::FromScaled(done));
    const money::Scaled target = QuantityOf(item.target_quantity());
    if (target > 0 && target < done) {
      return FailedPrecondition(
          "BELOW_RELEASED", Child(Element("contract.items", i), "target_quantity"),
          absl::StrCat(money::FormatScaled(done), " of ", item.product(),
                       " is already released"));
    }
  }
  for (const auto& [product, done] : released) {
    if (done > 0) {
      return FailedPrecondition("RELEASED", "contract.items",
                                absl::StrCat(product, " has releases (", money::FormatScaled(done),
                                             ") and cannot be removed"));
    }
  }
  *after->mutable_released_value() = before.released_value();
  if (after->has_target_value() &&
      money::ToNanos(after->target_value()) < money::ToNanos(before.released_value())) {
    return FailedPrecondition(
        "BELOW_RELEASED", "contract.target_value",
        absl::StrCat(money::Format(money::ToNanos(before.released_value()), after->currency_code()),
                     " is already released"));
  }
  after->set_state(before.state());
  SetState(after);
  return absl::OkStatus();
}

void ClearContractOutputOnly(v1::Contract* contract) {
  contract->clear_name();
  contract->clear_released_value();
  for (v1::ContractItem& item : *contract->mutable_items()) item.clear_released_quantity();
  contract->clear_state();
  contract->clear_cancel_reason();
  contract->clear_create_time();
  contract->clear_update_time();
  contract->clear_etag();
}

void ValidateContract(const v1::Contract& contract, const std::string& path,
                      const google::type::Date& today, bool new_valid_to, Violations* out) {
  validation::CheckRequiredText(contract.display_name(), 200, Child(path, "display_name"), out);
  const std::string customer = Child(path, "customer");
  if (contract.customer().empty()) {
    out->Add(customer, "is required");
  } else {
    out->AddAll(api::ParseResourceName(contract.customer(), "partners", customer).status());
  }
  const std::string sales_rep = Child(path, "sales_rep");
  if (!contract.sales_rep().empty()) {
    out->AddAll(api::ParseResourceName(contract.sales_rep(), "partners", sales_rep).status());
  }
  const std::string currency = Child(path, "currency_code");
  const bool currency_ok = money::IsCurrencyCode(contract.currency_code());
  if (contract.currency_code().empty()) {
    out->Add(currency, "is required");
  } else if (!currency_ok) {
    out->Add(currency, "must be an ISO 4217 code of three upper-case letters, e.g. \"EUR\"");
  }

  const std::string valid_from = Child(path, "valid_from");
  const std::string valid_to = Child(path, "valid_to");
  const bool from_ok = validation::CheckRequiredDate(contract.valid_from(), valid_from, out);
  if (validation::CheckRequiredDate(contract.valid_to(), valid_to, out)) {
    if (from_ok && api::CompareDates(contract.valid_to(), contract.valid_from()) < 0) {
      out->Add(valid_to, absl::StrCat("must not be before valid_from (",
                                      api::IsoDate(contract.valid_from()), ")"));
    } else if (new_valid_to && api::CompareDates(contract.valid_to(), today) < 0) {
      out->Add(valid_to, absl::StrCat("must not be in the past (today is ", api::IsoDate(today),
                                      " UTC)"));
    }
  }

  bool has_target = false;
  bool target_bad = false;
  const std::string target_value = Child(path, "target_value");
  if (contract.has_target_value()) {
    target_bad = true;
    if (money::CheckMoney(contract.target_value(), target_value, true, false,
                          currency_ok ? contract.currency_code() : "", out)) {
      if (money::ToNanos(contract.target_value()) <= 0) {
        out->Add(target_value, "must be above 0; leave it unset for no value target");
      } else {
        has_target = true;
        target_bad = false;
      }
    }
  }

  const std::string items = Child(path, "items");
  if (validation::CheckMaxEntries(contract.items_size(), kMaxContractItems, items, out)) {
    std::set<std::string> products;
    for (int i = 0; i < contract.items_size(); ++i) {
      const v1::ContractItem& item = contract.items(i);
      const std::string at = Element(items, i);
      const std::string product = Child(at, "product");
      if (item.product().empty()) {
        out->Add(product, "is required");
      } else if (absl::Status s = api::ParseResourceName(item.product(), "products", product).status();
                 !s.ok()) {
        out->AddAll(s);
      } else if (!products.insert(item.product()).second) {
        out->Add(product, absl::StrCat(item.product(), " is listed twice"));
      }
      const std::optional<money::Scaled> target = money::CheckDecimal(
          item.target_quantity(), 3, 0, false, kMaxQuantity, Child(at, "target_quantity"), out);
      if (target.value_or(0) > 0) has_target = true;
      if (!target) target_bad = true;  // one bad target is enough to report
    }
  }
  if (!has_target && !target_bad) {
    out->Add(target_value, "is required unless an item has a target_quantity");
  }
}

}  // namespace crm::sales
