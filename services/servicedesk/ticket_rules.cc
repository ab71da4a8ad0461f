#include "services/servicedesk/ticket_rules.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::servicedesk {
namespace {

using validation::Child;

}  // namespace

bool IsTeamCode(absl::string_view code) {
  if (code.empty() || code.size() > 40) return false;
  for (char c : code) {
    if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-' && c != '_') return false;
  }
  return true;
}

void ValidateTicket(const v1::Ticket& ticket, const std::string& path, Violations* out) {
  validation::CheckRequiredEnum(ticket.type(), v1::TicketType_IsValid, Child(path, "type"), out);
  validation::CheckRequiredText(ticket.title(), 200, Child(path, "title"), out);
  validation::CheckText(ticket.description(), 10000, Child(path, "description"), out);
  const std::string customer = Child(path, "customer");
  if (ticket.customer().empty()) {
    out->Add(customer, "is required");
  } else {
    validation::CheckOptionalReference(ticket.customer(), "partners", customer, out);
  }
  validation::CheckRequiredEnum(ticket.channel(), v1::TicketChannel_IsValid, Child(path, "channel"),
                                out);
  if (!ticket.category().empty() && !IsTeamCode(ticket.category())) {
    out->Add(Child(path, "category"), kTeamCodeForm);
  }
  validation::CheckEnum(ticket.priority(), v1::TicketPriority_IsValid, Child(path, "priority"),
                        out);
  if (!ticket.team().empty() && !IsTeamCode(ticket.team()))
    out->Add(Child(path, "team"), kTeamCodeForm);
  validation::CheckOptionalReference(ticket.agent(), "partners", Child(path, "agent"), out);
  validation::CheckOptionalReference(ticket.component(), "installedComponents",
                                     Child(path, "component"), out);
}

bool AllowedTransition(v1::TicketStatus from, v1::TicketStatus to) {
  switch (from) {
    case v1::TICKET_STATUS_NEW:
      return to == v1::TICKET_STATUS_IN_PROCESS || to == v1::TICKET_STATUS_WAITING_FOR_CUSTOMER ||
             to == v1::TICKET_STATUS_RESOLVED;
    case v1::TICKET_STATUS_IN_PROCESS:
      return to == v1::TICKET_STATUS_WAITING_FOR_CUSTOMER || to == v1::TICKET_STATUS_RESOLVED;
    case v1::TICKET_STATUS_WAITING_FOR_CUSTOMER:
      return to == v1::TICKET_STATUS_IN_PROCESS || to == v1::TICKET_STATUS_RESOLVED;
    case v1::TICKET_STATUS_RESOLVED:
      return to == v1::TICKET_STATUS_IN_PROCESS || to == v1::TICKET_STATUS_CLOSED;
    default:
      return false;
  }
}

void ValidateStatusChange(const v1::ChangeTicketStatusRequest& request, Violations* out) {
  out->AddAll(api::ParseResourceName(request.name(), "tickets", "name").status());
  validation::CheckRequiredEnum(request.status(), v1::TicketStatus_IsValid, "status", out);
  if (request.status() == v1::TICKET_STATUS_RESOLVED) {
    validation::CheckRequiredText(request.resolution(), 4000, "resolution", out);
  } else if (!request.resolution().empty()) {
    out->Add("resolution", "is only for resolving");
  }
  if (request.has_satisfaction()) {
    if (request.status() != v1::TICKET_STATUS_CLOSED) {
      out->Add("satisfaction", "is only for closing");
    } else {
      if (request.satisfaction().score() < 1 || request.satisfaction().score() > 5) {
        out->Add("satisfaction.score", "must be from 1 to 5");
      }
      validation::CheckText(request.satisfaction().comment(), 2000, "satisfaction.comment", out);
    }
  }
}

absl::Status ApplyStatusChange(const v1::ChangeTicketStatusRequest& request, absl::Time now,
                               v1::Ticket* ticket) {
  if (!AllowedTransition(ticket->status(), request.status())) {
    return FailedPrecondition(
        "TICKET_STATUS", ticket->name(),
        absl::StrCat("the workflow does not lead from ", v1::TicketStatus_Name(ticket->status()),
                     " to ", v1::TicketStatus_Name(request.status())));
  }
  if (request.status() == v1::TICKET_STATUS_RESOLVED) ticket->set_resolution(request.resolution());
  if (request.status() == v1::TICKET_STATUS_IN_PROCESS) ticket->clear_resolution();
  if (request.status() == v1::TICKET_STATUS_CLOSED) {
    if (request.has_satisfaction()) *ticket->mutable_satisfaction() = request.satisfaction();
    *ticket->mutable_close_time() = api::MicrosToTimestamp(api::TimeToMicros(now));
  }
  ticket->set_status(request.status());
  return absl::OkStatus();
}

}  // namespace crm::servicedesk
