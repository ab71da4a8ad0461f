// What the partners executable serves: its defaults, schema and services.
// main.cc and the tests start the same spec.
#ifndef CRM_SERVICES_PARTNERS_PARTNERS_SPEC_H_
#define CRM_SERVICES_PARTNERS_PARTNERS_SPEC_H_

#include "common/server/service_host.h"

namespace crm::partners {

server::ServiceSpec PartnersSpec();

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_PARTNERS_SPEC_H_
