// A ticket's history: one event per write, with the fields it changed.
#ifndef CRM_SERVICES_SERVICEDESK_TICKET_HISTORY_H_
#define CRM_SERVICES_SERVICEDESK_TICKET_HISTORY_H_

#include <string>

#include "common/db/database.h"
#include "common/server/runtime.h"
#include "crm/servicedesk/v1/ticket.pb.h"

namespace crm::servicedesk {

// Appends to the history of ticket `ticket_id`, in the write, what `call`
// changed from `before` to `after` (who, when, by which method).
void AppendTicketEvent(db::Connection& c, const server::CallContext& call,
                       const std::string& ticket_id, const v1::Ticket& before,
                       const v1::Ticket& after);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_TICKET_HISTORY_H_
