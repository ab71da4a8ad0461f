// ReturnService over a real gRPC channel and a real SQLite file, with a
// real partners service beside it: a return authorised today, received,
// repaired under a service order of its own and shipped back, each step
// dated; each bad field named with nothing written; the object the
// customer's, not a text item and on one open return at a time; the steps
// in their order, with their dates and etags checked; lists and the feed.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/feed_reader.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/servicedesk/v1/installed_base_service.grpc.pb.h"
#include "crm/servicedesk/v1/return_service.grpc.pb.h"
#include "crm/servicedesk/v1/service_order_service.grpc.pb.h"
#include "crm/servicedesk/v1/ticket_service.grpc.pb.h"
#include "services/partners/partners_spec.h"
#include "services/servicedesk/servicedesk_spec.h"
#include "services/servicedesk/tests/desk_fixture.h"

namespace crm::servicedesk {
namespace {

namespace pv1 = crm::partners::v1;
using crm::testing::Call;
using crm::testing::MustCall;
using crm::testing::Outcome;
using crm::testing::Precondition;
using BaseStub = v1::InstalledBaseService::Stub;
using OrderStub = v1::ServiceOrderService::Stub;
using PartnerStub = pv1::PartnerService::Stub;
using ReturnStub = v1::ReturnService::Stub;
using TicketStub = v1::TicketService::Stub;
using Date = google::type::Date;
using Strings = std::vector<std::string>;

Date Today() { return api::UtcDate(absl::Now()); }
Date DaysFromToday(int days) { return api::DateOf(api::CivilDayOf(Today()) + days); }
std::string Iso(const Date& date) { return api::IsDateSet(date) ? api::IsoDate(date) : "unset"; }

// A repair of `name` with one labour item, in EUR, starting today.
v1::StartRepairRequest Repair(const std::string& name) {
  v1::StartRepairRequest request;
  request.set_name(name);
  v1::ServiceOrderItem& item = *request.add_items();
  item.set_item_id("10");
  item.set_type(v1::SERVICE_ITEM_TYPE_LABOUR);
  item.set_skill("DISPLAY-REPAIR");
  item.set_hours(2);
  item.mutable_hourly_rate()->set_currency_code("EUR");
  item.mutable_hourly_rate()->set_units(90);
  request.set_currency_code("EUR");
  return request;
}

class ReturnBench : public crm::servicedesk::testing::DeskBesidePartners {
 public:
  ReturnBench() {
    returns_ = v1::ReturnService::NewStub(desk_->channel());
    orders_ = v1::ServiceOrderService::NewStub(desk_->channel());
    tickets_ = v1::TicketService::NewStub(desk_->channel());
    base_ = v1::InstalledBaseService::NewStub(desk_->channel());
  }

  std::string Ticket(const std::string& customer) {
    v1::CreateTicketRequest request;
    v1::Ticket& t = *request.mutable_ticket();
    t.set_type(v1::TICKET_TYPE_INCIDENT);
    t.set_title("Monitor flickers");
    t.set_customer(customer);
    t.set_channel(v1::TICKET_CHANNEL_PHONE);
    t.set_category("HARDWARE");
    return MustCall(*tickets_, &TicketStub::CreateTicket, request).name();
  }

  static v1::ReturnAuthorization Draft(const std::string& customer, const std::string& component,
                                       const std::string& ticket = "") {
    v1::ReturnAuthorization rma;
    rma.set_customer(customer);
    rma.set_component(component);
    rma.set_ticket(ticket);
    rma.set_reason("The screen flickers once it is warm");
    return rma;
  }

  grpc::Status TryCreate(const v1::ReturnAuthorization& rma, v1::ReturnAuthorization* out,
                         const std::string& request_id = "") {
    v1::CreateReturnAuthorizationRequest request;
    *request.mutable_return_authorization() = rma;
    request.set_request_id(request_id);
    return Call(*returns_, &ReturnStub::CreateReturnAuthorization, request, out);
  }
  v1::ReturnAuthorization Create(const v1::ReturnAuthorization& rma,
                                 const std::string& request_id = "") {
    v1::ReturnAuthorization out;
    const grpc::Status status = TryCreate(rma, &out, request_id);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return out;
  }
  v1::ReturnAuthorization Get(const std::string& name) {
    v1::GetReturnAuthorizationRequest request;
    request.set_name(name);
    return MustCall(*returns_, &ReturnStub::GetReturnAuthorization, request);
  }
  grpc::Status TryReceive(const std::string& name, v1::ReturnAuthorization* out,
                          const Date& day = Date(), const std::string& etag = "") {
    v1::ReceiveReturnRequest request;
    request.set_name(name);
    *request.mutable_received_date() = day;
    request.set_etag(etag);
    return Call(*returns_, &ReturnStub::ReceiveReturn, request, out);
  }
  grpc::Status TryRepair(const v1::StartRepairRequest& request, v1::ReturnAuthorization* out) {
    return Call(*returns_, &ReturnStub::StartRepair, request, out);
  }
  grpc::Status TryShip(const std::string& name, const std::string& tracking_number,
                       v1::ReturnAuthorization* out, const Date& day = Date(),
                       const std::string& etag = "") {
    v1::ShipReturnRequest request;
    request.set_name(name);
    request.set_tracking_number(tracking_number);
    *request.mutable_shipped_date() = day;
    request.set_etag(etag);
    return Call(*returns_, &ReturnStub::ShipReturn, request, out);
  }
  grpc::Status TryCancel(const std::string& name, v1::ReturnAuthorization* out,
                         const std::string& etag = "") {
    v1::CancelReturnRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return Call(*returns_, &ReturnStub::CancelReturn, request, out);
  }

  // `name` received (unless it is) and in repair, its repair order open.
  v1::ReturnAuthorization InRepair(const std::string& name) {
    v1::ReturnAuthorization out;
    if (Get(name).state() == v1::RETURN_STATE_AUTHORIZED) {
      REQUIRE(Outcome(TryReceive(name, &out)) == "OK");
    }
    const grpc::Status status = TryRepair(Repair(name), &out);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return out;
  }
  v1::ServiceOrder Order(const std::string& name) {
    v1::GetServiceOrderRequest request;
    request.set_name(name);
    return MustCall(*orders_, &OrderStub::GetServiceOrder, request);
  }
  // The final confirmation of the order: it is completed.
  void Complete(const std::string& order) {
    v1::CreateServiceConfirmationRequest request;
    request.set_parent(order);
    *request.mutable_service_confirmation()->mutable_work_date() = Today();
    request.mutable_service_confirmation()->set_report("Inverter replaced, display tested");
    request.mutable_service_confirmation()->set_final(true);
    MustCall(*orders_, &OrderStub::CreateServiceConfirmation, request);
  }

  Strings Names(const std::string& filter = "", int page_size = 0, int* pages = nullptr) {
    Strings names;
    v1::ListReturnAuthorizationsRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    if (pages != nullptr) *pages = 0;
    do {
      const auto page = MustCall(*returns_, &ReturnStub::ListReturnAuthorizations, request);
      for (const auto& rma : page.return_authorizations()) names.push_back(rma.name());
      if (pages != nullptr) ++*pages;
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }
  int OrderCount() {
    const v1::ListServiceOrdersRequest all;
    return MustCall(*orders_, &OrderStub::ListServiceOrders, all).service_orders_size();
  }

  std::unique_ptr<ReturnStub> returns_;
  std::unique_ptr<OrderStub> orders_;
  std::unique_ptr<TicketStub> tickets_;
  std::unique_ptr<BaseStub> base_;
};

TEST_CASE("returns: a return goes the whole way from authorised to shipped with each step dated",
          "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const std::string monitor = bench.Component(customer, "SN-100");
  const std::string ticket = bench.Ticket(customer);
  v1::ReturnAuthorization draft = ReturnBench::Draft(customer, monitor, ticket);
  draft.set_state(v1::RETURN_STATE_SHIPPED);  // output only: ignored
  draft.set_tracking_number("ignored");
  draft.set_repair_order("serviceOrders/ignored");
  *draft.mutable_received_date() = DaysFromToday(-3);
  const v1::ReturnAuthorization made = bench.Create(draft, "rma-1");
  CHECK(made.state() == v1::RETURN_STATE_AUTHORIZED);
  CHECK(Iso(made.authorized_date()) == Iso(Today()));
  CHECK((made.repair_order() + made.tracking_number()).empty());
  CHECK(made.etag() == "\"1\"");
  // A retry is answered with the same return, not refused as a second one.
  CHECK(bench.Create(draft, "rma-1").name() == made.name());
  CHECK(bench.Names() == Strings{made.name()});

  v1::ReturnAuthorization received;
  REQUIRE(Outcome(bench.TryReceive(made.name(), &received, Today())) == "OK");
  CHECK(received.state() == v1::RETURN_STATE_RECEIVED);
  CHECK(Iso(received.received_date()) == Iso(Today()));

  v1::ReturnAuthorization repairing;
  REQUIRE(Outcome(bench.TryRepair(Repair(made.name()), &repairing)) == "OK");
  CHECK(repairing.state() == v1::RETURN_STATE_IN_REPAIR);
  CHECK(Iso(repairing.repair_start_date()) == Iso(Today()));
  REQUIRE(absl::StartsWith(repairing.repair_order(), "serviceOrders/"));
  const v1::ServiceOrder order = bench.Order(repairing.repair_order());
  CHECK(order.customer() == customer);
  CHECK(order.component() == monitor);
  CHECK(order.ticket() == ticket);
  CHECK(Iso(order.planned_date()) == Iso(repairing.repair_start_date()));
  CHECK(absl::StrContains(order.description(), made.name()));
  CHECK(absl::StrContains(order.description(), made.reason()));
  CHECK(order.state() == v1::SERVICE_ORDER_STATE_OPEN);
  CHECK(order.items_size() == 1);

  bench.Complete(order.name());
  CHECK(bench.Order(order.name()).state() == v1::SERVICE_ORDER_STATE_COMPLETED);
  v1::ReturnAuthorization shipped;
  REQUIRE(Outcome(bench.TryShip(made.name(), "1Z999AA10123456784", &shipped)) == "OK");
  CHECK(shipped.etag() == "\"4\"");

  // Every step's date is kept, as read back.
  const v1::ReturnAuthorization read = bench.Get(made.name());
  CHECK(read.state() == v1::RETURN_STATE_SHIPPED);
  CHECK(Iso(read.authorized_date()) == Iso(Today()));
  CHECK(Iso(read.received_date()) == Iso(Today()));
  CHECK(Iso(read.repair_start_date()) == Iso(Today()));
  CHECK(Iso(read.shipped_date()) == Iso(Today()));
  CHECK(read.repair_order() == order.name());
  CHECK(read.tracking_number() == "1Z999AA10123456784");
  CHECK(read.etag() == shipped.etag());
}

TEST_CASE("returns: bad returns are refused field by field and nothing is written",
          "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const std::string monitor = bench.Component(customer, "SN-100");
  v1::ReturnAuthorization out;
  const v1::ReturnAuthorization good = ReturnBench::Draft(customer, monitor);

  CHECK(Outcome(bench.TryCreate(v1::ReturnAuthorization(), &out)) ==
        "INVALID_ARGUMENT return_authorization.customer, return_authorization.component, "
        "return_authorization.reason");
  v1::ReturnAuthorization bad = good;
  bad.set_customer("customers/x");
  bad.set_component("products/monitor-24");
  bad.set_ticket("cases/t1");
  CHECK(Outcome(bench.TryCreate(bad, &out)) ==
        "INVALID_ARGUMENT return_authorization.customer, return_authorization.component, "
        "return_authorization.ticket");
  bad = good;
  bad.set_reason("   ");
  CHECK(Outcome(bench.TryCreate(bad, &out)) == "INVALID_ARGUMENT return_authorization.reason");
  bad.set_reason(std::string(2001, 'x'));
  CHECK(Outcome(bench.TryCreate(bad, &out)) == "INVALID_ARGUMENT return_authorization.reason");
  CHECK(Outcome(bench.TryCreate(good, &out, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");
  v1::CreateReturnAuthorizationRequest empty;
  CHECK(Outcome(Call(*bench.returns_, &ReturnStub::CreateReturnAuthorization, empty, &out)) ==
        "INVALID_ARGUMENT return_authorization");
  CHECK(bench.Names().empty());

  // Names of returns that are malformed or unknown.
  CHECK(Outcome(bench.TryReceive("returns/1", &out)) == "INVALID_ARGUMENT name");
  CHECK(Outcome(bench.TryReceive("returnAuthorizations/unknown", &out)) == "NOT_FOUND");
  CHECK(Outcome(bench.TryCancel("returnAuthorizations/unknown", &out)) == "NOT_FOUND");
  CHECK(Outcome(bench.TryShip("returnAuthorizations/unknown", "1Z", &out)) == "NOT_FOUND");
  CHECK(bench.Names().empty());
}

TEST_CASE(
    "returns: an unknown customer, component or ticket is not found and another "
    "customer's is refused as OTHER_CUSTOMER",
    "[servicedesk][return]") {
  ReturnBench bench;
  const std::string alvis = bench.Customer("Alvis GmbH");
  const std::string berta = bench.Customer("Berta KG");
  const std::string monitor = bench.Component(alvis, "SN-100");
  const std::string bertas_monitor = bench.Component(berta, "SN-200");
  const std::string bertas_ticket = bench.Ticket(berta);
  v1::ReturnAuthorization out;
  CHECK(Outcome(bench.TryCreate(ReturnBench::Draft("partners/unknown", monitor), &out)) ==
        "NOT_FOUND");
  CHECK(Outcome(bench.TryCreate(ReturnBench::Draft(alvis, "installedComponents/unknown"), &out)) ==
        "NOT_FOUND");
  CHECK(Outcome(bench.TryCreate(ReturnBench::Draft(alvis, monitor, "tickets/unknown"), &out)) ==
        "NOT_FOUND");
  CHECK(Precondition(bench.TryCreate(ReturnBench::Draft(alvis, bertas_monitor), &out)) ==
        "OTHER_CUSTOMER return_authorization.component");
  CHECK(Precondition(bench.TryCreate(ReturnBench::Draft(alvis, monitor, bertas_ticket), &out)) ==
        "OTHER_CUSTOMER return_authorization.ticket");
  CHECK(bench.Names().empty());
  CHECK(Outcome(bench.TryCreate(ReturnBench::Draft(berta, bertas_monitor, bertas_ticket), &out)) ==
        "OK");
}

TEST_CASE("returns: a text item cannot be returned but a product can", "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const std::string note = bench.Component(customer, "", v1::COMPONENT_KIND_TEXT_ITEM);
  const std::string licence = bench.Component(customer, "", v1::COMPONENT_KIND_PRODUCT);
  v1::ReturnAuthorization out;
  CHECK(Precondition(bench.TryCreate(ReturnBench::Draft(customer, note), &out)) ==
        "TEXT_ITEM return_authorization.component");
  CHECK(bench.Names().empty());
  CHECK(Outcome(bench.TryCreate(ReturnBench::Draft(customer, licence), &out)) == "OK");
}

TEST_CASE("returns: a component is on one open return at a time until it is shipped or cancelled",
          "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const std::string monitor = bench.Component(customer, "SN-100");
  const std::string keyboard = bench.Component(customer, "SN-101");
  const v1::ReturnAuthorization draft = ReturnBench::Draft(customer, monitor);
  const std::string open_return = "OPEN_RETURN return_authorization.component";
  v1::ReturnAuthorization out;

  const v1::ReturnAuthorization first = bench.Create(draft);
  CHECK(Precondition(bench.TryCreate(draft, &out)) == open_return);
  CHECK(Outcome(bench.TryCreate(ReturnBench::Draft(customer, keyboard), &out)) == "OK");
  REQUIRE(Outcome(bench.TryCancel(first.name(), &out)) == "OK");

  // Cancelled: allowed again. Received and in repair: open again.
  const v1::ReturnAuthorization second = bench.Create(draft);
  REQUIRE(Outcome(bench.TryReceive(second.name(), &out)) == "OK");
  CHECK(Precondition(bench.TryCreate(draft, &out)) == open_return);
  bench.InRepair(second.name());
  CHECK(Precondition(bench.TryCreate(draft, &out)) == open_return);
  CHECK(bench.Names(absl::StrCat("component = \"", monitor, "\"")).size() == 2);

  // Shipped: allowed again.
  bench.Complete(bench.Get(second.name()).repair_order());
  REQUIRE(Outcome(bench.TryShip(second.name(), "1Z", &out)) == "OK");
  const v1::ReturnAuthorization third = bench.Create(draft);
  CHECK(third.state() == v1::RETURN_STATE_AUTHORIZED);
  CHECK(bench.Names(absl::StrCat("component = \"", monitor, "\"")).size() == 3);
}

TEST_CASE("returns: steps out of order are refused as RETURN_STATE and change nothing",
          "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const v1::ReturnAuthorization rma =
      bench.Create(ReturnBench::Draft(customer, bench.Component(customer, "SN-100")));
  const std::string refused = "RETURN_STATE " + rma.name();
  v1::ReturnAuthorization out;

  CHECK(Precondition(bench.TryShip(rma.name(), "1Z", &out)) == refused);      // ship before repair
  CHECK(Precondition(bench.TryRepair(Repair(rma.name()), &out)) == refused);  // before receipt
  CHECK(bench.Get(rma.name()).etag() == rma.etag());
  CHECK(bench.OrderCount() == 0);

  REQUIRE(Outcome(bench.TryReceive(rma.name(), &out)) == "OK");
  const std::string received_etag = out.etag();
  CHECK(Precondition(bench.TryReceive(rma.name(), &out)) == refused);  // twice
  CHECK(Precondition(bench.TryCancel(rma.name(), &out)) == refused);   // after receipt
  CHECK(Precondition(bench.TryShip(rma.name(), "1Z", &out)) == refused);
  CHECK(bench.Get(rma.name()).etag() == received_etag);  // unchanged

  const v1::ReturnAuthorization repairing = bench.InRepair(rma.name());
  CHECK(Precondition(bench.TryRepair(Repair(rma.name()), &out)) == refused);  // a second repair
  CHECK(Precondition(bench.TryReceive(rma.name(), &out)) == refused);
  CHECK(Precondition(bench.TryCancel(rma.name(), &out)) == refused);
  CHECK(bench.OrderCount() == 1);
  bench.Complete(repairing.repair_order());
  REQUIRE(Outcome(bench.TryShip(rma.name(), "1Z", &out)) == "OK");
  CHECK(Precondition(bench.TryShip(rma.name(), "1Z", &out)) == refused);  // shipped twice
  CHECK(Precondition(bench.TryCancel(rma.name(), &out)) == refused);

  // A cancelled return goes nowhere.
  const v1::ReturnAuthorization called_off =
      bench.Create(ReturnBench::Draft(customer, bench.Component(customer, "SN-101")));
  REQUIRE(Outcome(bench.TryCancel(called_off.name(), &out)) == "OK");
  const std::string gone = "RETURN_STATE " + called_off.name();
  CHECK(Precondition(bench.TryCancel(called_off.name(), &out)) == gone);
  CHECK(Precondition(bench.TryReceive(called_off.name(), &out)) == gone);
  CHECK(Precondition(bench.TryRepair(Repair(called_off.name()), &out)) == gone);
  CHECK(bench.Get(called_off.name()).state() == v1::RETURN_STATE_CANCELLED);
}

TEST_CASE("returns: shipping waits until the repair order is completed", "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const v1::ReturnAuthorization rma =
      bench.Create(ReturnBench::Draft(customer, bench.Component(customer, "SN-100")));
  const v1::ReturnAuthorization repairing = bench.InRepair(rma.name());
  v1::ReturnAuthorization out;
  CHECK(Precondition(bench.TryShip(rma.name(), "1Z999AA10123456784", &out)) ==
        "REPAIR_OPEN " + repairing.repair_order());
  const v1::ReturnAuthorization read = bench.Get(rma.name());
  CHECK(read.state() == v1::RETURN_STATE_IN_REPAIR);
  CHECK(read.tracking_number().empty());
  CHECK(read.etag() == repairing.etag());

  bench.Complete(repairing.repair_order());
  CHECK(Outcome(bench.TryShip(rma.name(), "1Z999AA10123456784", &out)) == "OK");
  CHECK(out.state() == v1::RETURN_STATE_SHIPPED);
}

TEST_CASE("returns: a cancelled repair order sends the return back to received for another",
          "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const v1::ReturnAuthorization rma =
      bench.Create(ReturnBench::Draft(customer, bench.Component(customer, "SN-100")));
  const v1::ReturnAuthorization repairing = bench.InRepair(rma.name());
  v1::CancelServiceOrderRequest cancel;
  cancel.set_name(repairing.repair_order());
  MustCall(*bench.orders_, &OrderStub::CancelServiceOrder, cancel);
  const v1::ReturnAuthorization back = bench.Get(rma.name());
  CHECK(back.state() == v1::RETURN_STATE_RECEIVED);
  CHECK(back.repair_order().empty());
  CHECK_FALSE(api::IsDateSet(back.repair_start_date()));
  // Another repair starts and is shipped when done.
  const v1::ReturnAuthorization again = bench.InRepair(rma.name());
  CHECK(again.repair_order() != repairing.repair_order());
  bench.Complete(again.repair_order());
  v1::ReturnAuthorization out;
  CHECK(Outcome(bench.TryShip(rma.name(), "1Z999AA10123456784", &out)) == "OK");
}

TEST_CASE("returns: the received date is neither in the future nor before the authorisation",
          "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const v1::ReturnAuthorization rma =
      bench.Create(ReturnBench::Draft(customer, bench.Component(customer, "SN-100")));
  v1::ReturnAuthorization out;
  CHECK(Outcome(bench.TryReceive(rma.name(), &out, DaysFromToday(1))) ==
        "INVALID_ARGUMENT received_date");
  CHECK(Outcome(bench.TryReceive(rma.name(), &out, DaysFromToday(-1))) ==
        "INVALID_ARGUMENT received_date");
  const v1::ReturnAuthorization read = bench.Get(rma.name());
  CHECK(read.state() == v1::RETURN_STATE_AUTHORIZED);
  CHECK(Iso(read.received_date()) == "unset");
  CHECK(read.etag() == rma.etag());
  REQUIRE(Outcome(bench.TryReceive(rma.name(), &out)) == "OK");
  CHECK(Iso(out.received_date()) == Iso(Today()));
}

TEST_CASE("returns: a repair needs sound items and a currency and writes nothing without them",
          "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const v1::ReturnAuthorization rma =
      bench.Create(ReturnBench::Draft(customer, bench.Component(customer, "SN-100")));
  v1::ReturnAuthorization received;
  REQUIRE(Outcome(bench.TryReceive(rma.name(), &received)) == "OK");
  v1::ReturnAuthorization out;

  v1::StartRepairRequest bad = Repair(rma.name());
  bad.mutable_items(0)->set_skill("display repair");
  CHECK(Outcome(bench.TryRepair(bad, &out)) == "INVALID_ARGUMENT items[0].skill");
  bad = Repair(rma.name());
  bad.clear_currency_code();
  CHECK(Outcome(bench.TryRepair(bad, &out)) == "INVALID_ARGUMENT currency_code");
  bad = Repair(rma.name());
  bad.clear_items();
  CHECK(Outcome(bench.TryRepair(bad, &out)) == "INVALID_ARGUMENT items");
  bad = Repair(rma.name());
  v1::ServiceOrderItem& part = *bad.add_items();
  part.set_item_id("20");
  part.set_type(v1::SERVICE_ITEM_TYPE_PART);
  part.set_quantity(1);
  CHECK(Outcome(bench.TryRepair(bad, &out)) == "INVALID_ARGUMENT items[1].spare_part");
  part.set_spare_part("spareParts/unknown");  // sound, but not in stock at all
  CHECK(Outcome(bench.TryRepair(bad, &out)) == "NOT_FOUND");
  bad = Repair(rma.name());
  *bad.mutable_start_date() = DaysFromToday(-1);  // before it arrived
  CHECK(Outcome(bench.TryRepair(bad, &out)) == "INVALID_ARGUMENT start_date");

  CHECK(bench.OrderCount() == 0);
  const v1::ReturnAuthorization read = bench.Get(rma.name());
  CHECK(read.state() == v1::RETURN_STATE_RECEIVED);
  CHECK(read.repair_order().empty());
  CHECK(read.etag() == received.etag());

  v1::StartRepairRequest good = Repair(rma.name());
  *good.mutable_start_date() = Today();
  REQUIRE(Outcome(bench.TryRepair(good, &out)) == "OK");
  CHECK(Iso(bench.Order(out.repair_order()).planned_date()) == Iso(Today()));
  CHECK(bench.OrderCount() == 1);
}

TEST_CASE("returns: a repair may be planned for a day after today", "[servicedesk][return]") {
  // return_service.proto: start_date is "the day the repair starts and is
  // planned for; default today; not before the return arrived" - unlike
  // received_date and shipped_date it is not limited to today.
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const v1::ReturnAuthorization rma =
      bench.Create(ReturnBench::Draft(customer, bench.Component(customer, "SN-100")));
  v1::ReturnAuthorization out;
  REQUIRE(Outcome(bench.TryReceive(rma.name(), &out)) == "OK");
  v1::StartRepairRequest later = Repair(rma.name());
  *later.mutable_start_date() = DaysFromToday(7);
  const grpc::Status status = bench.TryRepair(later, &out);
  INFO(status.error_message());
  REQUIRE(Outcome(status) == "OK");
  CHECK(Iso(out.repair_start_date()) == Iso(DaysFromToday(7)));
  CHECK(Iso(bench.Order(out.repair_order()).planned_date()) == Iso(DaysFromToday(7)));
}

TEST_CASE("returns: a shipment needs a tracking number and a date within the repair and today",
          "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const v1::ReturnAuthorization rma =
      bench.Create(ReturnBench::Draft(customer, bench.Component(customer, "SN-100")));
  const v1::ReturnAuthorization repairing = bench.InRepair(rma.name());
  bench.Complete(repairing.repair_order());
  v1::ReturnAuthorization out;
  CHECK(Outcome(bench.TryShip(rma.name(), "", &out)) == "INVALID_ARGUMENT tracking_number");
  CHECK(Outcome(bench.TryShip(rma.name(), std::string(101, '1'), &out)) ==
        "INVALID_ARGUMENT tracking_number");
  CHECK(Outcome(bench.TryShip(rma.name(), "1Z", &out, DaysFromToday(-1))) ==
        "INVALID_ARGUMENT shipped_date");  // before the repair started
  CHECK(Outcome(bench.TryShip(rma.name(), "1Z", &out, DaysFromToday(1))) ==
        "INVALID_ARGUMENT shipped_date");
  CHECK(bench.Get(rma.name()).etag() == repairing.etag());  // unchanged
  REQUIRE(Outcome(bench.TryShip(rma.name(), std::string(100, '1'), &out, Today())) == "OK");
  CHECK(Iso(out.shipped_date()) == Iso(Today()));
}

TEST_CASE("returns: a stale etag is refused as ABORTED at every step", "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const v1::ReturnAuthorization rma =
      bench.Create(ReturnBench::Draft(customer, bench.Component(customer, "SN-100")));
  v1::ReturnAuthorization out;
  CHECK(Outcome(bench.TryReceive(rma.name(), &out, Date(), "\"7\"")) == "ABORTED");
  CHECK(Outcome(bench.TryCancel(rma.name(), &out, "\"2\"")) == "ABORTED");
  REQUIRE(Outcome(bench.TryReceive(rma.name(), &out, Date(), rma.etag())) == "OK");
  const v1::ReturnAuthorization received = out;

  v1::StartRepairRequest repair = Repair(rma.name());
  repair.set_etag(rma.etag());
  CHECK(Outcome(bench.TryRepair(repair, &out)) == "ABORTED");
  CHECK(bench.OrderCount() == 0);
  repair.set_etag(received.etag());
  REQUIRE(Outcome(bench.TryRepair(repair, &out)) == "OK");
  const v1::ReturnAuthorization repairing = out;
  bench.Complete(repairing.repair_order());
  CHECK(Outcome(bench.TryShip(rma.name(), "1Z", &out, Date(), received.etag())) == "ABORTED");
  CHECK(bench.Get(rma.name()).state() == v1::RETURN_STATE_IN_REPAIR);
  CHECK(Outcome(bench.TryShip(rma.name(), "1Z", &out, Date(), repairing.etag())) == "OK");
}

TEST_CASE("returns: lists filter by state and customer and come in pages newest first",
          "[servicedesk][return]") {
  ReturnBench bench;
  const std::string alvis = bench.Customer("Alvis GmbH");
  const std::string berta = bench.Customer("Berta KG");
  Strings made;  // oldest first
  for (int i = 0; i < 3; ++i) {
    const std::string component = bench.Component(alvis, absl::StrCat("SN-10", i));
    made.push_back(bench.Create(ReturnBench::Draft(alvis, component)).name());
  }
  const std::string bertas =
      bench.Create(ReturnBench::Draft(berta, bench.Component(berta, "SN-200"))).name();
  v1::ReturnAuthorization out;
  REQUIRE(Outcome(bench.TryReceive(made[1], &out)) == "OK");
  REQUIRE(Outcome(bench.TryCancel(made[2], &out)) == "OK");

  CHECK(bench.Names() == Strings{bertas, made[2], made[1], made[0]});
  CHECK(bench.Names("state = RETURN_STATE_RECEIVED") == Strings{made[1]});
  CHECK(bench.Names("state = RETURN_STATE_AUTHORIZED") == Strings{bertas, made[0]});
  CHECK(bench.Names("state = RETURN_STATE_SHIPPED").empty());
  CHECK(bench.Names(absl::StrCat("customer = \"", alvis, "\"")) ==
        Strings{made[2], made[1], made[0]});
  CHECK(bench.Names(absl::StrCat("customer = \"", alvis,
                                 "\" AND state = RETURN_STATE_AUTHORIZED")) == Strings{made[0]});
  CHECK(bench.Names(absl::StrCat("customer = \"", berta, "\"")) == Strings{bertas});

  int pages = 0;
  CHECK(bench.Names("", 2, &pages) == Strings{bertas, made[2], made[1], made[0]});
  CHECK(pages == 2);
  CHECK(bench.Names(absl::StrCat("customer = \"", alvis, "\""), 1, &pages) ==
        Strings{made[2], made[1], made[0]});
  CHECK(pages == 3);
}

TEST_CASE("returns: each step is put on the change feed", "[servicedesk][return]") {
  ReturnBench bench;
  const std::string customer = bench.Customer("Alvis GmbH");
  const std::string monitor = bench.Component(customer, "SN-100");
  const std::string keyboard = bench.Component(customer, "SN-101");
  crm::testing::FeedReader feed(bench.desk_->channel());
  const int64_t head = feed.HeadSequence();

  const v1::ReturnAuthorization rma = bench.Create(ReturnBench::Draft(customer, monitor), "rma-1");
  v1::ReturnAuthorization out;
  REQUIRE(Outcome(bench.TryReceive(rma.name(), &out)) == "OK");
  REQUIRE(Outcome(bench.TryRepair(Repair(rma.name()), &out)) == "OK");
  const std::string order = out.repair_order();
  bench.Complete(order);
  REQUIRE(Outcome(bench.TryShip(rma.name(), "1Z", &out)) == "OK");
  const v1::ReturnAuthorization other =
      bench.Create(ReturnBench::Draft(customer, keyboard), "rma-2");
  REQUIRE(Outcome(bench.TryCancel(other.name(), &out)) == "OK");

  // The return's steps, with the repair order made inside StartRepair.
  Strings steps;
  for (const std::string& change : feed.DescribeChangesAfter(head)) {
    if (absl::StrContains(change, "returnAuthorizations/") ||
        absl::StrContains(change, order + " StartRepair")) {
      steps.push_back(change);
    }
  }
  CHECK(steps ==
        Strings{
            absl::StrCat("CHANGE_KIND_CREATED ", rma.name(), " CreateReturnAuthorization rma-1"),
            absl::StrCat("CHANGE_KIND_UPDATED ", rma.name(), " ReceiveReturn "),
            absl::StrCat("CHANGE_KIND_CREATED ", order, " StartRepair "),
            absl::StrCat("CHANGE_KIND_UPDATED ", rma.name(), " StartRepair "),
            absl::StrCat("CHANGE_KIND_UPDATED ", rma.name(), " ShipReturn "),
            absl::StrCat("CHANGE_KIND_CREATED ", other.name(), " CreateReturnAuthorization rma-2"),
            absl::StrCat("CHANGE_KIND_UPDATED ", other.name(), " CancelReturn "),
        });
  // A refused step puts nothing on the feed.
  const int64_t last = feed.HeadSequence();
  CHECK(Outcome(bench.TryCancel(rma.name(), &out)) == "FAILED_PRECONDITION");
  CHECK(feed.HeadSequence() == last);
}

}  // namespace
}  // namespace crm::servicedesk
