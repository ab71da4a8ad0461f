// The sales database: its tables and migrations.
#ifndef CRM_SERVICES_SALES_SCHEMA_H_
#define CRM_SERVICES_SALES_SCHEMA_H_

#include <vector>

#include "common/db/database.h"
#include "common/db/resource_table.h"

namespace crm::sales {

std::vector<db::Migration> Migrations();

// Resources kept whole as protos (common/db/resource_table.h), with the
// columns lists and pricing select on.
const db::ResourceTable& TaxClassTable();
const db::ResourceTable& ProductTable();
const db::ResourceTable& PriceListTable();
const db::ResourceTable& PriceConditionTable();
const db::ResourceTable& SalesStageTable();
const db::ResourceTable& OpportunityTable();
const db::ResourceTable& ActivityTable();
const db::ResourceTable& QuotationTable();
const db::ResourceTable& SalesOrderTable();
const db::ResourceTable& ContractTable();
const db::ResourceTable& TerritoryTable();
const db::ResourceTable& TerritoryAssignmentTable();
const db::ResourceTable& SalesTargetTable();
const db::ResourceTable& CommissionPlanTable();

// An activity's place in a calendar is stored from its start (or due) time
// to its end (or due) time, in microseconds; NULL when it has neither.
// Ordering by it puts those without a time first: this sorts as their key.
inline constexpr char kCalendarOrderKey[] = "COALESCE(calendar_start, -9223372036854775807 - 1)";

// Open validity ends as stored, so that "valid on D" is
// `valid_from <= D AND valid_to >= D` without NULLs.
inline constexpr char kOpenStart[] = "0000-00-00";
inline constexpr char kOpenEnd[] = "9999-99-99";

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_SCHEMA_H_
