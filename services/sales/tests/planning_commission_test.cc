// Commissions (PlanningService) over a real gRPC channel and a real SQLite
// file, with a real partners service beside it:
//  - commission plans: create under an id, get, list, update, delete; bad
//    ids, rates and tiers; a rep in two overlapping plans of a currency
//    (PLAN_OVERLAP);
//  - ComputeCommissions over completed orders: rate × tier per item, the
//    order's rep defaulting to its opportunity's owner (ordered from a
//    quotation, or created with the opportunity); cancelled and open orders
//    never count.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "services/sales/tests/planning_fixture.h"

using namespace crm::sales::testing::planning_testing;  // NOLINT

namespace {

// A plan in EUR: MONITORS 5 %, every other group 2 %; 80 % of the rates
// below 100 % attainment, 120 % from 100 %.
sv1::CommissionPlan Plan(const Strings& reps, absl::CivilDay from, absl::CivilDay to) {
  sv1::CommissionPlan plan;
  plan.set_display_name("Field sales");
  for (const std::string& rep : reps) plan.add_sales_reps(rep);
  plan.set_currency_code("EUR");
  *plan.mutable_valid_from() = D(from);
  *plan.mutable_valid_to() = D(to);
  sv1::CommissionRate* monitors = plan.add_rates();
  monitors->set_product_group("MONITORS");
  monitors->set_rate_percent(5);
  plan.add_rates()->set_rate_percent(2);
  sv1::AttainmentTier* low = plan.add_tiers();
  low->set_min_attainment_percent(0);
  low->set_multiplier_percent(80);
  sv1::AttainmentTier* high = plan.add_tiers();
  high->set_min_attainment_percent(100);
  high->set_multiplier_percent(120);
  return plan;
}

}  // namespace

// ---------------------------------------------------------------------------
// Commission plans.

TEST_CASE("planning: commission plans are created under an id, read, listed, updated, deleted",
          "[sales][planning]") {
  Planner crm;
  const std::string anna = crm.AddEmployee("Anders");
  const std::string contact = crm.AddPerson("Kunde", pv1::ROLE_TYPE_CONTACT_PERSON);
  const sv1::CommissionPlan draft = Plan({anna}, MonthStart(0), MonthStart(12) - 1);
  CHECK(Outcome(crm.TryCreate("Field_Sales", draft)) == "INVALID_ARGUMENT commission_plan_id");
  CHECK(Outcome(crm.TryCreate("", draft)) == "INVALID_ARGUMENT commission_plan_id");
  sv1::CommissionPlan bad = draft;
  bad.mutable_rates(1)->set_product_group("MONITORS");
  bad.mutable_tiers(0)->set_multiplier_percent(1000.01);
  CHECK(Outcome(crm.TryCreate("field-sales", bad)) ==
        "INVALID_ARGUMENT commission_plan.rates[1].product_group, "
        "commission_plan.tiers[0].multiplier_percent");
  bad = draft;
  bad.add_sales_reps(contact);
  const grpc::Status not_employee = crm.TryCreate("field-sales", bad);
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE commission_plan.sales_reps[1]");
  bad.set_sales_reps(1, "partners/nobody");
  CHECK(Outcome(crm.TryCreate("field-sales", bad)) == "NOT_FOUND");
  CHECK(crm.PlanNames().empty());

  const sv1::CommissionPlan created = crm.Create("field-sales", draft);
  CHECK(created.name() == "commissionPlans/field-sales");
  CHECK(created.etag() == "\"1\"");
  CHECK(Strings(created.sales_reps().begin(), created.sales_reps().end()) == Strings{anna});
  CHECK(created.rates_size() == 2);
  CHECK(created.tiers_size() == 2);
  CHECK(Outcome(crm.TryCreate("field-sales", draft)) == "ALREADY_EXISTS");
  sv1::GetCommissionPlanRequest get;
  get.set_name(created.name());
  CHECK(Same(Ok(crm.api(), &Planning::GetCommissionPlan, get), created));
  sv1::CommissionPlan dollars = draft;
  dollars.set_currency_code("USD");  // the same rep, in another currency
  crm.Create("alpha", dollars);
  int pages = 0;
  CHECK(crm.PlanNames(1, &pages) == Strings{"commissionPlans/alpha", created.name()});
  CHECK(pages == 2);

  sv1::CommissionPlan change;
  change.set_name(created.name());
  change.add_rates()->set_rate_percent(3.5);
  sv1::CommissionPlan updated;
  REQUIRE(Outcome(crm.TryUpdate(change, {"rates"}, &updated)) == "OK");
  REQUIRE(updated.rates_size() == 1);
  CHECK(updated.rates(0).rate_percent() == 3.5);
  CHECK(updated.tiers_size() == 2);
  CHECK(updated.etag() == "\"2\"");
  change.set_etag(created.etag());
  CHECK(Outcome(crm.TryUpdate(change, {"rates"})) == "ABORTED");
  change.clear_etag();
  change.mutable_rates(0)->set_rate_percent(101);
  CHECK(Outcome(crm.TryUpdate(change, {"rates"})) ==
        "INVALID_ARGUMENT commission_plan.rates[0].rate_percent");
  CHECK(Same(Ok(crm.api(), &Planning::GetCommissionPlan, get), updated));

  sv1::DeleteCommissionPlanRequest remove;
  remove.set_name(created.name());
  remove.set_etag(created.etag());
  CHECK(Outcome(Try(crm.api(), &Planning::DeleteCommissionPlan, remove)) == "ABORTED");
  remove.clear_etag();
  CHECK(Outcome(Try(crm.api(), &Planning::DeleteCommissionPlan, remove)) == "OK");
  CHECK(Outcome(Try(crm.api(), &Planning::GetCommissionPlan, get)) == "NOT_FOUND");
  CHECK(crm.PlanNames() == Strings{"commissionPlans/alpha"});
}

TEST_CASE("planning: a rep is paid by one plan per currency at a time (PLAN_OVERLAP)",
          "[sales][planning]") {
  Planner crm;
  const std::string anna = crm.AddEmployee("Anders");
  const std::string bert = crm.AddEmployee("Berg");
  const std::string carl = crm.AddEmployee("Claus");
  const absl::CivilDay start(2027, 1, 1), end(2027, 12, 31);
  crm.Create("field", Plan({anna, bert}, start, end));
  auto overlap = [](const grpc::Status& status) {
    return Outcome(status) + " " + Precondition(status);
  };
  // One shared day is enough.
  CHECK(overlap(crm.TryCreate("next", Plan({carl, bert}, end, end + 180))) ==
        "FAILED_PRECONDITION PLAN_OVERLAP commission_plan.sales_reps[1]");
  const sv1::CommissionPlan next = crm.Create("next", Plan({carl, bert}, end + 1, end + 180));
  sv1::CommissionPlan dollars = Plan({anna}, start, end);
  dollars.set_currency_code("USD");
  crm.Create("dollars", dollars);
  // An update that makes two plans overlap is refused too.
  sv1::CommissionPlan change;
  change.set_name(next.name());
  *change.mutable_valid_from() = D(absl::CivilDay(2027, 6, 1));
  CHECK(overlap(crm.TryUpdate(change, {"valid_from"})) ==
        "FAILED_PRECONDITION PLAN_OVERLAP commission_plan.sales_reps[1]");
  // A plan does not overlap itself.
  change.set_name("commissionPlans/field");
  change.set_display_name("Field sales 2027");
  sv1::CommissionPlan renamed;
  CHECK(Outcome(crm.TryUpdate(change, {"display_name"}, &renamed)) == "OK");
  CHECK(renamed.display_name() == "Field sales 2027");
  // Nor by a change of currency, or of the reps (sent with the whole plan).
  sv1::CommissionPlan euros = dollars;
  euros.set_name("commissionPlans/dollars");
  euros.set_currency_code("EUR");
  CHECK(overlap(crm.TryUpdate(euros, {"currency_code"})) ==
        "FAILED_PRECONDITION PLAN_OVERLAP commission_plan.sales_reps[0]");
  sv1::CommissionPlan team = next;
  team.clear_etag();
  team.add_sales_reps(anna);
  CHECK(Outcome(crm.TryUpdate(team, {"sales_reps"})) == "OK");  // 2028: not in "field"
  team.set_sales_reps(0, crm.AddPerson("Kunde", pv1::ROLE_TYPE_CONTACT_PERSON));
  CHECK(overlap(crm.TryUpdate(team, {"sales_reps"})) ==
        "FAILED_PRECONDITION NOT_EMPLOYEE commission_plan.sales_reps[0]");
  *team.mutable_valid_from() = D(end);
  team.set_sales_reps(0, carl);
  CHECK(overlap(crm.TryUpdate(team, {"sales_reps", "valid_from"})) ==
        "FAILED_PRECONDITION PLAN_OVERLAP commission_plan.sales_reps[1]");
  CHECK(crm.PlanNames() ==
        Strings{"commissionPlans/dollars", "commissionPlans/field", "commissionPlans/next"});
}

TEST_CASE("planning: an update of the reps alone needs only the name and the reps",
          "[sales][planning]") {
  // With the mask naming sales_reps, the reps sent are checked, and the plan
  // once the mask is applied; the other fields need not be sent.
  Planner crm;
  const std::string anna = crm.AddEmployee("Anders");
  const std::string bert = crm.AddEmployee("Berg");
  const sv1::CommissionPlan created =
      crm.Create("field", Plan({anna}, MonthStart(0), MonthEnd(11)));
  sv1::CommissionPlan change;
  change.set_name(created.name());
  change.add_sales_reps(anna);
  change.add_sales_reps("bert");
  CHECK(Outcome(crm.TryUpdate(change, {"sales_reps"})) ==
        "INVALID_ARGUMENT commission_plan.sales_reps[1]");
  change.set_sales_reps(1, anna);
  CHECK(Outcome(crm.TryUpdate(change, {"sales_reps"})) ==
        "INVALID_ARGUMENT commission_plan.sales_reps[1]");  // listed twice
  change.set_sales_reps(1, bert);
  sv1::CommissionPlan updated;
  const grpc::Status status = crm.TryUpdate(change, {"sales_reps"}, &updated);
  INFO(status.error_message());
  CHECK(Outcome(status) == "OK");
  CHECK(Strings(updated.sales_reps().begin(), updated.sales_reps().end()) == Strings{anna, bert});
  CHECK(updated.display_name() == created.display_name());
  CHECK(updated.rates_size() == 2);
  CHECK(updated.currency_code() == "EUR");
}

// ---------------------------------------------------------------------------
// Commissions.

TEST_CASE("planning: commissions on completed orders, per item, at the rate times the tier",
          "[sales][planning]") {
  Planner crm;
  crm.AddCatalog();
  const std::string anna = crm.AddEmployee("Anders");
  const std::string bert = crm.AddEmployee("Berg");
  const std::string alvis = crm.AddCustomer("Alvis Retail GmbH", "RETAIL");
  const std::string for_anna = crm.AddDeal(alvis, anna, Eur(2000), Today() + 20, 50).name();
  const std::string for_bert = crm.AddDeal(alvis, bert, Eur(200), Today() + 20, 50).name();
  // The rep defaults to the opportunity's owner, from a quotation or not.
  const sv1::SalesOrder quoted = crm.OrderQuoted(alvis, {{kMonitor, 10}}, for_anna);
  CHECK(quoted.sales_rep() == anna);
  const sv1::SalesOrder with_deal = crm.NewOrder(alvis, {{kKeyboard, 4}}, for_bert);
  CHECK(with_deal.sales_rep() == bert);
  const sv1::SalesOrder named = crm.NewOrder(alvis, {{kMonitor, 1}, {kKeyboard, 2}}, "", anna);
  for (const auto* order : {&quoted, &with_deal, &named}) crm.Complete(order->name());
  const sv1::SalesOrder cancelled = crm.NewOrder(alvis, {{kMonitor, 5}}, "", anna);
  crm.Cancel(cancelled.name());
  const sv1::SalesOrder open = crm.NewOrder(alvis, {{kMonitor, 3}}, for_anna);
  CHECK(open.sales_rep() == anna);
  // Anna's target is exactly her revenue (100 %: 120 % of the rates); Bert
  // has none (the rates as they are).
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(2299, 98), "", anna));
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(99), "", bert, "INPUT"));  // not his alone
  const sv1::CommissionPlan plan =
      crm.Create("field-sales", Plan({anna, bert}, MonthStart(0), MonthStart(0) + 364));

  sv1::ComputeCommissionsResponse response;
  REQUIRE(Outcome(crm.TryCompute(MonthStart(0), MonthEnd(0), "", &response)) == "OK");
  REQUIRE(response.statements_size() == 2);
  const bool anna_first = anna < bert;
  const sv1::CommissionStatement& a = response.statements(anna_first ? 0 : 1);
  const sv1::CommissionStatement& b = response.statements(anna_first ? 1 : 0);
  CHECK(a.sales_rep() == anna);
  CHECK(a.commission_plan() == plan.name());
  CHECK(Text(a.revenue()) == "EUR 2299.98");
  CHECK(Text(a.target()) == "EUR 2299.98");
  CHECK(a.attainment_percent() == 100);
  CHECK(a.multiplier_percent() == 120);
  // One line per item, by order and item: 2000 × 5 % × 1.2, 200 × 5 % × 1.2
  // and 99.98 × 2 % × 1.2 = 2.39952.
  struct Expected {
    std::string order, text;
  };
  std::vector<Expected> expected = {
      {quoted.name(), "products/monitor-24 MONITORS EUR 2000.00 5% EUR 120.00"},
      {named.name(), "products/monitor-24 MONITORS EUR 200.00 5% EUR 12.00"},
      {named.name(), "products/keyboard INPUT EUR 99.98 2% EUR 2.40"}};
  std::stable_sort(expected.begin(), expected.end(),
                   [](const Expected& x, const Expected& y) { return x.order < y.order; });
  auto lines = [](const sv1::CommissionStatement& statement) {
    std::vector<std::string> out;
    for (const sv1::CommissionLine& line : statement.lines()) {
      CHECK(Iso(crm::api::CivilDayOf(line.completion_date())) == Iso(Today()));
      out.push_back(absl::StrCat(line.sales_order(), " ", line.product(), " ", line.product_group(),
                                 " ", Text(line.net_amount()), " ", line.rate_percent(), "% ",
                                 Text(line.commission())));
    }
    return out;
  };
  Strings anna_lines;
  for (const Expected& e : expected) anna_lines.push_back(e.order + " " + e.text);
  CHECK(lines(a) == anna_lines);
  CHECK(Text(a.commission()) == "EUR 134.40");
  CHECK(b.sales_rep() == bert);
  CHECK(Text(b.revenue()) == "EUR 199.96");
  CHECK(Text(b.target()) == "EUR 0.00");
  CHECK(b.attainment_percent() == 0);
  CHECK(b.multiplier_percent() == 100);
  CHECK(lines(b) == Strings{with_deal.name() + " products/keyboard INPUT EUR 199.96 2% EUR 4.00"});
  CHECK(Text(b.commission()) == "EUR 4.00");

  // One rep; a period without completed orders; a period too long.
  sv1::ComputeCommissionsResponse only_bert;
  REQUIRE(Outcome(crm.TryCompute(MonthStart(0), MonthEnd(0), bert, &only_bert)) == "OK");
  REQUIRE(only_bert.statements_size() == 1);
  CHECK(Same(only_bert.statements(0), b));
  sv1::ComputeCommissionsResponse before;
  REQUIRE(Outcome(crm.TryCompute(MonthStart(-1), MonthStart(0) - 1, "", &before)) == "OK");
  CHECK(before.statements().empty());
  CHECK(Outcome(crm.TryCompute(MonthStart(0), MonthStart(0) + 367, "")) ==
        "INVALID_ARGUMENT end_date");
  CHECK(Outcome(crm.TryCompute(MonthStart(0), MonthEnd(0), "bert")) ==
        "INVALID_ARGUMENT sales_rep");
  // The cancelled order was never booked: no actual in the forecast either.
  const sv1::ForecastSalesResponse forecast = ForecastOf(crm, Forecast(MonthStart(0), MonthEnd(0)));
  REQUIRE(forecast.rows_size() == 1);
  CHECK(Text(forecast.rows(0).actual()) == "EUR 2499.94");
}
