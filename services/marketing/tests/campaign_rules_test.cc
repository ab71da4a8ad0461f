// The validation rules of marketing plans, cost items and campaigns: each
// bad field with its exact path (dates, currency, budget, references, wave
// ids, wave dates within the campaign, what each channel may carry,
// template placeholders, the SMS length); UnknownPlaceholders and
// FillTemplate.
#include <catch2/catch.hpp>

#include "services/marketing/tests/campaign_rules_samples.h"

namespace crm::marketing::campaign_rules_testing {
namespace {

// ---------------------------------------------------------------------------
// ValidateMarketingPlan and ValidateCostItem

TEST_CASE("campaign rules: a valid marketing plan passes", "[marketing][campaign]") {
  CHECK(PlanFields(Plan()).empty());
  CHECK(PlanWith([](auto* p) { *p->mutable_end_date() = p->start_date(); }).empty());
  CHECK(PlanWith([](auto* p) { *p->mutable_planned_budget() = Eur(0); }).empty());
}

TEST_CASE("campaign rules: each bad field of a marketing plan is named", "[marketing][campaign]") {
  CHECK(PlanWith([](auto* p) { p->set_display_name("  "); }) == Fields{"plan.display_name"});
  CHECK(PlanWith([](auto* p) { p->set_description(std::string(2001, 'x')); }) ==
        Fields{"plan.description"});
  CHECK(PlanWith([](auto* p) { *p->mutable_end_date() = MakeDate(2027, 2, 28); }) ==
        Fields{"plan.end_date"});
  CHECK(PlanWith([](auto* p) { p->clear_start_date(); }) == Fields{"plan.start_date"});
  CHECK(PlanWith([](auto* p) { *p->mutable_start_date() = MakeDate(2027, 2, 29); }) ==
        Fields{"plan.start_date"});
  CHECK(PlanWith([](auto* p) {
          p->clear_currency_code();
          p->clear_planned_budget();
        }) == Fields{"plan.currency_code", "plan.planned_budget"});
  CHECK(PlanWith([](auto* p) {
          p->set_currency_code("eur");
          *p->mutable_planned_budget() = Cash("eur", 10);
        }) == Fields{"plan.currency_code", "plan.planned_budget.currency_code"});
  CHECK(PlanWith([](auto* p) { *p->mutable_planned_budget() = Cash("USD", 10); }) ==
        Fields{"plan.planned_budget.currency_code"});
  v1::MarketingPlan plan = Plan();
  *plan.mutable_planned_budget() = Eur(-1);
  Violations out;
  ValidateMarketingPlan(plan, "plan", &out);
  CHECK(FieldsOf(out) == Fields{"plan.planned_budget"});
  CHECK(DescriptionOf(out, "plan.planned_budget") == "must not be negative");
}

TEST_CASE("campaign rules: a cost item is booked on exactly one of plan and campaign",
          "[marketing][campaign]") {
  CHECK(CheckCost(Cost()).empty());
  auto on_plan = [](auto* i) {
    i->clear_campaign();
    i->set_marketing_plan("marketingPlans/plan-2027");
  };
  CHECK(CostWith(on_plan).empty());

  v1::CostItem both = Cost();
  both.set_marketing_plan("marketingPlans/plan-2027");
  const Violations both_out = CheckCost(both);
  CHECK(FieldsOf(both_out) == Fields{"cost_item.campaign"});
  CHECK(absl::StrContains(DescriptionOf(both_out, "cost_item.campaign"), "exactly one"));
  CHECK(CostWith([](auto* i) { i->clear_campaign(); }) == Fields{"cost_item.marketing_plan"});

  CHECK(CostWith([](auto* i) { i->set_campaign("marketingPlans/plan-2027"); }) ==
        Fields{"cost_item.campaign"});
  CHECK(CostWith([](auto* i) {
          i->clear_campaign();
          i->set_marketing_plan("plans/x");
        }) == Fields{"cost_item.marketing_plan"});
}

TEST_CASE("campaign rules: a cost item needs a description, an amount above 0 and a day",
          "[marketing][campaign]") {
  CHECK(CostWith([](auto* i) { i->clear_description(); }) == Fields{"cost_item.description"});

  v1::CostItem item = Cost();
  *item.mutable_amount() = Eur(0);
  Violations zero = CheckCost(item);
  CHECK(FieldsOf(zero) == Fields{"cost_item.amount"});
  CHECK(DescriptionOf(zero, "cost_item.amount") == "must be above 0");
  *item.mutable_amount() = Eur(0, 1);
  CHECK(CheckCost(item).empty());
  item.clear_amount();
  Violations missing = CheckCost(item);
  CHECK(FieldsOf(missing) == Fields{"cost_item.amount"});
  CHECK(DescriptionOf(missing, "cost_item.amount") == "is required");
  CHECK(CostWith([](auto* i) { *i->mutable_amount() = Eur(-5); }) == Fields{"cost_item.amount"});
  CHECK(CostWith([](auto* i) { *i->mutable_amount() = Cash("euro", 5); }) ==
        Fields{"cost_item.amount.currency_code"});

  CHECK(CostWith([](auto* i) { i->clear_incurred_date(); }) == Fields{"cost_item.incurred_date"});
  CHECK(CostWith([](auto* i) { *i->mutable_incurred_date() = MakeDate(2027, 4, 31); }) ==
        Fields{"cost_item.incurred_date"});
}

// ---------------------------------------------------------------------------
// ValidateCampaign

TEST_CASE("campaign rules: a valid campaign with every channel passes", "[marketing][campaign]") {
  CHECK(CampaignFields(Autumn()).empty());
  CHECK(CampaignWith([](auto* c) {
          c->clear_waves();
          c->clear_planned_budget();
          c->clear_marketing_plan();
          c->clear_owner();
          c->clear_description();
        }).empty());
}

TEST_CASE("campaign rules: the campaign's own fields", "[marketing][campaign]") {
  CHECK(CampaignWith([](auto* c) { c->clear_display_name(); }) == Fields{"campaign.display_name"});
  CHECK(CampaignWith([](auto* c) {
          c->set_marketing_plan("campaigns/x");
          c->set_owner("partners/");
        }) == Fields{"campaign.marketing_plan", "campaign.owner"});
  CHECK(CampaignWith([](auto* c) {
          *c->mutable_end_date() = MakeDate(2027, 8, 31);
          c->clear_waves();
        }) == Fields{"campaign.end_date"});
  CHECK(CampaignWith([](auto* c) {
          c->set_currency_code("EU");
          c->clear_planned_budget();
        }) == Fields{"campaign.currency_code"});
  CHECK(CampaignWith([](auto* c) {
          c->clear_currency_code();
          c->clear_planned_budget();
        }) == Fields{"campaign.currency_code"});
  CHECK(CampaignWith([](auto* c) { *c->mutable_planned_budget() = Eur(-100); }) ==
        Fields{"campaign.planned_budget"});
  CHECK(CampaignWith([](auto* c) { *c->mutable_planned_budget() = Cash("CHF", 100); }) ==
        Fields{"campaign.planned_budget.currency_code"});
}

TEST_CASE("campaign rules: waves lie within the campaign's dates", "[marketing][campaign]") {
  v1::Campaign c = Autumn();
  *c.mutable_waves(1)->mutable_start_date() = MakeDate(2027, 8, 31);
  const Violations early = Check(c);
  CHECK(FieldsOf(early) == Fields{"campaign.waves[1].start_date"});
  CHECK(absl::StrContains(DescriptionOf(early, "campaign.waves[1].start_date"), "2027-09-01"));
  CHECK(WaveWith(3, [](auto* w) { *w->mutable_end_date() = MakeDate(2027, 12, 1); }) ==
        Fields{"campaign.waves[3].end_date"});
  CHECK(WaveWith(2, [](auto* w) { *w->mutable_end_date() = MakeDate(2027, 9, 30); }) ==
        Fields{"campaign.waves[2].end_date"});
  CHECK(WaveWith(0, [](auto* w) { w->clear_start_date(); }) ==
        Fields{"campaign.waves[0].start_date"});
  // One-day waves on the campaign's first and last day are within it.
  CHECK(CampaignWith([](auto* c) {
          *c->mutable_waves(0)->mutable_end_date() = MakeDate(2027, 9, 1);
          *c->mutable_waves(3)->mutable_start_date() = MakeDate(2027, 11, 30);
        }).empty());
}

TEST_CASE("campaign rules: wave ids, names and channels", "[marketing][campaign]") {
  v1::Campaign c = Autumn();
  c.mutable_waves(2)->set_wave_id("mailing");
  const Violations dup = Check(c);
  CHECK(FieldsOf(dup) == Fields{"campaign.waves[2].wave_id"});
  CHECK(DescriptionOf(dup, "campaign.waves[2].wave_id") == "is used by an earlier wave");
  CHECK(CampaignWith([](auto* c) {
          c->mutable_waves(0)->set_wave_id("Mailing");
          c->mutable_waves(1)->clear_wave_id();
          c->mutable_waves(2)->clear_display_name();
        }) == Fields{"campaign.waves[0].wave_id", "campaign.waves[1].wave_id",
                     "campaign.waves[2].display_name"});
  CHECK(CampaignWith([](auto* c) {
          c->mutable_waves(0)->set_channel(v1::CHANNEL_UNSPECIFIED);
          c->mutable_waves(1)->set_channel(static_cast<v1::Channel>(99));
        }) == Fields{"campaign.waves[0].channel", "campaign.waves[1].channel"});
  CHECK(WaveWith(0, [](auto* w) { w->set_target_group("segments/s1"); }) ==
        Fields{"campaign.waves[0].target_group"});
}

TEST_CASE("campaign rules: at most 50 waves", "[marketing][campaign]") {
  v1::Campaign c = Autumn();
  c.clear_waves();
  for (int i = 0; i < 50; ++i) {
    *c.add_waves() = MakeWave(absl::StrCat("w", i), v1::CHANNEL_EMAIL, MakeDate(2027, 9, 1),
                              MakeDate(2027, 9, 2));
  }
  CHECK(CampaignFields(c).empty());
  *c.add_waves() = MakeWave("w50", v1::CHANNEL_EMAIL, MakeDate(2027, 9, 1), MakeDate(2027, 9, 2));
  CHECK(CampaignFields(c) == Fields{"campaign.waves"});
}

TEST_CASE("campaign rules: templates may use only the known placeholders",
          "[marketing][campaign]") {
  v1::Campaign c = Autumn();
  c.mutable_waves(0)->mutable_message_template()->set_body("Hi {{first_name}}");
  const Violations unknown = Check(c);
  CHECK(FieldsOf(unknown) == Fields{"campaign.waves[0].message_template.body"});
  CHECK(absl::StrContains(DescriptionOf(unknown, "campaign.waves[0].message_template.body"),
                          "\"first_name\""));
  CHECK(WaveWith(0, [](auto* w) { w->mutable_message_template()->set_subject("Hi {{name"); }) ==
        Fields{"campaign.waves[0].message_template.subject"});
  CHECK(WaveWith(2,
                 [](auto* w) {
                   w->mutable_message_template()->set_body("{{ zip }} and {{street}}");
                 }) == Fields{"campaign.waves[2].message_template.body",
                              "campaign.waves[2].message_template.body"});
  CHECK(WaveWith(1, [](auto* w) { w->set_call_script("Ask for {{FAMILY_NAME}}"); }) ==
        Fields{"campaign.waves[1].call_script"});
}

TEST_CASE("campaign rules: what each channel's wave may carry", "[marketing][campaign]") {
  // A subject only on e-mail: waves[2] is mail, waves[3] SMS.
  CHECK(WaveWith(2, [](auto* w) { w->mutable_message_template()->set_subject("A letter"); }) ==
        Fields{"campaign.waves[2].message_template.subject"});
  CHECK(WaveWith(3, [](auto* w) { w->mutable_message_template()->set_subject("A text"); }) ==
        Fields{"campaign.waves[3].message_template.subject"});
  // A call script only on phone waves: waves[0] is e-mail.
  CHECK(WaveWith(0, [](auto* w) { w->set_call_script("Hello"); }) ==
        Fields{"campaign.waves[0].call_script"});
  // No template on phone (waves[1]) and web (waves[4], even an empty one).
  CHECK(WaveWith(1, [](auto* w) { w->mutable_message_template()->set_body("Hello"); }) ==
        Fields{"campaign.waves[1].message_template"});
  CHECK(WaveWith(4, [](auto* w) { w->mutable_message_template(); }) ==
        Fields{"campaign.waves[4].message_template"});
  // A web wave reaches visitors, not a target group.
  CHECK(WaveWith(4, [](auto* w) { w->set_target_group("targetGroups/visitors"); }) ==
        Fields{"campaign.waves[4].target_group"});
}

TEST_CASE("campaign rules: text lengths, an SMS at most 480 characters", "[marketing][campaign]") {
  auto body = [](int wave, const std::string& text) {
    return WaveWith(wave, [&](auto* w) { w->mutable_message_template()->set_body(text); });
  };
  CHECK(body(3, std::string(480, 'x')).empty());
  CHECK(body(3, std::string(481, 'x')) == Fields{"campaign.waves[3].message_template.body"});
  std::string umlauts;
  for (int i = 0; i < 480; ++i) umlauts += "\xc3\xbc";  // 480 characters, 960 bytes
  CHECK(body(3, umlauts).empty());
  // A letter may be longer than an SMS, up to 10000 characters.
  CHECK(body(2, std::string(10000, 'x')).empty());
  CHECK(body(2, std::string(10001, 'x')) == Fields{"campaign.waves[2].message_template.body"});
  CHECK(WaveWith(0, [](auto* w) {
          w->mutable_message_template()->set_subject(std::string(201, 's'));
        }) == Fields{"campaign.waves[0].message_template.subject"});
  CHECK(WaveWith(1, [](auto* w) { w->set_call_script(std::string(10001, 'x')); }) ==
        Fields{"campaign.waves[1].call_script"});
}

// ---------------------------------------------------------------------------
// UnknownPlaceholders and FillTemplate

TEST_CASE("campaign rules: UnknownPlaceholders", "[marketing][campaign]") {
  CHECK(TemplatePlaceholders() ==
        Strings{"display_name", "given_name", "family_name", "city", "country_code", "campaign"});
  CHECK(UnknownPlaceholders("{{display_name}}{{given_name}} {{ family_name }} {{city}} "
                            "{{country_code}} {{campaign}}")
            .empty());
  CHECK(UnknownPlaceholders("no placeholders at all, just { and }").empty());
  CHECK(UnknownPlaceholders("Hi {{ first_name }}, {{city}} {{City}}") ==
        Strings{"first_name", "City"});
  CHECK(UnknownPlaceholders("Hi {{given_name}} from {{name") == Strings{"{{name"});
  CHECK(UnknownPlaceholders("empty {{}}") == Strings{""});
}

TEST_CASE("campaign rules: FillTemplate", "[marketing][campaign]") {
  const std::map<std::string, std::string> values = {
      {"given_name", "Ann"}, {"family_name", "Lee"}, {"city", "Ghent"}};
  CHECK(FillTemplate("Dear {{ given_name }} {{family_name}}, {{city}}!", values) ==
        "Dear Ann Lee, Ghent!");
  CHECK(FillTemplate("{{given_name}}{{family_name}}", values) == "AnnLee");
  CHECK(FillTemplate("Hi {{first_name}}!", values) == "Hi !");
  CHECK(FillTemplate("Hi {{country_code}}.", values) == "Hi .");
  CHECK(FillTemplate("Nothing to fill } { here", values) == "Nothing to fill } { here");
  CHECK(FillTemplate("", values).empty());
  CHECK(FillTemplate("Hi {{given_name", values) == "Hi {{given_name");
  CHECK(FillTemplate("{{given_name}} and {{family_name", values) == "Ann and {{family_name");
}

}  // namespace
}  // namespace crm::marketing::campaign_rules_testing
