// The sales service: catalogue, pricing and the sales pipeline.
#include "common/server/service_host.h"
#include "services/sales/sales_spec.h"

int main(int argc, char** argv) {
  return crm::server::RunServiceMain(argc, argv, crm::sales::SalesSpec());
}
