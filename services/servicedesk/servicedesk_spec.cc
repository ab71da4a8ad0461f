#include "services/servicedesk/servicedesk_spec.h"

#include "common/client/peer_call.h"
#include "services/partners/client/partners_client.h"
#include "services/sales/client/sales_client.h"
#include "services/servicedesk/installed_base_service.h"
#include "services/servicedesk/knowledge_service.h"
#include "services/servicedesk/return_service.h"
#include "services/servicedesk/schema.h"
#include "services/servicedesk/service_order_service.h"
#include "services/servicedesk/sla_monitor.h"
#include "services/servicedesk/sla_service.h"
#include "services/servicedesk/ticket_service.h"

namespace crm::servicedesk {

server::ServiceSpec ServicedeskSpec() {
  server::ServiceSpec spec;
  spec.defaults.service_name = "servicedesk";
  spec.defaults.grpc_address = "127.0.0.1:50054";
  spec.defaults.metrics_address = "127.0.0.1:9404";
  spec.defaults.peers = {{"partners", "127.0.0.1:50051"}, {"sales", "127.0.0.1:50052"}};
  spec.grpc_service_names = {
      "crm.servicedesk.v1.TicketService",       "crm.servicedesk.v1.InstalledBaseService",
      "crm.servicedesk.v1.SlaService",          "crm.servicedesk.v1.KnowledgeService",
      "crm.servicedesk.v1.ServiceOrderService", "crm.servicedesk.v1.ReturnService"};
  spec.migrations = Migrations();
  // Ticket writes wake the SLA monitor when due times change.
  auto sla_signal = std::make_shared<server::WakeSignal>();
  spec.make_services = [sla_signal](server::Runtime& runtime) {
    client::PeerCallOptions options;
    // A caller without a deadline should hear soon that a peer is down.
    options.default_timeout = absl::Seconds(2);
    auto partners = std::make_shared<partners::PartnersClient>(
        client::MakePeerChannel(runtime.config().peers.at("partners")), options);
    // Sales is asked whether the products named exist.
    auto sales = std::make_shared<sales::SalesClient>(
        client::MakePeerChannel(runtime.config().peers.at("sales")), options);
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<TicketService>(runtime, partners, sla_signal));
    services.push_back(std::make_unique<SlaService>(runtime));
    services.push_back(std::make_unique<KnowledgeService>(runtime, sales));
    services.push_back(std::make_unique<ServiceOrderService>(runtime, partners, sales));
    services.push_back(std::make_unique<ReturnService>(runtime, partners));
    services.push_back(std::make_unique<InstalledBaseService>(runtime, partners, sales));
    return services;
  };
  spec.make_background_tasks = [sla_signal](server::Runtime& runtime) {
    std::vector<std::unique_ptr<server::BackgroundTask>> tasks;
    tasks.push_back(MakeSlaMonitor(runtime, sla_signal));
    return tasks;
  };
  return spec;
}

}  // namespace crm::servicedesk
