// What the marketing service is to the shared runtime: its name, addresses,
// peers, migrations and gRPC services.
#ifndef CRM_SERVICES_MARKETING_MARKETING_SPEC_H_
#define CRM_SERVICES_MARKETING_MARKETING_SPEC_H_

#include "common/server/service_host.h"

namespace crm::marketing {

server::ServiceSpec MarketingSpec();

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_MARKETING_SPEC_H_
