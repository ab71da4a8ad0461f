// The partners service: the business partner master.
#include "common/server/service_host.h"
#include "services/partners/partners_service.h"
#include "services/partners/schema.h"

int main(int argc, char** argv) {
  crm::server::ServiceSpec spec;
  spec.defaults.service_name = "partners";
  spec.defaults.grpc_address = "127.0.0.1:50051";
  spec.defaults.metrics_address = "127.0.0.1:9401";
  spec.grpc_service_names = {"crm.partners.v1.PartnerService"};
  spec.migrations = crm::partners::Migrations();
  spec.make_services = [](crm::server::Runtime& runtime) {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<crm::partners::PartnersService>(runtime));
    return services;
  };
  return crm::server::RunServiceMain(argc, argv, spec);
}
