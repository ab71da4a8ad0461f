// A ticket's history: one event per write, with the fields it changed.
#ifndef CRM_SERVICES_SERVICEDESK_TICKET_HISTORY_H_
#define CRM_SERVICES_SERVICEDESK_TICKET_HISTORY_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/db/database.h"
#include "common/server/runtime.h"
#include "crm/servicedesk/v1/ticket.pb.h"

namespace crm::servicedesk {

// Appends to the history of ticket `ticket_id`, in the write, what `call`
// changed from `before` to `after` (who, when, by which method).
void AppendTicketEvent(db::Connection& c, const server::CallContext& call,
                       const std::string& ticket_id, const v1::Ticket& before,
                       const v1::Ticket& after);

// FAILED_PRECONDITION TICKET_STATUS for a closed ticket: it no longer
// changes.
absl::Status RequireOpen(const v1::Ticket& ticket);

// Adds a note to ticket `ticket_id` in the write, without looking at the
// ticket, and puts it on the feed.
v1::TicketNote InsertTicketNote(db::Connection& c, const server::CallContext& call,
                                const std::string& ticket_id, const std::string& text,
                                bool customer_visible, const std::string& request_id);

// Adds a note to the open ticket `ticket_id` in the write (NOT_FOUND,
// TICKET_STATUS when closed). A customer-visible note is the ticket's
// first response if it had none: the ticket changes too, with its event.
absl::StatusOr<v1::TicketNote> AddTicketNote(db::Connection& c, const server::CallContext& call,
                                             const std::string& ticket_id, const std::string& text,
                                             bool customer_visible, const std::string& request_id);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_TICKET_HISTORY_H_
