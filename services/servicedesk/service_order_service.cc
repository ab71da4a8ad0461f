#include "services/servicedesk/service_order_service.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/dates.h"
#include "common/api/idempotency.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "crm/servicedesk/v1/ticket.pb.h"
#include "services/partners/client/partner_refs.h"
#include "services/servicedesk/child_rows.h"
#include "services/servicedesk/entitlement_store.h"
#include "services/servicedesk/parts_stock.h"
#include "services/servicedesk/schema.h"
#include "services/servicedesk/service_order_rules.h"
#include "services/servicedesk/service_order_store.h"

namespace crm::servicedesk {
namespace {

using server::CallContext;
using server::ResourceKind;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

const std::vector<api::OrderField>& OldestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

ResourceKind<v1::Technician> Technicians(partners::PartnersClient* partners) {
  ResourceKind<v1::Technician> kind;
  kind.table = &TechnicianTable();
  kind.field = "technician";
  kind.update_rules = {{"partner"}, {}};
  kind.normalize = [](v1::Technician* technician) {
    if (technician->daily_capacity() == 0) technician->set_daily_capacity(4);
  };
  kind.validate = ValidateTechnician;
  if (partners != nullptr) {
    kind.check_peers = [partners](const CallContext& call, const v1::Technician& named,
                                  v1::Technician* sent) -> absl::Status {
      if (named.partner().empty()) return absl::OkStatus();
      return partners::ResolvePartnerRefs(
          *partners, call.deadline,
          {{sent->mutable_partner(), "technician.partner", partners::PartnerNeed::kEmployee}}, {},
          nullptr);
    };
  }
  return kind;
}

// Spare parts: stock changes only through deliveries and confirmations; a
// new delivery date reaches the orders waiting for the part.
ResourceKind<v1::SparePart> SpareParts(const CallContext* call) {
  ResourceKind<v1::SparePart> kind;
  kind.table = &SparePartTable();
  kind.field = "spare_part";
  kind.update_rules = {{"product", "quantity_on_hand", "quantity_reserved"}, {}};
  kind.validate = ValidateSparePart;
  if (call != nullptr) {
    kind.complete = [call](db::Connection& c, const v1::SparePart& before, v1::SparePart* after) {
      if (!before.name().empty() &&
          api::CompareDates(before.replenishment_date(), after->replenishment_date()) != 0) {
        ServeWaitingOrders(c, *call, after);
      }
    };
  }
  return kind;
}

ResourceKind<v1::ServiceOrder> ServiceOrders() {
  ResourceKind<v1::ServiceOrder> kind;
  kind.table = &ServiceOrderTable();
  kind.field = "service_order";
  kind.update_rules = {
      {"customer", "ticket", "component", "items", "currency_code"},
      {"state", "technician", "parts_status", "missing_parts", "expected_completion_date"}};
  kind.validate = ValidateServiceOrder;
  kind.complete = [](db::Connection&, const v1::ServiceOrder& before, v1::ServiceOrder* after) {
    if (api::CompareDates(before.planned_date(), after->planned_date()) != 0) {
      // The technician was free on the old day, not necessarily on the new.
      after->clear_technician();
      SetExpectedCompletion(after);
    }
  };
  kind.check_stored = [](db::Connection&, const v1::ServiceOrder* before,
                         const v1::ServiceOrder&) -> absl::Status {
    if (before != nullptr && before->state() != v1::SERVICE_ORDER_STATE_OPEN) {
      return FailedPrecondition("ORDER_STATE", before->name(),
                                absl::StrCat("is ", v1::ServiceOrderState_Name(before->state())));
    }
    return absl::OkStatus();
  };
  return kind;
}

absl::Status RequireOpenOrder(const v1::ServiceOrder& order) {
  if (order.state() != v1::SERVICE_ORDER_STATE_OPEN) {
    return FailedPrecondition("ORDER_STATE", order.name(),
                              absl::StrCat("is ", v1::ServiceOrderState_Name(order.state()),
                                           "; only open orders take work"));
  }
  return absl::OkStatus();
}

// Orders of `technician` on `day` that are not cancelled (done ones took
// their time too), other than `except_id`.
int64_t OrdersOn(db::Connection& c, const std::string& technician, const google::type::Date& day,
                 const std::string& except_id) {
  return c.QueryInt64(
      "SELECT count(*) FROM service_orders WHERE technician = ?1 AND planned_date = ?2 "
      "AND state != ?3 AND id != ?4",
      {technician, api::IsoDate(day), int64_t{v1::SERVICE_ORDER_STATE_CANCELLED}, except_id});
}

// Picks the technician for `order`: the one named if qualified and free,
// else the qualified free one with the fewest orders that day.
absl::StatusOr<std::string> ChooseTechnician(db::Connection& c, const v1::ServiceOrder& order,
                                             const std::string& named) {
  const std::string order_id = IdOf(order.name());
  const std::set<std::string> needed = SkillsNeeded(order);
  const google::type::Date& day = order.planned_date();
  if (!named.empty()) {
    auto technician = TechnicianTable().Load<v1::Technician>(c, IdOf(named));
    if (!technician) return NotFound(named);
    const std::vector<std::string> missing = MissingSkills(technician->resource, needed);
    if (!missing.empty()) {
      return FailedPrecondition("NOT_QUALIFIED", "technician",
                                absl::StrCat(named, " lacks ", absl::StrJoin(missing, ", ")));
    }
    if (IsAway(technician->resource, day)) {
      return FailedPrecondition("NOT_AVAILABLE", "technician",
                                absl::StrCat(named, " is away on ", api::IsoDate(day)));
    }
    if (OrdersOn(c, named, day, order_id) >= technician->resource.daily_capacity()) {
      return FailedPrecondition("NOT_AVAILABLE", "technician",
                                absl::StrCat(named, " has ", technician->resource.daily_capacity(),
                                             " orders on ", api::IsoDate(day)));
    }
    return named;
  }
  std::string best;
  int64_t best_load = 0;
  TechnicianTable().ForEach<v1::Technician>(
      c, {}, api::OrderBy{{{"id", false, false}}}, [&](const v1::Technician& technician) {
        if (!MissingSkills(technician, needed).empty() || IsAway(technician, day)) return;
        const int64_t load = OrdersOn(c, technician.name(), day, order_id);
        if (load >= technician.daily_capacity()) return;
        if (best.empty() || load < best_load) {
          best = technician.name();
          best_load = load;
        }
      });
  if (best.empty()) {
    return FailedPrecondition("NO_TECHNICIAN", order.name(),
                              absl::StrCat("nobody with ", absl::StrJoin(needed, ", "),
                                           " is free on ", api::IsoDate(day)));
  }
  return best;
}

const std::vector<api::FilterField>& OrderFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"customer", api::FieldType::kString, "customer", {}},
      {"ticket", api::FieldType::kString, "ticket", {}},
      {"technician", api::FieldType::kString, "technician", {}},
      {"state", api::FieldType::kEnum, "state",
       api::EnumFilterValues(v1::ServiceOrderState_descriptor())},
      {"parts_status", api::FieldType::kEnum, "parts_status",
       api::EnumFilterValues(v1::PartsStatus_descriptor())},
      {"planned_date", api::FieldType::kDate, "planned_date", {}},
  };
  return *fields;
}

const std::vector<api::FilterField>& PartFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"product", api::FieldType::kString, "product", {}},
  };
  return *fields;
}

}  // namespace

grpc::ServerUnaryReactor* ServiceOrderService::CreateTechnician(
    grpc::CallbackServerContext* context, const v1::CreateTechnicianRequest* request,
    v1::Technician* response) {
  return server::RunUnary(runtime_, context, "CreateTechnician", request, response,
                          [this](const CallContext& call, const v1::CreateTechnicianRequest& req,
                                 v1::Technician* resp) {
                            return server::CreateResource(
                                runtime_, call, Technicians(partners_.get()), "", "",
                                req.has_technician() ? &req.technician() : nullptr,
                                req.request_id(), req, resp);
                          });
}

grpc::ServerUnaryReactor* ServiceOrderService::GetTechnician(
    grpc::CallbackServerContext* context, const v1::GetTechnicianRequest* request,
    v1::Technician* response) {
  return server::RunUnary(
      runtime_, context, "GetTechnician", request, response,
      [this](const CallContext&, const v1::GetTechnicianRequest& req, v1::Technician* resp) {
        return server::GetResource(runtime_, Technicians(nullptr), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::ListTechnicians(
    grpc::CallbackServerContext* context, const v1::ListTechniciansRequest* request,
    v1::ListTechniciansResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListTechnicians", request, response,
      [this](const CallContext&, const v1::ListTechniciansRequest& req,
             v1::ListTechniciansResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), "", "", {}, OldestFirstFields(), "create_time");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Technicians(nullptr), *query,
                                     resp->mutable_technicians(), resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::UpdateTechnician(
    grpc::CallbackServerContext* context, const v1::UpdateTechnicianRequest* request,
    v1::Technician* response) {
  return server::RunUnary(runtime_, context, "UpdateTechnician", request, response,
                          [this](const CallContext& call, const v1::UpdateTechnicianRequest& req,
                                 v1::Technician* resp) {
                            return server::UpdateResource(
                                runtime_, call, Technicians(partners_.get()),
                                req.has_technician() ? &req.technician() : nullptr,
                                req.update_mask(), resp);
                          });
}

grpc::ServerUnaryReactor* ServiceOrderService::CreateSparePart(
    grpc::CallbackServerContext* context, const v1::CreateSparePartRequest* request,
    v1::SparePart* response) {
  return server::RunUnary(
      runtime_, context, "CreateSparePart", request, response,
      [this](const CallContext& call, const v1::CreateSparePartRequest& req, v1::SparePart* resp) {
        ResourceKind<v1::SparePart> kind = SpareParts(nullptr);
        kind.normalize = [](v1::SparePart* part) { part->clear_quantity_reserved(); };
        // The product cannot change: it is checked with sales on create.
        kind.check_peers = [this](const CallContext& call, const v1::SparePart& named,
                                  v1::SparePart*) {
          return sales::CheckProductsExist(*sales_, call.deadline, {named.product()});
        };
        return server::CreateResource(runtime_, call, kind, "", "",
                                      req.has_spare_part() ? &req.spare_part() : nullptr,
                                      req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::GetSparePart(grpc::CallbackServerContext* context,
                                                            const v1::GetSparePartRequest* request,
                                                            v1::SparePart* response) {
  return server::RunUnary(
      runtime_, context, "GetSparePart", request, response,
      [this](const CallContext&, const v1::GetSparePartRequest& req, v1::SparePart* resp) {
        return server::GetResource(runtime_, SpareParts(nullptr), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::ListSpareParts(
    grpc::CallbackServerContext* context, const v1::ListSparePartsRequest* request,
    v1::ListSparePartsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListSpareParts", request, response,
      [this](const CallContext&, const v1::ListSparePartsRequest& req,
             v1::ListSparePartsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query =
            server::FilteredListQuery(req.page_size(), req.page_token(), req.filter(), "",
                                      PartFilterFields(), OldestFirstFields(), "create_time");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, SpareParts(nullptr), *query,
                                     resp->mutable_spare_parts(), resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::UpdateSparePart(
    grpc::CallbackServerContext* context, const v1::UpdateSparePartRequest* request,
    v1::SparePart* response) {
  return server::RunUnary(
      runtime_, context, "UpdateSparePart", request, response,
      [this](const CallContext& call, const v1::UpdateSparePartRequest& req, v1::SparePart* resp) {
        return server::UpdateResource(runtime_, call, SpareParts(&call),
                                      req.has_spare_part() ? &req.spare_part() : nullptr,
                                      req.update_mask(), resp);
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::ReceiveSpareParts(
    grpc::CallbackServerContext* context, const v1::ReceiveSparePartsRequest* request,
    v1::SparePart* response) {
  return server::RunUnary(
      runtime_, context, "ReceiveSpareParts", request, response,
      [this](const CallContext& call, const v1::ReceiveSparePartsRequest& req,
             v1::SparePart* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> part_id =
            api::ParseResourceName(req.name(), SparePartTable().collection(), "name");
        violations.AddAll(part_id.status());
        if (req.quantity() < 1 || req.quantity() > 1000000) {
          violations.Add("quantity", "must be from 1 to 1000000");
        }
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(c, call.method, req.request_id(), api::RequestFingerprint(req),
                              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                                auto part = SparePartTable().Load<v1::SparePart>(c, *part_id);
                                if (!part) return NotFound(req.name());
                                part->resource.set_quantity_on_hand(
                                    part->resource.quantity_on_hand() + req.quantity());
                                ServeWaitingOrders(c, call, &part->resource);
                                server::ReplaceResource(c, call, SparePartTable(), *part_id,
                                                        &part->revision, &part->resource,
                                                        req.request_id());
                                *resp = part->resource;
                                return absl::OkStatus();
                              });
        });
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::CreateServiceOrder(
    grpc::CallbackServerContext* context, const v1::CreateServiceOrderRequest* request,
    v1::ServiceOrder* response) {
  return server::RunUnary(
      runtime_, context, "CreateServiceOrder", request, response,
      [this](const CallContext& call, const v1::CreateServiceOrderRequest& req,
             v1::ServiceOrder* resp) -> absl::Status {
        Violations violations;
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        v1::ServiceOrder order = req.service_order();
        server::ClearOutputOnlyFields(&order);
        order.set_state(v1::SERVICE_ORDER_STATE_OPEN);
        order.clear_technician();
        order.clear_missing_parts();
        order.clear_parts_status();
        order.clear_expected_completion_date();
        if (!req.has_service_order()) {
          violations.Add("service_order", "is required");
        } else {
          ValidateServiceOrder(order, "service_order", &violations);
        }
        if (!violations.empty()) return violations.ToStatus();
        absl::StatusOr<bool> answered =
            api::AnswerRetry(runtime_.db(), call.method, req.request_id(), req, resp);
        if (!answered.ok()) return answered.status();
        if (*answered) return absl::OkStatus();
        if (absl::Status s =
                partners::ResolvePartnerRefs(*partners_, call.deadline,
                                             {{order.mutable_customer(), "service_order.customer",
                                               partners::PartnerNeed::kExists}},
                                             {}, nullptr);
            !s.ok()) {
          return s;
        }
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(c, call.method, req.request_id(), api::RequestFingerprint(req),
                              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                                absl::StatusOr<v1::ServiceOrder> made =
                                    InsertServiceOrder(c, call, std::move(order), req.request_id(),
                                                       "service_order.items");
                                if (!made.ok()) return made.status();
                                order = *std::move(made);
                                *resp = order;
                                return absl::OkStatus();
                              });
        });
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::GetServiceOrder(
    grpc::CallbackServerContext* context, const v1::GetServiceOrderRequest* request,
    v1::ServiceOrder* response) {
  return server::RunUnary(
      runtime_, context, "GetServiceOrder", request, response,
      [this](const CallContext&, const v1::GetServiceOrderRequest& req, v1::ServiceOrder* resp) {
        return server::GetResource(runtime_, ServiceOrders(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::ListServiceOrders(
    grpc::CallbackServerContext* context, const v1::ListServiceOrdersRequest* request,
    v1::ListServiceOrdersResponse* response) {
  return server::RunUnary(runtime_, context, "ListServiceOrders", request, response,
                          [this](const CallContext&, const v1::ListServiceOrdersRequest& req,
                                 v1::ListServiceOrdersResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                OrderFilterFields(), OldestFirstFields(), "create_time desc");
                            if (!query.ok()) return query.status();
                            return server::ListResources(runtime_, ServiceOrders(), *query,
                                                         resp->mutable_service_orders(),
                                                         resp->mutable_next_page_token());
                          });
}

grpc::ServerUnaryReactor* ServiceOrderService::UpdateServiceOrder(
    grpc::CallbackServerContext* context, const v1::UpdateServiceOrderRequest* request,
    v1::ServiceOrder* response) {
  return server::RunUnary(runtime_, context, "UpdateServiceOrder", request, response,
                          [this](const CallContext& call, const v1::UpdateServiceOrderRequest& req,
                                 v1::ServiceOrder* resp) {
                            return server::UpdateResource(
                                runtime_, call, ServiceOrders(),
                                req.has_service_order() ? &req.service_order() : nullptr,
                                req.update_mask(), resp);
                          });
}

grpc::ServerUnaryReactor* ServiceOrderService::AssignTechnician(
    grpc::CallbackServerContext* context, const v1::AssignTechnicianRequest* request,
    v1::ServiceOrder* response) {
  return server::RunUnary(runtime_, context, "AssignTechnician", request, response,
                          [this](const CallContext& call, const v1::AssignTechnicianRequest& req,
                                 v1::ServiceOrder* resp) -> absl::Status {
                            Violations violations;
                            validation::CheckOptionalReference(req.technician(), "technicians",
                                                               "technician", &violations);
                            if (!violations.empty()) return violations.ToStatus();
                            return server::ChangeResource<v1::ServiceOrder>(
                                runtime_, call, ServiceOrderTable(), req.name(), req.etag(),
                                [&](db::Connection& c, v1::ServiceOrder& order) -> absl::Status {
                                  if (absl::Status s = RequireOpenOrder(order); !s.ok()) return s;
                                  absl::StatusOr<std::string> chosen =
                                      ChooseTechnician(c, order, req.technician());
                                  if (!chosen.ok()) return chosen.status();
                                  order.set_technician(*chosen);
                                  return absl::OkStatus();
                                },
                                resp);
                          });
}

grpc::ServerUnaryReactor* ServiceOrderService::CancelServiceOrder(
    grpc::CallbackServerContext* context, const v1::CancelServiceOrderRequest* request,
    v1::ServiceOrder* response) {
  return server::RunUnary(
      runtime_, context, "CancelServiceOrder", request, response,
      [this](const CallContext& call, const v1::CancelServiceOrderRequest& req,
             v1::ServiceOrder* resp) -> absl::Status {
        absl::StatusOr<std::string> order_id =
            api::ParseResourceName(req.name(), ServiceOrderTable().collection(), "name");
        if (!order_id.ok()) return order_id.status();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          auto order = ServiceOrderTable().Load<v1::ServiceOrder>(c, *order_id);
          if (!order) return NotFound(req.name());
          if (absl::Status s = api::CheckEtag(req.etag(), order->revision, req.name()); !s.ok()) {
            return s;
          }
          if (absl::Status s = RequireOpenOrder(order->resource); !s.ok()) return s;
          order->resource.set_state(v1::SERVICE_ORDER_STATE_CANCELLED);
          order->resource.clear_missing_parts();
          order->resource.clear_parts_status();
          // Stored as cancelled first: the parts it frees go to other orders.
          server::ReplaceResource(c, call, ServiceOrderTable(), *order_id, &order->revision,
                                  &order->resource);
          ReleaseReservations(c, call, *order_id);
          ReopenReturnOf(c, call, order->resource);
          *resp = order->resource;
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::CreateServiceConfirmation(
    grpc::CallbackServerContext* context, const v1::CreateServiceConfirmationRequest* request,
    v1::ServiceConfirmation* response) {
  return server::RunUnary(
      runtime_, context, "CreateServiceConfirmation", request, response,
      [this](const CallContext& call, const v1::CreateServiceConfirmationRequest& req,
             v1::ServiceConfirmation* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> order_id =
            api::ParseResourceName(req.parent(), ServiceOrderTable().collection(), "parent");
        violations.AddAll(order_id.status());
        violations.AddAll(api::ValidateRequestId(req.request_id(), "request_id"));
        v1::ServiceConfirmation confirmation = req.service_confirmation();
        confirmation.clear_name();
        confirmation.clear_author();
        confirmation.clear_create_time();
        ValidateConfirmation(confirmation, "service_confirmation", &violations);
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          return api::RunOnce(
              c, call.method, req.request_id(), api::RequestFingerprint(req),
              api::TimeToMicros(call.now), resp, [&]() -> absl::Status {
                auto order = ServiceOrderTable().Load<v1::ServiceOrder>(c, *order_id);
                if (!order) return NotFound(req.parent());
                v1::ServiceOrder& stored = order->resource;
                if (absl::Status s = RequireOpenOrder(stored); !s.ok()) return s;
                Violations items;
                CheckConfirmationItems(confirmation, stored, "service_confirmation", &items);
                if (!items.empty()) return items.ToStatus();
                std::map<std::string, money::Nanos> unit_prices;
                for (int i = 0; i < confirmation.materials_size(); ++i) {
                  const v1::MaterialEntry& used = confirmation.materials(i);
                  v1::SparePart part;
                  if (absl::Status s = ConsumePart(
                          c, call, *order_id, used.spare_part(), used.quantity(),
                          absl::StrCat("service_confirmation.materials[", i, "].quantity"), &part);
                      !s.ok()) {
                    return s;
                  }
                  if (part.unit_price().currency_code() != stored.currency_code()) {
                    return FailedPrecondition(
                        "CURRENCY_MISMATCH",
                        absl::StrCat("service_confirmation.materials[", i, "].spare_part"),
                        absl::StrCat(part.name(), " is priced in ",
                                     part.unit_price().currency_code()));
                  }
                  unit_prices[part.name()] = money::ToNanos(part.unit_price());
                }
                ComputeConfirmationAmounts(
                    stored, unit_prices,
                    LoadEntitlement(c, stored.component(), confirmation.work_date())
                        .value_or(v1::Entitlement()),
                    &confirmation);
                const std::string confirmation_id = api::NewId();
                confirmation.set_name(
                    absl::StrCat(req.parent(), "/confirmations/", confirmation_id));
                confirmation.set_author(call.caller.principal);
                *confirmation.mutable_create_time() =
                    api::MicrosToTimestamp(api::TimeToMicros(call.now));
                c.Run(
                    "INSERT INTO service_confirmations (order_id, confirmation_id, create_time, "
                    "data) VALUES (?1, ?2, ?3, ?4)",
                    {*order_id, confirmation_id, api::TimeToMicros(call.now),
                     confirmation.SerializeAsString()});
                feed::AppendChange(c, confirmation.name(), feed::v1::CHANGE_KIND_CREATED,
                                   &confirmation, call, req.request_id());
                if (confirmation.final()) {
                  stored.set_state(v1::SERVICE_ORDER_STATE_COMPLETED);
                  stored.clear_missing_parts();
                  stored.clear_parts_status();
                  server::ReplaceResource(c, call, ServiceOrderTable(), *order_id, &order->revision,
                                          &stored);
                  ReleaseReservations(c, call, *order_id);
                }
                *resp = confirmation;
                return absl::OkStatus();
              });
        });
      });
}

grpc::ServerUnaryReactor* ServiceOrderService::ListServiceConfirmations(
    grpc::CallbackServerContext* context, const v1::ListServiceConfirmationsRequest* request,
    v1::ListServiceConfirmationsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListServiceConfirmations", request, response,
      [this](const CallContext&, const v1::ListServiceConfirmationsRequest& req,
             v1::ListServiceConfirmationsResponse* resp) {
        return ListChildRows(
            runtime_, ServiceOrderTable(), "order_id", req.parent(), req.page_size(),
            req.page_token(), "service_confirmations",
            api::OrderBy{{{"create_time", false, true}, {"confirmation_id", false, false}}},
            resp->mutable_service_confirmations(), resp->mutable_next_page_token());
      });
}

}  // namespace crm::servicedesk
