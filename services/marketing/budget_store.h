// The figures of plans and campaigns that are sums over other rows: they
// are computed when read, so that a cost item never has to rewrite (and
// re-version) the plan or campaign it is booked on.
#ifndef CRM_SERVICES_MARKETING_BUDGET_STORE_H_
#define CRM_SERVICES_MARKETING_BUDGET_STORE_H_

#include "common/db/database.h"
#include "crm/marketing/v1/campaign.pb.h"
#include "crm/marketing/v1/marketing_plan.pb.h"

namespace crm::marketing {

// Sets allocated_budget (the campaigns' planned budgets) and actual_cost
// (cost items on the plan and on its campaigns).
void FillPlanTotals(db::Connection& c, v1::MarketingPlan* plan);

// Sets actual_cost (the campaign's cost items).
void FillCampaignCost(db::Connection& c, v1::Campaign* campaign);

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_BUDGET_STORE_H_
