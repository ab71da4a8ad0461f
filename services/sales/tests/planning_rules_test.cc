// Sales planning without gRPC or a database: what sales targets, commission
// plans, forecast and commission requests may hold (each bad field named by
// its exact path); the calendar periods of a forecast (months, quarters,
// years, the first and last cut to the range, leap years); targets
// prorated by days; BuildForecast (pipeline, weighted, won, actual, target
// and attainment per period, grouped and filtered, targets only at exactly
// the row's breakdown, other currencies skipped and counted); and
// ComputeStatements (rates per product group with a default, tiers by
// attainment against rep-only targets, plan validity, one rep, ordering and
// rounding).
#include "services/sales/planning_rules.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/dates.h"
#include "common/errors.h"
#include "common/money/money.h"
#include "common/testing/sample_values.h"

namespace crm::sales {
namespace {

using Fields = std::vector<std::string>;
using Strings = std::vector<std::string>;
using type::v1::Money;

constexpr char kAnna[] = "partners/anna";
constexpr char kBert[] = "partners/bert";
constexpr char kNorth[] = "territories/north";
constexpr char kSouth[] = "territories/south";

constexpr auto Day = crm::testing::MakeDate;
absl::CivilDay Civil(int year, int month, int day) { return absl::CivilDay(year, month, day); }

// Money from a non-negative decimal text: Cash("EUR", "0.333").
Money Cash(const std::string& currency, const std::string& decimal) {
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
Money Eur(const std::string& decimal) { return Cash("EUR", decimal); }
money::Nanos Nanos(const std::string& decimal) { return money::ToNanos(Eur(decimal)); }

// Exact text of non-negative money, trailing zeros dropped: "EUR 344.44".
std::string Show(const Money& money) {
  std::string fraction = absl::StrFormat("%09d", money.nanos());
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return absl::StrCat(money.currency_code(), " ", money.units(), fraction.empty() ? "" : ".",
                      fraction);
}
std::string ShowNanos(money::Nanos nanos) { return Show(*money::FromNanos(nanos, "EUR")); }

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

v1::SalesTarget Target(const google::type::Date& start, const google::type::Date& end,
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
v1::CommissionPlan Plan(const std::string& name = "commissionPlans/field") {
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

// "2026-01-15..2026-01-31" per period.
Strings Show(const std::vector<Period>& periods) {
  Strings shown;
  for (const Period& p : periods) {
    shown.push_back(
        absl::StrCat(api::IsoDate(api::DateOf(p.first)), "..", api::IsoDate(api::DateOf(p.last))));
  }
  return shown;
}

// A mutation of a valid message and the fields (below `path`) it must make
// the rules name.
template <typename Message>
struct Case {
  std::string what;
  std::function<void(Message*)> change;
  Fields fields;
};

template <typename Message, typename Validate>
void CheckCases(const Message& valid, const std::string& path, Validate validate,
                const std::vector<Case<Message>>& cases) {
  for (const Case<Message>& c : cases) {
    INFO(c.what);
    Message message = valid;
    c.change(&message);
    Violations violations;
    validate(message, &violations);
    Fields expected;
    for (const std::string& f : c.fields) expected.push_back(path.empty() ? f : path + "." + f);
    CHECK(FieldsOf(violations) == expected);
  }
}

PipelineFact Deal(absl::CivilDay close, v1::OpportunityState state, const std::string& expected,
                  const std::string& weighted, const std::string& owner = kAnna,
                  const std::string& territory = "", const std::string& group = "",
                  const std::string& currency = "EUR") {
  return {close, state, territory, owner, group, currency, Nanos(expected), Nanos(weighted)};
}

// An item of a completed order; its product is named after its group.
RevenueFact Sale(const std::string& order, int item, absl::CivilDay completed,
                 const std::string& net, const std::string& rep = kAnna,
                 const std::string& group = "MONITORS", const std::string& territory = "",
                 const std::string& currency = "EUR") {
  return {order, item,     completed, territory, rep, absl::StrCat("products/", group),
          group, currency, Nanos(net)};
}

v1::ForecastSalesRequest Forecast(
    const google::type::Date& start, const google::type::Date& end,
    v1::ForecastDimension group_by = v1::FORECAST_DIMENSION_UNSPECIFIED) {
  v1::ForecastSalesRequest request;
  *request.mutable_start_date() = start;
  *request.mutable_end_date() = end;
  request.set_group_by(group_by);
  request.set_currency_code("EUR");
  return request;
}

// A row as one line, amounts in EUR: "2026-01-01 [partners/anna] p=200 w=20
// won=0 t=0 a=100 0.00% open=1" (pipeline, weighted, won, target, actual).
std::string Row(const v1::ForecastRow& row) {
  auto eur = [](const Money& m) {
    CHECK(m.currency_code() == "EUR");
    return Show(m).substr(4);
  };
  return absl::StrCat(api::IsoDate(row.period_start()), " [", row.dimension_value(),
                      "] p=", eur(row.pipeline()), " w=", eur(row.weighted_pipeline()),
                      " won=", eur(row.won()), " t=", eur(row.target()), " a=", eur(row.actual()),
                      absl::StrFormat(" %.2f%%", row.attainment_percent()),
                      " open=", row.open_opportunities());
}
Strings Rows(const v1::ForecastSalesResponse& response) {
  Strings rows;
  for (const v1::ForecastRow& row : response.rows()) rows.push_back(Row(row));
  return rows;
}
// The periods of the rows: "2026-01-15..2026-01-31".
Strings PeriodsOf(const v1::ForecastSalesResponse& response) {
  Strings periods;
  for (const v1::ForecastRow& row : response.rows()) {
    periods.push_back(
        absl::StrCat(api::IsoDate(row.period_start()), "..", api::IsoDate(row.period_end())));
  }
  return periods;
}
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

const Period kJanuary{Civil(2026, 1, 1), Civil(2026, 1, 31)};

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
// Validation.

TEST_CASE("planning rules: a sales target is checked field by field, with exact paths",
          "[sales][planning]") {
  auto validate = [](const v1::SalesTarget& t, Violations* out) {
    ValidateSalesTarget(t, "sales_target", out);
  };
  // 366 days after the start (2028 is a leap year); every field set.
  const v1::SalesTarget valid =
      Target(Day(2028, 1, 1), Day(2029, 1, 1), Eur("5000"), kNorth, kAnna, "MONITORS");
  Violations none;
  validate(valid, &none);
  validate(Target(Day(2026, 1, 1), Day(2026, 1, 1), Eur("0.01")), &none);  // only what's required
  CHECK(FieldsOf(none).empty());
  CheckCases<v1::SalesTarget>(
      valid, "sales_target", validate,
      {{"no start", [](auto* t) { t->clear_start_date(); }, {"start_date"}},
       {"no end", [](auto* t) { t->clear_end_date(); }, {"end_date"}},
       {"30 February",
        [](auto* t) { *t->mutable_start_date() = Day(2028, 2, 30); },
        {"start_date"}},
       {"no day", [](auto* t) { t->mutable_end_date()->set_day(0); }, {"end_date"}},
       {"end before start",
        [](auto* t) { *t->mutable_end_date() = Day(2027, 12, 31); },
        {"end_date"}},
       {"367 days", [](auto* t) { *t->mutable_end_date() = Day(2029, 1, 2); }, {"end_date"}},
       {"another collection", [](auto* t) { t->set_territory("regions/n"); }, {"territory"}},
       {"a rep of another kind", [](auto* t) { t->set_sales_rep("employees/a"); }, {"sales_rep"}},
       {"lower case", [](auto* t) { t->set_product_group("monitors"); }, {"product_group"}},
       {"no amount", [](auto* t) { t->clear_amount(); }, {"amount"}},
       {"zero", [](auto* t) { *t->mutable_amount() = Eur("0"); }, {"amount"}},
       {"negative", [](auto* t) { t->mutable_amount()->set_units(-5); }, {"amount"}},
       {"currency",
        [](auto* t) { t->mutable_amount()->set_currency_code("eur"); },
        {"amount.currency_code"}},
       {"nanos", [](auto* t) { t->mutable_amount()->set_nanos(1'000'000'000); }, {"amount.nanos"}},
       {"several at once",
        [](auto* t) {
          t->clear_start_date();
          t->set_sales_rep("anna");
          *t->mutable_amount() = Eur("0");
        },
        {"start_date", "sales_rep", "amount"}}});
}

TEST_CASE("planning rules: a commission plan is checked field by field, with exact paths",
          "[sales][planning]") {
  auto validate = [](const v1::CommissionPlan& p, Violations* out) {
    ValidateCommissionPlan(p, "commission_plan", out);
  };
  Violations none;
  validate(Plan(), &none);
  v1::CommissionPlan edges = Plan();
  *edges.mutable_valid_to() = Day(2036, 12, 31);  // no limit on the validity
  edges.clear_tiers();                            // tiers are optional
  edges.mutable_rates(0)->set_rate_percent(100);
  edges.mutable_rates(1)->set_rate_percent(12.3456);
  validate(edges, &none);
  CHECK(FieldsOf(none).empty());
  using P = v1::CommissionPlan*;
  auto add_reps = [](P p, int n) {
    for (int i = 0; i < n; ++i) p->add_sales_reps(absl::StrCat("partners/p", i));
  };
  auto add_rates = [](P p, int n) {
    for (int i = 0; i < n; ++i) p->add_rates()->set_product_group(absl::StrCat("G", i));
  };
  auto add_tiers = [](P p, int n) {
    for (int i = 0; i < n; ++i) p->add_tiers()->set_min_attainment_percent(200 + i);
  };
  CheckCases<v1::CommissionPlan>(
      Plan(), "commission_plan", validate,
      {{"no name", [](P p) { p->clear_display_name(); }, {"display_name"}},
       {"201 chars", [](P p) { p->set_display_name(std::string(201, 'x')); }, {"display_name"}},
       {"no reps", [](P p) { p->clear_sales_reps(); }, {"sales_reps"}},
       {"101 reps", [&](P p) { add_reps(p, 100); }, {"sales_reps"}},
       {"empty rep", [](P p) { p->add_sales_reps(""); }, {"sales_reps[1]"}},
       {"not a partner", [](P p) { p->set_sales_reps(0, "people/a"); }, {"sales_reps[0]"}},
       {"twice",
        [&](P p) { p->add_sales_reps(kBert), p->add_sales_reps(kAnna); },
        {"sales_reps[2]"}},
       {"no currency", [](P p) { p->clear_currency_code(); }, {"currency_code"}},
       {"currency name", [](P p) { p->set_currency_code("Euro"); }, {"currency_code"}},
       {"no valid_from", [](P p) { p->clear_valid_from(); }, {"valid_from"}},
       {"to before from", [](P p) { *p->mutable_valid_to() = Day(2025, 12, 31); }, {"valid_to"}},
       {"no rates", [](P p) { p->clear_rates(); }, {"rates"}},
       {"101 rates", [&](P p) { add_rates(p, 99); }, {"rates"}},
       {"bad group",
        [](P p) { p->mutable_rates(0)->set_product_group("a b"); },
        {"rates[0].product_group"}},
       {"group twice",
        [](P p) { p->mutable_rates(1)->set_product_group("MONITORS"); },
        {"rates[1].product_group"}},
       {"two defaults",
        [](P p) { p->add_rates()->set_rate_percent(1); },
        {"rates[2].product_group"}},
       {"negative",
        [](P p) { p->mutable_rates(0)->set_rate_percent(-1); },
        {"rates[0].rate_percent"}},
       {"above 100",
        [](P p) { p->mutable_rates(0)->set_rate_percent(100.0001); },
        {"rates[0].rate_percent"}},
       {"5 decimals",
        [](P p) { p->mutable_rates(1)->set_rate_percent(1.23456); },
        {"rates[1].rate_percent"}},
       {"21 tiers", [&](P p) { add_tiers(p, 18); }, {"tiers"}},
       {"above 1000",
        [](P p) { p->mutable_tiers(2)->set_min_attainment_percent(1000.01); },
        {"tiers[2].min_attainment_percent"}},
       {"3 decimals",
        [](P p) { p->mutable_tiers(1)->set_min_attainment_percent(50.005); },
        {"tiers[1].min_attainment_percent"}},
       {"threshold twice",
        [](P p) { p->mutable_tiers(2)->set_min_attainment_percent(50); },
        {"tiers[2].min_attainment_percent"}},
       {"negative",
        [](P p) { p->mutable_tiers(0)->set_multiplier_percent(-80); },
        {"tiers[0].multiplier_percent"}},
       {"above 1000",
        [](P p) { p->mutable_tiers(0)->set_multiplier_percent(1000.5); },
        {"tiers[0].multiplier_percent"}}});
}

TEST_CASE("planning rules: forecast and commission requests are checked, up to 120 periods",
          "[sales][planning]") {
  auto forecast_fields = [](const v1::ForecastSalesRequest& r) {
    Violations out;
    ValidateForecastRequest(r, &out);
    return FieldsOf(out);
  };
  v1::ForecastSalesRequest valid = Forecast(Day(2020, 1, 1), Day(2029, 12, 31));
  CHECK(forecast_fields(valid).empty());  // 120 months, the period length unset
  valid.set_territory(kNorth);
  valid.set_sales_rep(kAnna);
  valid.set_product_group("MONITORS");
  CHECK(forecast_fields(valid).empty());
  using R = v1::ForecastSalesRequest*;
  CheckCases<v1::ForecastSalesRequest>(
      valid, "", [](const auto& r, Violations* out) { ValidateForecastRequest(r, out); },
      {{"no start", [](R r) { r->clear_start_date(); }, {"start_date"}},
       {"end before start", [](R r) { *r->mutable_end_date() = Day(2019, 12, 31); }, {"end_date"}},
       {"121 months", [](R r) { *r->mutable_end_date() = Day(2030, 1, 1); }, {"end_date"}},
       {"121 quarters",
        [](R r) {
          r->set_period_length(v1::PERIOD_LENGTH_QUARTER);
          *r->mutable_end_date() = Day(2050, 1, 1);
        },
        {"end_date"}},
       {"a period length",
        [](R r) { r->set_period_length(v1::PeriodLength(9)); },
        {"period_length"}},
       {"a dimension", [](R r) { r->set_group_by(v1::ForecastDimension(9)); }, {"group_by"}},
       {"no currency", [](R r) { r->clear_currency_code(); }, {"currency_code"}},
       {"a bad currency", [](R r) { r->set_currency_code("EURO"); }, {"currency_code"}},
       {"a bad territory", [](R r) { r->set_territory("north"); }, {"territory"}},
       {"a bad rep", [](R r) { r->set_sales_rep("users/anna"); }, {"sales_rep"}},
       {"a bad product group", [](R r) { r->set_product_group("a b"); }, {"product_group"}}});
  // 120 quarters (the first cut) and 120 years are fine.
  v1::ForecastSalesRequest quarters = Forecast(Day(2020, 2, 15), Day(2049, 12, 31));
  quarters.set_period_length(v1::PERIOD_LENGTH_QUARTER);
  CHECK(forecast_fields(quarters).empty());
  v1::ForecastSalesRequest years = Forecast(Day(1990, 6, 1), Day(2109, 1, 1));
  years.set_period_length(v1::PERIOD_LENGTH_YEAR);
  CHECK(forecast_fields(years).empty());

  auto commission_fields = [](const google::type::Date& start, const google::type::Date& end,
                              const std::string& rep) {
    v1::ComputeCommissionsRequest request;
    *request.mutable_start_date() = start;
    *request.mutable_end_date() = end;
    request.set_sales_rep(rep);
    Violations out;
    ValidateCommissionRequest(request, &out);
    return FieldsOf(out);
  };
  CHECK(commission_fields(Day(2028, 1, 1), Day(2029, 1, 1), kAnna).empty());
  CHECK(commission_fields(Day(2028, 1, 1), Day(2029, 1, 2), "") == Fields{"end_date"});
  CHECK(commission_fields(Day(2026, 3, 1), Day(2026, 2, 28), "") == Fields{"end_date"});
  CHECK(commission_fields({}, {}, "") == Fields{"start_date", "end_date"});
  CHECK(commission_fields(Day(2026, 1, 1), Day(2026, 1, 31), "anna") == Fields{"sales_rep"});
}

// ---------------------------------------------------------------------------
// Periods and proration.

TEST_CASE("planning rules: calendar months, quarters and years, the first and last cut",
          "[sales][planning]") {
  CHECK(Show(CalendarPeriods(Civil(2026, 1, 15), Civil(2026, 4, 10), v1::PERIOD_LENGTH_MONTH)) ==
        Strings{"2026-01-15..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31",
                "2026-04-01..2026-04-10"});
  // Unset means months; February of a leap year; over the turn of a year.
  CHECK(Show(CalendarPeriods(Civil(2027, 12, 31), Civil(2028, 3, 1),
                             v1::PERIOD_LENGTH_UNSPECIFIED)) ==
        Strings{"2027-12-31..2027-12-31", "2028-01-01..2028-01-31", "2028-02-01..2028-02-29",
                "2028-03-01..2028-03-01"});
  CHECK(Show(CalendarPeriods(Civil(2100, 2, 1), Civil(2100, 2, 28), v1::PERIOD_LENGTH_MONTH)) ==
        Strings{"2100-02-01..2100-02-28"});  // 2100 is no leap year
  CHECK(Show(CalendarPeriods(Civil(2026, 6, 15), Civil(2026, 6, 15), v1::PERIOD_LENGTH_MONTH)) ==
        Strings{"2026-06-15..2026-06-15"});
  CHECK(CalendarPeriods(Civil(2026, 6, 15), Civil(2026, 6, 14), v1::PERIOD_LENGTH_MONTH).empty());
  // Quarters and years.
  CHECK(Show(CalendarPeriods(Civil(2026, 2, 10), Civil(2026, 11, 5), v1::PERIOD_LENGTH_QUARTER)) ==
        Strings{"2026-02-10..2026-03-31", "2026-04-01..2026-06-30", "2026-07-01..2026-09-30",
                "2026-10-01..2026-11-05"});
  CHECK(Show(CalendarPeriods(Civil(2026, 10, 1), Civil(2027, 3, 31), v1::PERIOD_LENGTH_QUARTER)) ==
        Strings{"2026-10-01..2026-12-31", "2027-01-01..2027-03-31"});
  CHECK(Show(CalendarPeriods(Civil(2028, 1, 1), Civil(2028, 3, 31), v1::PERIOD_LENGTH_QUARTER)) ==
        Strings{"2028-01-01..2028-03-31"});
  CHECK(Show(CalendarPeriods(Civil(2027, 6, 1), Civil(2029, 2, 15), v1::PERIOD_LENGTH_YEAR)) ==
        Strings{"2027-06-01..2027-12-31", "2028-01-01..2028-12-31", "2029-01-01..2029-02-15"});
  CHECK(Show(CalendarPeriods(Civil(2026, 12, 31), Civil(2027, 1, 1), v1::PERIOD_LENGTH_YEAR)) ==
        Strings{"2026-12-31..2026-12-31", "2027-01-01..2027-01-01"});
}

TEST_CASE("planning rules: a target is prorated by the days it shares, rounded to the minor unit",
          "[sales][planning]") {
  // EUR 1000 over the first quarter of 2026 (90 days).
  const v1::SalesTarget quarter = Target(Day(2026, 1, 1), Day(2026, 3, 31), Eur("1000"));
  CHECK(ShowNanos(ProratedTarget(quarter, kJanuary)) == "EUR 344.44");  // 31/90
  CHECK(ShowNanos(ProratedTarget(quarter, {Civil(2026, 2, 1), Civil(2026, 2, 28)})) ==
        "EUR 311.11");  // 28/90
  CHECK(ShowNanos(ProratedTarget(quarter, {Civil(2026, 3, 31), Civil(2026, 4, 30)})) ==
        "EUR 11.11");  // 1/90
  CHECK(ShowNanos(ProratedTarget(quarter, {Civil(2025, 12, 1), Civil(2026, 12, 31)})) ==
        "EUR 1000");
  CHECK(ProratedTarget(quarter, {Civil(2026, 4, 1), Civil(2026, 4, 30)}) == 0);
  CHECK(ProratedTarget(quarter, {Civil(2025, 12, 1), Civil(2025, 12, 31)}) == 0);
  // A whole target keeps its amount as it is, even beyond the minor unit.
  CHECK(ShowNanos(ProratedTarget(Target(Day(2026, 1, 1), Day(2026, 1, 31), Eur("10.005")),
                                 kJanuary)) == "EUR 10.005");
  // A leap year's February has 29 of 366 days.
  CHECK(ShowNanos(ProratedTarget(Target(Day(2028, 1, 1), Day(2028, 12, 31), Eur("366")),
                                 {Civil(2028, 2, 1), Civil(2028, 2, 29)})) == "EUR 29");
  // Halves round away from zero; JPY has no minor unit.
  CHECK(ShowNanos(ProratedTarget(Target(Day(2026, 1, 1), Day(2026, 1, 2), Eur("0.05")),
                                 {Civil(2026, 1, 1), Civil(2026, 1, 1)})) == "EUR 0.03");
  CHECK(Show(*money::FromNanos(
            ProratedTarget(Target(Day(2026, 1, 1), Day(2026, 1, 3), Cash("JPY", "1000")),
                           {Civil(2026, 1, 2), Civil(2026, 1, 2)}),
            "JPY")) == "JPY 333");
}

// ---------------------------------------------------------------------------
// The forecast.

TEST_CASE("planning rules: the forecast has a total row for every period, each figure in it",
          "[sales][planning]") {
  using S = v1::OpportunityState;
  const S open = v1::OPPORTUNITY_STATE_OPEN, won = v1::OPPORTUNITY_STATE_WON;
  const std::vector<PipelineFact> pipeline = {
      Deal(Civil(2026, 1, 10), open, "10000", "4000"),
      Deal(Civil(2026, 1, 31), open, "2000", "1500", kBert),
      Deal(Civil(2026, 1, 20), won, "5000", "5000"),
      Deal(Civil(2026, 1, 21), v1::OPPORTUNITY_STATE_LOST, "7000", "0"),
      Deal(Civil(2026, 3, 1), won, "800", "800"),
      Deal(Civil(2025, 12, 31), open, "999", "999"),  // before the range
      Deal(Civil(2026, 4, 1), open, "999", "999")};   // after it
  const std::vector<RevenueFact> revenue = {Sale("salesOrders/a", 0, Civil(2026, 1, 5), "1200"),
                                            Sale("salesOrders/a", 1, Civil(2026, 1, 5), "33.33"),
                                            Sale("salesOrders/b", 0, Civil(2026, 3, 31), "100"),
                                            Sale("salesOrders/c", 0, Civil(2026, 4, 1), "999")};
  const std::vector<v1::SalesTarget> targets = {
      Target(Day(2026, 1, 1), Day(2026, 3, 31), Eur("900")),  // 310 / 280 / 310
      Target(Day(2026, 1, 1), Day(2026, 1, 31), Eur("1000"))};
  const v1::ForecastSalesResponse response =
      BuildForecast(Forecast(Day(2026, 1, 1), Day(2026, 3, 31)), pipeline, revenue, targets);
  CHECK(Rows(response) ==
        Strings{"2026-01-01 [] p=12000 w=5500 won=5000 t=1310 a=1233.33 94.15% open=2",
                "2026-02-01 [] p=0 w=0 won=0 t=280 a=0 0.00% open=0",
                "2026-03-01 [] p=0 w=0 won=800 t=310 a=100 32.26% open=0"});
  CHECK(PeriodsOf(response) ==
        Strings{"2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31"});
  CHECK(response.skipped_other_currency() == 0);
  // Attainment has 2 decimals, rounded half up: 1 of 20000 is 0.005 %.
  const v1::ForecastSalesResponse tiny =
      BuildForecast(Forecast(Day(2026, 1, 1), Day(2026, 1, 31)), {},
                    {Sale("salesOrders/a", 0, Civil(2026, 1, 5), "1")},
                    {Target(Day(2026, 1, 1), Day(2026, 1, 31), Eur("20000"))});
  REQUIRE(tiny.rows_size() == 1);
  CHECK(tiny.rows(0).attainment_percent() == 0.01);

  // No data at all: still one empty total row per period, here quarters.
  v1::ForecastSalesRequest quarters = Forecast(Day(2026, 2, 1), Day(2026, 7, 15));
  quarters.set_period_length(v1::PERIOD_LENGTH_QUARTER);
  const v1::ForecastSalesResponse empty = BuildForecast(quarters, {}, {}, {});
  CHECK(Rows(empty) == Strings{"2026-02-01 [] p=0 w=0 won=0 t=0 a=0 0.00% open=0",
                               "2026-04-01 [] p=0 w=0 won=0 t=0 a=0 0.00% open=0",
                               "2026-07-01 [] p=0 w=0 won=0 t=0 a=0 0.00% open=0"});
  CHECK(PeriodsOf(empty) ==
        Strings{"2026-02-01..2026-03-31", "2026-04-01..2026-06-30", "2026-07-01..2026-07-15"});
}

TEST_CASE("planning rules: the forecast is grouped by rep, territory or product group",
          "[sales][planning]") {
  const v1::OpportunityState open = v1::OPPORTUNITY_STATE_OPEN;
  const std::vector<PipelineFact> pipeline = {
      Deal(Civil(2026, 1, 10), open, "100", "50", kBert, kNorth, "NOTEBOOKS"),
      Deal(Civil(2026, 1, 11), open, "200", "20", kAnna, kSouth, "MONITORS"),
      Deal(Civil(2026, 3, 11), v1::OPPORTUNITY_STATE_WON, "300", "300", kAnna, "", "MONITORS")};
  const std::vector<RevenueFact> revenue = {
      Sale("salesOrders/a", 0, Civil(2026, 1, 5), "40", kAnna, "MONITORS", kNorth),
      Sale("salesOrders/a", 1, Civil(2026, 1, 5), "60", kAnna, "", kNorth),
      Sale("salesOrders/b", 0, Civil(2026, 1, 9), "7", "", "MONITORS", "")};
  auto rows = [&](v1::ForecastDimension by) {
    return Rows(
        BuildForecast(Forecast(Day(2026, 1, 1), Day(2026, 3, 31), by), pipeline, revenue, {}));
  };
  // Periods without figures have no rows; within a period, rows by value,
  // the empty value (no rep, territory or group) first.
  CHECK(rows(v1::FORECAST_DIMENSION_SALES_REP) ==
        Strings{"2026-01-01 [] p=0 w=0 won=0 t=0 a=7 0.00% open=0",
                "2026-01-01 [partners/anna] p=200 w=20 won=0 t=0 a=100 0.00% open=1",
                "2026-01-01 [partners/bert] p=100 w=50 won=0 t=0 a=0 0.00% open=1",
                "2026-03-01 [partners/anna] p=0 w=0 won=300 t=0 a=0 0.00% open=0"});
  CHECK(rows(v1::FORECAST_DIMENSION_TERRITORY) ==
        Strings{"2026-01-01 [] p=0 w=0 won=0 t=0 a=7 0.00% open=0",
                "2026-01-01 [territories/north] p=100 w=50 won=0 t=0 a=100 0.00% open=1",
                "2026-01-01 [territories/south] p=200 w=20 won=0 t=0 a=0 0.00% open=1",
                "2026-03-01 [] p=0 w=0 won=300 t=0 a=0 0.00% open=0"});
  CHECK(rows(v1::FORECAST_DIMENSION_PRODUCT_GROUP) ==
        Strings{"2026-01-01 [] p=0 w=0 won=0 t=0 a=60 0.00% open=0",
                "2026-01-01 [MONITORS] p=200 w=20 won=0 t=0 a=47 0.00% open=1",
                "2026-01-01 [NOTEBOOKS] p=100 w=50 won=0 t=0 a=0 0.00% open=1",
                "2026-03-01 [MONITORS] p=0 w=0 won=300 t=0 a=0 0.00% open=0"});
}

TEST_CASE("planning rules: forecast filters keep only the matching opportunities and orders",
          "[sales][planning]") {
  const v1::OpportunityState open = v1::OPPORTUNITY_STATE_OPEN;
  const std::vector<PipelineFact> pipeline = {
      Deal(Civil(2026, 1, 10), open, "100", "50", kBert, kNorth, "NOTEBOOKS"),
      Deal(Civil(2026, 1, 11), open, "200", "20", kAnna, kNorth, "MONITORS"),
      Deal(Civil(2026, 1, 12), open, "400", "40", kAnna, kSouth, "MONITORS")};
  const std::vector<RevenueFact> revenue = {
      Sale("salesOrders/a", 0, Civil(2026, 1, 5), "40", kAnna, "MONITORS", kNorth),
      Sale("salesOrders/a", 1, Civil(2026, 1, 5), "60", kAnna, "NOTEBOOKS", kNorth),
      Sale("salesOrders/b", 0, Civil(2026, 1, 9), "7", kBert, "MONITORS", kNorth)};
  v1::ForecastSalesRequest request = Forecast(Day(2026, 1, 1), Day(2026, 1, 31));
  request.set_sales_rep(kAnna);
  CHECK(Rows(BuildForecast(request, pipeline, revenue, {})) ==
        Strings{"2026-01-01 [] p=600 w=60 won=0 t=0 a=100 0.00% open=2"});
  request.set_territory(kNorth);
  request.set_product_group("MONITORS");
  CHECK(Rows(BuildForecast(request, pipeline, revenue, {})) ==
        Strings{"2026-01-01 [] p=200 w=20 won=0 t=0 a=40 0.00% open=1"});
  v1::ForecastSalesRequest north =
      Forecast(Day(2026, 1, 1), Day(2026, 1, 31), v1::FORECAST_DIMENSION_SALES_REP);
  north.set_territory(kNorth);
  CHECK(Rows(BuildForecast(north, pipeline, revenue, {})) ==
        Strings{"2026-01-01 [partners/anna] p=200 w=20 won=0 t=0 a=100 0.00% open=1",
                "2026-01-01 [partners/bert] p=100 w=50 won=0 t=0 a=7 0.00% open=1"});
}

TEST_CASE("planning rules: a forecast row counts only the targets set at exactly its breakdown",
          "[sales][planning]") {
  const google::type::Date first = Day(2026, 1, 1), last = Day(2026, 1, 31);
  const std::vector<v1::SalesTarget> targets = {
      Target(first, last, Eur("1")),                                 // the total
      Target(first, last, Eur("10"), "", kAnna),                     // Anna
      Target(first, last, Eur("100"), "", kBert),                    // Bert
      Target(first, last, Eur("1000"), kNorth),                      // north
      Target(first, last, Eur("10000"), kNorth, kAnna),              // north, Anna
      Target(first, last, Eur("100000"), "", "", "MONITORS"),        // monitors
      Target(first, last, Eur("1000000"), kNorth, "", "MONITORS")};  // north monitors
  auto targets_of = [&](const v1::ForecastSalesRequest& request) {
    Strings rows;
    const v1::ForecastSalesResponse response = BuildForecast(request, {}, {}, targets);
    for (const v1::ForecastRow& row : response.rows()) {
      rows.push_back(absl::StrCat("[", row.dimension_value(), "] ", Show(row.target())));
    }
    return rows;
  };
  auto filtered = [&](v1::ForecastDimension by, const std::string& territory,
                      const std::string& rep) {
    v1::ForecastSalesRequest request = Forecast(first, last, by);
    request.set_territory(territory);
    request.set_sales_rep(rep);
    return targets_of(request);
  };
  CHECK(targets_of(Forecast(first, last)) == Strings{"[] EUR 1"});
  // Grouped: the rows' own targets; none for the empty value.
  CHECK(targets_of(Forecast(first, last, v1::FORECAST_DIMENSION_SALES_REP)) ==
        Strings{"[partners/anna] EUR 10", "[partners/bert] EUR 100"});
  CHECK(targets_of(Forecast(first, last, v1::FORECAST_DIMENSION_TERRITORY)) ==
        Strings{"[territories/north] EUR 1000"});
  CHECK(targets_of(Forecast(first, last, v1::FORECAST_DIMENSION_PRODUCT_GROUP)) ==
        Strings{"[MONITORS] EUR 100000"});
  // Filtered: the filtered dimensions equal to the filter, the others empty.
  CHECK(filtered(v1::FORECAST_DIMENSION_UNSPECIFIED, "", kAnna) == Strings{"[] EUR 10"});
  CHECK(filtered(v1::FORECAST_DIMENSION_SALES_REP, kNorth, "") ==
        Strings{"[partners/anna] EUR 10000"});
  CHECK(filtered(v1::FORECAST_DIMENSION_PRODUCT_GROUP, kNorth, "") ==
        Strings{"[MONITORS] EUR 1000000"});
  CHECK(filtered(v1::FORECAST_DIMENSION_UNSPECIFIED, "", "partners/nobody") == Strings{"[] EUR 0"});
}

TEST_CASE("planning rules: the forecast skips and counts what is in another currency",
          "[sales][planning]") {
  const v1::OpportunityState open = v1::OPPORTUNITY_STATE_OPEN;
  const std::vector<PipelineFact> pipeline = {
      Deal(Civil(2026, 1, 10), open, "100", "50"),
      Deal(Civil(2026, 1, 10), open, "100", "50", kAnna, "", "", "USD"),
      Deal(Civil(2026, 1, 11), v1::OPPORTUNITY_STATE_WON, "100", "100", kAnna, "", "", "USD"),
      Deal(Civil(2026, 5, 11), open, "1", "1", kAnna, "", "", "USD"),   // after the range
      Deal(Civil(2026, 1, 11), open, "1", "1", kBert, "", "", "USD")};  // another rep
  const std::vector<RevenueFact> revenue = {
      Sale("salesOrders/a", 0, Civil(2026, 1, 5), "40"),
      Sale("salesOrders/b", 0, Civil(2026, 1, 5), "60", kAnna, "MONITORS", "", "USD"),
      Sale("salesOrders/c", 0, Civil(2025, 1, 5), "60", kAnna, "MONITORS", "", "USD")};
  const std::vector<v1::SalesTarget> targets = {
      Target(Day(2026, 1, 1), Day(2026, 2, 28), Cash("USD", "500"), "", kAnna),
      Target(Day(2026, 1, 1), Day(2026, 1, 31), Eur("80"), "", kAnna),
      Target(Day(2026, 1, 1), Day(2026, 1, 31), Cash("USD", "5"), "", kBert)};
  v1::ForecastSalesRequest request = Forecast(Day(2026, 1, 1), Day(2026, 1, 31));
  request.set_sales_rep(kAnna);
  const v1::ForecastSalesResponse response = BuildForecast(request, pipeline, revenue, targets);
  CHECK(Rows(response) == Strings{"2026-01-01 [] p=100 w=50 won=0 t=80 a=40 50.00% open=1"});
  // Two opportunities, an order item and a target of Anna's in January.
  CHECK(response.skipped_other_currency() == 4);
}

TEST_CASE("planning rules: a lost opportunity adds no row to a grouped forecast",
          "[sales][planning]") {
  // "Every period has a row ... for each dimension value that has figures":
  // Bert only lost a deal, which is no figure of the forecast.
  const v1::ForecastSalesResponse response =
      BuildForecast(Forecast(Day(2026, 1, 1), Day(2026, 1, 31), v1::FORECAST_DIMENSION_SALES_REP),
                    {Deal(Civil(2026, 1, 10), v1::OPPORTUNITY_STATE_OPEN, "100", "50"),
                     Deal(Civil(2026, 1, 12), v1::OPPORTUNITY_STATE_LOST, "900", "0", kBert)},
                    {}, {});
  CHECK(Rows(response) ==
        Strings{"2026-01-01 [partners/anna] p=100 w=50 won=0 t=0 a=0 0.00% open=1"});
}

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

TEST_CASE("planning rules: a line's commission is rounded once",
          "[sales][planning]") {
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

}  // namespace crm::sales
