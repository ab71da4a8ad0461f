#include "services/servicedesk/sla_service.h"

#include "absl/strings/str_cat.h"
#include "common/server/resource_handlers.h"
#include "services/servicedesk/schema.h"
#include "services/servicedesk/sla_rules.h"

namespace crm::servicedesk {
namespace {

using server::CallContext;
using server::ResourceKind;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

ResourceKind<v1::SlaCalendar> Calendars() {
  ResourceKind<v1::SlaCalendar> kind;
  kind.table = &SlaCalendarTable();
  kind.field = "sla_calendar";
  kind.validate = ValidateSlaCalendar;
  kind.check_delete = [](db::Connection& c, const v1::SlaCalendar& calendar) -> absl::Status {
    if (c.QueryInt64("SELECT count(*) FROM sla_policies WHERE calendar = ?1", {calendar.name()}) >
        0) {
      return FailedPrecondition("IN_USE", calendar.name(), "is the calendar of SLA policies");
    }
    if (c.QueryInt64("SELECT count(*) FROM tickets WHERE sla_calendar = ?1 AND status NOT IN (?2, "
                     "?3)",
                     {calendar.name(), int64_t{v1::TICKET_STATUS_RESOLVED},
                      int64_t{v1::TICKET_STATUS_CLOSED}}) > 0) {
      return FailedPrecondition("IN_USE", calendar.name(), "is the calendar of open tickets");
    }
    return absl::OkStatus();
  };
  return kind;
}

ResourceKind<v1::SlaPolicy> Policies() {
  ResourceKind<v1::SlaPolicy> kind;
  kind.table = &SlaPolicyTable();
  kind.field = "sla_policy";
  kind.validate = ValidateSlaPolicy;
  kind.check_stored = [](db::Connection& c, const v1::SlaPolicy*,
                         const v1::SlaPolicy& policy) -> absl::Status {
    if (!SlaCalendarTable().Exists(c, IdOf(policy.calendar()))) return NotFound(policy.calendar());
    return absl::OkStatus();
  };
  return kind;
}

const std::vector<api::FilterField>& PolicyFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"calendar", api::FieldType::kString, "calendar", {}},
      {"precedence", api::FieldType::kInt, "precedence", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& PolicyOrderFields() {
  static const auto* fields = new std::vector<api::OrderField>{
      {"precedence", "precedence", true}, {"create_time", "create_time", true}};
  return *fields;
}

const std::vector<api::OrderField>& OldestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

}  // namespace

grpc::ServerUnaryReactor* SlaService::CreateSlaCalendar(grpc::CallbackServerContext* context,
                                                        const v1::CreateSlaCalendarRequest* request,
                                                        v1::SlaCalendar* response) {
  return server::RunUnary(runtime_, context, "CreateSlaCalendar", request, response,
                          [this](const CallContext& call, const v1::CreateSlaCalendarRequest& req,
                                 v1::SlaCalendar* resp) {
                            return server::CreateResource(
                                runtime_, call, Calendars(), "", "",
                                req.has_sla_calendar() ? &req.sla_calendar() : nullptr,
                                req.request_id(), req, resp);
                          });
}

grpc::ServerUnaryReactor* SlaService::GetSlaCalendar(grpc::CallbackServerContext* context,
                                                     const v1::GetSlaCalendarRequest* request,
                                                     v1::SlaCalendar* response) {
  return server::RunUnary(
      runtime_, context, "GetSlaCalendar", request, response,
      [this](const CallContext&, const v1::GetSlaCalendarRequest& req, v1::SlaCalendar* resp) {
        return server::GetResource(runtime_, Calendars(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* SlaService::ListSlaCalendars(grpc::CallbackServerContext* context,
                                                       const v1::ListSlaCalendarsRequest* request,
                                                       v1::ListSlaCalendarsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListSlaCalendars", request, response,
      [this](const CallContext&, const v1::ListSlaCalendarsRequest& req,
             v1::ListSlaCalendarsResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), "", "", {}, OldestFirstFields(), "create_time");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Calendars(), *query, resp->mutable_sla_calendars(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* SlaService::UpdateSlaCalendar(grpc::CallbackServerContext* context,
                                                        const v1::UpdateSlaCalendarRequest* request,
                                                        v1::SlaCalendar* response) {
  return server::RunUnary(runtime_, context, "UpdateSlaCalendar", request, response,
                          [this](const CallContext& call, const v1::UpdateSlaCalendarRequest& req,
                                 v1::SlaCalendar* resp) {
                            return server::UpdateResource(
                                runtime_, call, Calendars(),
                                req.has_sla_calendar() ? &req.sla_calendar() : nullptr,
                                req.update_mask(), resp);
                          });
}

grpc::ServerUnaryReactor* SlaService::DeleteSlaCalendar(grpc::CallbackServerContext* context,
                                                        const v1::DeleteSlaCalendarRequest* request,
                                                        google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteSlaCalendar", request, response,
                          [this](const CallContext& call, const v1::DeleteSlaCalendarRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, Calendars(), req.name(),
                                                          req.etag());
                          });
}

grpc::ServerUnaryReactor* SlaService::CreateSlaPolicy(grpc::CallbackServerContext* context,
                                                      const v1::CreateSlaPolicyRequest* request,
                                                      v1::SlaPolicy* response) {
  return server::RunUnary(
      runtime_, context, "CreateSlaPolicy", request, response,
      [this](const CallContext& call, const v1::CreateSlaPolicyRequest& req, v1::SlaPolicy* resp) {
        return server::CreateResource(runtime_, call, Policies(), "", "",
                                      req.has_sla_policy() ? &req.sla_policy() : nullptr,
                                      req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* SlaService::GetSlaPolicy(grpc::CallbackServerContext* context,
                                                   const v1::GetSlaPolicyRequest* request,
                                                   v1::SlaPolicy* response) {
  return server::RunUnary(
      runtime_, context, "GetSlaPolicy", request, response,
      [this](const CallContext&, const v1::GetSlaPolicyRequest& req, v1::SlaPolicy* resp) {
        return server::GetResource(runtime_, Policies(), req.name(), resp);
      });
}

grpc::ServerUnaryReactor* SlaService::ListSlaPolicies(grpc::CallbackServerContext* context,
                                                      const v1::ListSlaPoliciesRequest* request,
                                                      v1::ListSlaPoliciesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListSlaPolicies", request, response,
      [this](const CallContext&, const v1::ListSlaPoliciesRequest& req,
             v1::ListSlaPoliciesResponse* resp) -> absl::Status {
        absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
            req.page_size(), req.page_token(), req.filter(), "", PolicyFilterFields(),
            PolicyOrderFields(), "precedence, create_time");
        if (!query.ok()) return query.status();
        return server::ListResources(runtime_, Policies(), *query, resp->mutable_sla_policies(),
                                     resp->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* SlaService::UpdateSlaPolicy(grpc::CallbackServerContext* context,
                                                      const v1::UpdateSlaPolicyRequest* request,
                                                      v1::SlaPolicy* response) {
  return server::RunUnary(
      runtime_, context, "UpdateSlaPolicy", request, response,
      [this](const CallContext& call, const v1::UpdateSlaPolicyRequest& req, v1::SlaPolicy* resp) {
        return server::UpdateResource(runtime_, call, Policies(),
                                      req.has_sla_policy() ? &req.sla_policy() : nullptr,
                                      req.update_mask(), resp);
      });
}

grpc::ServerUnaryReactor* SlaService::DeleteSlaPolicy(grpc::CallbackServerContext* context,
                                                      const v1::DeleteSlaPolicyRequest* request,
                                                      google::protobuf::Empty* response) {
  return server::RunUnary(runtime_, context, "DeleteSlaPolicy", request, response,
                          [this](const CallContext& call, const v1::DeleteSlaPolicyRequest& req,
                                 google::protobuf::Empty*) {
                            return server::DeleteResource(runtime_, call, Policies(), req.name(),
                                                          req.etag());
                          });
}

}  // namespace crm::servicedesk
