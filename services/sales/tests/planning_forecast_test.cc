// The sales forecast (PlanningService.ForecastSales) over a real gRPC
// channel and a real SQLite file, with a real partners service beside it:
// real opportunities (two months ahead, one won, one in another currency),
// an order completed today (its actual in this month) beside a cancelled
// and an open one, and targets; by rep, by territory (a territory that
// takes the account) and by product group; bad requests.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/dates.h"
#include "services/sales/tests/planning_fixture.h"

using namespace crm::sales::testing::planning_testing;  // NOLINT

namespace {

// "2026-07-01 [partners/x] p=10000.00 w=4000.00 won=0.00 t=0.00 a=0.00 0.00% open=1".
Strings Rows(const sv1::ForecastSalesResponse& response) {
  Strings rows;
  for (const sv1::ForecastRow& row : response.rows()) {
    auto eur = [](const Money& m) { return Text(m).substr(4); };
    rows.push_back(absl::StrCat(
        crm::api::IsoDate(row.period_start()), " [", row.dimension_value(),
        "] p=", eur(row.pipeline()), " w=", eur(row.weighted_pipeline()), " won=", eur(row.won()),
        " t=", eur(row.target()), " a=", eur(row.actual()),
        absl::StrFormat(" %.2f%% open=%d", row.attainment_percent(), row.open_opportunities())));
  }
  return rows;
}

// Anna's and Bert's opportunities for Alvis (RETAIL, in territories/retail)
// and a bank (in no territory) over the next two months; an order of
// Alvis's booked for Bert completed today, one cancelled and one open; a
// total, a rep and a territory target for this month.
struct Story {
  std::string anna, bert;
  sv1::SalesOrder completed;
};
Story TellStory(Planner& crm) {
  Story story;
  crm.AddCatalog();
  crm.AddRetailTerritory();
  story.anna = crm.AddEmployee("Anders");
  story.bert = crm.AddEmployee("Berg");
  const std::string alvis = crm.AddCustomer("Alvis Retail GmbH", "RETAIL");
  const std::string bank = crm.AddCustomer("Bank AG", "BANKING");
  const sv1::Opportunity a = crm.AddDeal(alvis, story.anna, Eur(10000), MonthStart(1) + 4, 40);
  CHECK(a.territory() == kRetail);
  CHECK(Text(a.weighted_revenue()) == "EUR 4000.00");
  crm.Win(crm.AddDeal(alvis, story.anna, Eur(5000), MonthStart(1) + 9, 60).name());
  crm.AddDeal(bank, story.anna, Eur(1000), MonthStart(1) + 14, 50);
  crm.AddDeal(alvis, story.anna, Cash("USD", 700), MonthStart(1) + 2, 50);  // skipped
  crm.AddDeal(alvis, story.bert, Eur(20000), MonthStart(2) + 9, 25);
  const sv1::SalesOrder order =
      crm.NewOrder(alvis, {{kMonitor, 10}, {kKeyboard, 4}}, "", story.bert);
  CHECK(order.territory() == kRetail);
  story.completed = crm.Complete(order.name());
  const sv1::SalesOrder cancelled = crm.Cancel(crm.NewOrder(alvis, {{kMonitor, 1}}).name());
  CHECK_FALSE(cancelled.has_completion_date());
  crm.NewOrder(alvis, {{kMonitor, 2}}, "", story.anna);  // stays open
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(4399, 92)));
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(1099, 98), "", story.bert));
  crm.Create(Target(MonthStart(0), MonthEnd(0), Eur(2199, 96), kRetail));
  return story;
}

}  // namespace

TEST_CASE("planning: the forecast shows pipeline, won, target and actual for each month",
          "[sales][planning]") {
  Planner crm;
  const Story story = TellStory(crm);
  CHECK(story.completed.state() == sv1::SALES_ORDER_STATE_COMPLETED);
  CHECK(Iso(crm::api::CivilDayOf(story.completed.completion_date())) == Iso(Today()));
  CHECK(story.completed.sales_rep() == story.bert);
  CHECK(Text(story.completed.net_total()) == "EUR 2199.96");

  const auto m = [](int offset) { return Iso(MonthStart(offset)); };
  const sv1::ForecastSalesResponse response = ForecastOf(crm, Forecast(MonthStart(0), MonthEnd(2)));
  CHECK(Rows(response) ==
        Strings{m(0) + " [] p=0.00 w=0.00 won=0.00 t=4399.92 a=2199.96 50.00% open=0",
                m(1) + " [] p=11000.00 w=4500.00 won=5000.00 t=0.00 a=0.00 0.00% open=2",
                m(2) + " [] p=20000.00 w=5000.00 won=0.00 t=0.00 a=0.00 0.00% open=1"});
  CHECK(response.skipped_other_currency() == 1);
  REQUIRE(response.rows_size() == 3);
  CHECK(Iso(crm::api::CivilDayOf(response.rows(2).period_end())) == Iso(MonthEnd(2)));
  CHECK(response.rows(0).actual().currency_code() == "EUR");

  // A range cut inside the months: only what falls in it.
  const sv1::ForecastSalesResponse cut =
      ForecastOf(crm, Forecast(MonthStart(1) + 5, MonthStart(1) + 14));
  CHECK(Rows(cut) == Strings{Iso(MonthStart(1) + 5) +
                             " [] p=1000.00 w=500.00 won=5000.00 t=0.00 a=0.00 0.00% open=1"});
  CHECK(cut.skipped_other_currency() == 0);

  // Filtered to Anna: an empty total row for the months she has nothing in.
  CHECK(Rows(ForecastOf(crm, Forecast(MonthStart(0), MonthEnd(2),
                                      sv1::FORECAST_DIMENSION_UNSPECIFIED, story.anna))) ==
        Strings{m(0) + " [] p=0.00 w=0.00 won=0.00 t=0.00 a=0.00 0.00% open=0",
                m(1) + " [] p=11000.00 w=4500.00 won=5000.00 t=0.00 a=0.00 0.00% open=2",
                m(2) + " [] p=0.00 w=0.00 won=0.00 t=0.00 a=0.00 0.00% open=0"});
}

TEST_CASE("planning: the forecast by rep and by territory, with the targets of each",
          "[sales][planning]") {
  Planner crm;
  const Story story = TellStory(crm);
  const auto m = [](int offset) { return Iso(MonthStart(offset)); };
  CHECK(Rows(ForecastOf(crm,
                        Forecast(MonthStart(0), MonthEnd(2), sv1::FORECAST_DIMENSION_SALES_REP))) ==
        Strings{m(0) + " [" + story.bert + "] p=0.00 w=0.00 won=0.00 t=1099.98 a=2199.96 " +
                    "200.00% open=0",
                m(1) + " [" + story.anna + "] p=11000.00 w=4500.00 won=5000.00 t=0.00 a=0.00 " +
                    "0.00% open=2",
                m(2) + " [" + story.bert + "] p=20000.00 w=5000.00 won=0.00 t=0.00 a=0.00 " +
                    "0.00% open=1"});
  CHECK(Rows(ForecastOf(crm,
                        Forecast(MonthStart(0), MonthEnd(2), sv1::FORECAST_DIMENSION_TERRITORY))) ==
        Strings{m(0) + " [territories/retail] p=0.00 w=0.00 won=0.00 t=2199.96 a=2199.96 " +
                    "100.00% open=0",
                m(1) + " [] p=1000.00 w=500.00 won=0.00 t=0.00 a=0.00 0.00% open=1",
                m(1) + " [territories/retail] p=10000.00 w=4000.00 won=5000.00 t=0.00 a=0.00 " +
                    "0.00% open=1",
                m(2) + " [territories/retail] p=20000.00 w=5000.00 won=0.00 t=0.00 a=0.00 " +
                    "0.00% open=1"});
  // By product group: the order's items by their groups.
  CHECK(Rows(ForecastOf(
            crm, Forecast(MonthStart(0), MonthEnd(0), sv1::FORECAST_DIMENSION_PRODUCT_GROUP))) ==
        Strings{m(0) + " [INPUT] p=0.00 w=0.00 won=0.00 t=0.00 a=199.96 0.00% open=0",
                m(0) + " [MONITORS] p=0.00 w=0.00 won=0.00 t=0.00 a=2000.00 0.00% open=0"});
}

TEST_CASE("planning: ForecastSales refuses bad requests, naming the field", "[sales][planning]") {
  Planner crm;
  auto outcome = [&](const sv1::ForecastSalesRequest& request) {
    return Outcome(Try(crm.api(), &Planning::ForecastSales, request));
  };
  CHECK(outcome(Forecast(MonthStart(1), MonthStart(0))) == "INVALID_ARGUMENT end_date");
  CHECK(outcome(Forecast(MonthStart(0), MonthStart(120))) == "INVALID_ARGUMENT end_date");
  CHECK(outcome(Forecast(MonthStart(0), MonthStart(120) - 1)) == "OK");  // 120 months
  sv1::ForecastSalesRequest request = Forecast(MonthStart(0), MonthEnd(0));
  request.set_currency_code("euro");
  CHECK(outcome(request) == "INVALID_ARGUMENT currency_code");
  request.clear_currency_code();
  request.set_sales_rep("anna");
  CHECK(outcome(request) == "INVALID_ARGUMENT currency_code, sales_rep");
  CHECK(outcome(sv1::ForecastSalesRequest()) ==
        "INVALID_ARGUMENT start_date, end_date, currency_code");
}
