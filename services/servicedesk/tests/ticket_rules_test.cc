// The ticket rules without storage: each bad field named, and the status
// workflow from every status to every other, with what each change
// records.
#include "services/servicedesk/ticket_rules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/testing/status_checks.h"

namespace crm::servicedesk {
namespace {

using Fields = std::vector<std::string>;

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const auto& v : violations.list()) fields.push_back(v.field);
  return fields;
}

v1::Ticket Monitor() {
  v1::Ticket ticket;
  ticket.set_type(v1::TICKET_TYPE_INCIDENT);
  ticket.set_title("Monitor flickers");
  ticket.set_customer("partners/p1");
  ticket.set_channel(v1::TICKET_CHANNEL_PHONE);
  ticket.set_category("HARDWARE");
  ticket.set_team("2ND-LEVEL");
  ticket.set_agent("partners/a1");
  return ticket;
}

Fields Check(const v1::Ticket& ticket) {
  Violations out;
  ValidateTicket(ticket, "ticket", &out);
  return FieldsOf(out);
}

TEST_CASE("ticket rules: a sound ticket passes, each bad field is named", "[servicedesk]") {
  CHECK(Check(Monitor()).empty());
  v1::Ticket ticket = Monitor();
  ticket.set_type(v1::TICKET_TYPE_UNSPECIFIED);
  ticket.set_title(" ");
  ticket.set_customer("customers/p1");
  ticket.set_channel(static_cast<v1::TicketChannel>(42));
  ticket.set_category("hardware");
  ticket.set_priority(static_cast<v1::TicketPriority>(9));
  ticket.set_team(std::string(41, 'T'));
  ticket.set_agent("agent-1");
  CHECK(Check(ticket) == Fields{"ticket.type", "ticket.title", "ticket.customer", "ticket.channel",
                                "ticket.category", "ticket.priority", "ticket.team",
                                "ticket.agent"});
  ticket = Monitor();
  ticket.clear_customer();
  CHECK(Check(ticket) == Fields{"ticket.customer"});
}

TEST_CASE("ticket rules: the workflow allows exactly its transitions", "[servicedesk]") {
  using S = v1::TicketStatus;
  const std::vector<S> all = {v1::TICKET_STATUS_NEW, v1::TICKET_STATUS_IN_PROCESS,
                              v1::TICKET_STATUS_WAITING_FOR_CUSTOMER, v1::TICKET_STATUS_RESOLVED,
                              v1::TICKET_STATUS_CLOSED};
  // Rows: from; columns: to, in the order of `all`.
  const std::vector<std::vector<bool>> allowed = {
      {false, true, true, true, false},    // new
      {false, false, true, true, false},   // in process
      {false, true, false, true, false},   // waiting
      {false, true, false, false, true},   // resolved
      {false, false, false, false, false}  // closed
  };
  for (size_t f = 0; f < all.size(); ++f) {
    for (size_t t = 0; t < all.size(); ++t) {
      INFO(v1::TicketStatus_Name(all[f]) << " -> " << v1::TicketStatus_Name(all[t]));
      CHECK(AllowedTransition(all[f], all[t]) == allowed[f][t]);
    }
  }
}

TEST_CASE("ticket rules: a status change's own fields", "[servicedesk]") {
  auto fields = [](const v1::ChangeTicketStatusRequest& request) {
    Violations out;
    ValidateStatusChange(request, &out);
    return FieldsOf(out);
  };
  v1::ChangeTicketStatusRequest request;
  request.set_name("tickets/t1");
  request.set_status(v1::TICKET_STATUS_RESOLVED);
  CHECK(fields(request) == Fields{"resolution"});
  request.set_resolution("Cable replaced");
  CHECK(fields(request).empty());
  request.set_status(v1::TICKET_STATUS_IN_PROCESS);
  CHECK(fields(request) == Fields{"resolution"});
  request.clear_resolution();
  request.mutable_satisfaction()->set_score(3);
  CHECK(fields(request) == Fields{"satisfaction"});
  request.set_status(v1::TICKET_STATUS_CLOSED);
  CHECK(fields(request).empty());
  request.mutable_satisfaction()->set_score(6);
  CHECK(fields(request) == Fields{"satisfaction.score"});
  request.mutable_satisfaction()->set_score(0);
  CHECK(fields(request) == Fields{"satisfaction.score"});
  request.clear_satisfaction();
  request.set_name("t1");
  request.clear_status();
  CHECK(fields(request) == Fields{"name", "status"});
}

TEST_CASE("ticket rules: resolving, reopening and closing record what they should",
          "[servicedesk]") {
  v1::Ticket ticket = Monitor();
  ticket.set_name("tickets/t1");
  ticket.set_status(v1::TICKET_STATUS_NEW);
  v1::ChangeTicketStatusRequest request;
  request.set_status(v1::TICKET_STATUS_RESOLVED);
  request.set_resolution("Cable replaced");
  REQUIRE(ApplyStatusChange(request, absl::Now(), &ticket).ok());
  CHECK(ticket.resolution() == "Cable replaced");

  request.Clear();
  request.set_status(v1::TICKET_STATUS_IN_PROCESS);
  REQUIRE(ApplyStatusChange(request, absl::Now(), &ticket).ok());
  CHECK(ticket.resolution().empty());

  request.set_status(v1::TICKET_STATUS_CLOSED);
  const absl::Status refused = ApplyStatusChange(request, absl::Now(), &ticket);
  CHECK(crm::testing::Precondition(ToGrpcStatus(refused)) == "TICKET_STATUS tickets/t1");
  CHECK(ticket.status() == v1::TICKET_STATUS_IN_PROCESS);

  request.set_status(v1::TICKET_STATUS_RESOLVED);
  request.set_resolution("Monitor swapped");
  REQUIRE(ApplyStatusChange(request, absl::Now(), &ticket).ok());
  request.Clear();
  request.set_status(v1::TICKET_STATUS_CLOSED);
  request.mutable_satisfaction()->set_score(2);
  request.mutable_satisfaction()->set_comment("took a week");
  REQUIRE(ApplyStatusChange(request, absl::Now(), &ticket).ok());
  CHECK(ticket.status() == v1::TICKET_STATUS_CLOSED);
  CHECK(ticket.satisfaction().score() == 2);
  CHECK(ticket.has_close_time());
  CHECK(ticket.resolution() == "Monitor swapped");

  // Closed back to new: never.
  request.Clear();
  request.set_status(v1::TICKET_STATUS_NEW);
  CHECK(!ApplyStatusChange(request, absl::Now(), &ticket).ok());
}

}  // namespace
}  // namespace crm::servicedesk
