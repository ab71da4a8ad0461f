// The gRPC face of service levels: business-hour calendars and policies.
#ifndef CRM_SERVICES_SERVICEDESK_SLA_SERVICE_H_
#define CRM_SERVICES_SERVICEDESK_SLA_SERVICE_H_

#include "common/server/runtime.h"
#include "crm/servicedesk/v1/sla_service.grpc.pb.h"

namespace crm::servicedesk {

class SlaService final : public v1::SlaService::CallbackService {
 public:
  explicit SlaService(server::Runtime& runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* CreateSlaCalendar(grpc::CallbackServerContext* context,
                                              const v1::CreateSlaCalendarRequest* request,
                                              v1::SlaCalendar* response) override;
  grpc::ServerUnaryReactor* GetSlaCalendar(grpc::CallbackServerContext* context,
                                           const v1::GetSlaCalendarRequest* request,
                                           v1::SlaCalendar* response) override;
  grpc::ServerUnaryReactor* ListSlaCalendars(grpc::CallbackServerContext* context,
                                             const v1::ListSlaCalendarsRequest* request,
                                             v1::ListSlaCalendarsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSlaCalendar(grpc::CallbackServerContext* context,
                                              const v1::UpdateSlaCalendarRequest* request,
                                              v1::SlaCalendar* response) override;
  grpc::ServerUnaryReactor* DeleteSlaCalendar(grpc::CallbackServerContext* context,
                                              const v1::DeleteSlaCalendarRequest* request,
                                              google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateSlaPolicy(grpc::CallbackServerContext* context,
                                            const v1::CreateSlaPolicyRequest* request,
                                            v1::SlaPolicy* response) override;
  grpc::ServerUnaryReactor* GetSlaPolicy(grpc::CallbackServerContext* context,
                                         const v1::GetSlaPolicyRequest* request,
                                         v1::SlaPolicy* response) override;
  grpc::ServerUnaryReactor* ListSlaPolicies(grpc::CallbackServerContext* context,
                                            const v1::ListSlaPoliciesRequest* request,
                                            v1::ListSlaPoliciesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSlaPolicy(grpc::CallbackServerContext* context,
                                            const v1::UpdateSlaPolicyRequest* request,
                                            v1::SlaPolicy* response) override;
  grpc::ServerUnaryReactor* DeleteSlaPolicy(grpc::CallbackServerContext* context,
                                            const v1::DeleteSlaPolicyRequest* request,
                                            google::protobuf::Empty* response) override;

 private:
  server::Runtime& runtime_;
};

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_SLA_SERVICE_H_
