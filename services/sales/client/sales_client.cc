#include "services/sales/client/sales_client.h"

namespace crm::sales {

SalesClient::SalesClient(std::shared_ptr<grpc::Channel> channel, client::PeerCallOptions options)
    : opportunities_(v1::OpportunityService::NewStub(channel)),
      documents_(v1::SalesDocumentService::NewStub(channel)),
      pricing_(v1::PricingService::NewStub(channel)),
      options_(options) {}

absl::StatusOr<v1::Opportunity> SalesClient::CreateOpportunity(
    const v1::CreateOpportunityRequest& request, absl::Time deadline) {
  return client::InvokePeer(*opportunities_, &v1::OpportunityService::Stub::CreateOpportunity,
                            request, !request.request_id().empty(), deadline, options_);
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

}  // namespace crm::sales
