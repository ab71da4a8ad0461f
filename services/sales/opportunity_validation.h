// Rules about sales stages and opportunities, without storage or partners.
// Violations name fields under `path`.
#ifndef CRM_SERVICES_SALES_OPPORTUNITY_VALIDATION_H_
#define CRM_SERVICES_SALES_OPPORTUNITY_VALIDATION_H_

#include <string>

#include "common/errors.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "google/type/date.pb.h"

namespace crm::sales {

inline constexpr int kMaxOpportunityPeople = 20;

void ValidateSalesStage(const v1::SalesStage& stage, const std::string& path, Violations* out);

// `today` is the earliest close date allowed when `new_close_date` (a
// create, or an update that changes it).
void ValidateOpportunity(const v1::Opportunity& opportunity, const std::string& path,
                         const google::type::Date& today, bool new_close_date, Violations* out);

// Clears the fields the service owns, before a create.
void ClearOpportunityOutputOnly(v1::Opportunity* opportunity);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_OPPORTUNITY_VALIDATION_H_
