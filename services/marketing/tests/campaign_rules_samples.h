// Test support for the campaign rules tests: sample plans, cost items and
// campaigns, and short forms of the violations and statuses they give.
#ifndef CRM_SERVICES_MARKETING_TESTS_CAMPAIGN_RULES_SAMPLES_H_
#define CRM_SERVICES_MARKETING_TESTS_CAMPAIGN_RULES_SAMPLES_H_

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/testing/sample_values.h"
#include "common/testing/status_checks.h"
#include "crm/marketing/v1/campaign.pb.h"
#include "crm/marketing/v1/marketing_plan.pb.h"
#include "services/marketing/campaign_rules.h"

namespace crm::marketing::campaign_rules_testing {

using Fields = std::vector<std::string>;
using Strings = std::vector<std::string>;
using crm::testing::MakeDate;
using type::v1::Money;

inline Money Cash(const std::string& currency, int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}
inline Money Eur(int64_t units, int32_t nanos = 0) { return Cash("EUR", units, nanos); }

inline Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

inline std::string DescriptionOf(const Violations& violations, const std::string& field) {
  for (const FieldViolation& v : violations.list()) {
    if (v.field == field) return v.description;
  }
  return "";
}

// "OK", or "TYPE subject" of a FAILED_PRECONDITION (other codes as Outcome).
inline std::string Verdict(const absl::Status& status) {
  const grpc::Status grpc_status = ToGrpcStatus(status);
  if (grpc_status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
    return crm::testing::Outcome(grpc_status);
  }
  return crm::testing::Precondition(grpc_status);
}

inline v1::MarketingPlan Plan() {
  v1::MarketingPlan plan;
  plan.set_display_name("Spring 2027, Benelux");
  plan.set_description("New customers in the Benelux");
  *plan.mutable_start_date() = MakeDate(2027, 3, 1);
  *plan.mutable_end_date() = MakeDate(2027, 5, 31);
  plan.set_currency_code("EUR");
  *plan.mutable_planned_budget() = Eur(100000);
  return plan;
}
inline Fields PlanFields(const v1::MarketingPlan& plan) {
  Violations out;
  ValidateMarketingPlan(plan, "plan", &out);
  return FieldsOf(out);
}

inline v1::CostItem Cost() {
  v1::CostItem item;
  item.set_campaign("campaigns/autumn");
  item.set_description("Printing of 5000 letters");
  *item.mutable_amount() = Eur(1250, 500000000);
  *item.mutable_incurred_date() = MakeDate(2027, 9, 20);
  return item;
}
inline Violations CheckCost(const v1::CostItem& item) {
  Violations out;
  ValidateCostItem(item, "cost_item", &out);
  return out;
}

inline v1::Wave MakeWave(const std::string& id, v1::Channel channel,
                         const google::type::Date& start, const google::type::Date& end) {
  v1::Wave wave;
  wave.set_wave_id(id);
  wave.set_display_name(absl::StrCat("Wave ", id));
  wave.set_channel(channel);
  *wave.mutable_start_date() = start;
  *wave.mutable_end_date() = end;
  if (channel != v1::CHANNEL_WEB) wave.set_target_group(absl::StrCat("targetGroups/tg-", id));
  switch (channel) {
    case v1::CHANNEL_EMAIL:
      wave.mutable_message_template()->set_subject("Hello {{given_name}}");
      [[fallthrough]];
    case v1::CHANNEL_MAIL:
    case v1::CHANNEL_SMS:
      wave.mutable_message_template()->set_body(
          "Dear {{ display_name }} in {{city}}, {{country_code}}: {{campaign}}");
      break;
    case v1::CHANNEL_PHONE:
      wave.set_call_script("Ask for {{family_name}}, {{given_name}}");
      break;
    default:
      break;
  }
  return wave;
}

// A valid, planned campaign with one wave of each channel:
// waves[0] e-mail, [1] phone, [2] mail, [3] SMS, [4] web.
inline v1::Campaign Autumn() {
  v1::Campaign campaign;
  campaign.set_name("campaigns/autumn");
  campaign.set_display_name("Retention autumn 2027");
  campaign.set_description("Keep the customers of 2026");
  campaign.set_marketing_plan("marketingPlans/plan-2027");
  campaign.set_owner("partners/ann");
  *campaign.mutable_start_date() = MakeDate(2027, 9, 1);
  *campaign.mutable_end_date() = MakeDate(2027, 11, 30);
  campaign.set_currency_code("EUR");
  *campaign.mutable_planned_budget() = Eur(25000);
  *campaign.add_waves() =
      MakeWave("mailing", v1::CHANNEL_EMAIL, MakeDate(2027, 9, 1), MakeDate(2027, 9, 14));
  *campaign.add_waves() =
      MakeWave("calls", v1::CHANNEL_PHONE, MakeDate(2027, 9, 15), MakeDate(2027, 10, 15));
  *campaign.add_waves() =
      MakeWave("letters", v1::CHANNEL_MAIL, MakeDate(2027, 10, 1), MakeDate(2027, 10, 31));
  *campaign.add_waves() =
      MakeWave("texts", v1::CHANNEL_SMS, MakeDate(2027, 11, 1), MakeDate(2027, 11, 30));
  *campaign.add_waves() =
      MakeWave("banner", v1::CHANNEL_WEB, MakeDate(2027, 9, 1), MakeDate(2027, 11, 30));
  campaign.set_state(v1::CAMPAIGN_STATE_PLANNED);
  return campaign;
}
inline Violations Check(const v1::Campaign& campaign) {
  Violations out;
  ValidateCampaign(campaign, "campaign", &out);
  return out;
}
inline Fields CampaignFields(const v1::Campaign& campaign) { return FieldsOf(Check(campaign)); }

// The fields named after `change` to a sample.
template <typename Change>
inline Fields PlanWith(Change change) {
  v1::MarketingPlan plan = Plan();
  change(&plan);
  return PlanFields(plan);
}
template <typename Change>
inline Fields CostWith(Change change) {
  v1::CostItem item = Cost();
  change(&item);
  return FieldsOf(CheckCost(item));
}
template <typename Change>
inline Fields CampaignWith(Change change) {
  v1::Campaign campaign = Autumn();
  change(&campaign);
  return CampaignFields(campaign);
}
template <typename Change>
inline Fields WaveWith(int index, Change change) {
  v1::Campaign campaign = Autumn();
  change(campaign.mutable_waves(index));
  return CampaignFields(campaign);
}

inline v1::Campaign InState(v1::CampaignState state) {
  v1::Campaign campaign = Autumn();
  campaign.set_state(state);
  return campaign;
}

inline std::string Iso(const google::type::Date& d) {
  return absl::StrCat(d.year(), "-", d.month(), "-", d.day());
}

// "start..end" of the campaign, then "wave_id start..end" of each wave.
inline std::string Dates(const v1::Campaign& c) {
  std::string out = absl::StrCat(Iso(c.start_date()), "..", Iso(c.end_date()));
  for (const v1::Wave& w : c.waves()) {
    absl::StrAppend(&out, ", ", w.wave_id(), " ", Iso(w.start_date()), "..", Iso(w.end_date()));
  }
  return out;
}

}  // namespace crm::marketing::campaign_rules_testing

#endif  // CRM_SERVICES_MARKETING_TESTS_CAMPAIGN_RULES_SAMPLES_H_
