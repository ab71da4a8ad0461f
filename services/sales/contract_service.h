// The gRPC face of contracts and their release orders.
#ifndef CRM_SERVICES_SALES_CONTRACT_SERVICE_H_
#define CRM_SERVICES_SALES_CONTRACT_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/sales/v1/contract_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::sales {

class ContractService final : public v1::ContractService::CallbackService {
 public:
  ContractService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), partners_(std::move(partners)) {}

  grpc::ServerUnaryReactor* CreateContract(grpc::CallbackServerContext* context,
                                           const v1::CreateContractRequest* request,
                                           v1::Contract* response) override;
  grpc::ServerUnaryReactor* GetContract(grpc::CallbackServerContext* context,
                                        const v1::GetContractRequest* request,
                                        v1::Contract* response) override;
  grpc::ServerUnaryReactor* ListContracts(grpc::CallbackServerContext* context,
                                          const v1::ListContractsRequest* request,
                                          v1::ListContractsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateContract(grpc::CallbackServerContext* context,
                                           const v1::UpdateContractRequest* request,
                                           v1::Contract* response) override;
  grpc::ServerUnaryReactor* CancelContract(grpc::CallbackServerContext* context,
                                           const v1::CancelContractRequest* request,
                                           v1::Contract* response) override;
  grpc::ServerUnaryReactor* CreateReleaseOrder(grpc::CallbackServerContext* context,
                                               const v1::CreateReleaseOrderRequest* request,
                                               v1::SalesOrder* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_CONTRACT_SERVICE_H_
