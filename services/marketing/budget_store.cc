#include "services/marketing/budget_store.h"

#include "common/money/money.h"

namespace crm::marketing {

void FillPlanTotals(db::Connection& c, v1::MarketingPlan* plan) {
  const int64_t allocated = c.QueryInt64(
      "SELECT coalesce(sum(planned_budget_nanos), 0) FROM campaigns WHERE marketing_plan = ?1",
      {plan->name()});
  const int64_t spent = c.QueryInt64(
      "SELECT coalesce(sum(amount_nanos), 0) FROM cost_items WHERE marketing_plan = ?1 OR "
      "campaign IN (SELECT 'campaigns/' || id FROM campaigns WHERE marketing_plan = ?1)",
      {plan->name()});
  *plan->mutable_allocated_budget() =
      money::FromNanos(allocated, plan->currency_code()).value_or(type::v1::Money());
  *plan->mutable_actual_cost() =
      money::FromNanos(spent, plan->currency_code()).value_or(type::v1::Money());
}

void FillCampaignCost(db::Connection& c, v1::Campaign* campaign) {
  const int64_t spent =
      c.QueryInt64("SELECT coalesce(sum(amount_nanos), 0) FROM cost_items WHERE campaign = ?1",
                   {campaign->name()});
  *campaign->mutable_actual_cost() =
      money::FromNanos(spent, campaign->currency_code()).value_or(type::v1::Money());
}

}  // namespace crm::marketing
