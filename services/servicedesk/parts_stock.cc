#include "services/servicedesk/parts_stock.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/errors.h"
#include "common/money/money.h"
#include "common/server/resource_handlers.h"
#include "services/servicedesk/schema.h"
#include "services/servicedesk/service_order_rules.h"
#include "services/servicedesk/ticket_history.h"

namespace crm::servicedesk {
namespace {

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

int64_t FreeStock(const v1::SparePart& part) {
  return part.quantity_on_hand() - part.quantity_reserved();
}

// Adds `quantity` (may be negative) to what order `order_id` holds of the
// part.
void ChangeReservation(db::Connection& c, const std::string& order_id, const std::string& part_name,
                       int64_t quantity) {
  c.Run(
      "INSERT INTO part_reservations (order_id, spare_part, quantity) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (order_id, spare_part) DO UPDATE SET quantity = quantity + ?3",
      {order_id, part_name, quantity});
  c.Run("DELETE FROM part_reservations WHERE order_id = ?1 AND spare_part = ?2 AND quantity <= 0",
        {order_id, part_name});
}

int64_t Reserved(db::Connection& c, const std::string& order_id, const std::string& part_name) {
  return c.QueryInt64(
      "SELECT quantity FROM part_reservations WHERE order_id = ?1 AND spare_part = ?2",
      {order_id, part_name});
}

}  // namespace

absl::Status ReserveParts(db::Connection& c, const server::CallContext& call,
                          const std::string& order_id, const std::string& items_field,
                          v1::ServiceOrder* order, std::map<std::string, std::string>* part_names) {
  order->clear_missing_parts();
  for (int i = 0; i < order->items_size(); ++i) {
    const v1::ServiceOrderItem& item = order->items(i);
    if (item.type() != v1::SERVICE_ITEM_TYPE_PART) continue;
    auto part = SparePartTable().Load<v1::SparePart>(c, IdOf(item.spare_part()));
    if (!part) return NotFound(item.spare_part());
    v1::SparePart& stored = part->resource;
    (*part_names)[stored.name()] = stored.display_name();
    if (stored.unit_price().currency_code() != order->currency_code()) {
      return FailedPrecondition(
          "CURRENCY_MISMATCH", absl::StrCat(items_field, "[", i, "].spare_part"),
          absl::StrCat(stored.name(), " is priced in ", stored.unit_price().currency_code(),
                       ", the order in ", order->currency_code()));
    }
    const int64_t take = std::clamp<int64_t>(FreeStock(stored), 0, item.quantity());
    if (take > 0) {
      stored.set_quantity_reserved(stored.quantity_reserved() + take);
      ChangeReservation(c, order_id, stored.name(), take);
      server::ReplaceResource(c, call, SparePartTable(), IdOf(stored.name()), &part->revision,
                              &stored);
    }
    if (take < item.quantity()) {
      v1::MissingPart& missing = *order->add_missing_parts();
      missing.set_item_id(item.item_id());
      missing.set_spare_part(stored.name());
      missing.set_quantity(item.quantity() - take);
      if (api::IsDateSet(stored.replenishment_date())) {
        *missing.mutable_replenishment_date() = stored.replenishment_date();
      }
    }
  }
  SetExpectedCompletion(order);
  return absl::OkStatus();
}

void ReleaseReservations(db::Connection& c, const server::CallContext& call,
                         const std::string& order_id) {
  std::vector<std::pair<std::string, int64_t>> held;
  SQLite::Statement& select = c.Prepare(
      "SELECT spare_part, quantity FROM part_reservations WHERE order_id = ?1", {order_id});
  while (select.executeStep()) {
    held.emplace_back(select.getColumn(0).getString(), select.getColumn(1).getInt64());
  }
  select.reset();
  for (const auto& [part_name, quantity] : held) {
    if (auto part = SparePartTable().Load<v1::SparePart>(c, IdOf(part_name))) {
      part->resource.set_quantity_reserved(
          std::max<int64_t>(0, part->resource.quantity_reserved() - quantity));
      // Freed stock may serve another order.
      ServeWaitingOrders(c, call, &part->resource);
      server::ReplaceResource(c, call, SparePartTable(), IdOf(part_name), &part->revision,
                              &part->resource);
    }
  }
  c.Run("DELETE FROM part_reservations WHERE order_id = ?1", {order_id});
}

absl::Status ConsumePart(db::Connection& c, const server::CallContext& call,
                         const std::string& order_id, const std::string& part_name,
                         int64_t quantity, const std::string& field, v1::SparePart* part_out) {
  auto part = SparePartTable().Load<v1::SparePart>(c, IdOf(part_name));
  if (!part) return NotFound(part_name);
  v1::SparePart& stored = part->resource;
  const int64_t from_reservation = std::min(quantity, Reserved(c, order_id, part_name));
  const int64_t from_free = quantity - from_reservation;
  if (from_free > FreeStock(stored)) {
    return FailedPrecondition(
        "OUT_OF_STOCK", field,
        absl::StrCat(part_name, " has ", from_reservation + std::max<int64_t>(0, FreeStock(stored)),
                     " for this order, ", quantity, " were used"));
  }
  stored.set_quantity_on_hand(stored.quantity_on_hand() - quantity);
  stored.set_quantity_reserved(stored.quantity_reserved() - from_reservation);
  ChangeReservation(c, order_id, part_name, -from_reservation);
  server::ReplaceResource(c, call, SparePartTable(), IdOf(part_name), &part->revision, &stored);
  *part_out = stored;
  return absl::OkStatus();
}

void ServeWaitingOrders(db::Connection& c, const server::CallContext& call, v1::SparePart* part) {
  std::vector<std::string> waiting;
  SQLite::Statement& select = c.Prepare(
      "SELECT id FROM service_orders WHERE parts_status = ?1 AND state = ?2 "
      "ORDER BY planned_date, create_time, id",
      {int64_t{v1::PARTS_STATUS_MISSING}, int64_t{v1::SERVICE_ORDER_STATE_OPEN}});
  while (select.executeStep()) waiting.push_back(select.getColumn(0).getString());
  select.reset();
  for (const std::string& order_id : waiting) {
    auto order = ServiceOrderTable().Load<v1::ServiceOrder>(c, order_id);
    if (!order) continue;
    v1::ServiceOrder& stored = order->resource;
    bool changed = false;
    google::protobuf::RepeatedPtrField<v1::MissingPart> still_missing;
    for (v1::MissingPart& missing : *stored.mutable_missing_parts()) {
      if (missing.spare_part() == part->name()) {
        const int64_t take = std::clamp<int64_t>(FreeStock(*part), 0, missing.quantity());
        if (take > 0) {
          part->set_quantity_reserved(part->quantity_reserved() + take);
          ChangeReservation(c, order_id, part->name(), take);
          missing.set_quantity(missing.quantity() - take);
          changed = true;
        }
        if (api::CompareDates(missing.replenishment_date(), part->replenishment_date()) != 0) {
          if (api::IsDateSet(part->replenishment_date())) {
            *missing.mutable_replenishment_date() = part->replenishment_date();
          } else {
            missing.clear_replenishment_date();
          }
          changed = true;
        }
      }
      if (missing.quantity() > 0) *still_missing.Add() = missing;
    }
    if (!changed) continue;
    *stored.mutable_missing_parts() = std::move(still_missing);
    SetExpectedCompletion(&stored);
    server::ReplaceResource(c, call, ServiceOrderTable(), order_id, &order->revision, &stored);
    std::map<std::string, std::string> names = {{part->name(), part->display_name()}};
    for (const v1::MissingPart& missing : stored.missing_parts()) {
      if (names.count(missing.spare_part()) == 0) {
        if (auto other = SparePartTable().Load<v1::SparePart>(c, IdOf(missing.spare_part()))) {
          names[missing.spare_part()] = other->resource.display_name();
        }
      }
    }
    TellCustomerAboutParts(c, call, stored, names);
  }
}

void TellCustomerAboutParts(db::Connection& c, const server::CallContext& call,
                            const v1::ServiceOrder& order,
                            const std::map<std::string, std::string>& part_names) {
  if (order.ticket().empty()) return;
  // A closed ticket is not written to; the order itself is on the feed.
  AddTicketNote(c, call, IdOf(order.ticket()), PartsNoteText(order, part_names), true, "")
      .status()
      .IgnoreError();
}

}  // namespace crm::servicedesk
