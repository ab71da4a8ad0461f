// AutomationService and the feed followers over real channels and files:
// a rule on sales' opportunities ("when an opportunity is lost, add the
// account to the win-back calls") acts on the changes sales makes after it
// was created, checks consent first, acts once per change, and records what
// it did; rules are checked against the record type's fields.
#include <thread>

#include "crm/marketing/v1/automation_service.grpc.pb.h"
#include "crm/marketing/v1/execution_service.grpc.pb.h"
#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing {
namespace {

using AutomationStub = mv1::AutomationService::Stub;
using ExecutionStub = mv1::ExecutionService::Stub;

class AutomationFixture : public MarketingBesidePeers {
 public:
  AutomationFixture()
      : automation_(mv1::AutomationService::NewStub(marketing_->channel())),
        execution_(mv1::ExecutionService::NewStub(marketing_->channel())) {
    rep_ = Employee("Seller");
    stage_ = SalesStage();
  }

  // A running campaign with a phone wave "winback" (no target group: the
  // rules fill it).
  mv1::Campaign WinBack() {
    const Date today = crm::api::UtcDate(absl::Now());
    mv1::CreateCampaignRequest create;
    mv1::Campaign& campaign = *create.mutable_campaign();
    campaign.set_display_name("Win-back");
    *campaign.mutable_start_date() = today;
    *campaign.mutable_end_date() = crm::api::DateOf(crm::api::CivilDayOf(today) + 60);
    campaign.set_currency_code("EUR");
    mv1::Wave& wave = *campaign.add_waves();
    wave.set_wave_id("winback");
    wave.set_display_name("Win-back calls");
    wave.set_channel(mv1::CHANNEL_PHONE);
    *wave.mutable_start_date() = campaign.start_date();
    *wave.mutable_end_date() = campaign.end_date();
    wave.set_call_script("Hello {{family_name}}, we would like to hear why.");
    mv1::Wave& banner = *campaign.add_waves();
    banner.set_wave_id("banner");
    banner.set_display_name("Banner");
    banner.set_channel(mv1::CHANNEL_WEB);
    *banner.mutable_start_date() = campaign.start_date();
    *banner.mutable_end_date() = campaign.end_date();
    const mv1::Campaign created = MustCall(*campaigns_, &CampaignStub::CreateCampaign, create);
    return created;
  }

  void Run(const std::string& campaign) {
    // Releasing needs a target group for the phone wave; the rules make
    // contacts without one, so this campaign is started through its states
    // only after giving the wave a group.
    mv1::CreateSegmentRequest segment;
    segment.mutable_segment()->set_display_name("Nobody");
    segment.mutable_segment()->mutable_criteria()->add_country_codes("LI");
    const auto created = MustCall(*segments_, &SegmentStub::CreateSegment, segment);
    mv1::BuildTargetGroupRequest build;
    build.set_segment(created.name());
    build.set_channel(mv1::CHANNEL_PHONE);
    const auto group = MustCall(*segments_, &SegmentStub::BuildTargetGroup, build);
    mv1::GetCampaignRequest get;
    get.set_name(campaign);
    mv1::UpdateCampaignRequest update;
    *update.mutable_campaign() = MustCall(*campaigns_, &CampaignStub::GetCampaign, get);
    update.mutable_campaign()->mutable_waves(0)->set_target_group(group.name());
    *update.mutable_update_mask() = Mask({"waves"});
    MustCall(*campaigns_, &CampaignStub::UpdateCampaign, update);
    mv1::ReleaseCampaignRequest release;
    release.set_name(campaign);
    MustCall(*campaigns_, &CampaignStub::ReleaseCampaign, release);
    mv1::StartCampaignRequest start;
    start.set_name(campaign);
    MustCall(*campaigns_, &CampaignStub::StartCampaign, start);
  }

  mv1::AutomationRule LostRule(const std::string& campaign) {
    mv1::CreateAutomationRuleRequest create;
    mv1::AutomationRule& rule = *create.mutable_automation_rule();
    rule.set_display_name("Lost deals: win-back call");
    rule.set_resource_type("crm.sales.v1.Opportunity");
    rule.add_change_kinds(crm::feed::v1::CHANGE_KIND_UPDATED);
    mv1::FieldCondition& lost = *rule.add_conditions();
    lost.set_field("state");
    lost.set_operator_(mv1::COMPARISON_OPERATOR_EQUALS);
    lost.set_value("OPPORTUNITY_STATE_LOST");
    rule.set_partner_field("account");
    rule.set_campaign(campaign);
    rule.set_wave_id("winback");
    return MustCall(*automation_, &AutomationStub::CreateAutomationRule, create);
  }

  // An opportunity for `account`, lost.
  void LoseDeal(const std::string& account) {
    sv1::CreateOpportunityRequest create;
    sv1::Opportunity& o = *create.mutable_opportunity();
    o.set_display_name("Deal");
    o.set_account(account);
    o.set_owner(rep_);
    o.set_stage(stage_);
    *o.mutable_close_date() = Next(6, 30);
    *o.mutable_expected_revenue() = Eur(5000);
    const auto created = MustCall(*opportunity_stub_, &OpportunityStub::CreateOpportunity, create);
    sv1::LoseOpportunityRequest lose;
    lose.set_name(created.name());
    lose.set_reason("price");
    MustCall(*opportunity_stub_, &OpportunityStub::LoseOpportunity, lose);
  }

  // The runs, once there are `count` (waits up to 10 s for the followers).
  std::vector<mv1::AutomationRun> RunsOnce(int count) {
    std::vector<mv1::AutomationRun> runs;
    for (int attempt = 0; attempt < 100; ++attempt) {
      mv1::ListAutomationRunsRequest request;
      const auto listed = MustCall(*automation_, &AutomationStub::ListAutomationRuns, request);
      runs.assign(listed.automation_runs().begin(), listed.automation_runs().end());
      if (static_cast<int>(runs.size()) >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return runs;
  }

 protected:
  std::unique_ptr<AutomationStub> automation_;
  std::unique_ptr<ExecutionStub> execution_;
  std::string rep_;
  std::string stage_;
};

TEST_CASE_METHOD(AutomationFixture,
                 "a lost deal puts its account on the win-back calls, once and with consent") {
  const std::string before = Person("Early", pv1::ROLE_TYPE_CUSTOMER);
  GrantConsent(before, pv1::CONTACT_CHANNEL_PHONE);
  LoseDeal(before);  // before the rule: never acted on

  const mv1::Campaign campaign = WinBack();
  Run(campaign.name());
  const mv1::AutomationRule rule = LostRule(campaign.name());

  const std::string willing = Person("Willing", pv1::ROLE_TYPE_CUSTOMER);
  GrantConsent(willing, pv1::CONTACT_CHANNEL_PHONE);
  const std::string silent = Person("Silent", pv1::ROLE_TYPE_CUSTOMER);  // no consent
  LoseDeal(willing);
  LoseDeal(silent);

  const std::vector<mv1::AutomationRun> runs = RunsOnce(2);
  REQUIRE(runs.size() == 2);
  std::map<std::string, mv1::AutomationRun> by_partner;
  for (const auto& run : runs) by_partner[run.partner()] = run;
  REQUIRE(by_partner.count(willing) == 1);
  REQUIRE(by_partner.count(silent) == 1);
  CHECK(by_partner[willing].outcome() == mv1::AUTOMATION_OUTCOME_CONTACTED);
  CHECK(by_partner[willing].rule() == rule.name());
  CHECK(by_partner[willing].source() == "sales");
  CHECK(by_partner[silent].outcome() == mv1::AUTOMATION_OUTCOME_NOT_CONTACTABLE);
  CHECK(by_partner[silent].contact().empty());

  mv1::GetContactRequest get;
  get.set_name(by_partner[willing].contact());
  const mv1::Contact contact = MustCall(*execution_, &ExecutionStub::GetContact, get);
  CHECK(contact.partner() == willing);
  CHECK(contact.wave_id() == "winback");
  CHECK(contact.message() == "Hello Willing, we would like to hear why.");
  CHECK(!contact.address().empty());

  // A second lost deal of the same account: acted on, but no second call.
  LoseDeal(willing);
  const std::vector<mv1::AutomationRun> more = RunsOnce(3);
  REQUIRE(more.size() == 3);
  CHECK(more[0].outcome() == mv1::AUTOMATION_OUTCOME_ALREADY_CONTACTED);

  // Paused: changes pass by.
  mv1::UpdateAutomationRuleRequest pause;
  pause.mutable_automation_rule()->set_name(rule.name());
  pause.mutable_automation_rule()->set_paused(true);
  *pause.mutable_update_mask() = Mask({"paused"});
  MustCall(*automation_, &AutomationStub::UpdateAutomationRule, pause);
  LoseDeal(silent);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(RunsOnce(4).size() == 3);
}

TEST_CASE_METHOD(AutomationFixture, "a rule for a campaign that is not running records so") {
  const mv1::Campaign campaign = WinBack();  // planned
  LostRule(campaign.name());
  const std::string customer = Person("Waiting", pv1::ROLE_TYPE_CUSTOMER);
  GrantConsent(customer, pv1::CONTACT_CHANNEL_PHONE);
  LoseDeal(customer);
  const std::vector<mv1::AutomationRun> runs = RunsOnce(1);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].outcome() == mv1::AUTOMATION_OUTCOME_CAMPAIGN_NOT_RUNNING);
}

TEST_CASE_METHOD(AutomationFixture, "each bad field of an automation rule is named") {
  const mv1::Campaign campaign = WinBack();
  auto outcome = [&](const std::function<void(mv1::AutomationRule&)>& change) {
    mv1::CreateAutomationRuleRequest create;
    mv1::AutomationRule& rule = *create.mutable_automation_rule();
    rule.set_display_name("Rule");
    rule.set_resource_type("crm.sales.v1.Opportunity");
    mv1::FieldCondition& lost = *rule.add_conditions();
    lost.set_field("state");
    lost.set_operator_(mv1::COMPARISON_OPERATOR_EQUALS);
    lost.set_value("OPPORTUNITY_STATE_LOST");
    rule.set_partner_field("account");
    rule.set_campaign(campaign.name());
    rule.set_wave_id("winback");
    change(rule);
    mv1::AutomationRule out;
    return Outcome(Call(*automation_, &AutomationStub::CreateAutomationRule, create, &out));
  };
  CHECK(outcome([](auto&) {}) == "OK");
  CHECK(outcome([](auto& r) { r.set_resource_type("crm.sales.v1.Nothing"); }) ==
        "INVALID_ARGUMENT automation_rule.resource_type");
  CHECK(outcome([](auto& r) { r.set_resource_type("google.protobuf.Empty"); }) ==
        "INVALID_ARGUMENT automation_rule.resource_type");
  CHECK(outcome([](auto& r) { r.mutable_conditions(0)->set_field("stage.name"); }) ==
        "INVALID_ARGUMENT automation_rule.conditions[0].field");
  CHECK(outcome([](auto& r) { r.mutable_conditions(0)->set_value("LOST"); }) ==
        "INVALID_ARGUMENT automation_rule.conditions[0].value");
  CHECK(outcome([](auto& r) {
          r.mutable_conditions(0)->set_operator_(mv1::COMPARISON_OPERATOR_LESS);
        }) == "INVALID_ARGUMENT automation_rule.conditions[0].operator");
  CHECK(outcome([](auto& r) {
          r.mutable_conditions(0)->set_field("probability_percent");
          r.mutable_conditions(0)->set_operator_(mv1::COMPARISON_OPERATOR_LESS);
          r.mutable_conditions(0)->set_value("ten");
        }) == "INVALID_ARGUMENT automation_rule.conditions[0].value");
  CHECK(outcome([](auto& r) { r.set_partner_field("probability_percent"); }) ==
        "INVALID_ARGUMENT automation_rule.partner_field");
  CHECK(outcome([](auto& r) { r.add_change_kinds(crm::feed::v1::CHANGE_KIND_DELETED); }) ==
        "INVALID_ARGUMENT automation_rule.change_kinds[0]");
  CHECK(outcome([](auto& r) { r.set_wave_id("banner"); }) ==
        "INVALID_ARGUMENT automation_rule.wave_id");
  CHECK(outcome([](auto& r) { r.set_wave_id("nope"); }) ==
        "INVALID_ARGUMENT automation_rule.wave_id");
  CHECK(outcome([](auto& r) { r.set_campaign("campaigns/unknown"); }) == "NOT_FOUND");
  CHECK(outcome([](auto& r) { r.set_display_name(""); }) ==
        "INVALID_ARGUMENT automation_rule.display_name");

  mv1::ListAutomationRulesRequest list;
  CHECK(
      MustCall(*automation_, &AutomationStub::ListAutomationRules, list).automation_rules_size() ==
      1);
}

}  // namespace
}  // namespace crm::marketing::testing
