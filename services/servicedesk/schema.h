// The service desk's tables and migrations.
#ifndef CRM_SERVICES_SERVICEDESK_SCHEMA_H_
#define CRM_SERVICES_SERVICEDESK_SCHEMA_H_

#include <vector>

#include "common/db/database.h"
#include "common/db/resource_table.h"

namespace crm::servicedesk {

const db::ResourceTable& TicketTable();
const db::ResourceTable& InstalledComponentTable();
const db::ResourceTable& WarrantyTable();
const db::ResourceTable& KnowledgeArticleTable();
const db::ResourceTable& TechnicianTable();
const db::ResourceTable& SparePartTable();
const db::ResourceTable& ServiceOrderTable();
const db::ResourceTable& ReturnAuthorizationTable();
const db::ResourceTable& ServiceContractTable();
const db::ResourceTable& SlaCalendarTable();
const db::ResourceTable& SlaPolicyTable();

std::vector<db::Migration> Migrations();

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_SCHEMA_H_
