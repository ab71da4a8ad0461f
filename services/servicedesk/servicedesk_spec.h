// What the service desk executable serves: its defaults, schema and
// services. main.cc and the tests start the same spec.
#ifndef CRM_SERVICES_SERVICEDESK_SERVICEDESK_SPEC_H_
#define CRM_SERVICES_SERVICEDESK_SERVICEDESK_SPEC_H_

#include "common/server/service_host.h"

namespace crm::servicedesk {

server::ServiceSpec ServicedeskSpec();

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_SERVICEDESK_SPEC_H_
