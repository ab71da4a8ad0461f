// The rules of tickets that need no storage: validation and the status
// workflow.
#ifndef CRM_SERVICES_SERVICEDESK_TICKET_RULES_H_
#define CRM_SERVICES_SERVICEDESK_TICKET_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "crm/servicedesk/v1/ticket_service.pb.h"

namespace crm::servicedesk {

// Category and team codes: 1 to 40 upper-case letters, digits, "-" or "_".
bool IsTeamCode(absl::string_view code);
inline constexpr char kTeamCodeForm[] =
    "must be 1 to 40 upper-case letters, digits, \"-\" or \"_\", e.g. \"HARDWARE\"";

void ValidateTicket(const v1::Ticket& ticket, const std::string& path, Violations* out);

// Whether the workflow allows `from` to `to`.
bool AllowedTransition(v1::TicketStatus from, v1::TicketStatus to);

// The request's own checks (INVALID_ARGUMENT naming the field).
void ValidateStatusChange(const v1::ChangeTicketStatusRequest& request, Violations* out);

// Moves `ticket` as `request` asks at `now`: FAILED_PRECONDITION
// TICKET_STATUS when the workflow does not allow it. Resolving records the
// resolution; closing the satisfaction and the close time; reopening
// clears the resolution.
absl::Status ApplyStatusChange(const v1::ChangeTicketStatusRequest& request, absl::Time now,
                               v1::Ticket* ticket);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_TICKET_RULES_H_
