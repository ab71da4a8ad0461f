// The marketing service: plans and budgets, segments, campaigns and leads.
#include "common/server/service_host.h"
#include "services/marketing/marketing_spec.h"

int main(int argc, char** argv) {
  return crm::server::RunServiceMain(argc, argv, crm::marketing::MarketingSpec());
}
