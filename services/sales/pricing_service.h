// The gRPC face of pricing: price lists, condition records and PriceItems.
#ifndef CRM_SERVICES_SALES_PRICING_SERVICE_H_
#define CRM_SERVICES_SALES_PRICING_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/sales/v1/pricing_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::sales {

class PricingService final : public v1::PricingService::CallbackService {
 public:
  PricingService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), partners_(std::move(partners)) {}

  grpc::ServerUnaryReactor* CreatePriceList(grpc::CallbackServerContext* context,
                                            const v1::CreatePriceListRequest* request,
                                            v1::PriceList* response) override;
  grpc::ServerUnaryReactor* GetPriceList(grpc::CallbackServerContext* context,
                                         const v1::GetPriceListRequest* request,
                                         v1::PriceList* response) override;
  grpc::ServerUnaryReactor* ListPriceLists(grpc::CallbackServerContext* context,
                                           const v1::ListPriceListsRequest* request,
                                           v1::ListPriceListsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePriceList(grpc::CallbackServerContext* context,
                                            const v1::UpdatePriceListRequest* request,
                                            v1::PriceList* response) override;
  grpc::ServerUnaryReactor* DeletePriceList(grpc::CallbackServerContext* context,
                                            const v1::DeletePriceListRequest* request,
                                            google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreatePriceCondition(grpc::CallbackServerContext* context,
                                                 const v1::CreatePriceConditionRequest* request,
                                                 v1::PriceCondition* response) override;
  grpc::ServerUnaryReactor* GetPriceCondition(grpc::CallbackServerContext* context,
                                              const v1::GetPriceConditionRequest* request,
                                              v1::PriceCondition* response) override;
  grpc::ServerUnaryReactor* ListPriceConditions(grpc::CallbackServerContext* context,
                                                const v1::ListPriceConditionsRequest* request,
                                                v1::ListPriceConditionsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePriceCondition(grpc::CallbackServerContext* context,
                                                 const v1::UpdatePriceConditionRequest* request,
                                                 v1::PriceCondition* response) override;
  grpc::ServerUnaryReactor* DeletePriceCondition(grpc::CallbackServerContext* context,
                                                 const v1::DeletePriceConditionRequest* request,
                                                 google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* PriceItems(grpc::CallbackServerContext* context,
                                       const v1::PriceItemsRequest* request,
                                       v1::PriceItemsResponse* response) override;

 private:
  // A condition naming a customer may only name one partners knows.
  absl::Status CheckCustomer(const server::CallContext& call,
                             const v1::PriceCondition& condition);

  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_PRICING_SERVICE_H_
