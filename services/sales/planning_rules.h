// Sales planning without storage: what targets and commission plans may
// hold, the calendar periods of a forecast, and the forecast and
// commission figures computed from the facts the service loads.
#ifndef CRM_SERVICES_SALES_PLANNING_RULES_H_
#define CRM_SERVICES_SALES_PLANNING_RULES_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "common/money/money.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "crm/sales/v1/planning.pb.h"
#include "crm/sales/v1/planning_service.pb.h"

namespace crm::sales {

inline constexpr int kMaxForecastPeriods = 120;
inline constexpr int kMaxPeriodDays = 366;

void ValidateSalesTarget(const v1::SalesTarget& target, const std::string& path, Violations* out);
void ValidateCommissionPlan(const v1::CommissionPlan& plan, const std::string& path,
                            Violations* out);
// The request's own fields (not the data it reads).
void ValidateForecastRequest(const v1::ForecastSalesRequest& request, Violations* out);
void ValidateCommissionRequest(const v1::ComputeCommissionsRequest& request, Violations* out);

// An inclusive range of days.
struct Period {
  absl::CivilDay first;
  absl::CivilDay last;
};

// The calendar periods (months, quarters or years) covering first..last,
// the first and last cut to the range.
std::vector<Period> CalendarPeriods(absl::CivilDay first, absl::CivilDay last,
                                    v1::PeriodLength length);

// The share of a target falling in `period`: its amount times the days
// they share over the target's days, rounded to the minor unit.
money::Nanos ProratedTarget(const v1::SalesTarget& target, const Period& period);

// An opportunity as the forecast reads it.
struct PipelineFact {
  absl::CivilDay close_date;
  v1::OpportunityState state = v1::OPPORTUNITY_STATE_UNSPECIFIED;
  std::string territory, owner, product_group, currency_code;
  money::Nanos expected_revenue = 0;
  money::Nanos weighted_revenue = 0;
};

// One item of a completed order: the revenue that counts as actual.
struct RevenueFact {
  std::string sales_order;
  int item = 0;
  absl::CivilDay completion_date;
  std::string territory, sales_rep, product, product_group, currency_code;
  money::Nanos net_amount = 0;
};

// Rows per period and dimension value. A row's target is the sum of the
// targets set at exactly its breakdown: the grouped dimension equal to
// the row's value, the filtered ones equal to the filter, the others
// empty.
v1::ForecastSalesResponse BuildForecast(const v1::ForecastSalesRequest& request,
                                        const std::vector<PipelineFact>& pipeline,
                                        const std::vector<RevenueFact>& revenue,
                                        const std::vector<v1::SalesTarget>& targets);

// One statement per plan and rep with revenue in the period: each item's
// commission at the plan's rate for its group times the tier multiplier
// of the rep's attainment against the targets naming the rep alone.
std::vector<v1::CommissionStatement> ComputeStatements(
    const std::vector<v1::CommissionPlan>& plans, const std::vector<RevenueFact>& revenue,
    const std::vector<v1::SalesTarget>& targets, const Period& period,
    const std::string& only_rep);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_PLANNING_RULES_H_
