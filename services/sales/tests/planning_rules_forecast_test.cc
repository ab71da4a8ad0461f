// Sales planning without gRPC or a database: the calendar periods of a
// forecast (months, quarters, years, the first and last cut to the range,
// leap years); targets prorated by days; BuildForecast (pipeline, weighted,
// won, actual, target and attainment per period, grouped and filtered,
// targets only at exactly the row's breakdown, other currencies skipped and
// counted).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/dates.h"
#include "common/money/money.h"
#include "services/sales/planning_rules.h"
#include "services/sales/tests/planning_rules_fixture.h"

namespace crm::sales::testing::planning_rules_testing {
namespace {

// The Show of money, beside the Show of periods below.
using planning_rules_testing::Show;

constexpr char kSouth[] = "territories/south";

std::string ShowNanos(money::Nanos nanos) { return Show(*money::FromNanos(nanos, "EUR")); }

// "2026-01-15..2026-01-31" per period.
Strings Show(const std::vector<Period>& periods) {
  Strings shown;
  for (const Period& p : periods) {
    shown.push_back(
        absl::StrCat(api::IsoDate(api::DateOf(p.first)), "..", api::IsoDate(api::DateOf(p.last))));
  }
  return shown;
}

PipelineFact Deal(absl::CivilDay close, v1::OpportunityState state, const std::string& expected,
                  const std::string& weighted, const std::string& owner = kAnna,
                  const std::string& territory = "", const std::string& group = "",
                  const std::string& currency = "EUR") {
  return {close, state, territory, owner, group, currency, Nanos(expected), Nanos(weighted)};
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

}  // namespace

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

}  // namespace crm::sales::testing::planning_rules_testing
