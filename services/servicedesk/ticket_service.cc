#include "services/servicedesk/ticket_service.h"

#include "absl/strings/str_cat.h"
#include "common/api/idempotency.h"
#include "common/audit/field_diff.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "services/partners/client/partner_refs.h"
#include "services/servicedesk/child_rows.h"
#include "services/servicedesk/schema.h"
#include "services/servicedesk/sla_store.h"
#include "services/servicedesk/ticket_history.h"
#include "services/servicedesk/ticket_rules.h"

namespace crm::servicedesk {
namespace {

using server::CallContext;
using server::ResourceKind;

constexpr char kTicket[] = "ticket";

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

const api::FieldMaskRules& TicketUpdateRules() {
  static const auto* rules = new api::FieldMaskRules(server::WithOutputOnlyFields(
      {{"type", "customer"},
       {"status", "resolution", "satisfaction", "close_time", "sla", "escalation_level"}}));
  return *rules;
}

const std::vector<api::FilterField>& TicketFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"customer", api::FieldType::kString, "customer", {}},
      {"type", api::FieldType::kEnum, "type", api::EnumFilterValues(v1::TicketType_descriptor())},
      {"status", api::FieldType::kEnum, "status",
       api::EnumFilterValues(v1::TicketStatus_descriptor())},
      {"priority", api::FieldType::kEnum, "priority",
       api::EnumFilterValues(v1::TicketPriority_descriptor())},
      {"category", api::FieldType::kString, "category", {}},
      {"team", api::FieldType::kString, "team", {}},
      {"agent", api::FieldType::kString, "agent", {}},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& NewestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

ResourceKind<v1::Ticket> Tickets() {
  ResourceKind<v1::Ticket> kind;
  kind.table = &TicketTable();
  kind.field = kTicket;
  kind.update_rules = TicketUpdateRules();
  kind.validate = ValidateTicket;
  return kind;
}

// What the server owns in a ticket about to be created.
void PrepareNewTicket(v1::Ticket* ticket) {
  ticket->clear_resolution();
  ticket->clear_satisfaction();
  ticket->clear_close_time();
  ticket->clear_sla();
  ticket->clear_escalation_level();
  ticket->set_status(v1::TICKET_STATUS_NEW);
  if (ticket->priority() == v1::TICKET_PRIORITY_UNSPECIFIED) {
    ticket->set_priority(v1::TICKET_PRIORITY_MEDIUM);
  }
}

// The customer's class in its customer role; unspecified when it has none.
partners::v1::CustomerClass CustomerClassOf(const partners::v1::Partner& partner) {
  for (const auto& role : partner.roles()) {
    if (role.has_customer()) return role.customer().customer_class();
  }
  return partners::v1::CUSTOMER_CLASS_UNSPECIFIED;
}

// Tickets as created and updated: the customer and agent checked with
// partners before the write (the customer's class noted for the service
// level); in it, a closed ticket refused, the service level given on
// create and when the priority changes, and the change appended to the
// history (the last check before the ticket is stored, so in the same
// transaction).
ResourceKind<v1::Ticket> TicketWrites(partners::PartnersClient& partners, const CallContext& call) {
  ResourceKind<v1::Ticket> kind = Tickets();
  kind.check_peers = [&partners](const CallContext& call, const v1::Ticket& named,
                                 v1::Ticket* sent) -> absl::Status {
    Violations agent;
    validation::CheckOptionalReference(named.agent(), "partners", "ticket.agent", &agent);
    if (!agent.empty()) return agent.ToStatus();
    std::vector<partners::PartnerRef> refs;
    if (!named.customer().empty()) {
      refs.push_back({sent->mutable_customer(), "ticket.customer", partners::PartnerNeed::kExists});
    }
    if (!named.agent().empty()) {
      refs.push_back({sent->mutable_agent(), "ticket.agent", partners::PartnerNeed::kEmployee});
    }
    std::map<std::string, partners::v1::Partner> resolved;
    if (absl::Status s =
            partners::ResolvePartnerRefs(partners, call.deadline, refs, {}, nullptr, &resolved);
        !s.ok()) {
      return s;
    }
    if (!named.customer().empty()) {
      sent->mutable_sla()->set_customer_class(CustomerClassOf(resolved[sent->customer()]));
    }
    return absl::OkStatus();
  };
  kind.complete = [&call](db::Connection& c, const v1::Ticket& before, v1::Ticket* after) {
    if (before.name().empty() || before.priority() != after->priority() ||
        before.component() != after->component()) {
      GiveSla(c, call.now, before, after);
    }
  };
  kind.check_stored = [&call](db::Connection& c, const v1::Ticket* before,
                              const v1::Ticket& after) -> absl::Status {
    if (before != nullptr) {
      if (absl::Status s = RequireOpen(*before); !s.ok()) return s;
    }
    if (!after.component().empty() &&
        (before == nullptr || before->component() != after.component())) {
      auto component =
          InstalledComponentTable().Load<v1::InstalledComponent>(c, IdOf(after.component()));
      if (!component) return NotFound(after.component());
      if (component->resource.customer() != after.customer()) {
        return FailedPrecondition(
            "OTHER_CUSTOMER", "ticket.component",
            absl::StrCat(after.component(), " belongs to ", component->resource.customer()));
      }
    }
    AppendTicketEvent(c, call, IdOf(after.name()), before ? *before : v1::Ticket(), after);
    return absl::OkStatus();
  };
  return kind;
}

}  // namespace

grpc::ServerUnaryReactor* TicketService::CreateTicket(grpc::CallbackServerContext* context,
                                                      const v1::CreateTicketRequest* request,
                                                      v1::Ticket* response) {
  return server::RunUnary(
      runtime_, context, "CreateTicket", request, response,
      [this](const CallContext& call, const v1::CreateTicketRequest& req, v1::Ticket* resp) {
        ResourceKind<v1::Ticket> kind = TicketWrites(*partners_, call);
        kind.normalize = PrepareNewTicket;
        absl::Status status = server::CreateResource(runtime_, call, kind, "", "",
                                                     req.has_ticket() ? &req.ticket() : nullptr,
                                                     req.request_id(), req, resp);
        if (status.ok()) sla_signal_->Notify();
        return status;
      });
}

grpc::ServerUnaryReactor* TicketService::GetTicket(grpc::CallbackServerContext* context,
                                                   const v1::GetTicketRequest* request,
                                                   v1::Ticket* response) {
  return server::RunUnary(
      runtime_, context, "GetTicket", request, response,
      [this](const CallContext&, const v1::GetTicketRequest& req, v1::Ticket* resp) {
        return server::GetResource(runtime_, Tickets(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* TicketService::ListTickets(grpc::CallbackServerContext* context,
                                                     const v1::ListTicketsRequest* request,
                                                     v1::ListTicketsResponse* response) {
  return server::RunUnary(runtime_, context, "ListTickets", request, response,
                          [this](const CallContext&, const v1::ListTicketsRequest& req,
                                 v1::ListTicketsResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                TicketFilterFields(), NewestFirstFields(), "create_time desc");
                            if (!query.ok()) return query.status();
                            return server::ListResources(runtime_, Tickets(), *query,
                                                         resp->mutable_tickets(),
                                                         resp->mutable_next_page_token());
                          });
}

grpc::ServerUnaryReactor* TicketService::UpdateTicket(grpc::CallbackServerContext* context,
                                                      const v1::UpdateTicketRequest* request,
                                                      v1::Ticket* response) {
  return server::RunUnary(
      runtime_, context, "UpdateTicket", request, response,
      [this](const CallContext& call, const v1::UpdateTicketRequest& req, v1::Ticket* resp) {
        absl::Status status = server::UpdateResource(runtime_, call, TicketWrites(*partners_, call),
                                                     req.has_ticket() ? &req.ticket() : nullptr,
                                                     req.update_mask(), resp);
        if (status.ok()) sla_signal_->Notify();
        return status;
      });
}

grpc::ServerUnaryReactor* TicketService::ChangeTicketStatus(
    grpc::CallbackServerContext* context, const v1::ChangeTicketStatusRequest* request,
    v1::Ticket* response) {
  return server::RunUnary(runtime_, context, "ChangeTicketStatus", request, response,
                          [this](const CallContext& call, const v1::ChangeTicketStatusRequest& req,
                                 v1::Ticket* resp) -> absl::Status {
                            Violations violations;
                            ValidateStatusChange(req, &violations);
                            if (!violations.empty()) return violations.ToStatus();
                            absl::Status status = server::ChangeResource<v1::Ticket>(
                                runtime_, call, TicketTable(), req.name(), req.etag(),
                                [&](db::Connection& c, v1::Ticket& ticket) -> absl::Status {
                                  const v1::Ticket before = ticket;
                                  if (absl::Status s = ApplyStatusChange(req, call.now, &ticket);
                                      !s.ok())
                                    return s;
                                  MoveSlaClockStored(c, before.status(), call.now, &ticket);
                                  AppendTicketEvent(c, call, IdOf(ticket.name()), before, ticket);
                                  return absl::OkStatus();
                                },
                                resp);
                            if (status.ok()) sla_signal_->Notify();
                            return status;
                          });
}

grpc::ServerUnaryReactor* TicketService::CreateTicketNote(
    grpc::CallbackServerContext* context, const v1::CreateTicketNoteRequest* request,
    v1::TicketNote* response) {
  return server::RunUnary(
      runtime_, context, "CreateTicketNote", request, response,
      [this](const CallContext& call, const v1::CreateTicketNoteRequest& req,
             v1::TicketNote* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> ticket_id =
            api::ParseResourceName(req.parent(), TicketTable().collection(), "parent");
        violations.AddAll(ticket_id.status());
        validation::CheckRequiredText(req.ticket_note().text(), 10000, "ticket_note.text",
                                      &violations);
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(c, call.method, req.request_id(), api::RequestFingerprint(req),
                              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                                absl::StatusOr<v1::TicketNote> note = AddTicketNote(
                                    c, call, *ticket_id, req.ticket_note().text(),
                                    req.ticket_note().customer_visible(), req.request_id());
                                if (!note.ok()) return note.status();
                                *resp = *std::move(note);
                                return absl::OkStatus();
                              });
        });
      });
}

grpc::ServerUnaryReactor* TicketService::EscalateTicket(grpc::CallbackServerContext* context,
                                                        const v1::EscalateTicketRequest* request,
                                                        v1::Ticket* response) {
  return server::RunUnary(
      runtime_, context, "EscalateTicket", request, response,
      [this](const CallContext& call, const v1::EscalateTicketRequest& req,
             v1::Ticket* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> ticket_id =
            api::ParseResourceName(req.name(), TicketTable().collection(), "name");
        violations.AddAll(ticket_id.status());
        validation::CheckRequiredText(req.reason(), 2000, "reason", &violations);
        if (!violations.empty()) return violations.ToStatus();
        return server::ChangeResource<v1::Ticket>(
            runtime_, call, TicketTable(), req.name(), req.etag(),
            [&](db::Connection& c, v1::Ticket& ticket) -> absl::Status {
              if (absl::Status s = RequireOpen(ticket); !s.ok()) return s;
              const v1::Ticket before = ticket;
              Escalate(EscalationTeams(c, ticket), &ticket);
              AppendTicketEvent(c, call, *ticket_id, before, ticket);
              InsertTicketNote(c, call, *ticket_id,
                               absl::StrCat("Escalated to level ", ticket.escalation_level(), ": ",
                                            req.reason()),
                               false, "");
              return absl::OkStatus();
            },
            resp);
      });
}

grpc::ServerUnaryReactor* TicketService::ListTicketNotes(grpc::CallbackServerContext* context,
                                                         const v1::ListTicketNotesRequest* request,
                                                         v1::ListTicketNotesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListTicketNotes", request, response,
      [this](const CallContext&, const v1::ListTicketNotesRequest& req,
             v1::ListTicketNotesResponse* resp) {
        return ListChildRows(
            runtime_, TicketTable(), "ticket_id", req.parent(), req.page_size(), req.page_token(),
            "ticket_notes", api::OrderBy{{{"create_time", false, true}, {"note_id", false, false}}},
            resp->mutable_ticket_notes(), resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* TicketService::ListTicketEvents(
    grpc::CallbackServerContext* context, const v1::ListTicketEventsRequest* request,
    v1::ListTicketEventsResponse* response) {
  return server::RunUnary(runtime_, context, "ListTicketEvents", request, response,
                          [this](const CallContext&, const v1::ListTicketEventsRequest& req,
                                 v1::ListTicketEventsResponse* resp) {
                            return ListChildRows(runtime_, TicketTable(), "ticket_id", req.parent(),
                                                 req.page_size(), req.page_token(), "ticket_events",
                                                 api::OrderBy{{{"sequence", false, true}}},
                                                 resp->mutable_ticket_events(),
                                                 resp->mutable_next_page_token());
                          });
}

}  // namespace crm::servicedesk
