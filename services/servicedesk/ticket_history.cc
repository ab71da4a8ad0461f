#include "services/servicedesk/ticket_history.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource.h"
#include "common/audit/field_diff.h"
#include "common/errors.h"
#include "common/feed/change_feed.h"
#include "common/server/resource_handlers.h"
#include "services/servicedesk/schema.h"
#include "services/servicedesk/sla_rules.h"

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

absl::Status RequireOpen(const v1::Ticket& ticket) {
  if (ticket.status() == v1::TICKET_STATUS_CLOSED) {
    return FailedPrecondition("TICKET_STATUS", ticket.name(), "is closed; it no longer changes");
  }
  return absl::OkStatus();
}

v1::TicketNote InsertTicketNote(db::Connection& c, const server::CallContext& call,
                                const std::string& ticket_id, const std::string& text,
                                bool customer_visible, const std::string& request_id) {
  v1::TicketNote note;
  const std::string note_id = api::NewId();
  note.set_name(absl::StrCat(TicketTable().collection(), "/", ticket_id, "/notes/", note_id));
  note.set_text(text);
  note.set_customer_visible(customer_visible);
  note.set_author(call.caller.principal);
  *note.mutable_create_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  c.Run("INSERT INTO ticket_notes (ticket_id, note_id, create_time, data) VALUES (?1, ?2, ?3, ?4)",
        {ticket_id, note_id, api::TimeToMicros(call.now), note.SerializeAsString()});
  feed::AppendChange(c, note.name(), feed::v1::CHANGE_KIND_CREATED, &note, call, request_id);
  return note;
}

absl::StatusOr<v1::TicketNote> AddTicketNote(db::Connection& c, const server::CallContext& call,
                                             const std::string& ticket_id, const std::string& text,
                                             bool customer_visible, const std::string& request_id) {
  auto ticket = TicketTable().Load<v1::Ticket>(c, ticket_id);
  if (!ticket) return NotFound(absl::StrCat(TicketTable().collection(), "/", ticket_id));
  if (absl::Status s = RequireOpen(ticket->resource); !s.ok()) return s;
  v1::TicketNote note = InsertTicketNote(c, call, ticket_id, text, customer_visible, request_id);
  // The first word to the customer is the first response.
  v1::Ticket& stored = ticket->resource;
  if (customer_visible && !stored.sla().has_first_response_time()) {
    const v1::Ticket before = stored;
    RecordFirstResponse(call.now, stored.mutable_sla());
    AppendTicketEvent(c, call, ticket_id, before, stored);
    server::ReplaceResource(c, call, TicketTable(), ticket_id, &ticket->revision, &stored);
  }
  return note;
}

}  // namespace crm::servicedesk
