// ServiceOrderService over a real gRPC channel and a real SQLite file, with
// a real partners service beside it: technicians, spare-part stock and its
// reservations, missing parts told to the customer, deliveries by planned
// date, assignment, cancellation, and confirmations with warranty cover.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/money/money.h"
#include "common/testing/feed_reader.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/servicedesk/v1/installed_base_service.grpc.pb.h"
#include "crm/servicedesk/v1/service_order_service.grpc.pb.h"
#include "crm/servicedesk/v1/ticket_service.grpc.pb.h"
#include "services/partners/partners_spec.h"
#include "services/servicedesk/servicedesk_spec.h"
#include "services/servicedesk/tests/desk_fixture.h"

namespace crm::servicedesk {
namespace {

namespace pv1 = crm::partners::v1;
using crm::testing::Call;
using crm::testing::MakeDate;
using crm::testing::Mask;
using crm::testing::MustCall;
using crm::testing::Outcome;
using crm::testing::Precondition;
using BaseStub = v1::InstalledBaseService::Stub;
using OrderStub = v1::ServiceOrderService::Stub;
using PartnerStub = pv1::PartnerService::Stub;
using TicketStub = v1::TicketService::Stub;
using Date = google::type::Date;
using Strings = std::vector<std::string>;

const Date kMay14 = MakeDate(2030, 5, 14);
const Date kJune12 = MakeDate(2030, 6, 12);

crm::type::v1::Money Price(int64_t units, const std::string& currency = "EUR") {
  crm::type::v1::Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  return money;
}

std::string Text(const crm::type::v1::Money& money) {
  return money::Format(money::ToNanos(money), money.currency_code());
}

v1::ServiceOrderItem Labour(const std::string& id, const std::string& skill, double hours,
                            int64_t rate) {
  v1::ServiceOrderItem item;
  item.set_item_id(id);
  item.set_type(v1::SERVICE_ITEM_TYPE_LABOUR);
  item.set_skill(skill);
  item.set_hours(hours);
  *item.mutable_hourly_rate() = Price(rate);
  return item;
}

v1::ServiceOrderItem PartItem(const std::string& id, const std::string& part, int64_t quantity) {
  v1::ServiceOrderItem item;
  item.set_item_id(id);
  item.set_type(v1::SERVICE_ITEM_TYPE_PART);
  item.set_spare_part(part);
  item.set_quantity(quantity);
  return item;
}

v1::ServiceOrder NewOrder(const std::string& customer, const Date& planned,
                          const std::vector<v1::ServiceOrderItem>& items) {
  v1::ServiceOrder order;
  order.set_customer(customer);
  order.set_description("Replace the inverter board");
  *order.mutable_planned_date() = planned;
  order.set_currency_code("EUR");
  for (const auto& item : items) *order.add_items() = item;
  return order;
}

// Work on labour item "10" and, when `part` is given, material.
v1::ServiceConfirmation Work(double hours, const std::string& part = "", int64_t quantity = 0) {
  v1::ServiceConfirmation confirmation;
  *confirmation.mutable_work_date() = kMay14;
  if (hours > 0) confirmation.add_time_entries()->set_item_id("10");
  if (hours > 0) confirmation.mutable_time_entries(0)->set_hours(hours);
  if (!part.empty()) confirmation.add_materials()->set_spare_part(part);
  if (!part.empty()) confirmation.mutable_materials(0)->set_quantity(quantity);
  confirmation.set_report("Board replaced, display tested");
  return confirmation;
}

std::string Iso(const Date& date) { return api::IsoDate(date); }

// "OK", or the outcome with the server's message.
std::string Ok(const grpc::Status& s) {
  return s.ok() ? "OK" : Outcome(s) + ": " + s.error_message();
}

class FieldDesk : public crm::servicedesk::testing::DeskBesidePartners {
 public:
  FieldDesk() {
    orders_ = v1::ServiceOrderService::NewStub(desk_->channel());
    tickets_ = v1::TicketService::NewStub(desk_->channel());
    base_ = v1::InstalledBaseService::NewStub(desk_->channel());
  }

  grpc::Status TryTechnician(const std::string& partner, const Strings& skills, int capacity,
                             v1::Technician* out, const std::vector<Date>& absences = {}) {
    v1::CreateTechnicianRequest request;
    v1::Technician& technician = *request.mutable_technician();
    technician.set_partner(partner);
    technician.set_display_name("Jana Berger");
    for (const auto& skill : skills) technician.add_skills(skill);
    technician.set_daily_capacity(capacity);
    for (const auto& day : absences) *technician.add_absences() = day;
    return Call(*orders_, &OrderStub::CreateTechnician, request, out);
  }
  std::string Technician(const Strings& skills, int capacity = 0,
                         const std::vector<Date>& absences = {}) {
    v1::Technician out;
    const std::string employee = Partner("Berger", pv1::ROLE_TYPE_EMPLOYEE);
    REQUIRE(Outcome(TryTechnician(employee, skills, capacity, &out, absences)) == "OK");
    return out.name();
  }

  std::string Part(const std::string& display_name, int64_t on_hand, int64_t price = 80,
                   const Date* delivery = nullptr, const std::string& currency = "EUR") {
    v1::CreateSparePartRequest request;
    v1::SparePart& part = *request.mutable_spare_part();
    part.set_product("products/m27");
    part.set_display_name(display_name);
    part.set_quantity_on_hand(on_hand);
    part.set_quantity_reserved(on_hand);  // output only: ignored
    *part.mutable_unit_price() = Price(price, currency);
    if (delivery != nullptr) *part.mutable_replenishment_date() = *delivery;
    return MustCall(*orders_, &OrderStub::CreateSparePart, request).name();
  }
  template <typename Request, typename Response>
  Response Get(crm::testing::UnaryMethod<OrderStub, Request, Response> method,
               const std::string& name) {
    Request request;
    request.set_name(name);
    return MustCall(*orders_, method, request);
  }
  v1::SparePart GetPart(const std::string& name) { return Get(&OrderStub::GetSparePart, name); }
  v1::ServiceOrder GetOrder(const std::string& name) {
    return Get(&OrderStub::GetServiceOrder, name);
  }
  grpc::Status TryUpdatePart(const v1::SparePart& part, const Strings& mask, v1::SparePart* out) {
    v1::UpdateSparePartRequest request;
    *request.mutable_spare_part() = part;
    *request.mutable_update_mask() = Mask(mask);
    return Call(*orders_, &OrderStub::UpdateSparePart, request, out);
  }
  grpc::Status TryReceive(const std::string& part, int64_t quantity, v1::SparePart* out,
                          const std::string& request_id = "") {
    v1::ReceiveSparePartsRequest request;
    request.set_name(part);
    request.set_quantity(quantity);
    request.set_request_id(request_id);
    return Call(*orders_, &OrderStub::ReceiveSpareParts, request, out);
  }

  grpc::Status TryOrder(const v1::ServiceOrder& order, v1::ServiceOrder* out,
                        const std::string& request_id = "") {
    v1::CreateServiceOrderRequest request;
    *request.mutable_service_order() = order;
    request.set_request_id(request_id);
    return Call(*orders_, &OrderStub::CreateServiceOrder, request, out);
  }
  v1::ServiceOrder Order(const v1::ServiceOrder& order, const std::string& request_id = "") {
    v1::ServiceOrder out;
    REQUIRE(Ok(TryOrder(order, &out, request_id)) == "OK");
    return out;
  }
  int OrderCount() {
    const v1::ListServiceOrdersRequest all;
    return MustCall(*orders_, &OrderStub::ListServiceOrders, all).service_orders_size();
  }
  grpc::Status TryUpdateOrder(const v1::ServiceOrder& order, const Strings& mask,
                              v1::ServiceOrder* out) {
    v1::UpdateServiceOrderRequest request;
    *request.mutable_service_order() = order;
    *request.mutable_update_mask() = Mask(mask);
    return Call(*orders_, &OrderStub::UpdateServiceOrder, request, out);
  }
  grpc::Status TryAssign(const std::string& order, const std::string& technician,
                         v1::ServiceOrder* out) {
    v1::AssignTechnicianRequest request;
    request.set_name(order);
    request.set_technician(technician);
    return Call(*orders_, &OrderStub::AssignTechnician, request, out);
  }
  grpc::Status TryCancel(const std::string& order, v1::ServiceOrder* out) {
    v1::CancelServiceOrderRequest request;
    request.set_name(order);
    return Call(*orders_, &OrderStub::CancelServiceOrder, request, out);
  }

  grpc::Status TryConfirm(const std::string& order, const v1::ServiceConfirmation& confirmation,
                          v1::ServiceConfirmation* out, const std::string& request_id = "") {
    v1::CreateServiceConfirmationRequest request;
    request.set_parent(order);
    *request.mutable_service_confirmation() = confirmation;
    request.set_request_id(request_id);
    return Call(*orders_, &OrderStub::CreateServiceConfirmation, request, out);
  }
  v1::ServiceConfirmation Confirm(const std::string& order,
                                  const v1::ServiceConfirmation& confirmation,
                                  const std::string& request_id = "") {
    v1::ServiceConfirmation out;
    REQUIRE(Ok(TryConfirm(order, confirmation, &out, request_id)) == "OK");
    return out;
  }
  Strings Confirmations(const std::string& order, int page_size = 0, int* pages = nullptr) {
    Strings names;
    v1::ListServiceConfirmationsRequest request;
    request.set_parent(order);
    request.set_page_size(page_size);
    do {
      const auto page = MustCall(*orders_, &OrderStub::ListServiceConfirmations, request);
      for (const auto& c : page.service_confirmations()) names.push_back(c.name());
      if (pages != nullptr) ++*pages;
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }

  std::string Ticket(const std::string& customer) {
    v1::CreateTicketRequest request;
    v1::Ticket& ticket = *request.mutable_ticket();
    ticket.set_type(v1::TICKET_TYPE_INCIDENT);
    ticket.set_title("Monitor flickers");
    ticket.set_customer(customer);
    ticket.set_channel(v1::TICKET_CHANNEL_PHONE);
    ticket.set_category("HARDWARE");
    return MustCall(*tickets_, &TicketStub::CreateTicket, request).name();
  }
  std::vector<v1::TicketNote> Notes(const std::string& ticket) {
    v1::ListTicketNotesRequest request;
    request.set_parent(ticket);
    const auto page = MustCall(*tickets_, &TicketStub::ListTicketNotes, request);
    return {page.ticket_notes().begin(), page.ticket_notes().end()};
  }
  std::string Warranty(const std::string& component, const Date& start, const Date& end) {
    v1::CreateWarrantyRequest request;
    v1::Warranty& w = *request.mutable_warranty();
    w.set_component(component);
    w.set_display_name("Manufacturer warranty, parts");
    w.add_coverage(v1::WARRANTY_COVERAGE_PARTS);
    *w.mutable_start_date() = start;
    *w.mutable_end_date() = end;
    return MustCall(*base_, &BaseStub::CreateWarranty, request).name();
  }

  std::unique_ptr<OrderStub> orders_;
  std::unique_ptr<TicketStub> tickets_;
  std::unique_ptr<BaseStub> base_;
};

TEST_CASE("field service: technicians are checked employees, paged, and keep their partner",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string employee = desk.Partner("Berger", pv1::ROLE_TYPE_EMPLOYEE);
  v1::Technician first;
  REQUIRE(Outcome(desk.TryTechnician(employee, {"DISPLAY-REPAIR"}, 0, &first)) == "OK");
  CHECK(first.daily_capacity() == 4);  // the default
  v1::Technician out;
  CHECK(Precondition(desk.TryTechnician(desk.Customer("Huber"), {"A"}, 0, &out)) ==
        "NOT_EMPLOYEE technician.partner");
  CHECK(Outcome(desk.TryTechnician("partners/unknown", {"A"}, 0, &out)) == "NOT_FOUND");
  CHECK(Outcome(desk.TryTechnician(employee, {}, 21, &out)) ==
        "INVALID_ARGUMENT technician.skills, technician.daily_capacity");

  const Strings made = {first.name(), desk.Technician({"B"}), desk.Technician({"C"})};
  v1::ListTechniciansRequest list;
  list.set_page_size(2);
  const auto one = MustCall(*desk.orders_, &OrderStub::ListTechnicians, list);
  list.set_page_token(one.next_page_token());
  const auto two = MustCall(*desk.orders_, &OrderStub::ListTechnicians, list);
  REQUIRE(one.technicians_size() == 2);
  REQUIRE(two.technicians_size() == 1);
  CHECK(Strings{one.technicians(0).name(), one.technicians(1).name(), two.technicians(0).name()} ==
        made);

  v1::UpdateTechnicianRequest update;
  update.mutable_technician()->set_name(first.name());
  update.mutable_technician()->set_partner(desk.Partner("Other", pv1::ROLE_TYPE_EMPLOYEE));
  *update.mutable_update_mask() = Mask({"partner"});
  const grpc::Status refused = Call(*desk.orders_, &OrderStub::UpdateTechnician, update, &out);
  CHECK(Outcome(refused) == "INVALID_ARGUMENT update_mask");
  CHECK(absl::StrContains(refused.error_message(), "partner"));
}

TEST_CASE("field service: spare parts are listed by product and stock changes only by delivery",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string board = desk.Part("Inverter board M27", 3);
  CHECK(desk.GetPart(board).quantity_reserved() == 0);  // output only
  const std::string cable = desk.Part("Cable M27", 10, 5);
  v1::ListSparePartsRequest list;
  list.set_filter("product = \"products/m27\"");
  const auto m27 = MustCall(*desk.orders_, &OrderStub::ListSpareParts, list);
  REQUIRE(m27.spare_parts_size() == 2);
  CHECK(m27.spare_parts(0).name() == board);
  CHECK(m27.spare_parts(1).name() == cable);

  v1::SparePart patch, out;
  patch.set_name(board);
  patch.set_quantity_on_hand(99);
  patch.set_quantity_reserved(1);
  CHECK(Outcome(desk.TryUpdatePart(patch, {"quantity_on_hand"}, &out)) ==
        "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(desk.TryUpdatePart(patch, {"quantity_reserved"}, &out)) ==
        "INVALID_ARGUMENT update_mask");

  // A delivery, retried with the same request id, is booked once.
  REQUIRE(Outcome(desk.TryReceive(board, 5, &out, "delivery-1")) == "OK");
  CHECK(out.quantity_on_hand() == 8);
  REQUIRE(Outcome(desk.TryReceive(board, 5, &out, "delivery-1")) == "OK");
  CHECK(out.quantity_on_hand() == 8);
  CHECK(Outcome(desk.TryReceive(board, 0, &out)) == "INVALID_ARGUMENT quantity");
  CHECK(Outcome(desk.TryReceive(board, -3, &out)) == "INVALID_ARGUMENT quantity");
  CHECK(Outcome(desk.TryReceive("spareParts/unknown", 1, &out)) == "NOT_FOUND");
  CHECK(desk.GetPart(board).quantity_on_hand() == 8);
}

TEST_CASE("field service: a bad order is refused, the field or reason named, nothing written",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string huber = desk.Customer("Huber");
  const std::string board = desk.Part("Inverter board M27", 3);
  const auto sound = [&] {
    return NewOrder(huber, kMay14,
                    {Labour("10", "DISPLAY-REPAIR", 2, 90), PartItem("20", board, 1)});
  };
  v1::ServiceOrder out;
  v1::ServiceOrder order = sound();
  order.clear_items();
  CHECK(Outcome(desk.TryOrder(order, &out)) == "INVALID_ARGUMENT service_order.items");
  order = sound();
  order.clear_planned_date();
  order.clear_currency_code();
  CHECK(Outcome(desk.TryOrder(order, &out)) ==
        "INVALID_ARGUMENT service_order.planned_date, service_order.currency_code");
  order = sound();
  order.mutable_items(0)->set_hours(0);
  *order.mutable_items(0)->mutable_hourly_rate() = Price(90, "USD");
  order.mutable_items(1)->set_quantity(-1);
  CHECK(Outcome(desk.TryOrder(order, &out)) ==
        "INVALID_ARGUMENT service_order.items[0].hours, "
        "service_order.items[0].hourly_rate.currency_code, service_order.items[1].quantity");
  order = sound();
  order.set_customer("partners/unknown");
  CHECK(Outcome(desk.TryOrder(order, &out)) == "NOT_FOUND");

  // Unknown parts, other currencies, other customers' tickets and components.
  // The board of the first item is reserved, then given back with the refusal.
  const std::string weber = desk.Customer("Weber");
  const std::string cable = desk.Part("Cable", 10, 5, nullptr, "USD");
  order =
      NewOrder(huber, kMay14, {PartItem("10", board, 1), PartItem("20", "spareParts/unknown", 1)});
  CHECK(Outcome(desk.TryOrder(order, &out)) == "NOT_FOUND");
  order.mutable_items(1)->set_spare_part(cable);
  CHECK(Precondition(desk.TryOrder(order, &out)) ==
        "CURRENCY_MISMATCH service_order.items[1].spare_part");
  order = NewOrder(huber, kMay14, {PartItem("10", board, 1)});
  order.set_ticket(desk.Ticket(weber));
  CHECK(Precondition(desk.TryOrder(order, &out)) == "OTHER_CUSTOMER service_order.ticket");
  order.clear_ticket();
  order.set_component(desk.Component(weber, "SN-1"));
  CHECK(Precondition(desk.TryOrder(order, &out)) == "OTHER_CUSTOMER service_order.component");
  order.set_component("installedComponents/unknown");
  CHECK(Outcome(desk.TryOrder(order, &out)) == "NOT_FOUND");
  CHECK(desk.OrderCount() == 0);
  CHECK(desk.GetPart(board).quantity_reserved() == 0);
}

TEST_CASE("field service: parts in stock are reserved, missing ones told with their delivery date",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string customer = desk.Customer("Huber");
  const std::string ticket = desk.Ticket(customer);
  const std::string board = desk.Part("Inverter board M27", 3, 80, &kJune12);
  v1::ServiceOrder draft = NewOrder(customer, kMay14, {PartItem("20", board, 2)});
  draft.set_ticket(ticket);
  draft.set_state(v1::SERVICE_ORDER_STATE_COMPLETED);  // output only
  draft.set_technician("technicians/t1");              // output only
  const v1::ServiceOrder ready = desk.Order(draft);
  CHECK(ready.state() == v1::SERVICE_ORDER_STATE_OPEN);
  CHECK(ready.technician().empty());
  CHECK(ready.parts_status() == v1::PARTS_STATUS_ALL_RESERVED);
  CHECK(Iso(ready.expected_completion_date()) == "2030-05-14");
  CHECK(desk.GetPart(board).quantity_reserved() == 2);
  CHECK(desk.Notes(ticket).empty());  // nothing to tell

  // One left for three: two wait for the delivery.
  draft.mutable_items(0)->set_quantity(3);
  const v1::ServiceOrder order = desk.Order(draft);
  CHECK(order.parts_status() == v1::PARTS_STATUS_MISSING);
  REQUIRE(order.missing_parts_size() == 1);
  CHECK(order.missing_parts(0).spare_part() == board);
  CHECK(order.missing_parts(0).quantity() == 2);
  CHECK(Iso(order.missing_parts(0).replenishment_date()) == "2030-06-12");
  CHECK(Iso(order.expected_completion_date()) == "2030-06-12");
  CHECK(desk.GetPart(board).quantity_reserved() == 3);
  std::vector<v1::TicketNote> notes = desk.Notes(ticket);
  REQUIRE(notes.size() == 1);
  INFO(notes[0].text());
  CHECK(notes[0].customer_visible());
  CHECK(absl::StrContains(notes[0].text(), "2 x Inverter board M27"));
  CHECK(absl::StrContains(notes[0].text(), "2030-06-12"));

  // A new delivery date moves the order, and the customer is told again.
  v1::SparePart patch, out;
  patch.set_name(board);
  *patch.mutable_replenishment_date() = MakeDate(2030, 7, 3);
  REQUIRE(Outcome(desk.TryUpdatePart(patch, {"replenishment_date"}, &out)) == "OK");
  const v1::ServiceOrder moved = desk.GetOrder(order.name());
  CHECK(Iso(moved.expected_completion_date()) == "2030-07-03");
  CHECK(Iso(moved.missing_parts(0).replenishment_date()) == "2030-07-03");
  notes = desk.Notes(ticket);
  REQUIRE(notes.size() == 2);
  INFO(notes[1].text());
  CHECK(notes[1].customer_visible());
  CHECK(absl::StrContains(notes[1].text(), "2 x Inverter board M27"));
  CHECK(absl::StrContains(notes[1].text(), "2030-07-03"));

  // Without a delivery date, the expected completion is unknown.
  const std::string cable = desk.Part("Cable M27", 0);
  const v1::ServiceOrder open = desk.Order(NewOrder(customer, kMay14, {PartItem("20", cable, 1)}));
  CHECK(open.parts_status() == v1::PARTS_STATUS_MISSING);
  CHECK_FALSE(open.missing_parts(0).has_replenishment_date());
  CHECK_FALSE(desk.GetOrder(open.name()).has_expected_completion_date());
}

TEST_CASE("field service: a delivery serves the waiting order planned first",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string customer = desk.Customer("Huber");
  const std::string board = desk.Part("Inverter board M27", 0, 80, &kJune12);
  const std::string late_ticket = desk.Ticket(customer);
  const std::string early_ticket = desk.Ticket(customer);
  v1::ServiceOrder draft = NewOrder(customer, MakeDate(2030, 6, 20), {PartItem("20", board, 1)});
  draft.set_ticket(late_ticket);
  const v1::ServiceOrder late = desk.Order(draft);  // created first, planned later
  *draft.mutable_planned_date() = MakeDate(2030, 6, 15);
  draft.set_ticket(early_ticket);
  const v1::ServiceOrder early = desk.Order(draft);

  v1::SparePart part;
  REQUIRE(Outcome(desk.TryReceive(board, 1, &part)) == "OK");
  CHECK(part.quantity_reserved() == 1);
  const v1::ServiceOrder served = desk.GetOrder(early.name());
  CHECK(served.parts_status() == v1::PARTS_STATUS_ALL_RESERVED);
  CHECK(Iso(served.expected_completion_date()) == "2030-06-15");
  const std::vector<v1::TicketNote> told = desk.Notes(early_ticket);
  REQUIRE(told.size() == 2);
  CHECK(absl::StrContains(told[1].text(), "2030-06-15"));
  CHECK(desk.GetOrder(late.name()).parts_status() == v1::PARTS_STATUS_MISSING);
  CHECK(desk.Notes(late_ticket).size() == 1);
}

TEST_CASE("field service: technicians are assigned by skill, absence, capacity, load and date",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string customer = desk.Customer("Huber");
  const std::string novice = desk.Technician({"NETWORK"});
  const std::string away = desk.Technician({"DISPLAY-REPAIR"}, 4, {kMay14});
  const std::string single = desk.Technician({"DISPLAY-REPAIR"}, 1);
  const std::string busy = desk.Technician({"DISPLAY-REPAIR"});
  const std::string free = desk.Technician({"DISPLAY-REPAIR", "INVERTER"});
  const v1::ServiceOrder draft =
      NewOrder(customer, kMay14, {Labour("10", "DISPLAY-REPAIR", 2, 90)});
  const v1::ServiceOrder first = desk.Order(draft);
  v1::ServiceOrder out;
  CHECK(Precondition(desk.TryAssign(first.name(), novice, &out)) == "NOT_QUALIFIED technician");
  CHECK(Precondition(desk.TryAssign(first.name(), away, &out)) == "NOT_AVAILABLE technician");
  CHECK(Outcome(desk.TryAssign(first.name(), "technicians/unknown", &out)) == "NOT_FOUND");
  REQUIRE(Outcome(desk.TryAssign(first.name(), single, &out)) == "OK");
  const v1::ServiceOrder second = desk.Order(draft);
  CHECK(Precondition(desk.TryAssign(second.name(), single, &out)) == "NOT_AVAILABLE technician");
  REQUIRE(Outcome(desk.TryAssign(second.name(), busy, &out)) == "OK");

  // busy and single have one order that day, free none: free is chosen.
  const v1::ServiceOrder third = desk.Order(draft);
  REQUIRE(Outcome(desk.TryAssign(third.name(), "", &out)) == "OK");
  CHECK(out.technician() == free);
  const v1::ServiceOrder calibration =
      desk.Order(NewOrder(customer, kMay14, {Labour("10", "CALIBRATION", 1, 90)}));
  CHECK(Precondition(desk.TryAssign(calibration.name(), "", &out)) ==
        "NO_TECHNICIAN " + calibration.name());

  // A new planned date frees the technician; a new description does not.
  v1::ServiceOrder patch;
  patch.set_name(third.name());
  patch.set_description("Replace the board and the cable");
  REQUIRE(Outcome(desk.TryUpdateOrder(patch, {"description"}, &out)) == "OK");
  CHECK(out.technician() == free);
  *patch.mutable_planned_date() = MakeDate(2030, 5, 21);
  REQUIRE(Outcome(desk.TryUpdateOrder(patch, {"planned_date"}, &out)) == "OK");
  CHECK(out.technician().empty());
  CHECK(Iso(out.expected_completion_date()) == "2030-05-21");
  CHECK(desk.GetOrder(third.name()).technician().empty());
}

TEST_CASE("field service: cancelling releases reservations and the freed parts serve another",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string customer = desk.Customer("Huber");
  const std::string board = desk.Part("Inverter board M27", 2, 80, &kJune12);
  const v1::ServiceOrder holder =
      desk.Order(NewOrder(customer, kMay14, {PartItem("20", board, 2)}));
  const v1::ServiceOrder waiter =
      desk.Order(NewOrder(customer, MakeDate(2030, 5, 16), {PartItem("20", board, 1)}));
  REQUIRE(waiter.parts_status() == v1::PARTS_STATUS_MISSING);
  REQUIRE(desk.GetPart(board).quantity_reserved() == 2);
  v1::ServiceOrder out;
  REQUIRE(Outcome(desk.TryCancel(holder.name(), &out)) == "OK");
  CHECK(out.state() == v1::SERVICE_ORDER_STATE_CANCELLED);
  CHECK(desk.GetPart(board).quantity_reserved() == 1);  // two freed, one taken
  const v1::ServiceOrder served = desk.GetOrder(waiter.name());
  CHECK(served.parts_status() == v1::PARTS_STATUS_ALL_RESERVED);
  CHECK(Iso(served.expected_completion_date()) == "2030-05-16");
  const std::string refused = "ORDER_STATE " + holder.name();
  CHECK(Precondition(desk.TryCancel(holder.name(), &out)) == refused);
  v1::ServiceConfirmation confirmation;
  CHECK(Precondition(desk.TryConfirm(holder.name(), Work(0), &confirmation)) == refused);
  v1::ServiceOrder patch;
  patch.set_name(holder.name());
  patch.set_description("Too late");
  CHECK(Precondition(desk.TryUpdateOrder(patch, {"description"}, &out)) == refused);
  CHECK(desk.Confirmations(holder.name()).empty());
}

TEST_CASE("field service: work is refused when bad, else billed less what a warranty covers",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string customer = desk.Customer("Huber");
  const std::string board = desk.Part("Inverter board M27", 5);
  const std::vector<v1::ServiceOrderItem> items = {Labour("10", "DISPLAY-REPAIR", 2, 90),
                                                   PartItem("20", board, 1)};
  const v1::ServiceOrder plain = desk.Order(NewOrder(customer, kMay14, items));
  v1::ServiceConfirmation done;
  CHECK(Outcome(desk.TryConfirm(plain.name(), Work(2, board, -1), &done)) ==
        "INVALID_ARGUMENT service_confirmation.materials[0].quantity");
  CHECK(Outcome(desk.TryConfirm(plain.name(), Work(25), &done)) ==
        "INVALID_ARGUMENT service_confirmation.time_entries[0].hours");
  v1::ServiceConfirmation on_part = Work(1);
  on_part.mutable_time_entries(0)->set_item_id("20");
  CHECK(Outcome(desk.TryConfirm(plain.name(), on_part, &done)) ==
        "INVALID_ARGUMENT service_confirmation.time_entries[0].item_id");
  CHECK(Outcome(desk.TryConfirm("serviceOrders/unknown", Work(1), &done)) == "NOT_FOUND");
  CHECK(desk.Confirmations(plain.name()).empty());
  CHECK(desk.GetPart(board).quantity_on_hand() == 5);

  done = desk.Confirm(plain.name(), Work(2, board, 1));
  CHECK(absl::StartsWith(done.name(), plain.name() + "/confirmations/"));
  CHECK(Text(done.labour_amount()) == "EUR 180.00");
  CHECK(Text(done.material_amount()) == "EUR 80.00");
  CHECK(Text(done.covered_amount()) == "EUR 0.00");
  CHECK(Text(done.billable_amount()) == "EUR 260.00");
  CHECK(done.covered_by().empty());
  CHECK(desk.GetPart(board).quantity_reserved() == 0);  // taken from the reservation
  CHECK(desk.GetPart(board).quantity_on_hand() == 4);

  // A warranty covering parts on the work day; one that ended the day before.
  v1::ServiceOrder draft = NewOrder(customer, kMay14, items);
  draft.set_component(desk.Component(customer, "SN-100"));
  const std::string warranty =
      desk.Warranty(draft.component(), MakeDate(2030, 1, 1), MakeDate(2030, 12, 31));
  const v1::ServiceConfirmation covered = desk.Confirm(desk.Order(draft).name(), Work(2, board, 1));
  CHECK(Text(covered.covered_amount()) == "EUR 80.00");
  CHECK(Text(covered.billable_amount()) == "EUR 180.00");
  CHECK(Strings(covered.covered_by().begin(), covered.covered_by().end()) == Strings{warranty});
  draft.set_component(desk.Component(customer, "SN-200"));
  desk.Warranty(draft.component(), MakeDate(2029, 1, 1), MakeDate(2030, 5, 13));
  const v1::ServiceConfirmation expired = desk.Confirm(desk.Order(draft).name(), Work(2, board, 1));
  CHECK(Text(expired.covered_amount()) == "EUR 0.00");
  CHECK(Text(expired.billable_amount()) == "EUR 260.00");
  CHECK(expired.covered_by().empty());
}

TEST_CASE("field service: material beyond stock is refused and a final confirmation completes",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string board = desk.Part("Inverter board M27", 5);
  const v1::ServiceOrder order =
      desk.Order(NewOrder(desk.Customer("Huber"), kMay14,
                          {Labour("10", "DISPLAY-REPAIR", 2, 90), PartItem("20", board, 3)}));
  crm::testing::FeedReader feed(desk.desk_->channel());
  const int64_t head = feed.HeadSequence();
  v1::ServiceConfirmation out;
  // Three reserved and two free: six are too many.
  CHECK(Precondition(desk.TryConfirm(order.name(), Work(2, board, 6), &out)) ==
        "OUT_OF_STOCK service_confirmation.materials[0].quantity");
  CHECK(feed.HeadSequence() == head);
  CHECK(desk.Confirmations(order.name()).empty());
  v1::SparePart part = desk.GetPart(board);
  CHECK(part.quantity_on_hand() == 5);
  CHECK(part.quantity_reserved() == 3);

  v1::ServiceConfirmation last = Work(2, board, 1);
  last.set_final(true);
  desk.Confirm(order.name(), last);
  CHECK(desk.GetOrder(order.name()).state() == v1::SERVICE_ORDER_STATE_COMPLETED);
  part = desk.GetPart(board);
  CHECK(part.quantity_on_hand() == 4);
  CHECK(part.quantity_reserved() == 0);  // the two unused are released
  const std::string refused = "ORDER_STATE " + order.name();
  CHECK(Precondition(desk.TryConfirm(order.name(), Work(1), &out)) == refused);
  v1::ServiceOrder cancelled;
  CHECK(Precondition(desk.TryCancel(order.name(), &cancelled)) == refused);
}

TEST_CASE("field service: confirmations are listed in pages and orders and confirmations are fed",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string customer = desk.Customer("Huber");
  crm::testing::FeedReader feed(desk.desk_->channel());
  const int64_t head = feed.HeadSequence();
  const v1::ServiceOrder order =
      desk.Order(NewOrder(customer, kMay14, {Labour("10", "DISPLAY-REPAIR", 2, 90)}), "order-1");
  Strings made;
  Strings expected = {
      absl::StrCat("CHANGE_KIND_CREATED ", order.name(), " CreateServiceOrder order-1")};
  for (int i = 1; i <= 3; ++i) {
    const std::string request_id = absl::StrCat("work-", i);
    made.push_back(desk.Confirm(order.name(), Work(1), request_id).name());
    expected.push_back(absl::StrCat("CHANGE_KIND_CREATED ", made.back(),
                                    " CreateServiceConfirmation ", request_id));
  }
  int pages = 0;
  CHECK(desk.Confirmations(order.name(), 2, &pages) == made);
  CHECK(pages == 2);
  CHECK(feed.DescribeChangesAfter(head) == expected);
}

// CreateServiceConfirmation with `final` sets the order COMPLETED and clears
// its missing_parts, but leaves parts_status as it was (CancelServiceOrder
// clears it): a completed order says PARTS_STATUS_MISSING with no missing
// parts, and the filter for orders waiting for parts still lists it.
TEST_CASE("field service: a completed order no longer says its parts are missing",
          "[servicedesk][service_order]") {
  FieldDesk desk;
  const std::string board = desk.Part("Inverter board M27", 0, 80, &kJune12);
  const v1::ServiceOrder order =
      desk.Order(NewOrder(desk.Customer("Huber"), kMay14,
                          {Labour("10", "DISPLAY-REPAIR", 2, 90), PartItem("20", board, 1)}));
  REQUIRE(order.parts_status() == v1::PARTS_STATUS_MISSING);
  v1::ServiceConfirmation last = Work(2);
  last.set_final(true);
  desk.Confirm(order.name(), last);
  const v1::ServiceOrder done = desk.GetOrder(order.name());
  REQUIRE(done.state() == v1::SERVICE_ORDER_STATE_COMPLETED);
  CHECK(done.missing_parts().empty());
  CHECK(done.parts_status() != v1::PARTS_STATUS_MISSING);
  v1::ListServiceOrdersRequest waiting;
  waiting.set_filter("parts_status = PARTS_STATUS_MISSING");
  CHECK(MustCall(*desk.orders_, &OrderStub::ListServiceOrders, waiting).service_orders().empty());
}

}  // namespace
}  // namespace crm::servicedesk
