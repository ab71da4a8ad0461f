#include "services/servicedesk/return_service.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "crm/servicedesk/v1/ticket.pb.h"
#include "services/partners/client/partner_refs.h"
#include "services/servicedesk/return_rules.h"
#include "services/servicedesk/schema.h"
#include "services/servicedesk/service_order_rules.h"
#include "services/servicedesk/service_order_store.h"

namespace crm::servicedesk {
namespace {

using server::CallContext;
using server::ResourceKind;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

// The object is the customer's and not already on its way through another
// return; the ticket is the customer's.
absl::Status CheckReturnStored(db::Connection& c, const v1::ReturnAuthorization*,
                               const v1::ReturnAuthorization& rma) {
  auto component = InstalledComponentTable().Load<v1::InstalledComponent>(c, IdOf(rma.component()));
  if (!component) return NotFound(rma.component());
  if (component->resource.customer() != rma.customer()) {
    return FailedPrecondition(
        "OTHER_CUSTOMER", "return_authorization.component",
        absl::StrCat(rma.component(), " belongs to ", component->resource.customer()));
  }
  if (component->resource.kind() == v1::COMPONENT_KIND_TEXT_ITEM) {
    return FailedPrecondition("TEXT_ITEM", "return_authorization.component",
                              absl::StrCat(rma.component(), " is a text item"));
  }
  if (!rma.ticket().empty()) {
    auto ticket = TicketTable().Load<v1::Ticket>(c, IdOf(rma.ticket()));
    if (!ticket) return NotFound(rma.ticket());
    if (ticket->resource.customer() != rma.customer()) {
      return FailedPrecondition("OTHER_CUSTOMER", "return_authorization.ticket",
                                absl::StrCat(rma.ticket(), " is of ", ticket->resource.customer()));
    }
  }
  SQLite::Statement& open = c.Prepare(
      "SELECT id FROM return_authorizations WHERE component = ?1 AND state IN (?2, ?3, ?4)",
      {rma.component(), int64_t{v1::RETURN_STATE_AUTHORIZED}, int64_t{v1::RETURN_STATE_RECEIVED},
       int64_t{v1::RETURN_STATE_IN_REPAIR}});
  std::string other;
  if (open.executeStep()) other = open.getColumn(0).getString();
  open.reset();
  if (!other.empty()) {
    return FailedPrecondition(
        "OPEN_RETURN", "return_authorization.component",
        absl::StrCat(rma.component(), " is already on returnAuthorizations/", other));
  }
  return absl::OkStatus();
}

ResourceKind<v1::ReturnAuthorization> Returns() {
  ResourceKind<v1::ReturnAuthorization> kind;
  kind.table = &ReturnAuthorizationTable();
  kind.field = "return_authorization";
  kind.validate = ValidateReturn;
  return kind;
}

const std::vector<api::FilterField>& ReturnFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"customer", api::FieldType::kString, "customer", {}},
      {"component", api::FieldType::kString, "component", {}},
      {"ticket", api::FieldType::kString, "ticket", {}},
      {"state", api::FieldType::kEnum, "state",
       api::EnumFilterValues(v1::ReturnState_descriptor())},
  };
  return *fields;
}

const std::vector<api::OrderField>& NewestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

}  // namespace

grpc::ServerUnaryReactor* ReturnService::CreateReturnAuthorization(
    grpc::CallbackServerContext* context, const v1::CreateReturnAuthorizationRequest* request,
    v1::ReturnAuthorization* response) {
  return server::RunUnary(
      runtime_, context, "CreateReturnAuthorization", request, response,
      [this](const CallContext& call, const v1::CreateReturnAuthorizationRequest& req,
             v1::ReturnAuthorization* resp) {
        ResourceKind<v1::ReturnAuthorization> kind = Returns();
        kind.normalize = [&call](v1::ReturnAuthorization* rma) {
          const std::string keep[] = {rma->customer(), rma->component(), rma->ticket(),
                                      rma->reason()};
          rma->Clear();
          rma->set_customer(keep[0]);
          rma->set_component(keep[1]);
          rma->set_ticket(keep[2]);
          rma->set_reason(keep[3]);
          rma->set_state(v1::RETURN_STATE_AUTHORIZED);
          *rma->mutable_authorized_date() = api::UtcDate(call.now);
        };
        kind.check_peers = [this](const CallContext& call, const v1::ReturnAuthorization& named,
                                  v1::ReturnAuthorization* sent) -> absl::Status {
          return partners::ResolvePartnerRefs(
              *partners_, call.deadline,
              {{sent->mutable_customer(), "return_authorization.customer",
                partners::PartnerNeed::kExists}},
              {}, nullptr);
        };
        kind.check_stored = CheckReturnStored;
        return server::CreateResource(
            runtime_, call, kind, "", "",
            req.has_return_authorization() ? &req.return_authorization() : nullptr,
            req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* ReturnService::GetReturnAuthorization(
    grpc::CallbackServerContext* context, const v1::GetReturnAuthorizationRequest* request,
    v1::ReturnAuthorization* response) {
  return server::RunUnary(runtime_, context, "GetReturnAuthorization", request, response,
                          [this](const CallContext&, const v1::GetReturnAuthorizationRequest& req,
                                 v1::ReturnAuthorization* resp) {
                            return server::GetResource(runtime_, Returns(), req.name(), resp);
                          });
}

grpc::ServerUnaryReactor* ReturnService::ListReturnAuthorizations(
    grpc::CallbackServerContext* context, const v1::ListReturnAuthorizationsRequest* request,
    v1::ListReturnAuthorizationsResponse* response) {
  return server::RunUnary(runtime_, context, "ListReturnAuthorizations", request, response,
                          [this](const CallContext&, const v1::ListReturnAuthorizationsRequest& req,
                                 v1::ListReturnAuthorizationsResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                ReturnFilterFields(), NewestFirstFields(), "create_time desc");
                            if (!query.ok()) return query.status();
                            return server::ListResources(runtime_, Returns(), *query,
                                                         resp->mutable_return_authorizations(),
                                                         resp->mutable_next_page_token());
                          });
}

grpc::ServerUnaryReactor* ReturnService::ReceiveReturn(grpc::CallbackServerContext* context,
                                                       const v1::ReceiveReturnRequest* request,
                                                       v1::ReturnAuthorization* response) {
  return server::RunUnary(
      runtime_, context, "ReceiveReturn", request, response,
      [this](const CallContext& call, const v1::ReceiveReturnRequest& req,
             v1::ReturnAuthorization* resp) {
        return server::ChangeResource<v1::ReturnAuthorization>(
            runtime_, call, ReturnAuthorizationTable(), req.name(), req.etag(),
            [&](db::Connection&, v1::ReturnAuthorization& rma) -> absl::Status {
              if (absl::Status s = RequireReturnState(rma, v1::RETURN_STATE_AUTHORIZED, "receipt");
                  !s.ok()) {
                return s;
              }
              absl::StatusOr<google::type::Date> day =
                  StepDate(req.received_date(), rma.authorized_date(), api::UtcDate(call.now),
                           "received_date");
              if (!day.ok()) return day.status();
              *rma.mutable_received_date() = *day;
              rma.set_state(v1::RETURN_STATE_RECEIVED);
              return absl::OkStatus();
            },
            resp);
      });
}

grpc::ServerUnaryReactor* ReturnService::StartRepair(grpc::CallbackServerContext* context,
                                                     const v1::StartRepairRequest* request,
                                                     v1::ReturnAuthorization* response) {
  return server::RunUnary(
      runtime_, context, "StartRepair", request, response,
      [this](const CallContext& call, const v1::StartRepairRequest& req,
             v1::ReturnAuthorization* resp) -> absl::Status {
        // The repair order as far as the request tells it, checked as an
        // order with placeholders for what the return gives.
        v1::ServiceOrder order;
        *order.mutable_items() = req.items();
        order.set_currency_code(req.currency_code());
        order.set_customer("partners/placeholder");
        *order.mutable_planned_date() = api::UtcDate(call.now);
        Violations violations;
        ValidateServiceOrder(order, "", &violations);
        if (!violations.empty()) return violations.ToStatus();
        return server::ChangeResource<v1::ReturnAuthorization>(
            runtime_, call, ReturnAuthorizationTable(), req.name(), req.etag(),
            [&](db::Connection& c, v1::ReturnAuthorization& rma) -> absl::Status {
              if (absl::Status s = RequireReturnState(rma, v1::RETURN_STATE_RECEIVED, "a repair");
                  !s.ok()) {
                return s;
              }
              absl::StatusOr<google::type::Date> day =
                  StepDate(req.start_date(), rma.received_date(), api::UtcDate(call.now),
                           "start_date", true);
              if (!day.ok()) return day.status();
              order.set_customer(rma.customer());
              order.set_component(rma.component());
              order.set_ticket(rma.ticket());
              order.set_description(absl::StrCat("Repair of ", rma.name(), ": ", rma.reason()));
              *order.mutable_planned_date() = *day;
              order.set_state(v1::SERVICE_ORDER_STATE_OPEN);
              absl::StatusOr<v1::ServiceOrder> made =
                  InsertServiceOrder(c, call, order, "", "items");
              if (!made.ok()) return made.status();
              rma.set_repair_order(made->name());
              *rma.mutable_repair_start_date() = *day;
              rma.set_state(v1::RETURN_STATE_IN_REPAIR);
              return absl::OkStatus();
            },
            resp);
      });
}

grpc::ServerUnaryReactor* ReturnService::ShipReturn(grpc::CallbackServerContext* context,
                                                    const v1::ShipReturnRequest* request,
                                                    v1::ReturnAuthorization* response) {
  return server::RunUnary(
      runtime_, context, "ShipReturn", request, response,
      [this](const CallContext& call, const v1::ShipReturnRequest& req,
             v1::ReturnAuthorization* resp) -> absl::Status {
        Violations violations;
        validation::CheckRequiredText(req.tracking_number(), 100, "tracking_number", &violations);
        if (!violations.empty()) return violations.ToStatus();
        return server::ChangeResource<v1::ReturnAuthorization>(
            runtime_, call, ReturnAuthorizationTable(), req.name(), req.etag(),
            [&](db::Connection& c, v1::ReturnAuthorization& rma) -> absl::Status {
              if (absl::Status s = RequireReturnState(rma, v1::RETURN_STATE_IN_REPAIR, "shipment");
                  !s.ok()) {
                return s;
              }
              auto order = ServiceOrderTable().Load<v1::ServiceOrder>(c, IdOf(rma.repair_order()));
              if (!order || order->resource.state() != v1::SERVICE_ORDER_STATE_COMPLETED) {
                return FailedPrecondition("REPAIR_OPEN", rma.repair_order(),
                                          "is not completed; confirm the repair first");
              }
              absl::StatusOr<google::type::Date> day =
                  StepDate(req.shipped_date(), rma.repair_start_date(), api::UtcDate(call.now),
                           "shipped_date");
              if (!day.ok()) return day.status();
              *rma.mutable_shipped_date() = *day;
              rma.set_tracking_number(req.tracking_number());
              rma.set_state(v1::RETURN_STATE_SHIPPED);
              return absl::OkStatus();
            },
            resp);
      });
}

grpc::ServerUnaryReactor* ReturnService::CancelReturn(grpc::CallbackServerContext* context,
                                                      const v1::CancelReturnRequest* request,
                                                      v1::ReturnAuthorization* response) {
  return server::RunUnary(runtime_, context, "CancelReturn", request, response,
                          [this](const CallContext& call, const v1::CancelReturnRequest& req,
                                 v1::ReturnAuthorization* resp) {
                            return server::ChangeResource<v1::ReturnAuthorization>(
                                runtime_, call, ReturnAuthorizationTable(), req.name(), req.etag(),
                                [&](db::Connection&, v1::ReturnAuthorization& rma) -> absl::Status {
                                  if (absl::Status s = RequireReturnState(
                                          rma, v1::RETURN_STATE_AUTHORIZED, "cancelling");
                                      !s.ok()) {
                                    return s;
                                  }
                                  rma.set_state(v1::RETURN_STATE_CANCELLED);
                                  return absl::OkStatus();
                                },
                                resp);
                          });
}

}  // namespace crm::servicedesk
