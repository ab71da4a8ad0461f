// The gRPC face of the catalogue: tax classes and products.
#ifndef CRM_SERVICES_SALES_CATALOG_SERVICE_H_
#define CRM_SERVICES_SALES_CATALOG_SERVICE_H_

#include "common/server/runtime.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"

namespace crm::sales {

class CatalogService final : public v1::CatalogService::CallbackService {
 public:
  explicit CatalogService(server::Runtime& runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* CreateTaxClass(grpc::CallbackServerContext* context,
                                           const v1::CreateTaxClassRequest* request,
                                           v1::TaxClass* response) override;
  grpc::ServerUnaryReactor* GetTaxClass(grpc::CallbackServerContext* context,
                                        const v1::GetTaxClassRequest* request,
                                        v1::TaxClass* response) override;
  grpc::ServerUnaryReactor* ListTaxClasses(grpc::CallbackServerContext* context,
                                           const v1::ListTaxClassesRequest* request,
                                           v1::ListTaxClassesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTaxClass(grpc::CallbackServerContext* context,
                                           const v1::UpdateTaxClassRequest* request,
                                           v1::TaxClass* response) override;
  grpc::ServerUnaryReactor* DeleteTaxClass(grpc::CallbackServerContext* context,
                                           const v1::DeleteTaxClassRequest* request,
                                           google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateProduct(grpc::CallbackServerContext* context,
                                          const v1::CreateProductRequest* request,
                                          v1::Product* response) override;
  grpc::ServerUnaryReactor* GetProduct(grpc::CallbackServerContext* context,
                                       const v1::GetProductRequest* request,
                                       v1::Product* response) override;
  grpc::ServerUnaryReactor* ListProducts(grpc::CallbackServerContext* context,
                                         const v1::ListProductsRequest* request,
                                         v1::ListProductsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateProduct(grpc::CallbackServerContext* context,
                                          const v1::UpdateProductRequest* request,
                                          v1::Product* response) override;

 private:
  server::Runtime& runtime_;
};

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_CATALOG_SERVICE_H_
