// The rules of the sales pipeline without storage or partners: for sales
// stages (display name, position 1..1000, default probability) and
// opportunities (every reference by its collection, probability, expected
// revenue, the close date against "today" only when it is new, the sales
// team, decision makers and competitors with their limits and duplicates,
// the sources), a valid example passes and each bad field is reported with
// its exact path; ClearOpportunityOutputOnly clears only what the service
// owns.
#include "services/sales/opportunity_validation.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "crm/sales/v1/opportunity.pb.h"

namespace crm::sales {
namespace {

using Fields = std::vector<std::string>;

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// The day the opportunity rules are checked on.
const google::type::Date kToday = Day(2026, 6, 15);

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

std::string DescriptionOf(const Violations& violations, const std::string& field) {
  for (const FieldViolation& v : violations.list()) {
    if (v.field == field) return v.description;
  }
  return "";
}

Fields StageFields(const v1::SalesStage& stage) {
  Violations out;
  ValidateSalesStage(stage, "sales_stage", &out);
  return FieldsOf(out);
}

Fields OpportunityFields(const v1::Opportunity& opportunity, bool new_close_date = true) {
  Violations out;
  ValidateOpportunity(opportunity, "opportunity", kToday, new_close_date, &out);
  return FieldsOf(out);
}

v1::SalesStage Negotiation() {
  v1::SalesStage stage;
  stage.set_display_name("Negotiation");
  stage.set_position(30);
  stage.set_default_probability_percent(80);
  return stage;
}

std::string Partner(int n) { return absl::StrCat("partners/p", n); }

// A valid opportunity that uses every field a client may set.
v1::Opportunity Deal() {
  v1::Opportunity deal;
  deal.set_display_name("Monitors for the Hamburg branches");
  deal.set_account("partners/alvis");
  deal.set_stage("salesStages/negotiation");
  deal.set_probability_percent(70);
  deal.mutable_expected_revenue()->set_currency_code("EUR");
  deal.mutable_expected_revenue()->set_units(24000);
  *deal.mutable_close_date() = Day(2026, 9, 30);
  deal.set_owner("partners/rep");
  deal.add_sales_team("partners/colleague");
  deal.add_sales_team("partners/engineer");
  v1::DecisionMaker* decider = deal.add_decision_makers();
  decider->set_partner("partners/buyer");
  decider->set_buying_role(v1::BUYING_ROLE_DECISION_MAKER);
  decider = deal.add_decision_makers();
  decider->set_partner("partners/it-lead");
  decider->set_buying_role(v1::BUYING_ROLE_TECHNICAL_EVALUATOR);
  v1::Competitor* competitor = deal.add_competitors();
  competitor->set_partner("partners/rival");
  competitor->set_notes("Offered 5 % less");
  deal.add_competitors()->set_display_name("Displays Direct");
  deal.set_source_campaign("campaigns/spring-fair");
  deal.set_source_lead("leads/l-17");
  return deal;
}

struct Spoiled {
  const char* what;
  std::function<void(v1::Opportunity*)> spoil;
  Fields fields;
};

}  // namespace

TEST_CASE("opportunity validation: a sales stage", "[sales][opportunity]") {
  CHECK(StageFields(Negotiation()).empty());
  for (int position : {1, 1000}) {
    v1::SalesStage stage = Negotiation();
    stage.set_position(position);
    CHECK(StageFields(stage).empty());
  }
  for (int percent : {0, 100}) {
    v1::SalesStage stage = Negotiation();
    stage.set_default_probability_percent(percent);
    CHECK(StageFields(stage).empty());
  }
  for (int position : {0, -1, 1001}) {
    INFO("position " << position);
    v1::SalesStage stage = Negotiation();
    stage.set_position(position);
    CHECK(StageFields(stage) == Fields{"sales_stage.position"});
  }
  for (int percent : {-1, 101}) {
    INFO("percent " << percent);
    v1::SalesStage stage = Negotiation();
    stage.set_default_probability_percent(percent);
    CHECK(StageFields(stage) == Fields{"sales_stage.default_probability_percent"});
  }
  v1::SalesStage stage = Negotiation();
  stage.set_display_name(std::string(100, 'n'));
  CHECK(StageFields(stage).empty());
  stage.set_display_name(std::string(101, 'n'));
  CHECK(StageFields(stage) == Fields{"sales_stage.display_name"});
  stage.set_display_name("Nego\ttiation");
  CHECK(StageFields(stage) == Fields{"sales_stage.display_name"});

  // Output-only fields are not the rules' business; everything else at once.
  v1::SalesStage retired = Negotiation();
  retired.set_retired(true);
  retired.set_name("salesStages/negotiation");
  retired.set_etag("\"3\"");
  CHECK(StageFields(retired).empty());
  CHECK(StageFields(v1::SalesStage()) ==
        Fields{"sales_stage.display_name", "sales_stage.position"});
}

TEST_CASE("opportunity validation: a valid opportunity passes", "[sales][opportunity]") {
  CHECK(OpportunityFields(Deal()).empty());

  // The minimum: no team, deciders, competitors or sources; probability 0
  // (the stage's default), a revenue of zero, closing today.
  v1::Opportunity minimal;
  minimal.set_display_name("Keyboards");
  minimal.set_account("partners/alvis");
  minimal.set_stage("salesStages/qualification");
  minimal.mutable_expected_revenue()->set_currency_code("EUR");
  *minimal.mutable_close_date() = kToday;
  minimal.set_owner("partners/rep");
  CHECK(OpportunityFields(minimal).empty());

  // The limits themselves.
  v1::Opportunity full = Deal();
  full.clear_sales_team();
  full.clear_decision_makers();
  full.clear_competitors();
  for (int i = 0; i < kMaxOpportunityPeople; ++i) {
    full.add_sales_team(Partner(i));
    v1::DecisionMaker* decider = full.add_decision_makers();
    decider->set_partner(Partner(100 + i));
    decider->set_buying_role(v1::BUYING_ROLE_USER);
    full.add_competitors()->set_display_name(absl::StrCat("Rival ", i));
  }
  full.set_display_name(std::string(200, 'd'));
  full.set_probability_percent(100);
  full.mutable_competitors(0)->set_display_name(std::string(200, 'c'));
  full.mutable_competitors(0)->set_notes(std::string(2000, 'n'));
  CHECK(OpportunityFields(full).empty());

  // Rules under another path name their fields under it.
  v1::Opportunity bad = Deal();
  bad.set_probability_percent(101);
  Violations out;
  ValidateOpportunity(bad, "request.opportunity", kToday, true, &out);
  CHECK(FieldsOf(out) == Fields{"request.opportunity.probability_percent"});
}

TEST_CASE("opportunity validation: each bad field is named by its path", "[sales][opportunity]") {
  const std::vector<Spoiled> cases = {
      {"no display name", [](auto* o) { o->clear_display_name(); }, {"opportunity.display_name"}},
      {"a display name too long",
       [](auto* o) { o->set_display_name(std::string(201, 'd')); },
       {"opportunity.display_name"}},
      {"no account", [](auto* o) { o->clear_account(); }, {"opportunity.account"}},
      {"an account of another collection",
       [](auto* o) { o->set_account("accounts/alvis"); },
       {"opportunity.account"}},
      {"an account without an id",
       [](auto* o) { o->set_account("partners/"); },
       {"opportunity.account"}},
      {"an account id with a slash",
       [](auto* o) { o->set_account("partners/a/b"); },
       {"opportunity.account"}},
      {"no stage", [](auto* o) { o->clear_stage(); }, {"opportunity.stage"}},
      {"a stage that is not a stage name",
       [](auto* o) { o->set_stage("negotiation"); },
       {"opportunity.stage"}},
      {"a stage of another collection",
       [](auto* o) { o->set_stage("stages/negotiation"); },
       {"opportunity.stage"}},
      {"a probability over 100",
       [](auto* o) { o->set_probability_percent(101); },
       {"opportunity.probability_percent"}},
      {"a negative probability",
       [](auto* o) { o->set_probability_percent(-5); },
       {"opportunity.probability_percent"}},
      {"no expected revenue",
       [](auto* o) { o->clear_expected_revenue(); },
       {"opportunity.expected_revenue"}},
      {"a negative expected revenue",
       [](auto* o) { o->mutable_expected_revenue()->set_units(-1); },
       {"opportunity.expected_revenue"}},
      {"negative nanos",
       [](auto* o) {
         o->mutable_expected_revenue()->set_units(0);
         o->mutable_expected_revenue()->set_nanos(-500'000'000);
       },
       {"opportunity.expected_revenue"}},
      {"a lower-case currency",
       [](auto* o) { o->mutable_expected_revenue()->set_currency_code("eur"); },
       {"opportunity.expected_revenue.currency_code"}},
      {"nanos against the sign of units",
       [](auto* o) { o->mutable_expected_revenue()->set_nanos(-1); },
       {"opportunity.expected_revenue.nanos"}},
      {"no close date", [](auto* o) { o->clear_close_date(); }, {"opportunity.close_date"}},
      {"an impossible close date",
       [](auto* o) { *o->mutable_close_date() = Day(2026, 2, 29); },
       {"opportunity.close_date"}},
      {"a close date without a day",
       [](auto* o) { *o->mutable_close_date() = Day(2026, 9, 0); },
       {"opportunity.close_date"}},
      {"a close date yesterday",
       [](auto* o) { *o->mutable_close_date() = Day(2026, 6, 14); },
       {"opportunity.close_date"}},
      {"a close date last year",
       [](auto* o) { *o->mutable_close_date() = Day(2025, 12, 31); },
       {"opportunity.close_date"}},
      {"no owner", [](auto* o) { o->clear_owner(); }, {"opportunity.owner"}},
      {"an owner that is not a partner",
       [](auto* o) { o->set_owner("users/rep"); },
       {"opportunity.owner"}},
      {"a team member twice",
       [](auto* o) { o->set_sales_team(1, "partners/colleague"); },
       {"opportunity.sales_team[1]"}},
      {"the owner in the team",
       [](auto* o) { o->set_sales_team(1, "partners/rep"); },
       {"opportunity.sales_team[1]"}},
      {"an empty team member",
       [](auto* o) { o->set_sales_team(0, ""); },
       {"opportunity.sales_team[0]"}},
      {"a team member that is not a partner",
       [](auto* o) { o->set_sales_team(1, "employees/engineer"); },
       {"opportunity.sales_team[1]"}},
      {"more than 20 in the team",
       [](auto* o) {
         for (int i = 0; i < 19; ++i) o->add_sales_team(Partner(i));
       },
       {"opportunity.sales_team"}},
      {"a decider without a role",
       [](auto* o) { o->mutable_decision_makers(0)->clear_buying_role(); },
       {"opportunity.decision_makers[0].buying_role"}},
      {"a decider with an unknown role",
       [](auto* o) {
         o->mutable_decision_makers(1)->set_buying_role(static_cast<v1::BuyingRole>(42));
       },
       {"opportunity.decision_makers[1].buying_role"}},
      {"a decider without a partner",
       [](auto* o) { o->mutable_decision_makers(0)->clear_partner(); },
       {"opportunity.decision_makers[0].partner"}},
      {"a decider that is not a partner",
       [](auto* o) { o->mutable_decision_makers(1)->set_partner("contacts/it-lead"); },
       {"opportunity.decision_makers[1].partner"}},
      {"a decider twice",
       [](auto* o) { o->mutable_decision_makers(1)->set_partner("partners/buyer"); },
       {"opportunity.decision_makers[1].partner"}},
      {"more than 20 deciders",
       [](auto* o) {
         for (int i = 0; i < 19; ++i) {
           v1::DecisionMaker* decider = o->add_decision_makers();
           decider->set_partner(Partner(i));
           decider->set_buying_role(v1::BUYING_ROLE_INFLUENCER);
         }
       },
       {"opportunity.decision_makers"}},
      {"a competitor with neither partner nor name",
       [](auto* o) { o->mutable_competitors(1)->clear_display_name(); },
       {"opportunity.competitors[1].display_name"}},
      {"a competitor name too long",
       [](auto* o) { o->mutable_competitors(1)->set_display_name(std::string(201, 'c')); },
       {"opportunity.competitors[1].display_name"}},
      {"a competitor partner with a name too long",
       [](auto* o) { o->mutable_competitors(0)->set_display_name(std::string(201, 'c')); },
       {"opportunity.competitors[0].display_name"}},
      {"a competitor that is not a partner",
       [](auto* o) { o->mutable_competitors(0)->set_partner("competitors/rival"); },
       {"opportunity.competitors[0].partner"}},
      {"competitor notes too long",
       [](auto* o) { o->mutable_competitors(0)->set_notes(std::string(2001, 'n')); },
       {"opportunity.competitors[0].notes"}},
      {"a competitor partner twice",
       [](auto* o) { o->mutable_competitors(1)->set_partner("partners/rival"); },
       {"opportunity.competitors[1]"}},
      {"a competitor name twice",
       [](auto* o) { o->add_competitors()->set_display_name("Displays Direct"); },
       {"opportunity.competitors[2]"}},
      {"more than 20 competitors",
       [](auto* o) {
         for (int i = 0; i < 19; ++i) o->add_competitors()->set_display_name(absl::StrCat(i));
       },
       {"opportunity.competitors"}},
      {"a campaign that is a lead",
       [](auto* o) { o->set_source_campaign("leads/l-17"); },
       {"opportunity.source_campaign"}},
      {"a campaign without a collection",
       [](auto* o) { o->set_source_campaign("spring-fair"); },
       {"opportunity.source_campaign"}},
      {"a lead that is a campaign",
       [](auto* o) { o->set_source_lead("campaigns/spring-fair"); },
       {"opportunity.source_lead"}},
      {"a lead id with a space",
       [](auto* o) { o->set_source_lead("leads/l 17"); },
       {"opportunity.source_lead"}},
  };
  for (const Spoiled& c : cases) {
    INFO(c.what);
    v1::Opportunity deal = Deal();
    c.spoil(&deal);
    CHECK(OpportunityFields(deal) == c.fields);
  }
}

TEST_CASE("opportunity validation: the close date is checked against today only when new",
          "[sales][opportunity]") {
  v1::Opportunity deal = Deal();
  *deal.mutable_close_date() = Day(2026, 6, 14);
  Violations out;
  ValidateOpportunity(deal, "opportunity", kToday, true, &out);
  CHECK(FieldsOf(out) == Fields{"opportunity.close_date"});
  CHECK(DescriptionOf(out, "opportunity.close_date") ==
        "must not be in the past (today is 2026-06-15 UTC)");
  // Kept from before (an update that does not change it): allowed.
  CHECK(OpportunityFields(deal, /*new_close_date=*/false).empty());
  *deal.mutable_close_date() = Day(2020, 1, 1);
  CHECK(OpportunityFields(deal, false).empty());
  // Today and later are fine either way.
  for (const google::type::Date& day : {kToday, Day(2026, 6, 16), Day(2030, 1, 1)}) {
    *deal.mutable_close_date() = day;
    CHECK(OpportunityFields(deal, true).empty());
    CHECK(OpportunityFields(deal, false).empty());
  }
  // An impossible or missing date is wrong whether new or not.
  *deal.mutable_close_date() = Day(2027, 2, 29);
  CHECK(OpportunityFields(deal, false) == Fields{"opportunity.close_date"});
  deal.clear_close_date();
  CHECK(OpportunityFields(deal, false) == Fields{"opportunity.close_date"});
}

TEST_CASE("opportunity validation: every violation is reported, not just the first",
          "[sales][opportunity]") {
  CHECK(OpportunityFields(v1::Opportunity()) ==
        Fields{"opportunity.display_name", "opportunity.account", "opportunity.stage",
               "opportunity.expected_revenue", "opportunity.close_date", "opportunity.owner"});

  v1::Opportunity deal = Deal();
  deal.set_probability_percent(150);
  *deal.mutable_close_date() = Day(2026, 1, 1);
  deal.set_sales_team(0, "partners/rep");
  deal.set_sales_team(1, "partners/rep");
  deal.mutable_decision_makers(0)->clear_buying_role();
  deal.mutable_competitors(1)->clear_display_name();
  deal.set_source_lead("lead");
  CHECK(OpportunityFields(deal) ==
        Fields{"opportunity.probability_percent", "opportunity.close_date",
               "opportunity.sales_team[0]", "opportunity.sales_team[1]",
               "opportunity.decision_makers[0].buying_role",
               "opportunity.competitors[1].display_name", "opportunity.source_lead"});
}

TEST_CASE("opportunity validation: ClearOpportunityOutputOnly clears what the service owns",
          "[sales][opportunity]") {
  v1::Opportunity sent = Deal();
  v1::Opportunity expected = sent;
  sent.set_name("opportunities/mine");
  sent.set_state(v1::OPPORTUNITY_STATE_WON);
  sent.set_close_reason("Best price");
  sent.set_lost_to("partners/rival");
  sent.mutable_close_time()->set_seconds(1'790'000'000);
  sent.mutable_weighted_revenue()->set_currency_code("EUR");
  sent.mutable_weighted_revenue()->set_units(1);
  sent.mutable_create_time()->set_seconds(1'780'000'000);
  sent.mutable_update_time()->set_seconds(1'780'000'001);
  sent.set_etag("\"7\"");

  ClearOpportunityOutputOnly(&sent);
  CHECK(sent.SerializeAsString() == expected.SerializeAsString());
  // What a client sets stays, the probability among it.
  CHECK(sent.probability_percent() == 70);
  CHECK(sent.sales_team_size() == 2);
  CHECK(sent.competitors_size() == 2);
  CHECK(sent.source_lead() == "leads/l-17");
}

}  // namespace crm::sales
