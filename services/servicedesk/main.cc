// The service desk: tickets and their workflow, notes and history.
#include "common/server/service_host.h"
#include "services/servicedesk/servicedesk_spec.h"

int main(int argc, char** argv) {
  return crm::server::RunServiceMain(argc, argv, crm::servicedesk::ServicedeskSpec());
}
