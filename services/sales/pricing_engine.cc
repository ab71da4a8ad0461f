#include "services/sales/pricing_engine.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/dates.h"
#include "common/errors.h"
#include "services/sales/pricing_validation.h"

namespace crm::sales {
namespace {

using money::Nanos;
using money::Scaled;
using type::v1::Money;

bool IsUnset(const google::type::Date& date) { return !api::IsDateSet(date); }

bool ValidOn(const google::type::Date& from, const google::type::Date& to,
             const google::type::Date& day) {
  return (IsUnset(from) || api::CompareDates(from, day) <= 0) &&
         (IsUnset(to) || api::CompareDates(day, to) <= 0);
}

std::string ValidityText(const google::type::Date& from, const google::type::Date& to) {
  if (IsUnset(from) && IsUnset(to)) return "";
  if (IsUnset(from)) return absl::StrCat("valid until ", api::IsoDate(to));
  if (IsUnset(to)) return absl::StrCat("valid from ", api::IsoDate(from));
  return absl::StrCat("valid ", api::IsoDate(from), " to ", api::IsoDate(to));
}

// Later valid_from first (an open start is the earliest).
bool StartsLater(const google::type::Date& a, const google::type::Date& b) {
  if (IsUnset(a)) return false;
  if (IsUnset(b)) return true;
  return api::CompareDates(a, b) > 0;
}

Money ToMoney(Nanos amount, const std::string& currency) {
  // Callers keep amounts within what the item's checks allow.
  return money::FromNanos(amount, currency).value_or(Money());
}

// Why a condition's scope matches the item, or nullopt when it does not.
std::optional<std::vector<std::string>> ScopeMatch(const v1::ConditionScope& scope,
                                                   const PricingContext& context,
                                                   const v1::Product& product) {
  std::vector<std::string> why;
  if (!scope.product().empty()) {
    if (scope.product() != product.name()) return std::nullopt;
    why.push_back(absl::StrCat("product ", product.display_name()));
  }
  if (!scope.product_group().empty()) {
    if (scope.product_group() != product.product_group()) return std::nullopt;
    why.push_back(absl::StrCat("product group ", scope.product_group()));
  }
  const CustomerFacts* customer = context.customer ? &*context.customer : nullptr;
  if (scope.customer_class() != partners::v1::CUSTOMER_CLASS_UNSPECIFIED) {
    if (customer == nullptr || customer->customer_class != scope.customer_class()) {
      return std::nullopt;
    }
    const std::string& name = partners::v1::CustomerClass_Name(scope.customer_class());
    why.push_back(absl::StrCat("customer class ", name.substr(name.rfind('_') + 1)));
  }
  if (!scope.price_group().empty()) {
    if (customer == nullptr || customer->price_group != scope.price_group()) return std::nullopt;
    why.push_back(absl::StrCat("price group ", scope.price_group()));
  }
  if (!scope.industry_code().empty()) {
    if (customer == nullptr || customer->industry_code != scope.industry_code()) {
      return std::nullopt;
    }
    why.push_back(absl::StrCat("industry ", scope.industry_code()));
  }
  if (!scope.customer().empty()) {
    if (customer == nullptr || std::find(customer->names.begin(), customer->names.end(),
                                         scope.customer()) == customer->names.end()) {
      return std::nullopt;
    }
    why.push_back(absl::StrCat("customer ", scope.customer()));
  }
  if (!scope.campaign().empty()) {
    if (scope.campaign() != context.campaign) return std::nullopt;
    why.push_back(absl::StrCat("campaign ", scope.campaign()));
  }
  return why;
}

// A condition's value for the item: its percentage or its amount (in the
// document currency), with the scale level that gave it.
struct ConditionValue {
  Scaled percent = 0;
  Nanos amount = 0;
  std::string why;  // the scale level reached, if any
};

std::optional<ConditionValue> ValueFor(const v1::PriceCondition& condition, Scaled quantity,
                                       const std::string& currency) {
  const bool percent_type = IsPercentType(condition.type());
  ConditionValue value;
  if (condition.scale_size() == 0) {
    if (percent_type) {
      value.percent = money::ToScaled(condition.percent(), 4).value_or(0);
    } else {
      if (condition.amount().currency_code() != currency) return std::nullopt;
      value.amount = money::ToNanos(condition.amount());
    }
    return value;
  }
  const v1::ScaleLevel* reached = nullptr;
  Scaled reached_min = 0;
  for (const v1::ScaleLevel& level : condition.scale()) {
    const Scaled min = money::ToScaled(level.min_quantity(), 3).value_or(0);
    if (min <= quantity) {
      reached = &level;
      reached_min = min;
    }
  }
  if (reached == nullptr) return std::nullopt;
  if (percent_type) {
    value.percent = money::ToScaled(reached->percent(), 4).value_or(0);
  } else {
    if (reached->amount().currency_code() != currency) return std::nullopt;
    value.amount = money::ToNanos(reached->amount());
  }
  value.why = absl::StrCat("quantity ", money::FormatScaled(quantity),
                           " reaches the scale level ", money::FormatScaled(reached_min));
  return value;
}

// A condition that matches the item, with its value and the reasons.
struct Match {
  const v1::PriceCondition* condition;
  ConditionValue value;
  std::string reason;
};

std::vector<Match> Matches(const PricingContext& context, const ItemToPrice& item,
                           const std::vector<v1::PriceCondition>& conditions) {
  std::vector<Match> matches;
  for (const v1::PriceCondition& condition : conditions) {
    if (!ValidOn(condition.valid_from(), condition.valid_to(), context.date)) continue;
    std::optional<std::vector<std::string>> why =
        ScopeMatch(condition.scope(), context, item.product);
    if (!why) continue;
    std::optional<ConditionValue> value = ValueFor(condition, item.quantity, context.currency_code);
    if (!value) continue;
    if (!value->why.empty()) why->push_back(value->why);
    const std::string validity = ValidityText(condition.valid_from(), condition.valid_to());
    if (!validity.empty()) why->push_back(validity);
    matches.push_back({&condition, *value, absl::StrJoin(*why, "; ")});
  }
  return matches;
}

}  // namespace

CustomerFacts CustomerFactsOf(const std::string& asked_name, const partners::v1::Partner& partner) {
  CustomerFacts facts;
  facts.names.push_back(asked_name);
  if (partner.name() != asked_name) facts.names.push_back(partner.name());
  for (const partners::v1::Role& role : partner.roles()) {
    if (role.type() == partners::v1::ROLE_TYPE_CUSTOMER && role.has_customer()) {
      facts.customer_class = role.customer().customer_class();
      facts.price_group = role.customer().price_group();
    }
  }
  if (partner.has_organization()) facts.industry_code = partner.organization().industry_code();
  return facts;
}

absl::StatusOr<v1::PricedItem> PriceItem(const PricingContext& context, const ItemToPrice& item,
                                         const std::vector<v1::PriceList>& price_lists,
                                         const std::vector<v1::PriceCondition>& conditions,
                                         const std::string& field) {
  const std::string& currency = context.currency_code;
  const v1::Product& product = item.product;
  v1::PricedItem priced;
  priced.set_product(product.name());
  priced.set_quantity(money::FromScaled(item.quantity));
  priced.set_unit(product.unit());
  priced.set_product_group(product.product_group());

  std::optional<Nanos> list_price;
  if (product.list_price().currency_code() == currency) {
    list_price = money::ToNanos(product.list_price());
  }

  // The best price list with an entry for the product.
  const v1::PriceList* best_list = nullptr;
  Nanos list_entry_price = 0;
  for (const v1::PriceList& list : price_lists) {
    if (list.currency_code() != currency) continue;
    if (!ValidOn(list.valid_from(), list.valid_to(), context.date)) continue;
    if (!list.price_group().empty() &&
        (!context.customer || context.customer->price_group != list.price_group())) {
      continue;
    }
    auto entry = std::find_if(list.entries().begin(), list.entries().end(),
                              [&](const v1::PriceListEntry& e) { return e.product() == product.name(); });
    if (entry == list.entries().end()) continue;
    const bool better =
        best_list == nullptr || list.priority() > best_list->priority() ||
        (list.priority() == best_list->priority() &&
         (StartsLater(list.valid_from(), best_list->valid_from()) ||
          (!StartsLater(best_list->valid_from(), list.valid_from()) &&
           list.name() < best_list->name())));
    if (better) {
      best_list = &list;
      list_entry_price = money::ToNanos(entry->price());
    }
  }
  if (!list_price && best_list == nullptr) {
    return FailedPrecondition(
        "NO_PRICE", field,
        absl::StrCat(product.name(), " has no price in ", currency, ": its list price is in ",
                     product.list_price().currency_code(), " and no price list prices it in ",
                     currency, " on ", api::IsoDate(context.date)));
  }
  Nanos base = list_price.value_or(list_entry_price);
  *priced.mutable_list_price() = ToMoney(base, currency);
  if (best_list != nullptr) {
    v1::AppliedCondition* applied = priced.add_conditions();
    applied->set_source(best_list->name());
    applied->set_display_name(best_list->display_name());
    applied->set_type(v1::CONDITION_TYPE_PRICE);
    *applied->mutable_unit_amount() = ToMoney(list_entry_price - base, currency);
    std::vector<std::string> why = {absl::StrCat("price list in ", currency)};
    if (!best_list->price_group().empty()) {
      why.push_back(absl::StrCat("price group ", best_list->price_group()));
    }
    const std::string validity = ValidityText(best_list->valid_from(), best_list->valid_to());
    if (!validity.empty()) why.push_back(validity);
    applied->set_reason(absl::StrJoin(why, "; "));
    base = list_entry_price;
  }

  std::vector<Match> matches = Matches(context, item, conditions);
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    if (a.condition->priority() != b.condition->priority()) {
      return a.condition->priority() > b.condition->priority();
    }
    if (StartsLater(a.condition->valid_from(), b.condition->valid_from())) return true;
    if (StartsLater(b.condition->valid_from(), a.condition->valid_from())) return false;
    return a.condition->name() < b.condition->name();
  });

  // The first PRICE condition in that order replaces the base price.
  for (const Match& match : matches) {
    if (match.condition->type() != v1::CONDITION_TYPE_PRICE) continue;
    v1::AppliedCondition* applied = priced.add_conditions();
    applied->set_source(match.condition->name());
    applied->set_display_name(match.condition->display_name());
    applied->set_type(v1::CONDITION_TYPE_PRICE);
    *applied->mutable_unit_amount() = ToMoney(match.value.amount - base, currency);
    applied->set_reason(match.reason);
    base = match.value.amount;
    break;
  }
  *priced.mutable_base_price() = ToMoney(base, currency);

  Nanos net_unit = base;
  std::optional<int> exclusive_priority;
  for (const Match& match : matches) {
    const v1::PriceCondition& condition = *match.condition;
    if (condition.type() == v1::CONDITION_TYPE_PRICE) continue;
    if (exclusive_priority && condition.priority() < *exclusive_priority) break;
    Nanos change = 0;
    switch (condition.type()) {
      case v1::CONDITION_TYPE_DISCOUNT_PERCENT:
        change = -money::Percent(base, match.value.percent);
        break;
      case v1::CONDITION_TYPE_SURCHARGE_PERCENT:
        change = money::Percent(base, match.value.percent);
        break;
      case v1::CONDITION_TYPE_DISCOUNT_AMOUNT:
        change = -match.value.amount;
        break;
      default:
        continue;
    }
    v1::AppliedCondition* applied = priced.add_conditions();
    applied->set_source(condition.name());
    applied->set_display_name(condition.display_name());
    applied->set_type(condition.type());
    if (IsPercentType(condition.type())) applied->set_percent(money::FromScaled(match.value.percent));
    *applied->mutable_unit_amount() = ToMoney(change, currency);
    applied->set_reason(match.reason);
    net_unit += change;
    if (condition.exclusive()) exclusive_priority = condition.priority();
  }
  net_unit = std::max<Nanos>(net_unit, 0);

  const Nanos net_amount = money::MultiplyToMinorUnit(net_unit, item.quantity, currency);
  const Nanos tax = money::RoundToMinorUnit(money::Percent(net_amount, item.tax_rate_percent), currency);
  const std::optional<Money> net_money = money::FromNanos(net_amount, currency);
  const std::optional<Money> gross_money = money::FromNanos(net_amount + tax, currency);
  if (!net_money || !gross_money) {
    return InvalidField(absl::StrCat(field, ".quantity"),
                        "the item's amount is too large to represent");
  }
  *priced.mutable_net_unit_price() = ToMoney(net_unit, currency);
  *priced.mutable_net_amount() = *net_money;
  priced.set_tax_rate_percent(money::FromScaled(item.tax_rate_percent));
  *priced.mutable_tax_amount() = ToMoney(tax, currency);
  *priced.mutable_gross_amount() = *gross_money;
  if (product.cost_price().currency_code() == currency) {
    const Nanos cost =
        money::MultiplyToMinorUnit(money::ToNanos(product.cost_price()), item.quantity, currency);
    const Nanos margin = net_amount - cost;
    *priced.mutable_margin() = ToMoney(margin, currency);
    if (net_amount != 0) {
      priced.set_margin_percent(static_cast<double>(margin) / static_cast<double>(net_amount) * 100);
    }
  }
  return priced;
}

absl::Status SumTotals(v1::PriceItemsResponse* response) {
  const std::string& currency = response->currency_code();
  Nanos net = 0, tax = 0, margin = 0;
  bool any_margin = false;
  for (const v1::PricedItem& item : response->items()) {
    net += money::ToNanos(item.net_amount());
    tax += money::ToNanos(item.tax_amount());
    if (item.has_margin()) {
      margin += money::ToNanos(item.margin());
      any_margin = true;
    }
  }
  const std::optional<Money> net_total = money::FromNanos(net, currency);
  const std::optional<Money> gross_total = money::FromNanos(net + tax, currency);
  if (!net_total || !gross_total) {
    return InvalidField("items", "the document's total is too large to represent");
  }
  *response->mutable_net_total() = *net_total;
  *response->mutable_tax_total() = ToMoney(tax, currency);
  *response->mutable_gross_total() = *gross_total;
  if (any_margin) *response->mutable_margin_total() = ToMoney(margin, currency);
  return absl::OkStatus();
}

}  // namespace crm::sales
