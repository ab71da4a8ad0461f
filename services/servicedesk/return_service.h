// The gRPC face of returns and repairs.
#ifndef CRM_SERVICES_SERVICEDESK_RETURN_SERVICE_H_
#define CRM_SERVICES_SERVICEDESK_RETURN_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/servicedesk/v1/return_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::servicedesk {

class ReturnService final : public v1::ReturnService::CallbackService {
 public:
  ReturnService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), partners_(std::move(partners)) {}

  grpc::ServerUnaryReactor* CreateReturnAuthorization(
      grpc::CallbackServerContext* context, const v1::CreateReturnAuthorizationRequest* request,
      v1::ReturnAuthorization* response) override;
  grpc::ServerUnaryReactor* GetReturnAuthorization(grpc::CallbackServerContext* context,
                                                   const v1::GetReturnAuthorizationRequest* request,
                                                   v1::ReturnAuthorization* response) override;
  grpc::ServerUnaryReactor* ListReturnAuthorizations(
      grpc::CallbackServerContext* context, const v1::ListReturnAuthorizationsRequest* request,
      v1::ListReturnAuthorizationsResponse* response) override;
  grpc::ServerUnaryReactor* ReceiveReturn(grpc::CallbackServerContext* context,
                                          const v1::ReceiveReturnRequest* request,
                                          v1::ReturnAuthorization* response) override;
  grpc::ServerUnaryReactor* StartRepair(grpc::CallbackServerContext* context,
                                        const v1::StartRepairRequest* request,
                                        v1::ReturnAuthorization* response) override;
  grpc::ServerUnaryReactor* ShipReturn(grpc::CallbackServerContext* context,
                                       const v1::ShipReturnRequest* request,
                                       v1::ReturnAuthorization* response) override;
  grpc::ServerUnaryReactor* CancelReturn(grpc::CallbackServerContext* context,
                                         const v1::CancelReturnRequest* request,
                                         v1::ReturnAuthorization* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_RETURN_SERVICE_H_
