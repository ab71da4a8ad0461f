// Service contracts held at the service desk, over a real gRPC channel and
// a real SQLite file with a real partners service beside it: what they
// cover is part of the entitlement, their response profile decides a
// ticket's service level, and their coverage counts in a confirmation.
#include <catch2/catch.hpp>
#include <string>

#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/servicedesk/v1/installed_base_service.grpc.pb.h"
#include "crm/servicedesk/v1/service_order_service.grpc.pb.h"
#include "crm/servicedesk/v1/sla_service.grpc.pb.h"
#include "crm/servicedesk/v1/ticket_service.grpc.pb.h"
#include "services/partners/partners_spec.h"
#include "services/servicedesk/servicedesk_spec.h"
#include "services/servicedesk/tests/desk_fixture.h"

namespace crm::servicedesk {
namespace {

namespace pv1 = crm::partners::v1;
using crm::testing::Call;
using crm::testing::Mask;
using crm::testing::MustCall;
using crm::testing::Outcome;
using crm::testing::Precondition;
using BaseStub = v1::InstalledBaseService::Stub;
using OrderStub = v1::ServiceOrderService::Stub;
using PartnerStub = pv1::PartnerService::Stub;
using SlaStub = v1::SlaService::Stub;
using TicketStub = v1::TicketService::Stub;

google::type::Date DaysFromToday(int days) {
  return api::DateOf(api::CivilDayOf(api::UtcDate(absl::Now())) + days);
}

class ContractDesk : public crm::servicedesk::testing::DeskBesidePartners {
 public:
  ContractDesk() {
    base_ = v1::InstalledBaseService::NewStub(desk_->channel());
    orders_ = v1::ServiceOrderService::NewStub(desk_->channel());
    sla_ = v1::SlaService::NewStub(desk_->channel());
    tickets_ = v1::TicketService::NewStub(desk_->channel());
  }

  // A policy for no ticket class in particular, with a response target.
  std::string Policy(const std::string& display_name, int response_seconds, int precedence) {
    v1::CreateSlaCalendarRequest calendar;
    calendar.mutable_sla_calendar()->set_display_name("24x7");
    calendar.mutable_sla_calendar()->set_time_zone("Europe/Berlin");
    for (int day = v1::WEEKDAY_MONDAY; day <= v1::WEEKDAY_SUNDAY; ++day) {
      v1::BusinessHours& hours = *calendar.mutable_sla_calendar()->add_business_hours();
      hours.set_day(static_cast<v1::Weekday>(day));
      hours.set_start_time("00:00");
      hours.set_end_time("24:00");
    }
    v1::CreateSlaPolicyRequest request;
    v1::SlaPolicy& policy = *request.mutable_sla_policy();
    policy.set_display_name(display_name);
    policy.set_calendar(MustCall(*sla_, &SlaStub::CreateSlaCalendar, calendar).name());
    policy.mutable_first_response_target()->set_seconds(response_seconds);
    policy.mutable_resolution_target()->set_seconds(response_seconds * 10);
    policy.set_precedence(precedence);
    return MustCall(*sla_, &SlaStub::CreateSlaPolicy, request).name();
  }

  static v1::ServiceContract Draft(const std::string& customer, const std::string& component) {
    v1::ServiceContract contract;
    contract.set_customer(customer);
    contract.set_display_name("Premium support");
    contract.add_components(component);
    contract.add_coverage(v1::WARRANTY_COVERAGE_LABOUR);
    *contract.mutable_start_date() = DaysFromToday(-10);
    *contract.mutable_end_date() = DaysFromToday(355);
    return contract;
  }

  grpc::Status TryContract(const v1::ServiceContract& contract, v1::ServiceContract* out) {
    v1::CreateServiceContractRequest request;
    *request.mutable_service_contract() = contract;
    return Call(*base_, &BaseStub::CreateServiceContract, request, out);
  }
  v1::ServiceContract Contract(const v1::ServiceContract& contract) {
    v1::ServiceContract out;
    const grpc::Status status = TryContract(contract, &out);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return out;
  }
  std::string ContractOutcome(const v1::ServiceContract& contract) {
    v1::ServiceContract out;
    const grpc::Status status = TryContract(contract, &out);
    const std::string precondition = Precondition(status);
    return precondition.empty() ? Outcome(status) : Outcome(status) + " " + precondition;
  }
  int ContractCount() {
    return MustCall(*base_, &BaseStub::ListServiceContracts, v1::ListServiceContractsRequest())
        .service_contracts_size();
  }

  v1::Entitlement Entitlement(const std::string& serial, const google::type::Date& day) {
    v1::CheckEntitlementRequest request;
    request.set_serial_number(serial);
    *request.mutable_date() = day;
    return MustCall(*base_, &BaseStub::CheckEntitlement, request);
  }

  v1::Ticket Ticket(const std::string& customer, const std::string& component) {
    v1::CreateTicketRequest request;
    v1::Ticket& ticket = *request.mutable_ticket();
    ticket.set_type(v1::TICKET_TYPE_INCIDENT);
    ticket.set_title("Printer jams");
    ticket.set_customer(customer);
    ticket.set_channel(v1::TICKET_CHANNEL_EMAIL);
    ticket.set_component(component);
    return MustCall(*tickets_, &TicketStub::CreateTicket, request);
  }

  std::unique_ptr<BaseStub> base_;
  std::unique_ptr<OrderStub> orders_;
  std::unique_ptr<SlaStub> sla_;
  std::unique_ptr<TicketStub> tickets_;
};

TEST_CASE("service contracts: bad contracts are refused field by field, nothing written",
          "[servicedesk][contract]") {
  ContractDesk desk;
  const std::string customer = desk.Customer("Alvis GmbH");
  const std::string printer = desk.Component(customer, "P-1");
  const v1::ServiceContract good = ContractDesk::Draft(customer, printer);

  // Outcome names the field of an INVALID_ARGUMENT.
  auto field_of = [&](const v1::ServiceContract& contract) {
    v1::ServiceContract out;
    return Outcome(desk.TryContract(contract, &out));
  };

  v1::ServiceContract bad = good;
  bad.clear_display_name();
  CHECK(field_of(bad) == "INVALID_ARGUMENT service_contract.display_name");
  bad = good;
  bad.clear_components();
  CHECK(field_of(bad) == "INVALID_ARGUMENT service_contract.components");
  bad = good;
  bad.add_components(printer);
  CHECK(field_of(bad) == "INVALID_ARGUMENT service_contract.components[1]");
  bad = good;
  bad.clear_coverage();
  CHECK(field_of(bad) == "INVALID_ARGUMENT service_contract.coverage");
  bad = good;
  *bad.mutable_end_date() = DaysFromToday(-20);
  CHECK(field_of(bad) == "INVALID_ARGUMENT service_contract.end_date");
  bad = good;
  bad.set_response_profile("calendars/x");
  CHECK(field_of(bad) == "INVALID_ARGUMENT service_contract.response_profile");
  bad = good;
  bad.clear_customer();
  CHECK(field_of(bad) == "INVALID_ARGUMENT service_contract.customer");
  CHECK(desk.ContractCount() == 0);

  // What needs storage or partners.
  bad = good;
  bad.set_response_profile("slaPolicies/none");
  CHECK(desk.ContractOutcome(bad) == "NOT_FOUND");
  bad = good;
  bad.set_customer("partners/nobody");
  CHECK(desk.ContractOutcome(bad) == "NOT_FOUND");
  const std::string other = desk.Customer("Berta KG");
  bad = good;
  bad.set_components(0, desk.Component(other, "P-2"));
  CHECK(desk.ContractOutcome(bad) ==
        "FAILED_PRECONDITION OTHER_CUSTOMER service_contract.components[0]");
  bad = good;
  bad.set_components(0, desk.Component(customer, "", v1::COMPONENT_KIND_TEXT_ITEM));
  CHECK(desk.ContractOutcome(bad) ==
        "FAILED_PRECONDITION TEXT_ITEM service_contract.components[0]");
  CHECK(desk.ContractCount() == 0);
}

TEST_CASE("service contracts: the entitlement counts a running contract with its coverage",
          "[servicedesk][contract]") {
  ContractDesk desk;
  const std::string customer = desk.Customer("Alvis GmbH");
  const std::string printer = desk.Component(customer, "P-1");
  CHECK_FALSE(desk.Entitlement("P-1", DaysFromToday(0)).covered());

  const std::string profile = desk.Policy("Contract customers: 2 hours", 7200, 500);
  v1::ServiceContract draft = ContractDesk::Draft(customer, printer);
  draft.set_response_profile(profile);
  draft.set_sales_contract("contracts/c-2027-17");
  const v1::ServiceContract contract = desk.Contract(draft);

  const v1::Entitlement today = desk.Entitlement("P-1", DaysFromToday(0));
  CHECK(today.covered());
  REQUIRE(today.service_contracts_size() == 1);
  CHECK(today.service_contracts(0) == contract.name());
  CHECK(today.warranties_size() == 0);
  REQUIRE(today.coverage_size() == 1);
  CHECK(today.coverage(0) == v1::WARRANTY_COVERAGE_LABOUR);
  CHECK(api::IsoDate(today.covered_until()) == api::IsoDate(DaysFromToday(355)));
  CHECK(today.response_profile() == profile);
  // Before it starts and after it ends it covers nothing.
  CHECK_FALSE(desk.Entitlement("P-1", DaysFromToday(-11)).covered());
  CHECK_FALSE(desk.Entitlement("P-1", DaysFromToday(356)).covered());

  // Taking the printer off the contract takes it out of the entitlement.
  const std::string scanner = desk.Component(customer, "S-1");
  v1::UpdateServiceContractRequest update;
  *update.mutable_service_contract() = contract;
  update.mutable_service_contract()->clear_components();
  update.mutable_service_contract()->add_components(scanner);
  *update.mutable_update_mask() = Mask({"components"});
  MustCall(*desk.base_, &BaseStub::UpdateServiceContract, update);
  CHECK_FALSE(desk.Entitlement("P-1", DaysFromToday(0)).covered());
  CHECK(desk.Entitlement("S-1", DaysFromToday(0)).covered());
}

TEST_CASE("service contracts: a covered component's ticket is held to the response profile",
          "[servicedesk][contract]") {
  ContractDesk desk;
  const std::string customer = desk.Customer("Alvis GmbH");
  const std::string printer = desk.Component(customer, "P-1");
  const std::string other_printer = desk.Component(customer, "P-2");
  // The general policy would win by precedence; the contract's comes first.
  const std::string general = desk.Policy("Everyone: 8 hours", 8 * 3600, 0);
  const std::string profile = desk.Policy("Contract customers: 2 hours", 7200, 500);
  v1::ServiceContract draft = ContractDesk::Draft(customer, printer);
  draft.set_response_profile(profile);
  desk.Contract(draft);

  const v1::Ticket covered = desk.Ticket(customer, printer);
  CHECK(covered.sla().policy() == profile);
  CHECK(covered.sla().first_response_target().seconds() == 7200);
  const v1::Ticket uncovered = desk.Ticket(customer, other_printer);
  CHECK(uncovered.sla().policy() == general);

  // Moving the ticket to the covered printer gives it the profile.
  v1::UpdateTicketRequest update;
  update.mutable_ticket()->set_name(uncovered.name());
  update.mutable_ticket()->set_component(printer);
  *update.mutable_update_mask() = Mask({"component"});
  CHECK(MustCall(*desk.tickets_, &TicketStub::UpdateTicket, update).sla().policy() == profile);
}

TEST_CASE("service contracts: a confirmation counts the contract's labour as covered",
          "[servicedesk][contract]") {
  ContractDesk desk;
  const std::string customer = desk.Customer("Alvis GmbH");
  const std::string printer = desk.Component(customer, "P-1");
  const v1::ServiceContract contract = desk.Contract(ContractDesk::Draft(customer, printer));

  v1::CreateServiceOrderRequest order_request;
  v1::ServiceOrder& order = *order_request.mutable_service_order();
  order.set_customer(customer);
  order.set_component(printer);
  order.set_currency_code("EUR");
  *order.mutable_planned_date() = DaysFromToday(0);
  v1::ServiceOrderItem& labour = *order.add_items();
  labour.set_item_id("10");
  labour.set_type(v1::SERVICE_ITEM_TYPE_LABOUR);
  labour.set_skill("PRINTER");
  labour.set_hours(1);
  labour.mutable_hourly_rate()->set_currency_code("EUR");
  labour.mutable_hourly_rate()->set_units(95);
  const std::string order_name =
      MustCall(*desk.orders_, &OrderStub::CreateServiceOrder, order_request).name();

  v1::CreateServiceConfirmationRequest confirm;
  confirm.set_parent(order_name);
  v1::ServiceConfirmation& work = *confirm.mutable_service_confirmation();
  *work.mutable_work_date() = DaysFromToday(0);
  v1::TimeEntry& time = *work.add_time_entries();
  time.set_item_id("10");
  time.set_hours(1.5);
  work.set_final(true);
  const v1::ServiceConfirmation done =
      MustCall(*desk.orders_, &OrderStub::CreateServiceConfirmation, confirm);
  CHECK(done.labour_amount().units() == 142);
  CHECK(done.labour_amount().nanos() == 500000000);
  CHECK(done.covered_amount().units() == 142);
  CHECK(done.billable_amount().units() == 0);
  CHECK(done.billable_amount().nanos() == 0);
  REQUIRE(done.covered_by_size() == 1);
  CHECK(done.covered_by(0) == contract.name());
}

}  // namespace
}  // namespace crm::servicedesk
