// Service orders as other writes make them, inside a transaction: a
// service order created for a ticket, or for the repair of a return.
#ifndef CRM_SERVICES_SERVICEDESK_SERVICE_ORDER_STORE_H_
#define CRM_SERVICES_SERVICEDESK_SERVICE_ORDER_STORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/db/database.h"
#include "common/server/runtime.h"
#include "crm/servicedesk/v1/service_order.pb.h"

namespace crm::servicedesk {

// Stores the new, valid `order` (its customer checked): its ticket and
// component must be the customer's (NOT_FOUND, FAILED_PRECONDITION
// OTHER_CUSTOMER), its parts are reserved (see ReserveParts; errors name
// the items as `items_field` of the request), and when some are missing
// the customer is told on the ticket. Returns it as stored.
absl::StatusOr<v1::ServiceOrder> InsertServiceOrder(db::Connection& c,
                                                    const server::CallContext& call,
                                                    v1::ServiceOrder order,
                                                    const std::string& request_id,
                                                    const std::string& items_field);

// After the cancellation of `order`: a return whose repair it was goes
// back to received, so that another repair can start.
void ReopenReturnOf(db::Connection& c, const server::CallContext& call,
                    const v1::ServiceOrder& order);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_SERVICE_ORDER_STORE_H_
