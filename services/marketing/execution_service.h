// The gRPC face of campaign execution: waves released into contacts,
// responses, and campaign performance.
#ifndef CRM_SERVICES_MARKETING_EXECUTION_SERVICE_H_
#define CRM_SERVICES_MARKETING_EXECUTION_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/marketing/v1/execution_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"
#include "services/sales/client/sales_client.h"

namespace crm::marketing {

class ExecutionService final : public v1::ExecutionService::CallbackService {
 public:
  ExecutionService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners,
                   std::shared_ptr<sales::SalesClient> sales)
      : runtime_(runtime), partners_(std::move(partners)), sales_(std::move(sales)) {}

  grpc::ServerUnaryReactor* ReleaseWave(grpc::CallbackServerContext* context,
                                        const v1::ReleaseWaveRequest* request,
                                        v1::WaveRelease* response) override;
  grpc::ServerUnaryReactor* GetContact(grpc::CallbackServerContext* context,
                                       const v1::GetContactRequest* request,
                                       v1::Contact* response) override;
  grpc::ServerUnaryReactor* ListContacts(grpc::CallbackServerContext* context,
                                         const v1::ListContactsRequest* request,
                                         v1::ListContactsResponse* response) override;
  grpc::ServerUnaryReactor* RecordResponse(grpc::CallbackServerContext* context,
                                           const v1::RecordResponseRequest* request,
                                           v1::Response* response) override;
  grpc::ServerUnaryReactor* ListResponses(grpc::CallbackServerContext* context,
                                          const v1::ListResponsesRequest* request,
                                          v1::ListResponsesResponse* response) override;
  grpc::ServerUnaryReactor* GetCampaignPerformance(grpc::CallbackServerContext* context,
                                                   const v1::GetCampaignPerformanceRequest* request,
                                                   v1::CampaignPerformance* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
  std::shared_ptr<sales::SalesClient> sales_;
};

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_EXECUTION_SERVICE_H_
