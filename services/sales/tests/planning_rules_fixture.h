// Test support for the planning rules tests (planning_rules_*_test.cc):
// reps and territories, dates, exact money text, sales targets, a valid
// commission plan, order items as revenue, forecast requests and January
// as a period.
#ifndef CRM_SERVICES_SALES_TESTS_PLANNING_RULES_FIXTURE_H_
#define CRM_SERVICES_SALES_TESTS_PLANNING_RULES_FIXTURE_H_

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/money/money.h"
#include "common/testing/sample_values.h"
#include "services/sales/planning_rules.h"

namespace crm::sales::testing::planning_rules_testing {

using Fields = std::vector<std::string>;
using Strings = std::vector<std::string>;
using type::v1::Money;

inline constexpr char kAnna[] = "partners/anna";
inline constexpr char kBert[] = "partners/bert";
inline constexpr char kNorth[] = "territories/north";

inline constexpr auto Day = crm::testing::MakeDate;
inline absl::CivilDay Civil(int year, int month, int day) {
  return absl::CivilDay(year, month, day);
}

// Money from a non-negative decimal text: Cash("EUR", "0.333").
inline Money Cash(const std::string& currency, const std::string& decimal) {
  const size_t dot = decimal.find('.');
  Money money;
  money.set_currency_code(currency);
  money.set_units(std::stoll(decimal.substr(0, dot)));
  if (dot != std::string::npos) {
    std::string fraction = decimal.substr(dot + 1);
    fraction.resize(9, '0');
    money.set_nanos(std::stoi(fraction));
  }
  return money;
}
inline Money Eur(const std::string& decimal) { return Cash("EUR", decimal); }
inline money::Nanos Nanos(const std::string& decimal) { return money::ToNanos(Eur(decimal)); }

// Exact text of non-negative money, trailing zeros dropped: "EUR 344.44".
inline std::string Show(const Money& money) {
  std::string fraction = absl::StrFormat("%09d", money.nanos());
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return absl::StrCat(money.currency_code(), " ", money.units(), fraction.empty() ? "" : ".",
                      fraction);
}

inline v1::SalesTarget Target(const google::type::Date& start, const google::type::Date& end,
                              const Money& amount, const std::string& territory = "",
                              const std::string& rep = "", const std::string& group = "") {
  v1::SalesTarget target;
  *target.mutable_start_date() = start;
  *target.mutable_end_date() = end;
  target.set_territory(territory);
  target.set_sales_rep(rep);
  target.set_product_group(group);
  *target.mutable_amount() = amount;
  return target;
}

// A valid plan for Anna in EUR in 2026: MONITORS 5 %, everything else 2 %;
// 80 % of the rates from 0 % attainment, 100 % from 50 %, 120 % from 100 %.
inline v1::CommissionPlan Plan(const std::string& name = "commissionPlans/field") {
  v1::CommissionPlan plan;
  plan.set_name(name);
  plan.set_display_name("Field sales 2026");
  plan.add_sales_reps(kAnna);
  plan.set_currency_code("EUR");
  *plan.mutable_valid_from() = Day(2026, 1, 1);
  *plan.mutable_valid_to() = Day(2026, 12, 31);
  v1::CommissionRate* monitors = plan.add_rates();
  monitors->set_product_group("MONITORS");
  monitors->set_rate_percent(5);
  plan.add_rates()->set_rate_percent(2);
  for (const auto& [min, multiplier] : {std::pair{0.0, 80.0}, {50.0, 100.0}, {100.0, 120.0}}) {
    v1::AttainmentTier* tier = plan.add_tiers();
    tier->set_min_attainment_percent(min);
    tier->set_multiplier_percent(multiplier);
  }
  return plan;
}

// An item of a completed order; its product is named after its group.
inline RevenueFact Sale(const std::string& order, int item, absl::CivilDay completed,
                        const std::string& net, const std::string& rep = kAnna,
                        const std::string& group = "MONITORS", const std::string& territory = "",
                        const std::string& currency = "EUR") {
  return {order, item,     completed, territory, rep, absl::StrCat("products/", group),
          group, currency, Nanos(net)};
}

inline v1::ForecastSalesRequest Forecast(
    const google::type::Date& start, const google::type::Date& end,
    v1::ForecastDimension group_by = v1::FORECAST_DIMENSION_UNSPECIFIED) {
  v1::ForecastSalesRequest request;
  *request.mutable_start_date() = start;
  *request.mutable_end_date() = end;
  request.set_group_by(group_by);
  request.set_currency_code("EUR");
  return request;
}

inline const Period kJanuary{Civil(2026, 1, 1), Civil(2026, 1, 31)};

}  // namespace crm::sales::testing::planning_rules_testing

#endif  // CRM_SERVICES_SALES_TESTS_PLANNING_RULES_FIXTURE_H_
