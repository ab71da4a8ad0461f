// The gRPC face of marketing plans and cost items.
#ifndef CRM_SERVICES_MARKETING_MARKETING_PLAN_SERVICE_H_
#define CRM_SERVICES_MARKETING_MARKETING_PLAN_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/marketing/v1/marketing_plan_service.grpc.pb.h"

namespace crm::marketing {

class MarketingPlanService final : public v1::MarketingPlanService::CallbackService {
 public:
  explicit MarketingPlanService(server::Runtime& runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* CreateMarketingPlan(grpc::CallbackServerContext* context,
                                                const v1::CreateMarketingPlanRequest* request,
                                                v1::MarketingPlan* response) override;
  grpc::ServerUnaryReactor* GetMarketingPlan(grpc::CallbackServerContext* context,
                                             const v1::GetMarketingPlanRequest* request,
                                             v1::MarketingPlan* response) override;
  grpc::ServerUnaryReactor* ListMarketingPlans(grpc::CallbackServerContext* context,
                                               const v1::ListMarketingPlansRequest* request,
                                               v1::ListMarketingPlansResponse* response) override;
  grpc::ServerUnaryReactor* UpdateMarketingPlan(grpc::CallbackServerContext* context,
                                                const v1::UpdateMarketingPlanRequest* request,
                                                v1::MarketingPlan* response) override;
  grpc::ServerUnaryReactor* DeleteMarketingPlan(grpc::CallbackServerContext* context,
                                                const v1::DeleteMarketingPlanRequest* request,
                                                google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateCostItem(grpc::CallbackServerContext* context,
                                           const v1::CreateCostItemRequest* request,
                                           v1::CostItem* response) override;
  grpc::ServerUnaryReactor* GetCostItem(grpc::CallbackServerContext* context,
                                        const v1::GetCostItemRequest* request,
                                        v1::CostItem* response) override;
  grpc::ServerUnaryReactor* ListCostItems(grpc::CallbackServerContext* context,
                                          const v1::ListCostItemsRequest* request,
                                          v1::ListCostItemsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCostItem(grpc::CallbackServerContext* context,
                                           const v1::UpdateCostItemRequest* request,
                                           v1::CostItem* response) override;
  grpc::ServerUnaryReactor* DeleteCostItem(grpc::CallbackServerContext* context,
                                           const v1::DeleteCostItemRequest* request,
                                           google::protobuf::Empty* response) override;

 private:
  server::Runtime& runtime_;
};

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_MARKETING_PLAN_SERVICE_H_
