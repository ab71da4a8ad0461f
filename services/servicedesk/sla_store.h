// Service levels as the service desk's writes need them, inside a
// transaction: the policy that applies to a ticket, its calendar, and the
// ticket's service level given anew.
#ifndef CRM_SERVICES_SERVICEDESK_SLA_STORE_H_
#define CRM_SERVICES_SERVICEDESK_SLA_STORE_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/db/database.h"
#include "crm/servicedesk/v1/sla.pb.h"
#include "crm/servicedesk/v1/ticket.pb.h"
#include "services/servicedesk/sla_rules.h"

namespace crm::servicedesk {

// The calendar `name` as business hours; nullopt when it is gone.
std::optional<BusinessCalendar> LoadBusinessCalendar(db::Connection& c, const std::string& name);

// The policy `ticket` is held to at `now`: the response profile of a
// service contract covering its component that day, else the policy with
// the lowest precedence (then the oldest) that applies to it by its
// customer's class (sla.customer_class), priority and type; nullopt when
// none does.
std::optional<v1::SlaPolicy> ApplicablePolicy(db::Connection& c, const v1::Ticket& ticket,
                                              absl::Time now);

// Gives `after` its service level at `now`: on create (`before` empty) and
// when the priority changed. The business time the ticket already used
// (under `before`'s calendar) counts against the new target; a ticket that
// had no service level counts from its creation.
void GiveSla(db::Connection& c, absl::Time now, const v1::Ticket& before, v1::Ticket* after);

// Moves the clock of `ticket` as its status changed from `from` (see
// MoveSlaClock); without a calendar only the first response is kept.
void MoveSlaClockStored(db::Connection& c, v1::TicketStatus from, absl::Time now,
                        v1::Ticket* ticket);

// The escalation teams of the ticket's policy; empty when it has none or
// the policy is gone.
google::protobuf::RepeatedPtrField<std::string> EscalationTeams(db::Connection& c,
                                                                const v1::Ticket& ticket);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_SLA_STORE_H_
