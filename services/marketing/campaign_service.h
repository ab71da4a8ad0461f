// The gRPC face of campaigns, their lifecycle and the marketing calendar.
#ifndef CRM_SERVICES_MARKETING_CAMPAIGN_SERVICE_H_
#define CRM_SERVICES_MARKETING_CAMPAIGN_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/marketing/v1/campaign_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"
#include "services/sales/client/sales_client.h"

namespace crm::marketing {

class CampaignService final : public v1::CampaignService::CallbackService {
 public:
  CampaignService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners,
                  std::shared_ptr<sales::SalesClient> sales)
      : runtime_(runtime), partners_(std::move(partners)), sales_(std::move(sales)) {}

  grpc::ServerUnaryReactor* CreateCampaign(grpc::CallbackServerContext* context,
                                           const v1::CreateCampaignRequest* request,
                                           v1::Campaign* response) override;
  grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext* context,
                                        const v1::GetCampaignRequest* request,
                                        v1::Campaign* response) override;
  grpc::ServerUnaryReactor* ListCampaigns(grpc::CallbackServerContext* context,
                                          const v1::ListCampaignsRequest* request,
                                          v1::ListCampaignsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCampaign(grpc::CallbackServerContext* context,
                                           const v1::UpdateCampaignRequest* request,
                                           v1::Campaign* response) override;
  grpc::ServerUnaryReactor* DeleteCampaign(grpc::CallbackServerContext* context,
                                           const v1::DeleteCampaignRequest* request,
                                           google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* ReleaseCampaign(grpc::CallbackServerContext* context,
                                            const v1::ReleaseCampaignRequest* request,
                                            v1::Campaign* response) override;
  grpc::ServerUnaryReactor* StartCampaign(grpc::CallbackServerContext* context,
                                          const v1::StartCampaignRequest* request,
                                          v1::Campaign* response) override;
  grpc::ServerUnaryReactor* PauseCampaign(grpc::CallbackServerContext* context,
                                          const v1::PauseCampaignRequest* request,
                                          v1::Campaign* response) override;
  grpc::ServerUnaryReactor* ResumeCampaign(grpc::CallbackServerContext* context,
                                           const v1::ResumeCampaignRequest* request,
                                           v1::Campaign* response) override;
  grpc::ServerUnaryReactor* FinishCampaign(grpc::CallbackServerContext* context,
                                           const v1::FinishCampaignRequest* request,
                                           v1::Campaign* response) override;
  grpc::ServerUnaryReactor* CopyCampaign(grpc::CallbackServerContext* context,
                                         const v1::CopyCampaignRequest* request,
                                         v1::Campaign* response) override;
  grpc::ServerUnaryReactor* ListCalendarEntries(grpc::CallbackServerContext* context,
                                                const v1::ListCalendarEntriesRequest* request,
                                                v1::ListCalendarEntriesResponse* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
  std::shared_ptr<sales::SalesClient> sales_;
};

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_CAMPAIGN_SERVICE_H_
