#include "services/sales/client/sales_client.h"

#include <set>

#include "common/errors.h"

namespace crm::sales {

SalesClient::SalesClient(std::shared_ptr<grpc::Channel> channel, client::PeerCallOptions options)
    : catalog_(v1::CatalogService::NewStub(channel)),
      opportunities_(v1::OpportunityService::NewStub(channel)),
      documents_(v1::SalesDocumentService::NewStub(channel)),
      pricing_(v1::PricingService::NewStub(channel)),
      options_(options) {}

absl::StatusOr<v1::Opportunity> SalesClient::CreateOpportunity(
    const v1::CreateOpportunityRequest& request, absl::Time deadline) {
  return client::InvokePeer(*opportunities_, &v1::OpportunityService::Stub::CreateOpportunity,
                            request, !request.request_id().empty(), deadline, options_);
}

absl::StatusOr<v1::Product> SalesClient::GetProduct(const v1::GetProductRequest& request,
                                                    absl::Time deadline) {
  return client::InvokePeer(*catalog_, &v1::CatalogService::Stub::GetProduct, request, true,
                            deadline, options_);
}

absl::StatusOr<v1::ListSalesStagesResponse> SalesClient::ListSalesStages(
    const v1::ListSalesStagesRequest& request, absl::Time deadline) {
  return client::InvokePeer(*opportunities_, &v1::OpportunityService::Stub::ListSalesStages,
                            request, true, deadline, options_);
}

absl::StatusOr<v1::ListOpportunitiesResponse> SalesClient::ListOpportunities(
    const v1::ListOpportunitiesRequest& request, absl::Time deadline) {
  return client::InvokePeer(*opportunities_, &v1::OpportunityService::Stub::ListOpportunities,
                            request, true, deadline, options_);
}

absl::StatusOr<v1::ListSalesOrdersResponse> SalesClient::ListSalesOrders(
    const v1::ListSalesOrdersRequest& request, absl::Time deadline) {
  return client::InvokePeer(*documents_, &v1::SalesDocumentService::Stub::ListSalesOrders, request,
                            true, deadline, options_);
}

absl::StatusOr<v1::PriceCondition> SalesClient::CreatePriceCondition(
    const v1::CreatePriceConditionRequest& request, absl::Time deadline) {
  return client::InvokePeer(*pricing_, &v1::PricingService::Stub::CreatePriceCondition, request,
                            !request.request_id().empty(), deadline, options_);
}

absl::StatusOr<v1::PriceCondition> SalesClient::UpdatePriceCondition(
    const v1::UpdatePriceConditionRequest& request, absl::Time deadline) {
  return client::InvokePeer(*pricing_, &v1::PricingService::Stub::UpdatePriceCondition, request,
                            !request.price_condition().etag().empty(), deadline, options_);
}

absl::Status CheckProductsExist(SalesClient& sales, absl::Time deadline,
                                const std::vector<std::string>& products) {
  std::set<std::string> asked;
  for (const std::string& product : products) {
    if (product.empty() || !asked.insert(product).second) continue;
    v1::GetProductRequest request;
    request.set_name(product);
    absl::StatusOr<v1::Product> found = sales.GetProduct(request, deadline);
    if (absl::IsNotFound(found.status())) return NotFound(product);
    if (!found.ok()) return client::PeerFailure(found.status(), "sales", "check products");
  }
  return absl::OkStatus();
}

}  // namespace crm::sales
