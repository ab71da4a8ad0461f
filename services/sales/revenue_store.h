// Booked revenue: one row per item of a completed order, written when the
// order completes (in its transaction) and never changed after, so that
// forecast actuals and commissions read a small table by date instead of
// every order.
#ifndef CRM_SERVICES_SALES_REVENUE_STORE_H_
#define CRM_SERVICES_SALES_REVENUE_STORE_H_

#include <vector>

#include "absl/time/civil_time.h"
#include "common/db/database.h"
#include "crm/sales/v1/sales_document.pb.h"
#include "services/sales/planning_rules.h"

namespace crm::sales {

// The table, for the migration.
extern const char kBookedRevenueSchema[];

// Books the items of `order`, which has just completed.
void BookRevenue(db::Connection& c, const v1::SalesOrder& order);

// The items completed from `first` to `last`.
std::vector<RevenueFact> LoadRevenue(db::Connection& c, absl::CivilDay first, absl::CivilDay last);

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_REVENUE_STORE_H_
