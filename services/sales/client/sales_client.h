// The typed client of the sales service, for the services that hand work to
// sales or name its records (marketing converts leads into opportunities
// and reads what its campaigns brought in; the service desk checks the
// products it names). Deadlines and retries as common/client/peer_call.h
// describes.
#ifndef CRM_SERVICES_SALES_CLIENT_SALES_CLIENT_H_
#define CRM_SERVICES_SALES_CLIENT_SALES_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/client/peer_call.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "crm/sales/v1/pricing_service.grpc.pb.h"
#include "crm/sales/v1/sales_document_service.grpc.pb.h"

namespace crm::sales {

class SalesClient {
 public:
  SalesClient(std::shared_ptr<grpc::Channel> channel, client::PeerCallOptions options = {});

  // Retried on UNAVAILABLE only with a request_id.
  absl::StatusOr<v1::Opportunity> CreateOpportunity(const v1::CreateOpportunityRequest& request,
                                                    absl::Time deadline);
  absl::StatusOr<v1::Product> GetProduct(const v1::GetProductRequest& request, absl::Time deadline);
  absl::StatusOr<v1::ListSalesStagesResponse> ListSalesStages(
      const v1::ListSalesStagesRequest& request, absl::Time deadline);
  absl::StatusOr<v1::ListOpportunitiesResponse> ListOpportunities(
      const v1::ListOpportunitiesRequest& request, absl::Time deadline);
  absl::StatusOr<v1::ListSalesOrdersResponse> ListSalesOrders(
      const v1::ListSalesOrdersRequest& request, absl::Time deadline);
  // Retried on UNAVAILABLE only with a request_id.
  absl::StatusOr<v1::PriceCondition> CreatePriceCondition(
      const v1::CreatePriceConditionRequest& request, absl::Time deadline);
  // Retried on UNAVAILABLE only with an etag.
  absl::StatusOr<v1::PriceCondition> UpdatePriceCondition(
      const v1::UpdatePriceConditionRequest& request, absl::Time deadline);

 private:
  std::unique_ptr<v1::CatalogService::Stub> catalog_;
  std::unique_ptr<v1::OpportunityService::Stub> opportunities_;
  std::unique_ptr<v1::SalesDocumentService::Stub> documents_;
  std::unique_ptr<v1::PricingService::Stub> pricing_;
  client::PeerCallOptions options_;
};

// Checks that each of `products` ("products/{id}") exists in sales:
// NOT_FOUND naming the first that does not, UNAVAILABLE when sales cannot
// be reached by `deadline`.
absl::Status CheckProductsExist(SalesClient& sales, absl::Time deadline,
                                const std::vector<std::string>& products);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_CLIENT_SALES_CLIENT_H_
