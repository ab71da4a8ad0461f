#include "services/servicedesk/service_order_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/api/resource.h"
#include "common/errors.h"
#include "common/server/resource_handlers.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "crm/servicedesk/v1/ticket.pb.h"
#include "services/servicedesk/parts_stock.h"
#include "services/servicedesk/schema.h"

namespace crm::servicedesk {
namespace {

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

// The order's ticket and component exist and are the customer's.
absl::Status CheckOrderReferences(db::Connection& c, const v1::ServiceOrder& order) {
  if (!order.ticket().empty()) {
    auto ticket = TicketTable().Load<v1::Ticket>(c, IdOf(order.ticket()));
    if (!ticket) return NotFound(order.ticket());
    if (ticket->resource.customer() != order.customer()) {
      return FailedPrecondition(
          "OTHER_CUSTOMER", "service_order.ticket",
          absl::StrCat(order.ticket(), " is of ", ticket->resource.customer()));
    }
  }
  if (!order.component().empty()) {
    auto component =
        InstalledComponentTable().Load<v1::InstalledComponent>(c, IdOf(order.component()));
    if (!component) return NotFound(order.component());
    if (component->resource.customer() != order.customer()) {
      return FailedPrecondition(
          "OTHER_CUSTOMER", "service_order.component",
          absl::StrCat(order.component(), " belongs to ", component->resource.customer()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ServiceOrder> InsertServiceOrder(db::Connection& c,
                                                    const server::CallContext& call,
                                                    v1::ServiceOrder order,
                                                    const std::string& request_id) {
  if (absl::Status s = CheckOrderReferences(c, order); !s.ok()) return s;
  const std::string id = api::NewId();
  std::map<std::string, std::string> part_names;
  if (absl::Status s = ReserveParts(c, call, id, &order, &part_names); !s.ok()) return s;
  server::InsertNewResource(c, call, ServiceOrderTable(), id, &order, request_id);
  if (!order.missing_parts().empty()) TellCustomerAboutParts(c, call, order, part_names);
  return order;
}

}  // namespace crm::servicedesk
