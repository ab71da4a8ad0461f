// Sales planning without gRPC or a database: what sales targets, commission
// plans, forecast and commission requests may hold, each bad field named by
// its exact path (dates, periods up to 366 days or 120 forecast periods,
// names, product groups, amounts, rates and tiers).
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "services/sales/planning_rules.h"
#include "services/sales/tests/planning_rules_fixture.h"

namespace crm::sales::testing::planning_rules_testing {
namespace {

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
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

}  // namespace crm::sales::testing::planning_rules_testing
