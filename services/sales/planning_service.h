// The gRPC face of sales targets, the forecast and commissions.
#ifndef CRM_SERVICES_SALES_PLANNING_SERVICE_H_
#define CRM_SERVICES_SALES_PLANNING_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/sales/v1/planning_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::sales {

class PlanningService final : public v1::PlanningService::CallbackService {
 public:
  PlanningService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), partners_(std::move(partners)) {}

  grpc::ServerUnaryReactor* CreateSalesTarget(grpc::CallbackServerContext* context,
                                              const v1::CreateSalesTargetRequest* request,
                                              v1::SalesTarget* response) override;
  grpc::ServerUnaryReactor* GetSalesTarget(grpc::CallbackServerContext* context,
                                           const v1::GetSalesTargetRequest* request,
                                           v1::SalesTarget* response) override;
  grpc::ServerUnaryReactor* ListSalesTargets(grpc::CallbackServerContext* context,
                                             const v1::ListSalesTargetsRequest* request,
                                             v1::ListSalesTargetsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSalesTarget(grpc::CallbackServerContext* context,
                                              const v1::UpdateSalesTargetRequest* request,
                                              v1::SalesTarget* response) override;
  grpc::ServerUnaryReactor* DeleteSalesTarget(grpc::CallbackServerContext* context,
                                              const v1::DeleteSalesTargetRequest* request,
                                              google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* ForecastSales(grpc::CallbackServerContext* context,
                                          const v1::ForecastSalesRequest* request,
                                          v1::ForecastSalesResponse* response) override;
  grpc::ServerUnaryReactor* CreateCommissionPlan(grpc::CallbackServerContext* context,
                                                 const v1::CreateCommissionPlanRequest* request,
                                                 v1::CommissionPlan* response) override;
  grpc::ServerUnaryReactor* GetCommissionPlan(grpc::CallbackServerContext* context,
                                              const v1::GetCommissionPlanRequest* request,
                                              v1::CommissionPlan* response) override;
  grpc::ServerUnaryReactor* ListCommissionPlans(grpc::CallbackServerContext* context,
                                                const v1::ListCommissionPlansRequest* request,
                                                v1::ListCommissionPlansResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCommissionPlan(grpc::CallbackServerContext* context,
                                                 const v1::UpdateCommissionPlanRequest* request,
                                                 v1::CommissionPlan* response) override;
  grpc::ServerUnaryReactor* DeleteCommissionPlan(grpc::CallbackServerContext* context,
                                                 const v1::DeleteCommissionPlanRequest* request,
                                                 google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* ComputeCommissions(grpc::CallbackServerContext* context,
                                               const v1::ComputeCommissionsRequest* request,
                                               v1::ComputeCommissionsResponse* response) override;

 private:
  // Checks with partners that each named rep is an employee, storing
  // merged ones under their survivors.
  absl::Status CheckReps(const server::CallContext& call,
                         const std::vector<std::pair<std::string*, std::string>>& reps);

  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_PLANNING_SERVICE_H_
