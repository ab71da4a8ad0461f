// The marketing service's tables and migrations.
#ifndef CRM_SERVICES_MARKETING_SCHEMA_H_
#define CRM_SERVICES_MARKETING_SCHEMA_H_

#include <vector>

#include "common/db/database.h"
#include "common/db/resource_table.h"

namespace crm::marketing {

const db::ResourceTable& MarketingPlanTable();
const db::ResourceTable& CostItemTable();
const db::ResourceTable& CampaignTable();
const db::ResourceTable& SegmentTable();
const db::ResourceTable& TargetGroupTable();
const db::ResourceTable& LeadTable();
const db::ResourceTable& ContactTable();
const db::ResourceTable& ResponseTable();
const db::ResourceTable& AutomationRuleTable();
const db::ResourceTable& AutomationRunTable();
const db::ResourceTable& LeadScoringRuleTable();
const db::ResourceTable& LeadRoutingRuleTable();

std::vector<db::Migration> Migrations();

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_SCHEMA_H_
