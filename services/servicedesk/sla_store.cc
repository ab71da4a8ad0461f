#include "services/servicedesk/sla_store.h"

#include "common/api/dates.h"
#include "common/api/resource.h"
#include "services/servicedesk/entitlement_store.h"
#include "services/servicedesk/schema.h"

namespace crm::servicedesk {
namespace {

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

absl::Time CreateTimeOf(const v1::Ticket& ticket, absl::Time now) {
  return ticket.has_create_time()
             ? absl::FromUnixMicros(api::TimestampToMicros(ticket.create_time()))
             : now;
}

}  // namespace

std::optional<BusinessCalendar> LoadBusinessCalendar(db::Connection& c, const std::string& name) {
  if (name.empty()) return std::nullopt;
  auto stored = SlaCalendarTable().Load<v1::SlaCalendar>(c, IdOf(name));
  if (!stored) return std::nullopt;
  absl::StatusOr<BusinessCalendar> calendar = BusinessCalendar::From(stored->resource);
  if (!calendar.ok()) return std::nullopt;
  return *std::move(calendar);
}

std::optional<v1::SlaPolicy> ApplicablePolicy(db::Connection& c, const v1::Ticket& ticket,
                                              absl::Time now) {
  // A service contract's response profile comes first.
  if (std::optional<v1::Entitlement> entitlement =
          LoadEntitlement(c, ticket.component(), api::UtcDate(now))) {
    if (!entitlement->response_profile().empty()) {
      if (auto policy =
              SlaPolicyTable().Load<v1::SlaPolicy>(c, IdOf(entitlement->response_profile()))) {
        return policy->resource;
      }
    }
  }
  std::optional<v1::SlaPolicy> found;
  SlaPolicyTable().ForEach<v1::SlaPolicy>(
      c, db::SqlFragment{},
      api::OrderBy{
          {{"precedence", false, true}, {"create_time", false, true}, {"id", false, false}}},
      [&](const v1::SlaPolicy& policy) {
        if (!found && PolicyApplies(policy, ticket.sla().customer_class(), ticket.priority(),
                                    ticket.type())) {
          found = policy;
        }
      });
  return found;
}

void GiveSla(db::Connection& c, absl::Time now, const v1::Ticket& before, v1::Ticket* after) {
  const std::optional<v1::SlaPolicy> policy = ApplicablePolicy(c, *after, now);
  std::optional<BusinessCalendar> calendar;
  if (policy) calendar = LoadBusinessCalendar(c, policy->calendar());
  if (!calendar) {
    // No service level; the customer's class and the first response stay.
    v1::TicketSla kept;
    kept.set_customer_class(after->sla().customer_class());
    if (after->sla().has_first_response_time()) {
      *kept.mutable_first_response_time() = after->sla().first_response_time();
    }
    *after->mutable_sla() = std::move(kept);
    return;
  }
  absl::Duration used;
  if (!before.name().empty()) {
    if (std::optional<BusinessCalendar> old = LoadBusinessCalendar(c, before.sla().calendar())) {
      used = ResolutionTimeUsed(before.sla(), *old, now);
    } else if (after->status() != v1::TICKET_STATUS_WAITING_FOR_CUSTOMER) {
      used = calendar->Between(CreateTimeOf(before, now), now);
    }
  }
  AssignSla(*policy, *calendar, used, now, after);
}

void MoveSlaClockStored(db::Connection& c, v1::TicketStatus from, absl::Time now,
                        v1::Ticket* ticket) {
  if (std::optional<BusinessCalendar> calendar =
          LoadBusinessCalendar(c, ticket->sla().calendar())) {
    MoveSlaClock(*calendar, from, now, ticket);
  } else if (from == v1::TICKET_STATUS_NEW && ticket->status() != from) {
    // No clock to move, but the first response is kept.
    RecordFirstResponse(now, ticket->mutable_sla());
  }
}

google::protobuf::RepeatedPtrField<std::string> EscalationTeams(db::Connection& c,
                                                                const v1::Ticket& ticket) {
  if (ticket.sla().policy().empty()) return {};
  auto policy = SlaPolicyTable().Load<v1::SlaPolicy>(c, IdOf(ticket.sla().policy()));
  if (!policy) return {};
  return policy->resource.escalation_teams();
}

}  // namespace crm::servicedesk
