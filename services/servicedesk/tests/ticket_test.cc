// TicketService over a real gRPC channel and a real SQLite file, with a
// real partners service beside it: tickets created for checked customers,
// each bad field named and nothing written, the status workflow enforced
// (closed never goes back to new), notes, the full history of changes,
// filters and paging, stale writes refused, and partners being down.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/servicedesk/v1/ticket_service.grpc.pb.h"
#include "services/partners/partners_spec.h"
#include "services/servicedesk/servicedesk_spec.h"
#include "services/servicedesk/tests/desk_fixture.h"

namespace crm::servicedesk {
namespace {

namespace pv1 = crm::partners::v1;
using crm::testing::Call;
using crm::testing::Mask;
using crm::testing::MustCall;
using crm::testing::Outcome;
using crm::testing::Precondition;
using PartnerStub = pv1::PartnerService::Stub;
using TicketStub = v1::TicketService::Stub;
using Strings = std::vector<std::string>;

class Desk : public crm::servicedesk::testing::DeskBesidePartners {
 public:
  explicit Desk(bool partners_up = true) : DeskBesidePartners(false, partners_up) {
    tickets_ = v1::TicketService::NewStub(desk_->channel());
  }

  v1::Ticket Draft(const std::string& customer) {
    v1::Ticket ticket;
    ticket.set_type(v1::TICKET_TYPE_INCIDENT);
    ticket.set_title("Monitor flickers");
    ticket.set_description("Since Monday, after ten minutes");
    ticket.set_customer(customer);
    ticket.set_channel(v1::TICKET_CHANNEL_PHONE);
    ticket.set_category("HARDWARE");
    return ticket;
  }

  grpc::Status TryCreate(const v1::Ticket& ticket, v1::Ticket* out,
                         const std::string& request_id = "") {
    v1::CreateTicketRequest request;
    *request.mutable_ticket() = ticket;
    request.set_request_id(request_id);
    return Call(*tickets_, &TicketStub::CreateTicket, request, out);
  }
  v1::Ticket Create(const v1::Ticket& ticket) {
    v1::Ticket out;
    REQUIRE(Outcome(TryCreate(ticket, &out)) == "OK");
    return out;
  }
  v1::Ticket Get(const std::string& name) {
    v1::GetTicketRequest request;
    request.set_name(name);
    return MustCall(*tickets_, &TicketStub::GetTicket, request);
  }
  grpc::Status TryMove(const std::string& name, v1::TicketStatus status, v1::Ticket* out,
                       const std::string& resolution = "", const std::string& etag = "") {
    v1::ChangeTicketStatusRequest request;
    request.set_name(name);
    request.set_status(status);
    request.set_resolution(resolution);
    request.set_etag(etag);
    return Call(*tickets_, &TicketStub::ChangeTicketStatus, request, out);
  }
  std::vector<v1::TicketEvent> Events(const std::string& ticket, int page_size = 0) {
    std::vector<v1::TicketEvent> events;
    v1::ListTicketEventsRequest request;
    request.set_parent(ticket);
    request.set_page_size(page_size);
    do {
      const auto page = MustCall(*tickets_, &TicketStub::ListTicketEvents, request);
      events.insert(events.end(), page.ticket_events().begin(), page.ticket_events().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return events;
  }
  Strings Names(const std::string& filter, int page_size = 0) {
    Strings names;
    v1::ListTicketsRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    do {
      const auto page = MustCall(*tickets_, &TicketStub::ListTickets, request);
      for (const auto& t : page.tickets()) names.push_back(t.name());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }

  std::unique_ptr<TicketStub> tickets_;
};

Strings FieldsOf(const v1::TicketEvent& event) {
  Strings fields;
  for (const auto& change : event.changes()) fields.push_back(change.field());
  return fields;
}

TEST_CASE("tickets: created new, for a checked customer, with their history begun",
          "[servicedesk]") {
  Desk desk;
  const std::string customer = desk.Partner("Huber", pv1::ROLE_TYPE_CUSTOMER);
  v1::Ticket draft = desk.Draft(customer);
  draft.set_status(v1::TICKET_STATUS_CLOSED);  // output only: ignored
  draft.set_resolution("ignored");
  v1::Ticket ticket;
  REQUIRE(Outcome(desk.TryCreate(draft, &ticket, "call-17")) == "OK");
  CHECK(ticket.status() == v1::TICKET_STATUS_NEW);
  CHECK(ticket.priority() == v1::TICKET_PRIORITY_MEDIUM);
  CHECK(ticket.resolution().empty());
  CHECK(ticket.etag() == "\"1\"");
  v1::Ticket again;
  REQUIRE(Outcome(desk.TryCreate(draft, &again, "call-17")) == "OK");
  CHECK(again.name() == ticket.name());
  CHECK(desk.Names("").size() == 1);

  const std::vector<v1::TicketEvent> events = desk.Events(ticket.name());
  REQUIRE(events.size() == 1);
  CHECK(events[0].sequence() == 1);
  CHECK(events[0].method() == "CreateTicket");
  const Strings fields = FieldsOf(events[0]);
  CHECK(std::find(fields.begin(), fields.end(), "status") != fields.end());
  CHECK(std::find(fields.begin(), fields.end(), "title") != fields.end());
}

TEST_CASE("tickets: bad tickets are refused field by field, nothing written", "[servicedesk]") {
  Desk desk;
  const std::string customer = desk.Partner("Huber", pv1::ROLE_TYPE_CUSTOMER);
  const std::string rep = desk.Partner("Agent", pv1::ROLE_TYPE_EMPLOYEE);
  v1::Ticket out;
  v1::Ticket bad = desk.Draft(customer);
  bad.clear_type();
  bad.set_title("");
  bad.set_category("hardware");
  CHECK(Outcome(desk.TryCreate(bad, &out)) ==
        "INVALID_ARGUMENT ticket.type, ticket.title, ticket.category");
  CHECK(Outcome(desk.TryCreate(desk.Draft("partners/unknown"), &out)) == "NOT_FOUND");
  v1::Ticket agent_is_customer = desk.Draft(customer);
  agent_is_customer.set_agent(customer);
  CHECK(Precondition(desk.TryCreate(agent_is_customer, &out)) == "NOT_EMPLOYEE ticket.agent");
  v1::Ticket staffed = desk.Draft(customer);
  staffed.set_agent(rep);
  CHECK(Outcome(desk.TryCreate(staffed, &out)) == "OK");
  CHECK(desk.Names("").size() == 1);
}

TEST_CASE("tickets: the workflow is enforced and closed never goes back", "[servicedesk]") {
  Desk desk;
  const v1::Ticket ticket = desk.Create(desk.Draft(desk.Partner("Huber", pv1::ROLE_TYPE_CUSTOMER)));
  v1::Ticket out;
  CHECK(Precondition(desk.TryMove(ticket.name(), v1::TICKET_STATUS_CLOSED, &out)) ==
        "TICKET_STATUS " + ticket.name());
  CHECK(Outcome(desk.TryMove(ticket.name(), v1::TICKET_STATUS_IN_PROCESS, &out)) == "OK");
  CHECK(Outcome(desk.TryMove(ticket.name(), v1::TICKET_STATUS_WAITING_FOR_CUSTOMER, &out)) == "OK");
  CHECK(Outcome(desk.TryMove(ticket.name(), v1::TICKET_STATUS_RESOLVED, &out)) ==
        "INVALID_ARGUMENT resolution");
  CHECK(Outcome(desk.TryMove(ticket.name(), v1::TICKET_STATUS_RESOLVED, &out, "Cable replaced",
                             "\"1\"")) == "ABORTED");
  CHECK(Outcome(desk.TryMove(ticket.name(), v1::TICKET_STATUS_RESOLVED, &out, "Cable replaced")) ==
        "OK");
  CHECK(out.resolution() == "Cable replaced");

  v1::ChangeTicketStatusRequest close;
  close.set_name(ticket.name());
  close.set_status(v1::TICKET_STATUS_CLOSED);
  close.mutable_satisfaction()->set_score(2);
  close.mutable_satisfaction()->set_comment("a week without a screen");
  const v1::Ticket closed = MustCall(*desk.tickets_, &TicketStub::ChangeTicketStatus, close);
  CHECK(closed.status() == v1::TICKET_STATUS_CLOSED);
  CHECK(closed.satisfaction().score() == 2);
  CHECK(closed.has_close_time());

  // Closed back to new (the case), or anywhere: refused, unchanged.
  for (v1::TicketStatus to : {v1::TICKET_STATUS_NEW, v1::TICKET_STATUS_IN_PROCESS}) {
    CHECK(Precondition(desk.TryMove(ticket.name(), to, &out)) == "TICKET_STATUS " + ticket.name());
  }
  CHECK(desk.Get(ticket.name()).etag() == closed.etag());

  const std::vector<v1::TicketEvent> events = desk.Events(ticket.name(), 2);
  REQUIRE(events.size() == 5);  // create, in process, waiting, resolved, closed
  for (size_t i = 0; i < events.size(); ++i) CHECK(events[i].sequence() == int64_t(i + 1));
  CHECK(events[4].method() == "ChangeTicketStatus");
  const Strings last = FieldsOf(events[4]);
  CHECK(std::find(last.begin(), last.end(), "status") != last.end());
  CHECK(std::find(last.begin(), last.end(), "satisfaction.score") != last.end());
}

TEST_CASE("tickets: updates change what they name, record it, and stop once closed",
          "[servicedesk]") {
  Desk desk;
  const std::string rep = desk.Partner("Agent", pv1::ROLE_TYPE_EMPLOYEE);
  const std::string customer = desk.Partner("Huber", pv1::ROLE_TYPE_CUSTOMER);
  const v1::Ticket ticket = desk.Create(desk.Draft(customer));

  v1::UpdateTicketRequest update;
  update.mutable_ticket()->set_name(ticket.name());
  update.mutable_ticket()->set_priority(v1::TICKET_PRIORITY_URGENT);
  update.mutable_ticket()->set_agent(rep);
  update.mutable_ticket()->set_team("2ND-LEVEL");
  *update.mutable_update_mask() = Mask({"priority", "agent", "team"});
  const v1::Ticket updated = MustCall(*desk.tickets_, &TicketStub::UpdateTicket, update);
  CHECK(updated.priority() == v1::TICKET_PRIORITY_URGENT);
  CHECK(updated.agent() == rep);
  const std::vector<v1::TicketEvent> events = desk.Events(ticket.name());
  REQUIRE(events.size() == 2);
  CHECK(FieldsOf(events[1]) == Strings{"priority", "team", "agent"});
  CHECK(events[1].changes(0).old_value() == "TICKET_PRIORITY_MEDIUM");
  CHECK(events[1].changes(0).new_value() == "TICKET_PRIORITY_URGENT");

  v1::Ticket out;
  v1::UpdateTicketRequest bad = update;
  bad.mutable_ticket()->set_agent(customer);
  *bad.mutable_update_mask() = Mask({"agent"});
  CHECK(Precondition(Call(*desk.tickets_, &TicketStub::UpdateTicket, bad, &out)) ==
        "NOT_EMPLOYEE ticket.agent");
  bad.mutable_ticket()->set_customer("partners/other");
  *bad.mutable_update_mask() = Mask({"customer"});
  CHECK(Outcome(Call(*desk.tickets_, &TicketStub::UpdateTicket, bad, &out)) ==
        "INVALID_ARGUMENT update_mask");
  bad.mutable_ticket()->set_category("not a code");
  *bad.mutable_update_mask() = Mask({"category"});
  CHECK(Outcome(Call(*desk.tickets_, &TicketStub::UpdateTicket, bad, &out)) ==
        "INVALID_ARGUMENT ticket.category");
  bad.mutable_ticket()->set_category("BILLING");
  bad.mutable_ticket()->set_etag(ticket.etag());
  CHECK(Outcome(Call(*desk.tickets_, &TicketStub::UpdateTicket, bad, &out)) == "ABORTED");
  CHECK(desk.Get(ticket.name()).etag() == updated.etag());
  CHECK(desk.Events(ticket.name()).size() == 2);

  CHECK(Outcome(desk.TryMove(ticket.name(), v1::TICKET_STATUS_RESOLVED, &out, "Fixed")) == "OK");
  CHECK(Outcome(desk.TryMove(ticket.name(), v1::TICKET_STATUS_CLOSED, &out)) == "OK");
  bad.mutable_ticket()->clear_etag();
  CHECK(Precondition(Call(*desk.tickets_, &TicketStub::UpdateTicket, bad, &out)) ==
        "TICKET_STATUS " + ticket.name());
}

TEST_CASE("tickets: notes are added until the ticket closes, oldest first", "[servicedesk]") {
  Desk desk;
  const v1::Ticket ticket = desk.Create(desk.Draft(desk.Partner("Huber", pv1::ROLE_TYPE_CUSTOMER)));
  for (const char* text : {"Called the customer", "Part ordered", "Part arrives Friday"}) {
    v1::CreateTicketNoteRequest request;
    request.set_parent(ticket.name());
    request.mutable_ticket_note()->set_text(text);
    request.mutable_ticket_note()->set_customer_visible(std::string(text) != "Part ordered");
    const v1::TicketNote note = MustCall(*desk.tickets_, &TicketStub::CreateTicketNote, request);
    CHECK(absl::StartsWith(note.name(), ticket.name() + "/notes/"));
  }
  v1::ListTicketNotesRequest list;
  list.set_parent(ticket.name());
  list.set_page_size(2);
  auto page = MustCall(*desk.tickets_, &TicketStub::ListTicketNotes, list);
  REQUIRE(page.ticket_notes_size() == 2);
  CHECK(page.ticket_notes(0).text() == "Called the customer");
  CHECK(!page.ticket_notes(1).customer_visible());
  list.set_page_token(page.next_page_token());
  page = MustCall(*desk.tickets_, &TicketStub::ListTicketNotes, list);
  REQUIRE(page.ticket_notes_size() == 1);
  CHECK(page.ticket_notes(0).text() == "Part arrives Friday");
  CHECK(page.next_page_token().empty());

  v1::TicketNote out;
  v1::CreateTicketNoteRequest bad;
  bad.set_parent(ticket.name());
  CHECK(Outcome(Call(*desk.tickets_, &TicketStub::CreateTicketNote, bad, &out)) ==
        "INVALID_ARGUMENT ticket_note.text");
  bad.set_parent("tickets/unknown");
  bad.mutable_ticket_note()->set_text("x");
  CHECK(Outcome(Call(*desk.tickets_, &TicketStub::CreateTicketNote, bad, &out)) == "NOT_FOUND");
  list.set_parent("tickets/unknown");
  list.clear_page_token();
  v1::ListTicketNotesResponse none;
  CHECK(Outcome(Call(*desk.tickets_, &TicketStub::ListTicketNotes, list, &none)) == "NOT_FOUND");
}

TEST_CASE("tickets: listed newest first, filtered and paged", "[servicedesk]") {
  Desk desk;
  const std::string huber = desk.Partner("Huber", pv1::ROLE_TYPE_CUSTOMER);
  const std::string weber = desk.Partner("Weber", pv1::ROLE_TYPE_CUSTOMER);
  const std::string t1 = desk.Create(desk.Draft(huber)).name();
  v1::Ticket complaint = desk.Draft(weber);
  complaint.set_type(v1::TICKET_TYPE_COMPLAINT);
  complaint.set_priority(v1::TICKET_PRIORITY_HIGH);
  const std::string t2 = desk.Create(complaint).name();
  const std::string t3 = desk.Create(desk.Draft(huber)).name();
  CHECK(desk.Names("") == Strings{t3, t2, t1});
  CHECK(desk.Names("", 1) == Strings{t3, t2, t1});
  CHECK(desk.Names(absl::StrCat("customer = \"", huber, "\"")) == Strings{t3, t1});
  CHECK(desk.Names("type = TICKET_TYPE_COMPLAINT AND priority = TICKET_PRIORITY_HIGH") ==
        Strings{t2});
  CHECK(desk.Names("status = TICKET_STATUS_NEW").size() == 3);
  v1::ListTicketsRequest bad;
  bad.set_filter("mood = angry");
  v1::ListTicketsResponse out;
  CHECK(Outcome(Call(*desk.tickets_, &TicketStub::ListTickets, bad, &out)) ==
        "INVALID_ARGUMENT filter");
}

TEST_CASE("tickets: with partners down a ticket is refused as unavailable", "[servicedesk]") {
  Desk desk(false);
  v1::Ticket out;
  CHECK(Outcome(desk.TryCreate(desk.Draft("partners/p1"), &out)) == "UNAVAILABLE");
  CHECK(desk.Names("").empty());
}

}  // namespace
}  // namespace crm::servicedesk
