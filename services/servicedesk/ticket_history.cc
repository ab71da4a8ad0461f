#include "services/servicedesk/ticket_history.h"

#include "common/api/resource.h"
#include "common/audit/field_diff.h"

namespace crm::servicedesk {

void AppendTicketEvent(db::Connection& c, const server::CallContext& call,
                       const std::string& ticket_id, const v1::Ticket& before,
                       const v1::Ticket& after) {
  v1::TicketEvent event;
  event.set_sequence(
      c.QueryInt64("SELECT coalesce(max(sequence), 0) FROM ticket_events WHERE ticket_id = ?1",
                   {ticket_id}) +
      1);
  *event.mutable_event_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  event.set_actor(call.caller.principal);
  event.set_method(call.method);
  audit::DiffOptions options;
  options.ignored = {"name", "create_time", "update_time", "etag"};
  for (auto& change : audit::DiffMessages(before, after, options)) {
    *event.add_changes() = std::move(change);
  }
  c.Run("INSERT INTO ticket_events (ticket_id, sequence, data) VALUES (?1, ?2, ?3)",
        {ticket_id, event.sequence(), event.SerializeAsString()});
}

}  // namespace crm::servicedesk
