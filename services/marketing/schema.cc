#include "services/marketing/schema.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/idempotency.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
#include "common/feed/feed_follower.h"
#include "common/money/money.h"
#include "crm/marketing/v1/automation.pb.h"
#include "crm/marketing/v1/campaign.pb.h"
#include "crm/marketing/v1/execution.pb.h"
#include "crm/marketing/v1/lead.pb.h"
#include "crm/marketing/v1/marketing_plan.pb.h"
#include "crm/marketing/v1/segment.pb.h"

namespace crm::marketing {
namespace {

using google::protobuf::Message;

template <typename Resource>
const Resource& As(const Message& m) {
  return static_cast<const Resource&>(m);
}

// An index column computed from one kind of resource.
template <typename Resource>
db::IndexColumn Column(std::string name, std::string type,
                       std::function<db::SqlValue(const Resource&)> value) {
  return {std::move(name), std::move(type),
          [value = std::move(value)](const Message& m) { return value(As<Resource>(m)); }};
}

// Dates are stored as ISO text so that they compare and filter as dates.
std::string DateText(const google::type::Date& date) {
  return api::IsDateSet(date) ? api::IsoDate(date) : "";
}

}  // namespace

const db::ResourceTable& MarketingPlanTable() {
  using v1::MarketingPlan;
  static const auto* table = new db::ResourceTable(
      "marketing_plans", "marketingPlans",
      {Column<MarketingPlan>("currency_code", "TEXT NOT NULL",
                             [](const MarketingPlan& p) { return p.currency_code(); }),
       Column<MarketingPlan>("start_date", "TEXT NOT NULL",
                             [](const MarketingPlan& p) { return DateText(p.start_date()); }),
       Column<MarketingPlan>("end_date", "TEXT NOT NULL",
                             [](const MarketingPlan& p) { return DateText(p.end_date()); })});
  return *table;
}

const db::ResourceTable& CostItemTable() {
  using v1::CostItem;
  static const auto* table = new db::ResourceTable(
      "cost_items", "costItems",
      {Column<CostItem>("marketing_plan", "TEXT NOT NULL",
                        [](const CostItem& i) { return i.marketing_plan(); }),
       Column<CostItem>("campaign", "TEXT NOT NULL",
                        [](const CostItem& i) { return i.campaign(); }),
       Column<CostItem>(
           "amount_nanos", "INTEGER NOT NULL",
           [](const CostItem& i) { return static_cast<int64_t>(money::ToNanos(i.amount())); }),
       Column<CostItem>("incurred_date", "TEXT NOT NULL",
                        [](const CostItem& i) { return DateText(i.incurred_date()); })});
  return *table;
}

const db::ResourceTable& CampaignTable() {
  using v1::Campaign;
  static const auto* table = new db::ResourceTable(
      "campaigns", "campaigns",
      {Column<Campaign>("state", "INTEGER NOT NULL",
                        [](const Campaign& c) { return int64_t{c.state()}; }),
       Column<Campaign>("marketing_plan", "TEXT NOT NULL",
                        [](const Campaign& c) { return c.marketing_plan(); }),
       Column<Campaign>("owner", "TEXT NOT NULL", [](const Campaign& c) { return c.owner(); }),
       Column<Campaign>("start_date", "TEXT NOT NULL",
                        [](const Campaign& c) { return DateText(c.start_date()); }),
       Column<Campaign>("end_date", "TEXT NOT NULL",
                        [](const Campaign& c) { return DateText(c.end_date()); }),
       Column<Campaign>("copied_from", "TEXT NOT NULL",
                        [](const Campaign& c) { return c.copied_from(); }),
       Column<Campaign>("planned_budget_nanos", "INTEGER NOT NULL", [](const Campaign& c) {
         return static_cast<int64_t>(money::ToNanos(c.planned_budget()));
       })});
  return *table;
}

const db::ResourceTable& SegmentTable() {
  static const auto* table = new db::ResourceTable("segments", "segments");
  return *table;
}

const db::ResourceTable& TargetGroupTable() {
  using v1::TargetGroup;
  static const auto* table = new db::ResourceTable(
      "target_groups", "targetGroups",
      {Column<TargetGroup>("segment", "TEXT NOT NULL",
                           [](const TargetGroup& g) { return g.segment(); }),
       Column<TargetGroup>("channel", "INTEGER NOT NULL",
                           [](const TargetGroup& g) { return int64_t{g.channel()}; })});
  return *table;
}

const db::ResourceTable& LeadTable() {
  using v1::Lead;
  static const auto* table = new db::ResourceTable(
      "leads", "leads",
      {Column<Lead>("state", "INTEGER NOT NULL", [](const Lead& l) { return int64_t{l.state()}; }),
       Column<Lead>("level", "INTEGER NOT NULL", [](const Lead& l) { return int64_t{l.level()}; }),
       Column<Lead>("source", "INTEGER NOT NULL",
                    [](const Lead& l) { return int64_t{l.source()}; }),
       Column<Lead>("campaign", "TEXT NOT NULL", [](const Lead& l) { return l.campaign(); }),
       Column<Lead>("assignee", "TEXT NOT NULL", [](const Lead& l) { return l.assignee(); }),
       Column<Lead>("country_code", "TEXT NOT NULL",
                    [](const Lead& l) { return l.country_code(); }),
       Column<Lead>("score", "INTEGER NOT NULL", [](const Lead& l) { return int64_t{l.score()}; }),
       // Lower case: e-mail addresses are compared without regard to case.
       Column<Lead>("email", "TEXT NOT NULL",
                    [](const Lead& l) { return absl::AsciiStrToLower(l.contact().email()); })});
  return *table;
}

const db::ResourceTable& ContactTable() {
  using v1::Contact;
  static const auto* table = new db::ResourceTable(
      "contacts", "contacts",
      {Column<Contact>("campaign", "TEXT NOT NULL", [](const Contact& c) { return c.campaign(); }),
       Column<Contact>("wave_id", "TEXT NOT NULL", [](const Contact& c) { return c.wave_id(); }),
       Column<Contact>("partner", "TEXT NOT NULL", [](const Contact& c) { return c.partner(); }),
       Column<Contact>("channel", "INTEGER NOT NULL",
                       [](const Contact& c) { return int64_t{c.channel()}; }),
       Column<Contact>("display_name", "TEXT NOT NULL",
                       [](const Contact& c) { return c.display_name(); }),
       Column<Contact>("response_count", "INTEGER NOT NULL",
                       [](const Contact& c) { return int64_t{c.response_count()}; })});
  return *table;
}

const db::ResourceTable& ResponseTable() {
  using v1::Response;
  static const auto* table = new db::ResourceTable(
      "responses", "responses",
      {Column<Response>("contact", "TEXT NOT NULL", [](const Response& r) { return r.contact(); }),
       Column<Response>("campaign", "TEXT NOT NULL",
                        [](const Response& r) { return r.campaign(); }),
       Column<Response>("wave_id", "TEXT NOT NULL", [](const Response& r) { return r.wave_id(); }),
       Column<Response>("partner", "TEXT NOT NULL", [](const Response& r) { return r.partner(); }),
       Column<Response>("type", "INTEGER NOT NULL",
                        [](const Response& r) { return int64_t{r.type()}; }),
       Column<Response>("response_time", "INTEGER NOT NULL", [](const Response& r) {
         return int64_t{api::TimestampToMicros(r.response_time())};
       })});
  return *table;
}

const db::ResourceTable& AutomationRuleTable() {
  using v1::AutomationRule;
  static const auto* table = new db::ResourceTable(
      "automation_rules", "automationRules",
      {Column<AutomationRule>("resource_type", "TEXT NOT NULL",
                              [](const AutomationRule& r) { return r.resource_type(); })});
  return *table;
}

const db::ResourceTable& AutomationRunTable() {
  using v1::AutomationRun;
  static const auto* table = new db::ResourceTable(
      "automation_runs", "automationRuns",
      {Column<AutomationRun>("rule", "TEXT NOT NULL",
                             [](const AutomationRun& r) { return r.rule(); }),
       Column<AutomationRun>("source", "TEXT NOT NULL",
                             [](const AutomationRun& r) { return r.source(); }),
       Column<AutomationRun>("sequence", "INTEGER NOT NULL",
                             [](const AutomationRun& r) { return int64_t{r.sequence()}; }),
       Column<AutomationRun>("partner", "TEXT NOT NULL",
                             [](const AutomationRun& r) { return r.partner(); }),
       Column<AutomationRun>("outcome", "INTEGER NOT NULL",
                             [](const AutomationRun& r) { return int64_t{r.outcome()}; })});
  return *table;
}

const db::ResourceTable& LeadScoringRuleTable() {
  static const auto* table = new db::ResourceTable("lead_scoring_rules", "leadScoringRules");
  return *table;
}

const db::ResourceTable& LeadRoutingRuleTable() {
  using v1::LeadRoutingRule;
  static const auto* table = new db::ResourceTable(
      "lead_routing_rules", "leadRoutingRules",
      {Column<LeadRoutingRule>("priority", "INTEGER NOT NULL",
                               [](const LeadRoutingRule& r) { return int64_t{r.priority()}; })});
  return *table;
}

namespace {

constexpr char kPlansAndCampaignsV1[] = R"sql(
CREATE INDEX marketing_plans_by_start ON marketing_plans (start_date, id);
CREATE INDEX cost_items_by_plan ON cost_items (marketing_plan);
CREATE INDEX cost_items_by_campaign ON cost_items (campaign);
CREATE INDEX cost_items_by_date ON cost_items (incurred_date, id);
CREATE INDEX campaigns_by_start ON campaigns (start_date, id);
CREATE INDEX campaigns_by_end ON campaigns (end_date);
CREATE INDEX campaigns_by_plan ON campaigns (marketing_plan);
CREATE INDEX campaigns_by_state ON campaigns (state);
)sql";

// Members are rows, not a repeated field: a target group may hold hundreds
// of thousands of partners and is read a page at a time.
constexpr char kSegmentsV1[] = R"sql(
CREATE INDEX target_groups_by_segment ON target_groups (segment, create_time);
CREATE INDEX target_groups_by_time ON target_groups (create_time, id);
CREATE TABLE target_group_members (
  target_group_id TEXT NOT NULL REFERENCES target_groups (id),
  partner TEXT NOT NULL,
  display_name TEXT NOT NULL,
  control INTEGER NOT NULL,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  city TEXT NOT NULL,
  country_code TEXT NOT NULL,
  address TEXT NOT NULL,
  PRIMARY KEY (target_group_id, partner)
) WITHOUT ROWID;
CREATE INDEX target_group_members_by_name
  ON target_group_members (target_group_id, display_name, partner);
)sql";

// A partner is contacted at most once per wave.
constexpr char kExecutionV1[] = R"sql(
CREATE UNIQUE INDEX contacts_once_per_wave ON contacts (campaign, wave_id, partner);
CREATE INDEX contacts_by_name ON contacts (display_name, id);
CREATE INDEX contacts_by_partner ON contacts (partner);
CREATE INDEX responses_by_campaign ON responses (campaign, type);
CREATE INDEX responses_by_contact ON responses (contact);
CREATE INDEX responses_by_time ON responses (create_time, id);
)sql";

// A rule acts at most once on one change of one feed.
constexpr char kAutomationV1[] = R"sql(
CREATE INDEX automation_rules_by_type ON automation_rules (resource_type);
CREATE UNIQUE INDEX automation_runs_once ON automation_runs (rule, source, sequence);
CREATE INDEX automation_runs_by_time ON automation_runs (create_time, id);
)sql";

constexpr char kLeadsV1[] = R"sql(
CREATE INDEX leads_by_time ON leads (create_time, id);
CREATE INDEX leads_by_state ON leads (state, level);
CREATE INDEX leads_by_email ON leads (email);
CREATE INDEX leads_by_assignee ON leads (assignee);
CREATE INDEX leads_by_campaign ON leads (campaign);
CREATE INDEX lead_routing_rules_by_priority ON lead_routing_rules (priority, id);
)sql";

}  // namespace

std::vector<db::Migration> Migrations() {
  return {
      {1, "runtime tables, plans, campaigns, segments, leads, contacts, responses and automation",
       absl::StrCat(feed::kOutboxSchema, api::kIdempotencySchema, MarketingPlanTable().Schema(),
                    CostItemTable().Schema(), CampaignTable().Schema(), kPlansAndCampaignsV1,
                    SegmentTable().Schema(), TargetGroupTable().Schema(), kSegmentsV1,
                    LeadTable().Schema(), LeadScoringRuleTable().Schema(),
                    LeadRoutingRuleTable().Schema(), kLeadsV1, ContactTable().Schema(),
                    ResponseTable().Schema(), kExecutionV1, AutomationRuleTable().Schema(),
                    AutomationRunTable().Schema(), kAutomationV1, feed::kCursorSchema)},
  };
}

}  // namespace crm::marketing
