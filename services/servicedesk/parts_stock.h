// Spare-part stock as service orders use it, inside a write: reservations
// for an order's parts, their release, consumption by confirmed material,
// and deliveries handed to the orders waiting for them.
#ifndef CRM_SERVICES_SERVICEDESK_PARTS_STOCK_H_
#define CRM_SERVICES_SERVICEDESK_PARTS_STOCK_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "common/db/database.h"
#include "common/server/runtime.h"
#include "crm/servicedesk/v1/service_order.pb.h"

namespace crm::servicedesk {

// Reserves the parts of the new order `order_id` from free stock; what is
// not in stock becomes its missing parts, with the part's delivery date,
// and sets its expected completion. NOT_FOUND for an unknown part;
// FAILED_PRECONDITION CURRENCY_MISMATCH (naming the item under
// `items_field`) when a part is priced in another currency than the order.
// `part_names` gets each part's display name.
absl::Status ReserveParts(db::Connection& c, const server::CallContext& call,
                          const std::string& order_id, const std::string& items_field,
                          v1::ServiceOrder* order, std::map<std::string, std::string>* part_names);

// Gives back what order `order_id` still holds.
void ReleaseReservations(db::Connection& c, const server::CallContext& call,
                         const std::string& order_id);

// Takes `quantity` of `part_name` out of stock for order `order_id`: from
// its reservation first, then from free stock (FAILED_PRECONDITION
// OUT_OF_STOCK naming `field` when there is not enough). The part as
// stored goes to `part_out`.
absl::Status ConsumePart(db::Connection& c, const server::CallContext& call,
                         const std::string& order_id, const std::string& part_name,
                         int64_t quantity, const std::string& field, v1::SparePart* part_out);

// Hands free stock of `part` to the open orders missing it, by planned
// date, and refreshes the delivery date of those still waiting. Each order
// changed is stored, and its ticket (if open) gets a note for the
// customer. `part` is stored by the caller.
void ServeWaitingOrders(db::Connection& c, const server::CallContext& call, v1::SparePart* part);

// Tells the customer on the order's ticket (if any, and open) how its
// parts stand.
void TellCustomerAboutParts(db::Connection& c, const server::CallContext& call,
                            const v1::ServiceOrder& order,
                            const std::map<std::string, std::string>& part_names);

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_PARTS_STOCK_H_
