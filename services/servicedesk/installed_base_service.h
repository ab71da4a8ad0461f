// The gRPC face of the installed base, warranties and entitlement checks.
#ifndef CRM_SERVICES_SERVICEDESK_INSTALLED_BASE_SERVICE_H_
#define CRM_SERVICES_SERVICEDESK_INSTALLED_BASE_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/servicedesk/v1/installed_base_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"
#include "services/sales/client/sales_client.h"

namespace crm::servicedesk {

class InstalledBaseService final : public v1::InstalledBaseService::CallbackService {
 public:
  InstalledBaseService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners,
                       std::shared_ptr<sales::SalesClient> sales)
      : runtime_(runtime), partners_(std::move(partners)), sales_(std::move(sales)) {}

  grpc::ServerUnaryReactor* CreateInstalledComponent(
      grpc::CallbackServerContext* context, const v1::CreateInstalledComponentRequest* request,
      v1::InstalledComponent* response) override;
  grpc::ServerUnaryReactor* GetInstalledComponent(grpc::CallbackServerContext* context,
                                                  const v1::GetInstalledComponentRequest* request,
                                                  v1::InstalledComponent* response) override;
  grpc::ServerUnaryReactor* ListInstalledComponents(
      grpc::CallbackServerContext* context, const v1::ListInstalledComponentsRequest* request,
      v1::ListInstalledComponentsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateInstalledComponent(
      grpc::CallbackServerContext* context, const v1::UpdateInstalledComponentRequest* request,
      v1::InstalledComponent* response) override;
  grpc::ServerUnaryReactor* DeleteInstalledComponent(
      grpc::CallbackServerContext* context, const v1::DeleteInstalledComponentRequest* request,
      google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateWarranty(grpc::CallbackServerContext* context,
                                           const v1::CreateWarrantyRequest* request,
                                           v1::Warranty* response) override;
  grpc::ServerUnaryReactor* ListWarranties(grpc::CallbackServerContext* context,
                                           const v1::ListWarrantiesRequest* request,
                                           v1::ListWarrantiesResponse* response) override;
  grpc::ServerUnaryReactor* CreateServiceContract(grpc::CallbackServerContext* context,
                                                  const v1::CreateServiceContractRequest* request,
                                                  v1::ServiceContract* response) override;
  grpc::ServerUnaryReactor* GetServiceContract(grpc::CallbackServerContext* context,
                                               const v1::GetServiceContractRequest* request,
                                               v1::ServiceContract* response) override;
  grpc::ServerUnaryReactor* ListServiceContracts(
      grpc::CallbackServerContext* context, const v1::ListServiceContractsRequest* request,
      v1::ListServiceContractsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateServiceContract(grpc::CallbackServerContext* context,
                                                  const v1::UpdateServiceContractRequest* request,
                                                  v1::ServiceContract* response) override;
  grpc::ServerUnaryReactor* CheckEntitlement(grpc::CallbackServerContext* context,
                                             const v1::CheckEntitlementRequest* request,
                                             v1::Entitlement* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
  std::shared_ptr<sales::SalesClient> sales_;
};

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_INSTALLED_BASE_SERVICE_H_
