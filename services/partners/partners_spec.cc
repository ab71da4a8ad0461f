#include "services/partners/partners_spec.h"

#include "services/partners/partners_service.h"
#include "services/partners/schema.h"

namespace crm::partners {

server::ServiceSpec PartnersSpec() {
  server::ServiceSpec spec;
  spec.defaults.service_name = "partners";
  spec.defaults.grpc_address = "127.0.0.1:50051";
  spec.defaults.metrics_address = "127.0.0.1:9401";
  spec.grpc_service_names = {"crm.partners.v1.PartnerService"};
  spec.migrations = Migrations();
  spec.make_services = [](server::Runtime& runtime) {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<PartnersService>(runtime));
    return services;
  };
  return spec;
}

}  // namespace crm::partners
