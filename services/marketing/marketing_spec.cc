#include "services/marketing/marketing_spec.h"

#include "services/marketing/automation_follower.h"
#include "services/marketing/automation_service.h"
#include "services/marketing/campaign_service.h"
#include "services/marketing/execution_service.h"
#include "services/marketing/lead_service.h"
#include "services/marketing/marketing_plan_service.h"
#include "services/marketing/schema.h"
#include "services/marketing/segment_service.h"
#include "services/partners/client/partners_client.h"
#include "services/sales/client/sales_client.h"

namespace crm::marketing {

server::ServiceSpec MarketingSpec() {
  server::ServiceSpec spec;
  spec.defaults.service_name = "marketing";
  spec.defaults.grpc_address = "127.0.0.1:50053";
  spec.defaults.metrics_address = "127.0.0.1:9403";
  // Servicedesk's feed is followed for automation rules on its records.
  spec.defaults.peers = {{"partners", "127.0.0.1:50051"},
                         {"sales", "127.0.0.1:50052"},
                         {"servicedesk", "127.0.0.1:50054"}};
  spec.grpc_service_names = {
      "crm.marketing.v1.MarketingPlanService", "crm.marketing.v1.CampaignService",
      "crm.marketing.v1.SegmentService",       "crm.marketing.v1.LeadService",
      "crm.marketing.v1.ExecutionService",     "crm.marketing.v1.AutomationService"};
  spec.migrations = Migrations();
  spec.make_services = [](server::Runtime& runtime) {
    client::PeerCallOptions options;
    // A caller without a deadline should hear soon that a peer is down.
    options.default_timeout = absl::Seconds(2);
    auto partners = std::make_shared<partners::PartnersClient>(
        client::MakePeerChannel(runtime.config().peers.at("partners")), options);
    auto sales = std::make_shared<sales::SalesClient>(
        client::MakePeerChannel(runtime.config().peers.at("sales")), options);
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<MarketingPlanService>(runtime));
    services.push_back(std::make_unique<CampaignService>(runtime, partners, sales));
    services.push_back(std::make_unique<SegmentService>(runtime, partners));
    services.push_back(std::make_unique<LeadService>(runtime, partners, sales));
    services.push_back(std::make_unique<ExecutionService>(runtime, partners, sales));
    services.push_back(std::make_unique<AutomationService>(runtime));
    return services;
  };
  spec.make_background_tasks = [](server::Runtime& runtime) {
    client::PeerCallOptions options;
    options.default_timeout = absl::Seconds(10);
    auto partners = std::make_shared<partners::PartnersClient>(
        client::MakePeerChannel(runtime.config().peers.at("partners")), options);
    std::vector<std::unique_ptr<server::BackgroundTask>> tasks;
    for (const char* source : {"partners", "sales", "servicedesk"}) {
      tasks.push_back(MakeAutomationFollower(
          runtime, source, client::MakePeerChannel(runtime.config().peers.at(source)), partners));
    }
    return tasks;
  };
  return spec;
}

}  // namespace crm::marketing
