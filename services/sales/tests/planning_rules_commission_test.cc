// Sales planning without gRPC or a database: ComputeStatements (rates per
// product group with a default, tiers by attainment against rep-only
// targets, plan validity and currency, one rep, ordering and rounding).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "services/sales/planning_rules.h"
#include "services/sales/tests/planning_rules_fixture.h"

namespace crm::sales::testing::planning_rules_testing {
namespace {

// A line as "order#product rate=5 commission=EUR 100".
Strings Lines(const v1::CommissionStatement& statement) {
  Strings lines;
  for (const v1::CommissionLine& line : statement.lines()) {
    lines.push_back(absl::StrCat(line.sales_order(), " ", line.product_group(), " ",
                                 api::IsoDate(line.completion_date()), " ", Show(line.net_amount()),
                                 " rate=", line.rate_percent(), " -> ", Show(line.commission())));
  }
  return lines;
}

using Statements = std::vector<v1::CommissionStatement>;
Statements Compute(const std::vector<v1::CommissionPlan>& plans,
                   const std::vector<RevenueFact>& revenue,
                   const std::vector<v1::SalesTarget>& targets = {},
                   const Period& period = kJanuary, const std::string& only_rep = "") {
  return ComputeStatements(plans, revenue, targets, period, only_rep);
}
// The one statement of `plan` in January.
v1::CommissionStatement One(const v1::CommissionPlan& plan, const std::vector<RevenueFact>& revenue,
                            const std::vector<v1::SalesTarget>& targets = {}) {
  const Statements statements = Compute({plan}, revenue, targets);
  REQUIRE(statements.size() == 1);
  return statements[0];
}
v1::CommissionPlan Untiered(const std::string& name = "commissionPlans/field") {
  v1::CommissionPlan plan = Plan(name);
  plan.clear_tiers();
  return plan;
}

}  // namespace

// ---------------------------------------------------------------------------
// Commissions.

TEST_CASE("planning rules: each line earns its group's rate, the default rate, or nothing",
          "[sales][planning]") {
  const absl::CivilDay day = Civil(2026, 1, 5);
  const std::vector<RevenueFact> revenue = {
      Sale("salesOrders/a", 0, day, "1000", kAnna),
      Sale("salesOrders/a", 1, day, "500", kAnna, "NOTEBOOKS"),
      Sale("salesOrders/a", 2, day, "80", kAnna, "")};
  v1::CommissionPlan plan = Untiered();
  const v1::CommissionStatement s = One(plan, revenue);
  CHECK(s.sales_rep() == kAnna);
  CHECK(s.commission_plan() == "commissionPlans/field");
  CHECK(Show(s.revenue()) == "EUR 1580");
  CHECK(Show(s.target()) == "EUR 0");
  CHECK(s.attainment_percent() == 0);
  CHECK(s.multiplier_percent() == 100);
  CHECK(Lines(s) == Strings{"salesOrders/a MONITORS 2026-01-05 EUR 1000 rate=5 -> EUR 50",
                            "salesOrders/a NOTEBOOKS 2026-01-05 EUR 500 rate=2 -> EUR 10",
                            "salesOrders/a  2026-01-05 EUR 80 rate=2 -> EUR 1.6"});
  CHECK(s.lines(2).product() == "products/");
  CHECK(Show(s.commission()) == "EUR 61.6");
  // Without a default rate, other groups earn nothing but are still listed.
  plan.mutable_rates()->RemoveLast();
  const v1::CommissionStatement monitors_only = One(plan, revenue);
  CHECK(Lines(monitors_only) ==
        Strings{"salesOrders/a MONITORS 2026-01-05 EUR 1000 rate=5 -> EUR 50",
                "salesOrders/a NOTEBOOKS 2026-01-05 EUR 500 rate=0 -> EUR 0",
                "salesOrders/a  2026-01-05 EUR 80 rate=0 -> EUR 0"});
  CHECK(Show(monitors_only.commission()) == "EUR 50");
}

TEST_CASE("planning rules: the tier the rep's attainment reaches multiplies every rate",
          "[sales][planning]") {
  // Plan(): 80 % from 0, 100 % from 50, 120 % from 100 % attainment.
  auto statement_for = [](const std::string& revenue, const std::vector<v1::SalesTarget>& targets) {
    return One(Plan(), {Sale("salesOrders/a", 0, Civil(2026, 1, 5), revenue)}, targets);
  };
  const google::type::Date first = Day(2026, 1, 1), last = Day(2026, 1, 31);
  const std::vector<v1::SalesTarget> thousand = {Target(first, last, Eur("1000"), "", kAnna)};
  struct Expect {
    std::string revenue;
    double attainment, multiplier;
    std::string commission;
  };
  for (const Expect& e : {Expect{"1000", 100, 120, "EUR 60"},      // the top threshold exactly
                          Expect{"999.99", 100, 120, "EUR 60"},    // 99.999 % shows as 100.00
                          Expect{"999.94", 99.99, 100, "EUR 50"},  // 49.997 → 50.00
                          Expect{"500", 50, 100, "EUR 25"},        // 50 % exactly
                          Expect{"499.9", 49.99, 80, "EUR 20"},    // 19.996 → 20.00
                          Expect{"3000", 300, 120, "EUR 180"}}) {
    INFO(e.revenue);
    const v1::CommissionStatement s = statement_for(e.revenue, thousand);
    CHECK(Show(s.target()) == "EUR 1000");
    CHECK(s.attainment_percent() == Approx(e.attainment).margin(1e-9));
    CHECK(s.multiplier_percent() == Approx(e.multiplier).margin(1e-9));
    CHECK(Show(s.commission()) == e.commission);
  }
  // Without a target naming the rep alone the rates apply as they are:
  // targets with a territory or product group, of another rep or currency,
  // or outside the period do not count.
  const v1::CommissionStatement untargeted =
      statement_for("1000", {Target(first, last, Eur("10"), kNorth, kAnna),
                             Target(first, last, Eur("10"), "", kAnna, "MONITORS"),
                             Target(first, last, Eur("10"), "", kBert),
                             Target(first, last, Cash("USD", "10"), "", kAnna),
                             Target(Day(2026, 2, 1), Day(2026, 2, 28), Eur("10"), "", kAnna)});
  CHECK(Show(untargeted.target()) == "EUR 0");
  CHECK(untargeted.attainment_percent() == 0);
  CHECK(untargeted.multiplier_percent() == 100);
  CHECK(Show(untargeted.commission()) == "EUR 50");
  // Targets add up, prorated to the period: 1000 + 31/90 of 900.
  const v1::CommissionStatement prorated =
      statement_for("655", {Target(first, last, Eur("1000"), "", kAnna),
                            Target(first, Day(2026, 3, 31), Eur("900"), "", kAnna)});
  CHECK(Show(prorated.target()) == "EUR 1310");
  CHECK(prorated.attainment_percent() == Approx(50).margin(1e-9));
  CHECK(prorated.multiplier_percent() == 100);
}

TEST_CASE("planning rules: commissions count only revenue in the plan's validity and currency",
          "[sales][planning]") {
  v1::CommissionPlan plan = Untiered();
  *plan.mutable_valid_from() = Day(2026, 1, 10);
  *plan.mutable_valid_to() = Day(2026, 1, 20);
  const std::vector<RevenueFact> revenue = {
      Sale("salesOrders/a", 0, Civil(2026, 1, 9), "100"),
      Sale("salesOrders/b", 0, Civil(2026, 1, 10), "200"),
      Sale("salesOrders/c", 0, Civil(2026, 1, 20), "300"),
      Sale("salesOrders/d", 0, Civil(2026, 1, 21), "400"),
      Sale("salesOrders/e", 0, Civil(2026, 1, 15), "500", kAnna, "MONITORS", "", "USD")};
  const v1::CommissionStatement s = One(plan, revenue);
  CHECK(Show(s.revenue()) == "EUR 500");
  CHECK(Lines(s) == Strings{"salesOrders/b MONITORS 2026-01-10 EUR 200 rate=5 -> EUR 10",
                            "salesOrders/c MONITORS 2026-01-20 EUR 300 rate=5 -> EUR 15"});
  // A plan not valid in the period, or a rep without revenue: no statement.
  CHECK(Compute({plan}, revenue, {}, {Civil(2026, 2, 1), Civil(2026, 2, 28)}).empty());
  CHECK(Compute({plan}, {Sale("salesOrders/x", 0, Civil(2026, 1, 15), "5", kBert)}).empty());
  // A USD plan of the same rep pays the USD revenue only.
  v1::CommissionPlan dollars = plan;
  dollars.set_name("commissionPlans/dollars");
  dollars.set_currency_code("USD");
  const Statements both = Compute({plan, dollars}, revenue);
  REQUIRE(both.size() == 2);
  CHECK(both[0].commission_plan() == "commissionPlans/dollars");
  CHECK(Show(both[0].revenue()) == "USD 500");
  CHECK(Show(both[0].commission()) == "USD 25");
  CHECK(both[1].commission_plan() == "commissionPlans/field");
  CHECK(Show(both[1].revenue()) == "EUR 500");
}

TEST_CASE("planning rules: statements by rep and plan, lines oldest first, one rep if asked",
          "[sales][planning]") {
  v1::CommissionPlan team = Untiered("commissionPlans/team");
  team.add_sales_reps(kBert);
  team.add_sales_reps("partners/carl");
  v1::CommissionPlan solo = Untiered("commissionPlans/alpha");
  solo.set_sales_reps(0, "partners/dora");
  solo.set_currency_code("USD");
  const std::vector<RevenueFact> revenue = {
      Sale("salesOrders/z", 1, Civil(2026, 1, 3), "10", kBert),
      Sale("salesOrders/z", 0, Civil(2026, 1, 3), "20", kBert),
      Sale("salesOrders/b", 0, Civil(2026, 1, 7), "30", kBert),
      Sale("salesOrders/a", 0, Civil(2026, 1, 3), "40", kBert),
      Sale("salesOrders/m", 0, Civil(2026, 1, 2), "50", kBert),
      Sale("salesOrders/c", 0, Civil(2026, 1, 4), "60", kAnna),
      Sale("salesOrders/d", 0, Civil(2026, 1, 4), "70", "partners/dora", "X", "", "USD")};
  const Statements statements = Compute({team, solo}, revenue);
  Strings order;
  for (const auto& s : statements) order.push_back(s.sales_rep() + " " + s.commission_plan());
  // Carl has no revenue; the reps in name order.
  CHECK(order == Strings{"partners/anna commissionPlans/team", "partners/bert commissionPlans/team",
                         "partners/dora commissionPlans/alpha"});
  REQUIRE(statements.size() == 3);
  Strings bert;
  for (const v1::CommissionLine& line : statements[1].lines()) {
    bert.push_back(absl::StrCat(line.sales_order(), " ", Show(line.net_amount())));
  }
  CHECK(bert == Strings{"salesOrders/m EUR 50", "salesOrders/a EUR 40", "salesOrders/z EUR 20",
                        "salesOrders/z EUR 10", "salesOrders/b EUR 30"});
  CHECK(Show(statements[1].revenue()) == "EUR 150");
  CHECK(Show(statements[1].commission()) == "EUR 7.5");
  const Statements only = Compute({team, solo}, revenue, {}, kJanuary, kBert);
  REQUIRE(only.size() == 1);
  CHECK(only[0].sales_rep() == kBert);
  CHECK(Compute({team, solo}, revenue, {}, kJanuary, "partners/carl").empty());
}

TEST_CASE("planning rules: each line is rounded to the minor unit, half away from zero",
          "[sales][planning]") {
  v1::CommissionPlan plan = Untiered();
  plan.mutable_rates(1)->set_rate_percent(2.5);
  const absl::CivilDay day = Civil(2026, 1, 5);
  const v1::CommissionStatement s = One(plan, {Sale("salesOrders/a", 0, day, "10.05"),  // 0.5025
                                               Sale("salesOrders/a", 1, day, "10.10"),  // 0.505
                                               Sale("salesOrders/a", 2, day, "10.10"),
                                               Sale("salesOrders/a", 3, day, "0.19", kAnna, "X")});
  Strings commissions;
  for (const auto& line : s.lines()) commissions.push_back(Show(line.commission()));
  CHECK(commissions == Strings{"EUR 0.5", "EUR 0.51", "EUR 0.51", "EUR 0"});  // 0.00475 → 0
  // The sum of the rounded lines, not the rounded sum.
  CHECK(Show(s.commission()) == "EUR 1.52");
  // With a multiplier, in a currency without minor unit: 12345 × 5 % × 120 %.
  v1::CommissionPlan yen = Plan();
  yen.set_currency_code("JPY");
  const v1::CommissionStatement y =
      One(yen, {Sale("salesOrders/y", 0, day, "12345", kAnna, "MONITORS", "", "JPY")},
          {Target(Day(2026, 1, 1), Day(2026, 1, 31), Cash("JPY", "10000"), "", kAnna)});
  CHECK(y.multiplier_percent() == 120);
  CHECK(Show(y.commission()) == "JPY 741");  // 740.7
}

TEST_CASE("planning rules: a line's commission is rounded once", "[sales][planning]") {
  // 2825.90 × 1.2345 % × 121.21 % = 42.28499999955, which rounds to 42.28
  // (CommissionLine: "Net amount × rate × multiplier, rounded to the
  // currency's minor unit"); rounding net × rate to the nano first gives
  // 42.285 and then 42.29.
  v1::CommissionPlan plan = Untiered();
  plan.mutable_rates(0)->set_rate_percent(1.2345);
  v1::AttainmentTier* tier = plan.add_tiers();
  tier->set_min_attainment_percent(100);
  tier->set_multiplier_percent(121.21);
  const v1::CommissionStatement s =
      One(plan, {Sale("salesOrders/a", 0, Civil(2026, 1, 5), "2825.90")},
          {Target(Day(2026, 1, 1), Day(2026, 1, 31), Eur("1000"), "", kAnna)});
  CHECK(s.multiplier_percent() == Approx(121.21).margin(1e-9));
  CHECK(Show(s.lines(0).commission()) == "EUR 42.28");
}

}  // namespace crm::sales::testing::planning_rules_testing
