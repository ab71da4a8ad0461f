#include "services/sales/planning_rules.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"
#include "services/sales/catalog_validation.h"

namespace crm::sales {
namespace {

using validation::Child;
using validation::Element;

void CheckOptionalProductGroup(const std::string& group, const std::string& field,
                               Violations* out) {
  if (!group.empty() && !IsProductGroup(group)) out->Add(field, kProductGroupForm);
}

bool Within(absl::CivilDay day, const Period& period) {
  return period.first <= day && day <= period.last;
}

type::v1::Money MoneyOf(money::Nanos amount, const std::string& currency) {
  return money::FromNanos(amount, currency).value_or(type::v1::Money());
}

double PercentOf(money::Nanos part, money::Nanos whole) {
  if (whole <= 0) return 0;
  // Two decimals, rounded half up.
  const money::Nanos hundredths = (part * 10000 * 2 + whole) / (2 * whole);
  return static_cast<double>(static_cast<int64_t>(hundredths)) / 100.0;
}

// The dimension value a fact or target has on the grouped axis.
const std::string& ValueOn(v1::ForecastDimension dimension, const std::string& territory,
                           const std::string& rep, const std::string& group) {
  static const std::string kNone;
  switch (dimension) {
    case v1::FORECAST_DIMENSION_TERRITORY: return territory;
    case v1::FORECAST_DIMENSION_SALES_REP: return rep;
    case v1::FORECAST_DIMENSION_PRODUCT_GROUP: return group;
    default: return kNone;
  }
}

// Whether a fact passes the request's filters.
bool PassesFilters(const v1::ForecastSalesRequest& request, const std::string& territory,
                   const std::string& rep, const std::string& group) {
  return (request.territory().empty() || request.territory() == territory) &&
         (request.sales_rep().empty() || request.sales_rep() == rep) &&
         (request.product_group().empty() || request.product_group() == group);
}

// Whether a target is set at exactly the row's breakdown (see BuildForecast).
bool TargetFits(const v1::ForecastSalesRequest& request, const v1::SalesTarget& target,
                const std::string& row_value) {
  auto fits = [&](v1::ForecastDimension axis, const std::string& filter,
                  const std::string& value) {
    // A row without a territory, rep or group has no target of its own.
    if (request.group_by() == axis) return !value.empty() && value == row_value;
    return value == filter;
  };
  return fits(v1::FORECAST_DIMENSION_TERRITORY, request.territory(), target.territory()) &&
         fits(v1::FORECAST_DIMENSION_SALES_REP, request.sales_rep(), target.sales_rep()) &&
         fits(v1::FORECAST_DIMENSION_PRODUCT_GROUP, request.product_group(),
              target.product_group());
}

// net × rate% × multiplier%, rounded once, half away from zero, to the
// currency's minor unit.
money::Nanos Commission(money::Nanos net, money::Scaled rate_percent,
                        money::Scaled multiplier_percent, const std::string& currency) {
  money::Nanos unit = 1;
  for (int i = money::MinorUnitDigits(currency); i < 9; ++i) unit *= 10;
  const money::Nanos divisor = money::Nanos{100} * money::kScale * 100 * money::kScale * unit;
  const money::Nanos product = net * rate_percent * multiplier_percent;
  const money::Nanos half = divisor / 2;
  const money::Nanos units = product >= 0 ? (product + half) / divisor : -((-product + half) / divisor);
  return units * unit;
}

struct RowSums {
  money::Nanos pipeline = 0, weighted = 0, won = 0, target = 0, actual = 0;
  int open = 0;
};

}  // namespace

void ValidateSalesTarget(const v1::SalesTarget& target, const std::string& path, Violations* out) {
  validation::CheckDateRange(target.start_date(), Child(path, "start_date"), target.end_date(),
                             Child(path, "end_date"), kMaxPeriodDays, out);
  validation::CheckOptionalReference(target.territory(), "territories", Child(path, "territory"),
                                     out);
  validation::CheckOptionalReference(target.sales_rep(), "partners", Child(path, "sales_rep"), out);
  CheckOptionalProductGroup(target.product_group(), Child(path, "product_group"), out);
  const std::string amount = Child(path, "amount");
  if (money::CheckMoney(target.amount(), amount, true, false, "", out) &&
      money::ToNanos(target.amount()) <= 0) {
    out->Add(amount, "must be above 0");
  }
}

void ValidateCommissionPlan(const v1::CommissionPlan& plan, const std::string& path,
                            Violations* out) {
  validation::CheckRequiredText(plan.display_name(), 200, Child(path, "display_name"), out);
  const std::string reps = Child(path, "sales_reps");
  if (plan.sales_reps().empty()) {
    out->Add(reps, "must name at least one sales rep");
  } else if (validation::CheckMaxEntries(plan.sales_reps_size(), 100, reps, out)) {
    std::set<std::string> seen;
    for (int i = 0; i < plan.sales_reps_size(); ++i) {
      const std::string at = Element(reps, i);
      if (plan.sales_reps(i).empty()) {
        out->Add(at, "is required");
      } else if (absl::Status s = api::ParseResourceName(plan.sales_reps(i), "partners", at).status();
                 !s.ok()) {
        out->AddAll(s);
      } else if (!seen.insert(plan.sales_reps(i)).second) {
        out->Add(at, absl::StrCat(plan.sales_reps(i), " is listed twice"));
      }
    }
  }
  const std::string currency = Child(path, "currency_code");
  if (plan.currency_code().empty()) {
    out->Add(currency, "is required");
  } else if (!money::IsCurrencyCode(plan.currency_code())) {
    out->Add(currency, "must be an ISO 4217 code of three upper-case letters, e.g. \"EUR\"");
  }
  validation::CheckDateRange(plan.valid_from(), Child(path, "valid_from"), plan.valid_to(),
                             Child(path, "valid_to"), 0, out);
  const std::string rates = Child(path, "rates");
  if (plan.rates().empty()) {
    out->Add(rates, "must hold at least one rate");
  } else if (validation::CheckMaxEntries(plan.rates_size(), 100, rates, out)) {
    std::set<std::string> groups;
    for (int i = 0; i < plan.rates_size(); ++i) {
      const std::string at = Element(rates, i);
      const std::string& group = plan.rates(i).product_group();
      CheckOptionalProductGroup(group, Child(at, "product_group"), out);
      if (!groups.insert(group).second) {
        out->Add(Child(at, "product_group"),
                 group.empty() ? "only one rate may be for every other group"
                               : absl::StrCat("\"", group, "\" has a rate already"));
      }
      money::CheckDecimal(plan.rates(i).rate_percent(), 4, 0, false, 100 * money::kScale,
                          Child(at, "rate_percent"), out);
    }
  }
  const std::string tiers = Child(path, "tiers");
  if (validation::CheckMaxEntries(plan.tiers_size(), 20, tiers, out)) {
    std::set<money::Scaled> thresholds;
    for (int i = 0; i < plan.tiers_size(); ++i) {
      const std::string at = Element(tiers, i);
      const std::optional<money::Scaled> min =
          money::CheckDecimal(plan.tiers(i).min_attainment_percent(), 2, 0, false,
                              1000 * money::kScale, Child(at, "min_attainment_percent"), out);
      if (min && !thresholds.insert(*min).second) {
        out->Add(Child(at, "min_attainment_percent"), "another tier starts there");
      }
      money::CheckDecimal(plan.tiers(i).multiplier_percent(), 2, 0, false, 1000 * money::kScale,
                          Child(at, "multiplier_percent"), out);
    }
  }
}

void ValidateForecastRequest(const v1::ForecastSalesRequest& request, Violations* out) {
  validation::CheckDateRange(request.start_date(), "start_date", request.end_date(), "end_date", 0,
                             out);
  validation::CheckEnum(request.period_length(), v1::PeriodLength_IsValid, "period_length", out);
  validation::CheckEnum(request.group_by(), v1::ForecastDimension_IsValid, "group_by", out);
  if (request.currency_code().empty()) {
    out->Add("currency_code", "is required");
  } else if (!money::IsCurrencyCode(request.currency_code())) {
    out->Add("currency_code", "must be an ISO 4217 code of three upper-case letters, e.g. \"EUR\"");
  }
  validation::CheckOptionalReference(request.territory(), "territories", "territory", out);
  validation::CheckOptionalReference(request.sales_rep(), "partners", "sales_rep", out);
  CheckOptionalProductGroup(request.product_group(), "product_group", out);
  if (out->empty() && CalendarPeriods(api::CivilDayOf(request.start_date()),
                                      api::CivilDayOf(request.end_date()),
                                      request.period_length())
                              .size() > kMaxForecastPeriods) {
    out->Add("end_date", absl::StrCat("gives more than ", kMaxForecastPeriods,
                                      " periods; choose a longer period_length"));
  }
}

void ValidateCommissionRequest(const v1::ComputeCommissionsRequest& request, Violations* out) {
  validation::CheckDateRange(request.start_date(), "start_date", request.end_date(), "end_date",
                             kMaxPeriodDays, out);
  validation::CheckOptionalReference(request.sales_rep(), "partners", "sales_rep", out);
}

std::vector<Period> CalendarPeriods(absl::CivilDay first, absl::CivilDay last,
                                    v1::PeriodLength length) {
  std::vector<Period> periods;
  absl::CivilDay start = first;
  while (start <= last && periods.size() <= static_cast<size_t>(kMaxForecastPeriods)) {
    const absl::CivilMonth month(start);
    absl::CivilMonth next;
    switch (length) {
      case v1::PERIOD_LENGTH_QUARTER:
        next = absl::CivilMonth(month.year(), (month.month() - 1) / 3 * 3 + 1) + 3;
        break;
      case v1::PERIOD_LENGTH_YEAR:
        next = absl::CivilMonth(month.year() + 1, 1);
        break;
      default:
        next = month + 1;
    }
    const absl::CivilDay end = std::min(absl::CivilDay(next) - 1, last);
    periods.push_back({start, end});
    start = end + 1;
  }
  return periods;
}

money::Nanos ProratedTarget(const v1::SalesTarget& target, const Period& period) {
  const absl::CivilDay first = api::CivilDayOf(target.start_date());
  const absl::CivilDay last = api::CivilDayOf(target.end_date());
  const absl::CivilDay from = std::max(first, period.first);
  const absl::CivilDay to = std::min(last, period.last);
  if (to < from) return 0;
  const money::Nanos amount = money::ToNanos(target.amount());
  const int64_t shared = to - from + 1, days = last - first + 1;
  if (shared == days) return amount;
  return money::RoundToMinorUnit(amount * shared / days, target.amount().currency_code());
}

v1::ForecastSalesResponse BuildForecast(const v1::ForecastSalesRequest& request,
                                        const std::vector<PipelineFact>& pipeline,
                                        const std::vector<RevenueFact>& revenue,
                                        const std::vector<v1::SalesTarget>& targets) {
  v1::ForecastSalesResponse response;
  const std::string& currency = request.currency_code();
  const v1::ForecastDimension axis = request.group_by();
  const std::vector<Period> periods =
      CalendarPeriods(api::CivilDayOf(request.start_date()), api::CivilDayOf(request.end_date()),
                      request.period_length());
  // (period index, dimension value) -> sums.
  std::map<std::pair<size_t, std::string>, RowSums> rows;
  auto period_of = [&](absl::CivilDay day) -> std::optional<size_t> {
    for (size_t i = 0; i < periods.size(); ++i) {
      if (Within(day, periods[i])) return i;
    }
    return std::nullopt;
  };
  int skipped = 0;
  for (const PipelineFact& o : pipeline) {
    if (!PassesFilters(request, o.territory, o.owner, o.product_group)) continue;
    std::optional<size_t> p = period_of(o.close_date);
    if (!p) continue;
    if (o.currency_code != currency) {
      ++skipped;
      continue;
    }
    if (o.state != v1::OPPORTUNITY_STATE_OPEN && o.state != v1::OPPORTUNITY_STATE_WON) continue;
    RowSums& row = rows[{*p, ValueOn(axis, o.territory, o.owner, o.product_group)}];
    if (o.state == v1::OPPORTUNITY_STATE_OPEN) {
      row.pipeline += o.expected_revenue;
      row.weighted += o.weighted_revenue;
      ++row.open;
    } else if (o.state == v1::OPPORTUNITY_STATE_WON) {
      row.won += o.expected_revenue;
    }
  }
  for (const RevenueFact& r : revenue) {
    if (!PassesFilters(request, r.territory, r.sales_rep, r.product_group)) continue;
    std::optional<size_t> p = period_of(r.completion_date);
    if (!p) continue;
    if (r.currency_code != currency) {
      ++skipped;
      continue;
    }
    rows[{*p, ValueOn(axis, r.territory, r.sales_rep, r.product_group)}].actual += r.net_amount;
  }
  for (const v1::SalesTarget& t : targets) {
    const std::string& value = ValueOn(axis, t.territory(), t.sales_rep(), t.product_group());
    if (!TargetFits(request, t, value)) continue;
    bool counted = false;
    for (size_t p = 0; p < periods.size(); ++p) {
      const money::Nanos share = ProratedTarget(t, periods[p]);
      if (share == 0) continue;
      if (t.amount().currency_code() != currency) {
        counted = true;
        continue;
      }
      rows[{p, value}].target += share;
    }
    if (counted) ++skipped;
  }
  // Every period has at least its total row.
  if (axis == v1::FORECAST_DIMENSION_UNSPECIFIED) {
    for (size_t p = 0; p < periods.size(); ++p) rows.try_emplace({p, ""});
  }
  for (const auto& [key, sums] : rows) {
    v1::ForecastRow* row = response.add_rows();
    *row->mutable_period_start() = api::DateOf(periods[key.first].first);
    *row->mutable_period_end() = api::DateOf(periods[key.first].last);
    row->set_dimension_value(key.second);
    *row->mutable_pipeline() = MoneyOf(sums.pipeline, currency);
    *row->mutable_weighted_pipeline() = MoneyOf(sums.weighted, currency);
    *row->mutable_won() = MoneyOf(sums.won, currency);
    *row->mutable_target() = MoneyOf(sums.target, currency);
    *row->mutable_actual() = MoneyOf(sums.actual, currency);
    row->set_attainment_percent(PercentOf(sums.actual, sums.target));
    row->set_open_opportunities(sums.open);
  }
  response.set_skipped_other_currency(skipped);
  return response;
}

std::vector<v1::CommissionStatement> ComputeStatements(
    const std::vector<v1::CommissionPlan>& plans, const std::vector<RevenueFact>& revenue,
    const std::vector<v1::SalesTarget>& targets, const Period& period,
    const std::string& only_rep) {
  std::vector<v1::CommissionStatement> statements;
  for (const v1::CommissionPlan& plan : plans) {
    const std::string& currency = plan.currency_code();
    const Period paid = {std::max(period.first, api::CivilDayOf(plan.valid_from())),
                         std::min(period.last, api::CivilDayOf(plan.valid_to()))};
    if (paid.last < paid.first) continue;
    std::map<std::string, money::Scaled> rates;
    for (const v1::CommissionRate& rate : plan.rates()) {
      rates[rate.product_group()] = money::ToScaled(rate.rate_percent(), 4).value_or(0);
    }
    for (const std::string& rep : plan.sales_reps()) {
      if (!only_rep.empty() && rep != only_rep) continue;
      std::vector<const RevenueFact*> items;
      for (const RevenueFact& r : revenue) {
        if (r.sales_rep == rep && r.currency_code == currency && Within(r.completion_date, paid)) {
          items.push_back(&r);
        }
      }
      if (items.empty()) continue;
      std::sort(items.begin(), items.end(), [](const RevenueFact* a, const RevenueFact* b) {
        return std::tie(a->completion_date, a->sales_order, a->item) <
               std::tie(b->completion_date, b->sales_order, b->item);
      });
      money::Nanos total = 0, target = 0;
      for (const RevenueFact* r : items) total += r->net_amount;
      for (const v1::SalesTarget& t : targets) {
        if (t.sales_rep() == rep && t.territory().empty() && t.product_group().empty() &&
            t.amount().currency_code() == currency) {
          target += ProratedTarget(t, paid);
        }
      }
      const double attainment = PercentOf(total, target);
      money::Scaled multiplier = 100 * money::kScale;
      if (target > 0) {
        money::Scaled best = -1;
        const money::Scaled reached = money::ToScaled(attainment, 2).value_or(0);
        for (const v1::AttainmentTier& tier : plan.tiers()) {
          const money::Scaled min = money::ToScaled(tier.min_attainment_percent(), 2).value_or(0);
          if (min <= reached && min > best) {
            best = min;
            multiplier = money::ToScaled(tier.multiplier_percent(), 2).value_or(0);
          }
        }
      }
      v1::CommissionStatement statement;
      statement.set_sales_rep(rep);
      statement.set_commission_plan(plan.name());
      *statement.mutable_revenue() = MoneyOf(total, currency);
      *statement.mutable_target() = MoneyOf(target, currency);
      statement.set_attainment_percent(attainment);
      statement.set_multiplier_percent(money::FromScaled(multiplier));
      money::Nanos commission = 0;
      for (const RevenueFact* r : items) {
        auto rate = rates.find(r->product_group);
        if (rate == rates.end()) rate = rates.find("");
        const money::Scaled percent = rate == rates.end() ? 0 : rate->second;
        const money::Nanos amount = Commission(r->net_amount, percent, multiplier, currency);
        commission += amount;
        v1::CommissionLine* line = statement.add_lines();
        line->set_sales_order(r->sales_order);
        line->set_product(r->product);
        line->set_product_group(r->product_group);
        *line->mutable_completion_date() = api::DateOf(r->completion_date);
        *line->mutable_net_amount() = MoneyOf(r->net_amount, currency);
        line->set_rate_percent(money::FromScaled(percent));
        *line->mutable_commission() = MoneyOf(amount, currency);
      }
      *statement.mutable_commission() = MoneyOf(commission, currency);
      statements.push_back(std::move(statement));
    }
  }
  std::sort(statements.begin(), statements.end(),
            [](const v1::CommissionStatement& a, const v1::CommissionStatement& b) {
              return std::tie(a.sales_rep(), a.commission_plan()) <
                     std::tie(b.sales_rep(), b.commission_plan());
            });
  return statements;
}

}  // namespace crm::sales
