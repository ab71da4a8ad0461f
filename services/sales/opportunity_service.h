// The gRPC face of the sales pipeline: sales stages and opportunities.
#ifndef CRM_SERVICES_SALES_OPPORTUNITY_SERVICE_H_
#define CRM_SERVICES_SALES_OPPORTUNITY_SERVICE_H_

#include <map>
#include <memory>
#include <string>

#include "common/server/runtime.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::sales {

class OpportunityService final : public v1::OpportunityService::CallbackService {
 public:
  OpportunityService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), partners_(std::move(partners)) {}

  grpc::ServerUnaryReactor* CreateSalesStage(grpc::CallbackServerContext* context,
                                             const v1::CreateSalesStageRequest* request,
                                             v1::SalesStage* response) override;
  grpc::ServerUnaryReactor* GetSalesStage(grpc::CallbackServerContext* context,
                                          const v1::GetSalesStageRequest* request,
                                          v1::SalesStage* response) override;
  grpc::ServerUnaryReactor* ListSalesStages(grpc::CallbackServerContext* context,
                                            const v1::ListSalesStagesRequest* request,
                                            v1::ListSalesStagesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSalesStage(grpc::CallbackServerContext* context,
                                             const v1::UpdateSalesStageRequest* request,
                                             v1::SalesStage* response) override;
  grpc::ServerUnaryReactor* DeleteSalesStage(grpc::CallbackServerContext* context,
                                             const v1::DeleteSalesStageRequest* request,
                                             google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateOpportunity(grpc::CallbackServerContext* context,
                                              const v1::CreateOpportunityRequest* request,
                                              v1::Opportunity* response) override;
  grpc::ServerUnaryReactor* GetOpportunity(grpc::CallbackServerContext* context,
                                           const v1::GetOpportunityRequest* request,
                                           v1::Opportunity* response) override;
  grpc::ServerUnaryReactor* ListOpportunities(grpc::CallbackServerContext* context,
                                              const v1::ListOpportunitiesRequest* request,
                                              v1::ListOpportunitiesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateOpportunity(grpc::CallbackServerContext* context,
                                              const v1::UpdateOpportunityRequest* request,
                                              v1::Opportunity* response) override;
  grpc::ServerUnaryReactor* WinOpportunity(grpc::CallbackServerContext* context,
                                           const v1::WinOpportunityRequest* request,
                                           v1::Opportunity* response) override;
  grpc::ServerUnaryReactor* LoseOpportunity(grpc::CallbackServerContext* context,
                                            const v1::LoseOpportunityRequest* request,
                                            v1::Opportunity* response) override;
  grpc::ServerUnaryReactor* ListStageChanges(grpc::CallbackServerContext* context,
                                             const v1::ListStageChangesRequest* request,
                                             v1::ListStageChangesResponse* response) override;

 private:
  // Checks with the partners service the partners `after` names that
  // `before` (null on create) did not name in the same part, and replaces
  // merged partners' names by their survivors'.
  // `renames`, if given, gets each replaced name and its replacement.
  // `resolved`, if given, gets each partner read.
  absl::Status CheckPartners(const server::CallContext& call, v1::Opportunity* after,
                             const v1::Opportunity* before,
                             std::map<std::string, std::string>* renames,
                             std::map<std::string, partners::v1::Partner>* resolved = nullptr);
  // Win or lose.
  absl::Status Close(const server::CallContext& call, const std::string& name,
                     const std::string& etag, v1::OpportunityState state,
                     const std::string& reason, const std::string& lost_to,
                     v1::Opportunity* response);

  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_OPPORTUNITY_SERVICE_H_
