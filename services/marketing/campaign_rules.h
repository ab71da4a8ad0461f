// The rules of marketing plans, cost items and campaigns that need no
// storage: validation, the campaign lifecycle, message templates, copies
// and the calendar.
#ifndef CRM_SERVICES_MARKETING_CAMPAIGN_RULES_H_
#define CRM_SERVICES_MARKETING_CAMPAIGN_RULES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/errors.h"
#include "crm/marketing/v1/campaign.pb.h"
#include "crm/marketing/v1/marketing_plan.pb.h"

namespace crm::marketing {

void ValidateMarketingPlan(const v1::MarketingPlan& plan, const std::string& path, Violations* out);

// The amount's currency is checked against the plan's or campaign's in
// the write.
void ValidateCostItem(const v1::CostItem& item, const std::string& path, Violations* out);

void ValidateCampaign(const v1::Campaign& campaign, const std::string& path, Violations* out);

// The placeholders a template may use.
const std::vector<std::string>& TemplatePlaceholders();

// The "{{...}}" placeholders of `text` that TemplatePlaceholders() does not
// know, and unclosed ones ("{{name" without "}}").
std::vector<std::string> UnknownPlaceholders(const std::string& text);

// `text` with each placeholder replaced by its value in `values` (an
// unknown or missing one by nothing).
std::string FillTemplate(const std::string& text, const std::map<std::string, std::string>& values);

// What may change in the campaign's state: FAILED_PRECONDITION
// CAMPAIGN_STATE naming the first field that may not.
absl::Status CheckCampaignChange(const v1::Campaign& before, const v1::Campaign& after);

enum class CampaignAction { kRelease, kStart, kPause, kResume, kFinish };

// Applies `action` to `campaign` if its state allows (FAILED_PRECONDITION
// CAMPAIGN_STATE otherwise). Releasing also needs every wave ready
// (CheckWavesReady).
absl::Status ChangeCampaignState(v1::Campaign* campaign, CampaignAction action);

// FAILED_PRECONDITION WAVE_NOT_READY naming the first wave that lacks what
// its channel needs to run.
absl::Status CheckWavesReady(const v1::Campaign& campaign);

// A new planned campaign like `source`, starting on `start_date` with its
// end and waves moved by as many days; nothing of its execution.
v1::Campaign CopyOfCampaign(const v1::Campaign& source, const std::string& display_name,
                            const google::type::Date& start_date);

// The campaign and its waves that overlap [start, end], campaign first,
// waves by start date.
std::vector<v1::CalendarEntry> CalendarEntries(const v1::Campaign& campaign,
                                               const google::type::Date& start,
                                               const google::type::Date& end);

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_CAMPAIGN_RULES_H_
