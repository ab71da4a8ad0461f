// The partners service: the business partner master.
#include "common/server/service_host.h"
#include "services/partners/partners_spec.h"

int main(int argc, char** argv) {
  return crm::server::RunServiceMain(argc, argv, crm::partners::PartnersSpec());
}
