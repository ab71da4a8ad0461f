// The gRPC face of activities and the calendar.
#ifndef CRM_SERVICES_SALES_ACTIVITY_SERVICE_H_
#define CRM_SERVICES_SALES_ACTIVITY_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/sales/v1/activity_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::sales {

class ActivityService final : public v1::ActivityService::CallbackService {
 public:
  ActivityService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), partners_(std::move(partners)) {}

  grpc::ServerUnaryReactor* CreateActivity(grpc::CallbackServerContext* context,
                                           const v1::CreateActivityRequest* request,
                                           v1::Activity* response) override;
  grpc::ServerUnaryReactor* GetActivity(grpc::CallbackServerContext* context,
                                        const v1::GetActivityRequest* request,
                                        v1::Activity* response) override;
  grpc::ServerUnaryReactor* ListActivities(grpc::CallbackServerContext* context,
                                           const v1::ListActivitiesRequest* request,
                                           v1::ListActivitiesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateActivity(grpc::CallbackServerContext* context,
                                           const v1::UpdateActivityRequest* request,
                                           v1::Activity* response) override;
  grpc::ServerUnaryReactor* DeleteActivity(grpc::CallbackServerContext* context,
                                           const v1::DeleteActivityRequest* request,
                                           google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* ListCalendar(grpc::CallbackServerContext* context,
                                         const v1::ListCalendarRequest* request,
                                         v1::ListCalendarResponse* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_ACTIVITY_SERVICE_H_
