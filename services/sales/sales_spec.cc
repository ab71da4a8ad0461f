#include "services/sales/sales_spec.h"

#include "services/partners/client/partners_client.h"
#include "services/sales/activity_service.h"
#include "services/sales/catalog_service.h"
#include "services/sales/contract_service.h"
#include "services/sales/opportunity_service.h"
#include "services/sales/pricing_service.h"
#include "services/sales/sales_document_service.h"
#include "services/sales/planning_service.h"
#include "services/sales/schema.h"
#include "services/sales/territory_service.h"

namespace crm::sales {

server::ServiceSpec SalesSpec() {
  server::ServiceSpec spec;
  spec.defaults.service_name = "sales";
  spec.defaults.grpc_address = "127.0.0.1:50052";
  spec.defaults.metrics_address = "127.0.0.1:9402";
  spec.defaults.peers = {{"partners", "127.0.0.1:50051"}};
  spec.grpc_service_names = {"crm.sales.v1.CatalogService", "crm.sales.v1.PricingService",
                             "crm.sales.v1.OpportunityService", "crm.sales.v1.ActivityService",
                             "crm.sales.v1.SalesDocumentService", "crm.sales.v1.ContractService",
                             "crm.sales.v1.TerritoryService",
                             "crm.sales.v1.PlanningService"};
  spec.migrations = Migrations();
  spec.make_services = [](server::Runtime& runtime) {
    partners::PartnersClientOptions options;
    // A caller without a deadline should hear soon that partners is down.
    options.default_timeout = absl::Seconds(2);
    auto partners = std::make_shared<partners::PartnersClient>(
        partners::PartnersClient::MakeChannel(runtime.config().peers.at("partners")), options);
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<CatalogService>(runtime));
    services.push_back(std::make_unique<PricingService>(runtime, partners));
    services.push_back(std::make_unique<OpportunityService>(runtime, partners));
    services.push_back(std::make_unique<ActivityService>(runtime, partners));
    services.push_back(std::make_unique<SalesDocumentService>(runtime, partners));
    services.push_back(std::make_unique<ContractService>(runtime, partners));
    services.push_back(std::make_unique<TerritoryService>(runtime, partners));
    services.push_back(std::make_unique<PlanningService>(runtime, partners));
    return services;
  };
  return spec;
}

}  // namespace crm::sales
