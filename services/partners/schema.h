// The partners database schema, as ordered migrations.
#ifndef CRM_SERVICES_PARTNERS_SCHEMA_H_
#define CRM_SERVICES_PARTNERS_SCHEMA_H_

#include <vector>

#include "common/db/database.h"

namespace crm::partners {

std::vector<db::Migration> Migrations();

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_SCHEMA_H_
