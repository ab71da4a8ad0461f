// The gRPC face of quotations and sales orders.
#ifndef CRM_SERVICES_SALES_SALES_DOCUMENT_SERVICE_H_
#define CRM_SERVICES_SALES_SALES_DOCUMENT_SERVICE_H_

#include <memory>

#include "common/db/resource_table.h"
#include "common/server/runtime.h"
#include "crm/sales/v1/sales_document_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::sales {

class SalesDocumentService final : public v1::SalesDocumentService::CallbackService {
 public:
  SalesDocumentService(server::Runtime& runtime,
                       std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), partners_(std::move(partners)) {}

  grpc::ServerUnaryReactor* CreateQuotation(grpc::CallbackServerContext* context,
                                            const v1::CreateQuotationRequest* request,
                                            v1::Quotation* response) override;
  grpc::ServerUnaryReactor* GetQuotation(grpc::CallbackServerContext* context,
                                         const v1::GetQuotationRequest* request,
                                         v1::Quotation* response) override;
  grpc::ServerUnaryReactor* ListQuotations(grpc::CallbackServerContext* context,
                                           const v1::ListQuotationsRequest* request,
                                           v1::ListQuotationsResponse* response) override;
  grpc::ServerUnaryReactor* RejectQuotation(grpc::CallbackServerContext* context,
                                            const v1::RejectQuotationRequest* request,
                                            v1::Quotation* response) override;
  grpc::ServerUnaryReactor* OrderQuotation(grpc::CallbackServerContext* context,
                                           const v1::OrderQuotationRequest* request,
                                           v1::SalesOrder* response) override;
  grpc::ServerUnaryReactor* CreateSalesOrder(grpc::CallbackServerContext* context,
                                             const v1::CreateSalesOrderRequest* request,
                                             v1::SalesOrder* response) override;
  grpc::ServerUnaryReactor* GetSalesOrder(grpc::CallbackServerContext* context,
                                          const v1::GetSalesOrderRequest* request,
                                          v1::SalesOrder* response) override;
  grpc::ServerUnaryReactor* ListSalesOrders(grpc::CallbackServerContext* context,
                                            const v1::ListSalesOrdersRequest* request,
                                            v1::ListSalesOrdersResponse* response) override;
  grpc::ServerUnaryReactor* CompleteSalesOrder(grpc::CallbackServerContext* context,
                                               const v1::CompleteSalesOrderRequest* request,
                                               v1::SalesOrder* response) override;
  grpc::ServerUnaryReactor* CancelSalesOrder(grpc::CallbackServerContext* context,
                                             const v1::CancelSalesOrderRequest* request,
                                             v1::SalesOrder* response) override;

 private:
  // Creates a quotation or an order priced today for its customer.
  template <typename Document>
  absl::Status CreatePriced(const server::CallContext& call, const db::ResourceTable& table,
                            const char* field, Document document, const std::string& request_id,
                            const google::protobuf::Message& request, Document* response);

  // Completes or cancels an open order.
  absl::Status FinishOrder(const server::CallContext& call, const std::string& name,
                           const std::string& etag, v1::SalesOrderState state,
                           const std::string& reason, v1::SalesOrder* response);

  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_SALES_DOCUMENT_SERVICE_H_
