#include "services/sales/pricing_validation.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/money/money.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"
#include "services/sales/catalog_validation.h"

namespace crm::sales {
namespace {

using validation::Child;
using validation::Element;

// A Money with nothing set.
bool IsUnset(const type::v1::Money& money) {
  return money.currency_code().empty() && money.units() == 0 && money.nanos() == 0;
}

void CheckValidity(const google::type::Date& from, const google::type::Date& to,
                   const std::string& path, Violations* out) {
  const bool from_ok = !api::IsDateSet(from) || validation::IsValidDate(from);
  const bool to_ok = !api::IsDateSet(to) || validation::IsValidDate(to);
  if (!from_ok) out->Add(Child(path, "valid_from"), "must be a full, valid date");
  if (!to_ok) out->Add(Child(path, "valid_to"), "must be a full, valid date");
  if (from_ok && to_ok && api::IsDateSet(from) && api::IsDateSet(to) &&
      api::CompareDates(to, from) < 0) {
    out->Add(Child(path, "valid_to"), "must not be before valid_from");
  }
}

void CheckPriority(int priority, const std::string& field, Violations* out) {
  if (priority < kMinPriority || priority > kMaxPriority) {
    out->Add(field, absl::StrCat("must be from ", kMinPriority, " to ", kMaxPriority));
  }
}

void CheckName(const std::string& name, absl::string_view collection, const std::string& field,
               Violations* out) {
  if (!name.empty()) out->AddAll(api::ParseResourceName(name, collection, field).status());
}

// The percentage of a percent type: above 0, at most 100 for discounts and
// 1000 for surcharges.
void CheckPercent(v1::ConditionType type, double percent, const std::string& field,
                  Violations* out) {
  const money::Scaled max =
      (type == v1::CONDITION_TYPE_SURCHARGE_PERCENT ? 1000 : 100) * money::kScale;
  money::CheckDecimal(percent, 4, 0, true, max, field, out);
}

void CheckScope(const v1::ConditionScope& scope, const std::string& path, Violations* out) {
  const bool any = !scope.product().empty() || !scope.product_group().empty() ||
                   scope.customer_class() != 0 || !scope.price_group().empty() ||
                   !scope.industry_code().empty() || !scope.customer().empty() ||
                   !scope.campaign().empty();
  if (!any) {
    out->Add(path, "must set at least one field (a condition for everything is a price change)");
    return;
  }
  CheckName(scope.product(), "products", Child(path, "product"), out);
  if (!scope.product_group().empty() && !IsProductGroup(scope.product_group())) {
    out->Add(Child(path, "product_group"),
             "must be 1 to 20 upper-case letters, digits, \"-\" or \"_\"");
  }
  validation::CheckEnum(scope.customer_class(), partners::v1::CustomerClass_IsValid,
                        Child(path, "customer_class"), out);
  validation::CheckText(scope.price_group(), 20, Child(path, "price_group"), out);
  validation::CheckText(scope.industry_code(), 20, Child(path, "industry_code"), out);
  CheckName(scope.customer(), "partners", Child(path, "customer"), out);
  CheckName(scope.campaign(), "campaigns", Child(path, "campaign"), out);
}

}  // namespace

bool IsPercentType(v1::ConditionType type) {
  return type == v1::CONDITION_TYPE_DISCOUNT_PERCENT ||
         type == v1::CONDITION_TYPE_SURCHARGE_PERCENT;
}

void ValidatePriceList(const v1::PriceList& list, const std::string& path, Violations* out) {
  validation::CheckRequiredText(list.display_name(), 200, Child(path, "display_name"), out);
  const bool currency_ok = money::IsCurrencyCode(list.currency_code());
  if (list.currency_code().empty()) {
    out->Add(Child(path, "currency_code"), "is required");
  } else if (!currency_ok) {
    out->Add(Child(path, "currency_code"),
             "must be an ISO 4217 code of three upper-case letters, e.g. \"EUR\"");
  }
  validation::CheckText(list.price_group(), 20, Child(path, "price_group"), out);
  CheckValidity(list.valid_from(), list.valid_to(), path, out);
  CheckPriority(list.priority(), Child(path, "priority"), out);
  const std::string entries = Child(path, "entries");
  if (!validation::CheckMaxEntries(list.entries_size(), kMaxPriceListEntries, entries, out)) return;
  std::set<std::string> products;
  for (int i = 0; i < list.entries_size(); ++i) {
    const v1::PriceListEntry& entry = list.entries(i);
    const std::string at = Element(entries, i);
    if (entry.product().empty()) {
      out->Add(Child(at, "product"), "is required");
    } else if (absl::Status s = api::ParseResourceName(entry.product(), "products",
                                                       Child(at, "product"))
                                    .status();
               !s.ok()) {
      out->AddAll(s);
    } else if (!products.insert(entry.product()).second) {
      out->Add(Child(at, "product"), "appears twice in the list");
    }
    money::CheckMoney(entry.price(), Child(at, "price"), true, false,
                      currency_ok ? list.currency_code() : "", out);
  }
}

void ValidatePriceCondition(const v1::PriceCondition& condition, const std::string& path,
                            Violations* out) {
  validation::CheckRequiredText(condition.display_name(), 200, Child(path, "display_name"), out);
  const v1::ConditionType type = condition.type();
  if (!validation::CheckRequiredEnum(type, v1::ConditionType_IsValid, Child(path, "type"), out)) {
    return;  // what the values mean depends on the type
  }
  const bool percent_type = IsPercentType(type);
  const bool has_scale = condition.scale_size() > 0;
  const std::string percent = Child(path, "percent");
  const std::string amount = Child(path, "amount");
  if (percent_type) {
    if (!IsUnset(condition.amount())) out->Add(amount, "must be unset for a percentage type");
    if (has_scale && condition.percent() != 0) {
      out->Add(percent, "must be unset when a scale is given");
    } else if (!has_scale) {
      CheckPercent(type, condition.percent(), percent, out);
    }
  } else {
    if (condition.percent() != 0) out->Add(percent, "must be unset for an amount type");
    if (has_scale && !IsUnset(condition.amount())) {
      out->Add(amount, "must be unset when a scale is given");
    } else if (!has_scale) {
      money::CheckMoney(condition.amount(), amount, true, false, "", out);
    }
  }
  const std::string scale = Child(path, "scale");
  if (validation::CheckMaxEntries(condition.scale_size(), kMaxScaleLevels, scale, out)) {
    std::optional<money::Scaled> previous;
    std::string currency;
    for (int i = 0; i < condition.scale_size(); ++i) {
      const v1::ScaleLevel& level = condition.scale(i);
      const std::string at = Element(scale, i);
      const std::optional<money::Scaled> min = money::CheckDecimal(
          level.min_quantity(), 3, 0, true, 1'000'000'000 * money::kScale,
          Child(at, "min_quantity"), out);
      if (min && previous && *min <= *previous) {
        out->Add(Child(at, "min_quantity"), "must be above the previous level's");
      }
      if (min) previous = min;
      if (percent_type) {
        CheckPercent(type, level.percent(), Child(at, "percent"), out);
        if (!IsUnset(level.amount())) {
          out->Add(Child(at, "amount"), "must be unset for a percentage type");
        }
      } else {
        if (level.percent() != 0) out->Add(Child(at, "percent"), "must be unset for an amount type");
        if (money::CheckMoney(level.amount(), Child(at, "amount"), true, false, currency, out) &&
            currency.empty()) {
          currency = level.amount().currency_code();  // every level in the first's currency
        }
      }
    }
  }
  CheckScope(condition.scope(), Child(path, "scope"), out);
  CheckValidity(condition.valid_from(), condition.valid_to(), path, out);
  CheckPriority(condition.priority(), Child(path, "priority"), out);
  if (condition.exclusive() && type == v1::CONDITION_TYPE_PRICE) {
    out->Add(Child(path, "exclusive"), "applies only to discounts and surcharges");
  }
}

}  // namespace crm::sales
