// Rules about activities, without storage or partners. Violations name
// fields under `path`.
#ifndef CRM_SERVICES_SALES_ACTIVITY_VALIDATION_H_
#define CRM_SERVICES_SALES_ACTIVITY_VALIDATION_H_

#include <string>

#include "common/errors.h"
#include "crm/sales/v1/activity.pb.h"

namespace crm::sales {

void ValidateActivity(const v1::Activity& activity, const std::string& path, Violations* out);

// Clears the fields the service owns, before a create.
void ClearActivityOutputOnly(v1::Activity* activity);

// Whether the status is final (completed or cancelled).
bool IsFinished(v1::ActivityStatus status);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_ACTIVITY_VALIDATION_H_
