// End to end with the real crm-partners, crm-sales and crm-marketing
// executables: a lead captured from the web is scored hot by the scoring
// rules, handed to a sales rep by a routing rule, and converted into a
// sales opportunity for a new prospect. The conversion happens exactly
// once: a retry with the same request id, a retry after marketing was
// killed and restarted, and a retry after sales was down half-way all find
// the prospect and opportunity made before. An automation rule follows
// sales' feed across marketing being killed: deals lost while it was down
// are acted on when it is back, each once. And the issue's own example:
// a ticket closed at the service desk with a satisfaction of 2 or less
// puts the customer on the retention calls.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <tuple>

#include "absl/time/clock.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/marketing/v1/automation_service.grpc.pb.h"
#include "crm/marketing/v1/campaign_service.grpc.pb.h"
#include "crm/marketing/v1/execution_service.grpc.pb.h"
#include "crm/marketing/v1/lead_service.grpc.pb.h"
#include "crm/marketing/v1/segment_service.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "crm/servicedesk/v1/ticket_service.grpc.pb.h"
#include "tests/e2e/sales_e2e_support.h"

namespace {

using crm::testing::BinaryPath;
using crm::testing::Call;
using crm::testing::Day;
using crm::testing::Eur;
using crm::testing::MustCall;
using crm::testing::Outcome;
using crm::testing::Precondition;
using crm::testing::ServiceProcess;
using crm::testing::TempDir;

namespace pv1 = crm::partners::v1;
namespace sv1 = crm::sales::v1;
namespace mv1 = crm::marketing::v1;
using LeadStub = mv1::LeadService::Stub;
using AutomationStub = mv1::AutomationService::Stub;
using CampaignStub = mv1::CampaignService::Stub;
using ExecutionStub = mv1::ExecutionService::Stub;
using SegmentStub = mv1::SegmentService::Stub;
using OpportunityStub = sv1::OpportunityService::Stub;
using PartnerStub = pv1::PartnerService::Stub;

struct Suite {
  TempDir partners_dir, sales_dir, marketing_dir;
  ServiceProcess partners{BinaryPath("crm-partners"), partners_dir.path()};
  std::unique_ptr<ServiceProcess> sales;
  std::unique_ptr<ServiceProcess> marketing;
  std::unique_ptr<PartnerStub> partner_stub;
  std::unique_ptr<OpportunityStub> opportunities;
  std::unique_ptr<LeadStub> leads;

  void Start() {
    REQUIRE(partners.Start());
    sales = std::make_unique<ServiceProcess>(
        BinaryPath("crm-sales"), sales_dir.path(),
        std::vector<std::string>{"--partners_address=" + partners.address()});
    REQUIRE(sales->Start());
    marketing = std::make_unique<ServiceProcess>(
        BinaryPath("crm-marketing"), marketing_dir.path(),
        std::vector<std::string>{"--partners_address=" + partners.address(),
                                 "--sales_address=" + sales->address()});
    REQUIRE(marketing->Start());
    partner_stub = pv1::PartnerService::NewStub(partners.channel());
    opportunities = sv1::OpportunityService::NewStub(sales->channel());
    leads = mv1::LeadService::NewStub(marketing->channel());
  }

  // The opportunities sales holds for `lead`.
  int OpportunitiesFrom(const std::string& lead) {
    sv1::ListOpportunitiesRequest request;
    request.set_page_size(1000);
    const sv1::ListOpportunitiesResponse listed =
        MustCall(*opportunities, &OpportunityStub::ListOpportunities, request);
    int count = 0;
    for (const sv1::Opportunity& o : listed.opportunities()) {
      if (o.source_lead() == lead) ++count;
    }
    return count;
  }

  // The partners named `legal_name`.
  int PartnersNamed(const std::string& legal_name) {
    pv1::ListPartnersRequest request;
    request.set_filter("display_name = \"" + legal_name + "\"");
    return MustCall(*partner_stub, &PartnerStub::ListPartners, request).partners_size();
  }
};

std::string CreateRep(PartnerStub& partners) {
  pv1::CreatePartnerRequest request;
  pv1::Partner& rep = *request.mutable_partner();
  rep.set_category(pv1::PARTNER_CATEGORY_PERSON);
  rep.mutable_person()->set_given_name("Rita");
  rep.mutable_person()->set_family_name("Reisinger");
  rep.add_roles()->set_type(pv1::ROLE_TYPE_EMPLOYEE);
  return MustCall(partners, &PartnerStub::CreatePartner, request).name();
}

void CreateRules(LeadStub& leads, const std::string& rep) {
  mv1::CreateLeadScoringRuleRequest web;
  web.mutable_lead_scoring_rule()->set_display_name("Came through the web shop");
  web.mutable_lead_scoring_rule()->mutable_condition()->add_sources(mv1::LEAD_SOURCE_WEB);
  web.mutable_lead_scoring_rule()->set_points(30);
  MustCall(leads, &LeadStub::CreateLeadScoringRule, web);
  mv1::CreateLeadScoringRuleRequest retail;
  retail.mutable_lead_scoring_rule()->set_display_name("Retail trade");
  retail.mutable_lead_scoring_rule()->mutable_condition()->add_industry_code_prefixes("G47");
  retail.mutable_lead_scoring_rule()->set_points(45);
  MustCall(leads, &LeadStub::CreateLeadScoringRule, retail);

  mv1::CreateLeadRoutingRuleRequest bavaria;
  mv1::LeadRoutingRule& rule = *bavaria.mutable_lead_routing_rule();
  rule.set_display_name("Hot leads in Bavaria");
  rule.set_priority(10);
  rule.mutable_condition()->add_country_codes("DE");
  rule.mutable_condition()->add_regions("BY");
  rule.mutable_condition()->add_levels(mv1::LEAD_LEVEL_HOT);
  rule.set_assignee(rep);
  MustCall(leads, &LeadStub::CreateLeadRoutingRule, bavaria);
}

mv1::Lead CaptureLead(LeadStub& leads, const std::string& company, const std::string& email) {
  mv1::CreateLeadRequest request;
  mv1::Lead& lead = *request.mutable_lead();
  lead.set_display_name("40 checkout terminals for the new branches");
  lead.set_source(mv1::LEAD_SOURCE_WEB);
  lead.mutable_contact()->set_given_name("Jonas");
  lead.mutable_contact()->set_family_name("Brandl");
  lead.mutable_contact()->set_company_name(company);
  lead.mutable_contact()->set_email(email);
  lead.set_country_code("DE");
  lead.set_region("BY");
  lead.set_industry_code("G47.1");
  lead.set_product_group("TERMINALS");
  *lead.mutable_estimated_value() = Eur(48000);
  return MustCall(leads, &LeadStub::CreateLead, request);
}

mv1::ConvertLeadRequest Conversion(const std::string& lead, const std::string& request_id) {
  mv1::ConvertLeadRequest request;
  request.set_name(lead);
  const absl::CivilDay in_two_months = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 60;
  *request.mutable_close_date() =
      Day(static_cast<int>(in_two_months.year()), in_two_months.month(), in_two_months.day());
  request.set_request_id(request_id);
  return request;
}

TEST_CASE("a web lead is scored, routed and converted into one opportunity, however often retried",
          "[e2e][marketing]") {
  Suite suite;
  suite.Start();
  const std::string rep = CreateRep(*suite.partner_stub);
  sv1::CreateSalesStageRequest stage;
  stage.set_sales_stage_id("qualification");
  stage.mutable_sales_stage()->set_display_name("Qualification");
  stage.mutable_sales_stage()->set_position(10);
  stage.mutable_sales_stage()->set_default_probability_percent(10);
  MustCall(*suite.opportunities, &OpportunityStub::CreateSalesStage, stage);
  CreateRules(*suite.leads, rep);

  // Captured: 30 + 45 points, hot; still to be qualified.
  mv1::Lead lead = CaptureLead(*suite.leads, "Brandl Handels GmbH", "jonas.brandl@brandl.example");
  CHECK(lead.score() == 75);
  CHECK(lead.level() == mv1::LEAD_LEVEL_HOT);
  CHECK(lead.state() == mv1::LEAD_STATE_OPEN);

  mv1::QualifyLeadRequest qualify;
  qualify.set_name(lead.name());
  lead = MustCall(*suite.leads, &LeadStub::QualifyLead, qualify);
  CHECK(lead.state() == mv1::LEAD_STATE_QUALIFIED);

  mv1::AssignLeadRequest assign;
  assign.set_name(lead.name());
  lead = MustCall(*suite.leads, &LeadStub::AssignLead, assign);
  CHECK(lead.assignee() == rep);
  CHECK(!lead.routing_rule().empty());

  const mv1::ConvertLeadRequest convert = Conversion(lead.name(), "convert-brandl-1");
  const mv1::Lead converted = MustCall(*suite.leads, &LeadStub::ConvertLead, convert);
  CHECK(converted.state() == mv1::LEAD_STATE_CONVERTED);
  REQUIRE(!converted.opportunity().empty());
  REQUIRE(!converted.account().empty());

  // The opportunity in sales: the new prospect's, owned by the rep.
  sv1::GetOpportunityRequest get;
  get.set_name(converted.opportunity());
  const sv1::Opportunity opportunity =
      MustCall(*suite.opportunities, &OpportunityStub::GetOpportunity, get);
  CHECK(opportunity.account() == converted.account());
  CHECK(opportunity.owner() == rep);
  CHECK(opportunity.source_lead() == lead.name());
  CHECK(opportunity.expected_revenue().units() == 48000);
  CHECK(opportunity.stage() == "salesStages/qualification");
  pv1::GetPartnerRequest prospect;
  prospect.set_name(converted.account());
  const pv1::Partner account = MustCall(*suite.partner_stub, &PartnerStub::GetPartner, prospect);
  CHECK(account.display_name() == "Brandl Handels GmbH");
  REQUIRE(account.roles_size() == 1);
  CHECK(account.roles(0).type() == pv1::ROLE_TYPE_PROSPECT);

  // The same request again: the same answer.
  const mv1::Lead again = MustCall(*suite.leads, &LeadStub::ConvertLead, convert);
  CHECK(again.opportunity() == converted.opportunity());
  CHECK(again.etag() == converted.etag());

  // Marketing killed and restarted: the request is remembered on disk.
  REQUIRE(suite.marketing->Stop(SIGKILL) != 0);
  REQUIRE(suite.marketing->Start());
  suite.leads = mv1::LeadService::NewStub(suite.marketing->channel());
  const mv1::Lead after_restart = MustCall(*suite.leads, &LeadStub::ConvertLead, convert);
  CHECK(after_restart.opportunity() == converted.opportunity());

  // A new conversion request is refused: the lead is converted.
  mv1::Lead unused;
  const grpc::Status twice = Call(*suite.leads, &LeadStub::ConvertLead,
                                  Conversion(lead.name(), "convert-brandl-2"), &unused);
  CHECK(Precondition(twice) == "ALREADY_CONVERTED " + lead.name());

  CHECK(suite.OpportunitiesFrom(lead.name()) == 1);
  CHECK(suite.PartnersNamed("Brandl Handels GmbH") == 1);
}

TEST_CASE("a conversion cut short by sales being down completes on retry without duplicates",
          "[e2e][marketing]") {
  Suite suite;
  suite.Start();
  const std::string rep = CreateRep(*suite.partner_stub);
  sv1::CreateSalesStageRequest stage;
  stage.set_sales_stage_id("qualification");
  stage.mutable_sales_stage()->set_display_name("Qualification");
  stage.mutable_sales_stage()->set_position(10);
  MustCall(*suite.opportunities, &OpportunityStub::CreateSalesStage, stage);
  CreateRules(*suite.leads, rep);
  mv1::Lead lead = CaptureLead(*suite.leads, "Huber Markt KG", "anna.huber@huber.example");
  mv1::QualifyLeadRequest qualify;
  qualify.set_name(lead.name());
  MustCall(*suite.leads, &LeadStub::QualifyLead, qualify);
  mv1::AssignLeadRequest assign;
  assign.set_name(lead.name());
  MustCall(*suite.leads, &LeadStub::AssignLead, assign);

  // Sales down: partners creates the prospect, sales cannot be reached.
  REQUIRE(suite.sales->Stop(SIGTERM) == 0);
  mv1::Lead unused;
  const grpc::Status cut_short =
      Call(*suite.leads, &LeadStub::ConvertLead, Conversion(lead.name(), "convert-huber"), &unused);
  CHECK(Outcome(cut_short) == "UNAVAILABLE");
  mv1::GetLeadRequest get;
  get.set_name(lead.name());
  CHECK(MustCall(*suite.leads, &LeadStub::GetLead, get).state() == mv1::LEAD_STATE_QUALIFIED);
  CHECK(suite.PartnersNamed("Huber Markt KG") == 1);

  // Sales back: the retry reuses the prospect and creates one opportunity.
  REQUIRE(suite.sales->Start());
  suite.opportunities = sv1::OpportunityService::NewStub(suite.sales->channel());
  const mv1::Lead converted =
      MustCall(*suite.leads, &LeadStub::ConvertLead, Conversion(lead.name(), "convert-huber"));
  CHECK(converted.state() == mv1::LEAD_STATE_CONVERTED);
  CHECK(suite.PartnersNamed("Huber Markt KG") == 1);
  CHECK(suite.OpportunitiesFrom(lead.name()) == 1);
}

// A running campaign with a phone wave "winback" (its target group empty:
// the automation fills the wave).
std::string RunningWinBack(Suite& suite) {
  auto campaigns = mv1::CampaignService::NewStub(suite.marketing->channel());
  auto segments = mv1::SegmentService::NewStub(suite.marketing->channel());
  mv1::CreateSegmentRequest segment;
  segment.mutable_segment()->set_display_name("Nobody yet");
  segment.mutable_segment()->mutable_criteria()->add_country_codes("LI");
  mv1::BuildTargetGroupRequest build;
  build.set_segment(MustCall(*segments, &SegmentStub::CreateSegment, segment).name());
  build.set_channel(mv1::CHANNEL_PHONE);
  const std::string group = MustCall(*segments, &SegmentStub::BuildTargetGroup, build).name();

  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  mv1::CreateCampaignRequest create;
  mv1::Campaign& campaign = *create.mutable_campaign();
  campaign.set_display_name("Win-back");
  *campaign.mutable_start_date() = Day(static_cast<int>(today.year()), today.month(), today.day());
  const absl::CivilDay end = today + 60;
  *campaign.mutable_end_date() = Day(static_cast<int>(end.year()), end.month(), end.day());
  campaign.set_currency_code("EUR");
  mv1::Wave& wave = *campaign.add_waves();
  wave.set_wave_id("winback");
  wave.set_display_name("Win-back calls");
  wave.set_channel(mv1::CHANNEL_PHONE);
  *wave.mutable_start_date() = campaign.start_date();
  *wave.mutable_end_date() = campaign.end_date();
  wave.set_target_group(group);
  wave.set_call_script("Hello {{family_name}}, may we ask what we could do better?");
  const std::string name = MustCall(*campaigns, &CampaignStub::CreateCampaign, create).name();
  mv1::ReleaseCampaignRequest release;
  release.set_name(name);
  MustCall(*campaigns, &CampaignStub::ReleaseCampaign, release);
  mv1::StartCampaignRequest start;
  start.set_name(name);
  MustCall(*campaigns, &CampaignStub::StartCampaign, start);
  return name;
}

std::string Customer(PartnerStub& partners, const std::string& family_name) {
  pv1::CreatePartnerRequest request;
  pv1::Partner& p = *request.mutable_partner();
  p.set_category(pv1::PARTNER_CATEGORY_PERSON);
  p.mutable_person()->set_given_name("Eva");
  p.mutable_person()->set_family_name(family_name);
  pv1::PhoneNumber& phone = *p.add_phone_numbers();
  phone.set_number("+4989" + std::to_string(7000000 + family_name.size()));
  p.add_roles()->set_type(pv1::ROLE_TYPE_CUSTOMER);
  const std::string name = MustCall(partners, &PartnerStub::CreatePartner, request).name();
  pv1::GrantConsentRequest consent;
  consent.set_parent(name);
  consent.mutable_consent_record()->set_channel(pv1::CONTACT_CHANNEL_PHONE);
  consent.mutable_consent_record()->set_purpose(pv1::CONTACT_PURPOSE_MARKETING);
  consent.mutable_consent_record()->set_source("call centre");
  consent.mutable_consent_record()->set_text_version("2026-01");
  MustCall(partners, &PartnerStub::GrantConsent, consent);
  return name;
}

void LoseDeal(Suite& suite, const std::string& account, const std::string& owner) {
  sv1::CreateOpportunityRequest create;
  sv1::Opportunity& o = *create.mutable_opportunity();
  o.set_display_name("Renewal");
  o.set_account(account);
  o.set_owner(owner);
  o.set_stage("salesStages/qualification");
  *o.mutable_expected_revenue() = Eur(9000);
  const absl::CivilDay close = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 30;
  *o.mutable_close_date() = Day(static_cast<int>(close.year()), close.month(), close.day());
  sv1::LoseOpportunityRequest lose;
  lose.set_name(MustCall(*suite.opportunities, &OpportunityStub::CreateOpportunity, create).name());
  lose.set_reason("went to a competitor");
  MustCall(*suite.opportunities, &OpportunityStub::LoseOpportunity, lose);
}

// The automation runs, once there are at least `count` (up to 15 s).
int RunsAfterWaiting(Suite& suite, int count) {
  auto automation = mv1::AutomationService::NewStub(suite.marketing->channel());
  int runs = 0;
  for (int attempt = 0; attempt < 150 && runs < count; ++attempt) {
    mv1::ListAutomationRunsRequest request;
    request.set_page_size(1000);
    mv1::ListAutomationRunsResponse response;
    if (Call(*automation, &AutomationStub::ListAutomationRuns, request, &response).ok()) {
      runs = response.automation_runs_size();
    }
    if (runs < count) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return runs;
}

TEST_CASE("automation follows sales' feed across a crash and acts once per change",
          "[e2e][marketing]") {
  Suite suite;
  suite.Start();
  const std::string rep = CreateRep(*suite.partner_stub);
  sv1::CreateSalesStageRequest stage;
  stage.set_sales_stage_id("qualification");
  stage.mutable_sales_stage()->set_display_name("Qualification");
  stage.mutable_sales_stage()->set_position(10);
  MustCall(*suite.opportunities, &OpportunityStub::CreateSalesStage, stage);
  const std::string campaign = RunningWinBack(suite);

  auto automation = mv1::AutomationService::NewStub(suite.marketing->channel());
  mv1::CreateAutomationRuleRequest create;
  mv1::AutomationRule& rule = *create.mutable_automation_rule();
  rule.set_display_name("Lost deals: win-back call");
  rule.set_resource_type("crm.sales.v1.Opportunity");
  mv1::FieldCondition& lost = *rule.add_conditions();
  lost.set_field("state");
  lost.set_operator_(mv1::COMPARISON_OPERATOR_EQUALS);
  lost.set_value("OPPORTUNITY_STATE_LOST");
  rule.set_partner_field("account");
  rule.set_campaign(campaign);
  rule.set_wave_id("winback");
  MustCall(*automation, &AutomationStub::CreateAutomationRule, create);

  LoseDeal(suite, Customer(*suite.partner_stub, "Ahrens"), rep);
  REQUIRE(RunsAfterWaiting(suite, 1) == 1);

  // Marketing killed; two deals lost while it is down.
  REQUIRE(suite.marketing->Stop(SIGKILL) != 0);
  LoseDeal(suite, Customer(*suite.partner_stub, "Bauer"), rep);
  LoseDeal(suite, Customer(*suite.partner_stub, "Conrad"), rep);
  REQUIRE(suite.marketing->Start());
  CHECK(RunsAfterWaiting(suite, 3) == 3);

  // Killed and started again: nothing is acted on twice.
  REQUIRE(suite.marketing->Stop(SIGKILL) != 0);
  REQUIRE(suite.marketing->Start());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(RunsAfterWaiting(suite, 4) == 3);

  auto execution = mv1::ExecutionService::NewStub(suite.marketing->channel());
  mv1::ListContactsRequest contacts;
  contacts.set_filter("wave_id = \"winback\"");
  const auto listed = MustCall(*execution, &ExecutionStub::ListContacts, contacts);
  REQUIRE(listed.contacts_size() == 3);
  CHECK(listed.contacts(0).display_name() == "Ahrens, Eva");
  CHECK(listed.contacts(0).message() == "Hello Ahrens, may we ask what we could do better?");
}

TEST_CASE("a ticket closed dissatisfied puts the customer on the retention calls",
          "[e2e][marketing]") {
  Suite suite;
  suite.Start();
  TempDir desk_dir;
  ServiceProcess desk(BinaryPath("crm-servicedesk"), desk_dir.path(),
                      {"--partners_address=" + suite.partners.address()});
  REQUIRE(desk.Start());
  // Marketing follows the service desk at the address it was given.
  REQUIRE(suite.marketing->Stop(SIGTERM) == 0);
  suite.marketing = std::make_unique<ServiceProcess>(
      BinaryPath("crm-marketing"), suite.marketing_dir.path(),
      std::vector<std::string>{"--partners_address=" + suite.partners.address(),
                               "--sales_address=" + suite.sales->address(),
                               "--servicedesk_address=" + desk.address()});
  REQUIRE(suite.marketing->Start());
  const std::string campaign = RunningWinBack(suite);

  auto automation = mv1::AutomationService::NewStub(suite.marketing->channel());
  mv1::CreateAutomationRuleRequest create;
  mv1::AutomationRule& rule = *create.mutable_automation_rule();
  rule.set_display_name("Dissatisfied after a ticket: retention call");
  rule.set_resource_type("crm.servicedesk.v1.Ticket");
  for (auto [field, op, value] :
       std::vector<std::tuple<const char*, mv1::ComparisonOperator, const char*>>{
           {"status", mv1::COMPARISON_OPERATOR_EQUALS, "TICKET_STATUS_CLOSED"},
           {"satisfaction.score", mv1::COMPARISON_OPERATOR_LESS_OR_EQUAL, "2"},
           {"satisfaction.score", mv1::COMPARISON_OPERATOR_GREATER, "0"}}) {
    mv1::FieldCondition& condition = *rule.add_conditions();
    condition.set_field(field);
    condition.set_operator_(op);
    condition.set_value(value);
  }
  rule.set_partner_field("customer");
  rule.set_campaign(campaign);
  rule.set_wave_id("winback");
  MustCall(*automation, &AutomationStub::CreateAutomationRule, create);

  auto tickets = crm::servicedesk::v1::TicketService::NewStub(desk.channel());
  using TicketStub = crm::servicedesk::v1::TicketService::Stub;
  namespace dv1 = crm::servicedesk::v1;
  auto close_with = [&](const std::string& customer, int score) {
    dv1::CreateTicketRequest open;
    open.mutable_ticket()->set_type(dv1::TICKET_TYPE_COMPLAINT);
    open.mutable_ticket()->set_title("Waited an hour on the phone");
    open.mutable_ticket()->set_customer(customer);
    open.mutable_ticket()->set_channel(dv1::TICKET_CHANNEL_PHONE);
    const std::string name = MustCall(*tickets, &TicketStub::CreateTicket, open).name();
    dv1::ChangeTicketStatusRequest move;
    move.set_name(name);
    move.set_status(dv1::TICKET_STATUS_RESOLVED);
    move.set_resolution("Apologised, voucher sent");
    MustCall(*tickets, &TicketStub::ChangeTicketStatus, move);
    move.clear_resolution();
    move.set_status(dv1::TICKET_STATUS_CLOSED);
    move.mutable_satisfaction()->set_score(score);
    MustCall(*tickets, &TicketStub::ChangeTicketStatus, move);
  };
  const std::string unhappy = Customer(*suite.partner_stub, "Unfroh");
  const std::string content = Customer(*suite.partner_stub, "Zufrieden");
  close_with(unhappy, 1);
  close_with(content, 5);

  REQUIRE(RunsAfterWaiting(suite, 1) == 1);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CHECK(RunsAfterWaiting(suite, 2) == 1);
  auto execution = mv1::ExecutionService::NewStub(suite.marketing->channel());
  mv1::ListContactsRequest contacts;
  contacts.set_filter("wave_id = \"winback\"");
  const auto listed = MustCall(*execution, &ExecutionStub::ListContacts, contacts);
  REQUIRE(listed.contacts_size() == 1);
  CHECK(listed.contacts(0).partner() == unhappy);
}

}  // namespace
