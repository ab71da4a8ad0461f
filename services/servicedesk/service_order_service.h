// The gRPC face of field service: technicians, spare parts, service orders
// and confirmations.
#ifndef CRM_SERVICES_SERVICEDESK_SERVICE_ORDER_SERVICE_H_
#define CRM_SERVICES_SERVICEDESK_SERVICE_ORDER_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/servicedesk/v1/service_order_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"
#include "services/sales/client/sales_client.h"

namespace crm::servicedesk {

class ServiceOrderService final : public v1::ServiceOrderService::CallbackService {
 public:
  ServiceOrderService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners,
                      std::shared_ptr<sales::SalesClient> sales)
      : runtime_(runtime), partners_(std::move(partners)), sales_(std::move(sales)) {}

  grpc::ServerUnaryReactor* CreateTechnician(grpc::CallbackServerContext* context,
                                             const v1::CreateTechnicianRequest* request,
                                             v1::Technician* response) override;
  grpc::ServerUnaryReactor* GetTechnician(grpc::CallbackServerContext* context,
                                          const v1::GetTechnicianRequest* request,
                                          v1::Technician* response) override;
  grpc::ServerUnaryReactor* ListTechnicians(grpc::CallbackServerContext* context,
                                            const v1::ListTechniciansRequest* request,
                                            v1::ListTechniciansResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTechnician(grpc::CallbackServerContext* context,
                                             const v1::UpdateTechnicianRequest* request,
                                             v1::Technician* response) override;
  grpc::ServerUnaryReactor* CreateSparePart(grpc::CallbackServerContext* context,
                                            const v1::CreateSparePartRequest* request,
                                            v1::SparePart* response) override;
  grpc::ServerUnaryReactor* GetSparePart(grpc::CallbackServerContext* context,
                                         const v1::GetSparePartRequest* request,
                                         v1::SparePart* response) override;
  grpc::ServerUnaryReactor* ListSpareParts(grpc::CallbackServerContext* context,
                                           const v1::ListSparePartsRequest* request,
                                           v1::ListSparePartsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSparePart(grpc::CallbackServerContext* context,
                                            const v1::UpdateSparePartRequest* request,
                                            v1::SparePart* response) override;
  grpc::ServerUnaryReactor* ReceiveSpareParts(grpc::CallbackServerContext* context,
                                              const v1::ReceiveSparePartsRequest* request,
                                              v1::SparePart* response) override;
  grpc::ServerUnaryReactor* CreateServiceOrder(grpc::CallbackServerContext* context,
                                               const v1::CreateServiceOrderRequest* request,
                                               v1::ServiceOrder* response) override;
  grpc::ServerUnaryReactor* GetServiceOrder(grpc::CallbackServerContext* context,
                                            const v1::GetServiceOrderRequest* request,
                                            v1::ServiceOrder* response) override;
  grpc::ServerUnaryReactor* ListServiceOrders(grpc::CallbackServerContext* context,
                                              const v1::ListServiceOrdersRequest* request,
                                              v1::ListServiceOrdersResponse* response) override;
  grpc::ServerUnaryReactor* UpdateServiceOrder(grpc::CallbackServerContext* context,
                                               const v1::UpdateServiceOrderRequest* request,
                                               v1::ServiceOrder* response) override;
  grpc::ServerUnaryReactor* AssignTechnician(grpc::CallbackServerContext* context,
                                             const v1::AssignTechnicianRequest* request,
                                             v1::ServiceOrder* response) override;
  grpc::ServerUnaryReactor* CancelServiceOrder(grpc::CallbackServerContext* context,
                                               const v1::CancelServiceOrderRequest* request,
                                               v1::ServiceOrder* response) override;
  grpc::ServerUnaryReactor* CreateServiceConfirmation(
      grpc::CallbackServerContext* context, const v1::CreateServiceConfirmationRequest* request,
      v1::ServiceConfirmation* response) override;
  grpc::ServerUnaryReactor* ListServiceConfirmations(
      grpc::CallbackServerContext* context, const v1::ListServiceConfirmationsRequest* request,
      v1::ListServiceConfirmationsResponse* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
  std::shared_ptr<sales::SalesClient> sales_;
};

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_SERVICE_ORDER_SERVICE_H_
