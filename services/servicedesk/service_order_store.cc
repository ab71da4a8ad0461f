#include "services/servicedesk/service_order_store.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/paging.h"
#include "common/api/resource.h"
#include "common/errors.h"
#include "common/server/resource_handlers.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "crm/servicedesk/v1/return.pb.h"
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
                                                    const std::string& request_id,
                                                    const std::string& items_field) {
  if (absl::Status s = CheckOrderReferences(c, order); !s.ok()) return s;
  const std::string id = api::NewId();
  std::map<std::string, std::string> part_names;
  if (absl::Status s = ReserveParts(c, call, id, items_field, &order, &part_names); !s.ok())
    return s;
  server::InsertNewResource(c, call, ServiceOrderTable(), id, &order, request_id);
  if (!order.missing_parts().empty()) TellCustomerAboutParts(c, call, order, part_names);
  return order;
}

void ReopenReturnOf(db::Connection& c, const server::CallContext& call,
                    const v1::ServiceOrder& order) {
  if (order.component().empty()) return;
  std::vector<std::string> waiting;
  ReturnAuthorizationTable().ForEach<v1::ReturnAuthorization>(
      c, {"component = ? AND state = ?", {order.component(), int64_t{v1::RETURN_STATE_IN_REPAIR}}},
      api::OrderBy{{{"id", false, false}}}, [&](const v1::ReturnAuthorization& rma) {
        if (rma.repair_order() == order.name()) waiting.push_back(IdOf(rma.name()));
      });
  for (const std::string& id : waiting) {
    auto rma = ReturnAuthorizationTable().Load<v1::ReturnAuthorization>(c, id);
    if (!rma) continue;
    rma->resource.set_state(v1::RETURN_STATE_RECEIVED);
    rma->resource.clear_repair_order();
    rma->resource.clear_repair_start_date();
    server::ReplaceResource(c, call, ReturnAuthorizationTable(), id, &rma->revision,
                            &rma->resource);
  }
}

}  // namespace crm::servicedesk
