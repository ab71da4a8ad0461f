// The rules of returns that need no storage: validation, and the order of
// a return's steps and their dates.
#ifndef CRM_SERVICES_SERVICEDESK_RETURN_RULES_H_
#define CRM_SERVICES_SERVICEDESK_RETURN_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/errors.h"
#include "crm/servicedesk/v1/return.pb.h"
#include "google/type/date.pb.h"

namespace crm::servicedesk {

void ValidateReturn(const v1::ReturnAuthorization& rma, const std::string& path, Violations* out);

// FAILED_PRECONDITION RETURN_STATE unless `rma` is in `expected`, the step
// `step` follows.
absl::Status RequireReturnState(const v1::ReturnAuthorization& rma, v1::ReturnState expected,
                                const std::string& step);

// The date a step is recorded on: `sent` when set (a valid date, not
// before `previous`, and not after `today` unless `future_allowed` (a
// step planned ahead), else INVALID_ARGUMENT naming `field`), else `today`
// (not before `previous` either).
absl::StatusOr<google::type::Date> StepDate(const google::type::Date& sent,
                                            const google::type::Date& previous,
                                            const google::type::Date& today,
                                            const std::string& field, bool future_allowed = false);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_RETURN_RULES_H_
