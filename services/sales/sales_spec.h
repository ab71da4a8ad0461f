// What the sales executable serves: its defaults, schema and services.
// main.cc and the tests start the same spec.
#ifndef CRM_SERVICES_SALES_SALES_SPEC_H_
#define CRM_SERVICES_SALES_SALES_SPEC_H_

#include "common/server/service_host.h"

namespace crm::sales {

server::ServiceSpec SalesSpec();

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_SALES_SPEC_H_
