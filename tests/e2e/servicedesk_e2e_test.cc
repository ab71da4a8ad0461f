// End to end with the real crm-partners, crm-sales and crm-servicedesk
// executables.
// The service agent's story (SPEC, Lisa): a customer's monitor comes in;
// its warranty is found by the serial number; the knowledge base suggests
// the article; the repair needs a part that is not in stock, so the
// customer is told the expected date on the ticket; the part arrives, a
// technician is assigned, time and material are recorded on completion
// (covered by the warranty) and the monitor is shipped back. And the
// service desk watches its own service levels: a first-response due time
// that passes while crm-servicedesk is killed is found when it is back,
// recorded once, escalated, on the feed and counted in /metrics.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/feed_reader.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/servicedesk/v1/installed_base_service.grpc.pb.h"
#include "crm/servicedesk/v1/knowledge_service.grpc.pb.h"
#include "crm/servicedesk/v1/return_service.grpc.pb.h"
#include "crm/servicedesk/v1/service_order_service.grpc.pb.h"
#include "crm/servicedesk/v1/sla_service.grpc.pb.h"
#include "crm/servicedesk/v1/ticket_service.grpc.pb.h"

namespace {

using crm::testing::BinaryPath;
using crm::testing::MustCall;
using crm::testing::ServiceProcess;
using crm::testing::TempDir;

namespace pv1 = crm::partners::v1;
namespace dv1 = crm::servicedesk::v1;
using PartnerStub = pv1::PartnerService::Stub;
using BaseStub = dv1::InstalledBaseService::Stub;
using KnowledgeStub = dv1::KnowledgeService::Stub;
using OrderStub = dv1::ServiceOrderService::Stub;
using ReturnStub = dv1::ReturnService::Stub;
using SlaStub = dv1::SlaService::Stub;
using TicketStub = dv1::TicketService::Stub;

// A customer of class A.
std::string ClassACustomer(PartnerStub& partners) {
  pv1::CreatePartnerRequest request;
  pv1::Partner& partner = *request.mutable_partner();
  partner.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  partner.mutable_organization()->set_legal_name("Müller Bürobedarf GmbH");
  pv1::Role& role = *partner.add_roles();
  role.set_type(pv1::ROLE_TYPE_CUSTOMER);
  role.mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_A);
  return MustCall(partners, &PartnerStub::CreatePartner, request).name();
}

// Every day, all day, so that the targets are plain seconds.
std::string AlwaysOpenCalendar(SlaStub& sla) {
  dv1::CreateSlaCalendarRequest request;
  dv1::SlaCalendar& calendar = *request.mutable_sla_calendar();
  calendar.set_display_name("24x7");
  calendar.set_time_zone("Europe/Berlin");
  for (int day = dv1::WEEKDAY_MONDAY; day <= dv1::WEEKDAY_SUNDAY; ++day) {
    dv1::BusinessHours& hours = *calendar.add_business_hours();
    hours.set_day(static_cast<dv1::Weekday>(day));
    hours.set_start_time("00:00");
    hours.set_end_time("24:00");
  }
  return MustCall(sla, &SlaStub::CreateSlaCalendar, request).name();
}

dv1::Ticket GetTicket(TicketStub& tickets, const std::string& name) {
  dv1::GetTicketRequest request;
  request.set_name(name);
  return MustCall(tickets, &TicketStub::GetTicket, request);
}

TEST_CASE("a first response missed while the service desk was down is found at restart, once",
          "[e2e]") {
  TempDir partners_dir, desk_dir;
  ServiceProcess partners(BinaryPath("crm-partners"), partners_dir.path());
  REQUIRE(partners.Start());
  ServiceProcess desk(BinaryPath("crm-servicedesk"), desk_dir.path(),
                      {"--partners_address=" + partners.address()});
  REQUIRE(desk.Start());
  auto partner_stub = pv1::PartnerService::NewStub(partners.channel());
  auto sla = dv1::SlaService::NewStub(desk.channel());
  auto tickets = dv1::TicketService::NewStub(desk.channel());

  dv1::CreateSlaPolicyRequest policy_request;
  dv1::SlaPolicy& policy = *policy_request.mutable_sla_policy();
  policy.set_display_name("A-class customers: first response within 3 seconds");
  policy.set_calendar(AlwaysOpenCalendar(*sla));
  policy.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  policy.mutable_first_response_target()->set_seconds(3);
  policy.mutable_resolution_target()->set_seconds(3600);
  policy.add_escalation_teams("2ND-LEVEL");
  MustCall(*sla, &SlaStub::CreateSlaPolicy, policy_request);

  dv1::CreateTicketRequest ticket_request;
  dv1::Ticket& draft = *ticket_request.mutable_ticket();
  draft.set_type(dv1::TICKET_TYPE_INCIDENT);
  draft.set_title("Monitor flickers");
  draft.set_customer(ClassACustomer(*partner_stub));
  draft.set_channel(dv1::TICKET_CHANNEL_PHONE);
  const dv1::Ticket ticket = MustCall(*tickets, &TicketStub::CreateTicket, ticket_request);
  REQUIRE(ticket.sla().first_response_target().seconds() == 3);
  REQUIRE_FALSE(ticket.sla().first_response_breached());

  // Down over the due time.
  desk.Stop(SIGKILL);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  REQUIRE(desk.Start());
  tickets = dv1::TicketService::NewStub(desk.channel());

  dv1::Ticket seen = GetTicket(*tickets, ticket.name());
  for (const absl::Time give_up = absl::Now() + absl::Seconds(10);
       !seen.sla().first_response_breached() && absl::Now() < give_up;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = GetTicket(*tickets, ticket.name());
  }
  CHECK(seen.sla().first_response_breached());
  CHECK_FALSE(seen.sla().resolution_breached());
  CHECK(seen.escalation_level() == 1);
  CHECK(seen.team() == "2ND-LEVEL");

  // Recorded once: one event by the monitor, one breach counted.
  dv1::ListTicketEventsRequest events_request;
  events_request.set_parent(ticket.name());
  const auto events = MustCall(*tickets, &TicketStub::ListTicketEvents, events_request);
  int by_monitor = 0;
  for (const auto& event : events.ticket_events()) by_monitor += event.method() == "SlaMonitor";
  CHECK(by_monitor == 1);
  const std::string metrics = crm::testing::FetchMetrics(desk.metrics_port());
  CHECK_THAT(metrics,
             Catch::Contains("crm_servicedesk_sla_breaches_total{target=\"first_response\"} 1"));

  crm::testing::FeedReader feed(desk.channel());
  bool on_feed = false;
  for (const std::string& change : feed.DescribeChangesAfter(0)) {
    on_feed = on_feed || absl::StartsWith(change, absl::StrCat("CHANGE_KIND_UPDATED ",
                                                               ticket.name(), " SlaMonitor"));
  }
  CHECK(on_feed);
}

crm::type::v1::Money Eur(int64_t units) {
  crm::type::v1::Money money;
  money.set_currency_code("EUR");
  money.set_units(units);
  return money;
}

std::string Employee(PartnerStub& partners, const std::string& family_name) {
  pv1::CreatePartnerRequest request;
  request.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_PERSON);
  request.mutable_partner()->mutable_person()->set_given_name("Lisa");
  request.mutable_partner()->mutable_person()->set_family_name(family_name);
  request.mutable_partner()->add_roles()->set_type(pv1::ROLE_TYPE_EMPLOYEE);
  return MustCall(partners, &PartnerStub::CreatePartner, request).name();
}

std::string Article(KnowledgeStub& knowledge, const std::string& title, const std::string& symptoms,
                    const std::string& product) {
  dv1::CreateKnowledgeArticleRequest request;
  dv1::KnowledgeArticle& article = *request.mutable_knowledge_article();
  article.set_title(title);
  article.set_symptoms(symptoms);
  article.set_solution("See the service manual, chapter 7.");
  if (!product.empty()) article.add_products(product);
  article.set_state(dv1::ARTICLE_STATE_PUBLISHED);
  return MustCall(knowledge, &KnowledgeStub::CreateKnowledgeArticle, request).name();
}

// Products in sales' catalogue: the service desk checks those it is told.
void Catalogue(const std::shared_ptr<grpc::Channel>& sales) {
  auto catalog = crm::sales::v1::CatalogService::NewStub(sales);
  crm::sales::v1::CreateTaxClassRequest tax;
  tax.set_tax_class_id("standard");
  tax.mutable_tax_class()->set_display_name("Standard rate");
  tax.mutable_tax_class()->set_rate_percent(19);
  MustCall(*catalog, &crm::sales::v1::CatalogService::Stub::CreateTaxClass, tax);
  for (const char* id : {"m27", "inv27"}) {
    crm::sales::v1::CreateProductRequest request;
    request.set_product_id(id);
    request.mutable_product()->set_display_name(id);
    request.mutable_product()->set_product_group("MONITORS");
    request.mutable_product()->set_unit("PC");
    *request.mutable_product()->mutable_list_price() = Eur(80);
    request.mutable_product()->set_tax_class("taxClasses/standard");
    MustCall(*catalog, &crm::sales::v1::CatalogService::Stub::CreateProduct, request);
  }
}

TEST_CASE("the service agent's story: a monitor in warranty is repaired once its part arrives",
          "[e2e]") {
  TempDir partners_dir, sales_dir, desk_dir;
  ServiceProcess partners(BinaryPath("crm-partners"), partners_dir.path());
  REQUIRE(partners.Start());
  ServiceProcess sales(BinaryPath("crm-sales"), sales_dir.path(),
                       {"--partners_address=" + partners.address()});
  REQUIRE(sales.Start());
  Catalogue(sales.channel());
  ServiceProcess desk(
      BinaryPath("crm-servicedesk"), desk_dir.path(),
      {"--partners_address=" + partners.address(), "--sales_address=" + sales.address()});
  REQUIRE(desk.Start());
  auto partner_stub = pv1::PartnerService::NewStub(partners.channel());
  auto base = dv1::InstalledBaseService::NewStub(desk.channel());
  auto knowledge = dv1::KnowledgeService::NewStub(desk.channel());
  auto orders = dv1::ServiceOrderService::NewStub(desk.channel());
  auto returns = dv1::ReturnService::NewStub(desk.channel());
  auto tickets = dv1::TicketService::NewStub(desk.channel());
  const google::type::Date today = crm::api::UtcDate(absl::Now());
  const absl::CivilDay civil_today = crm::api::CivilDayOf(today);

  // What the customer owns: a monitor bought last year, two years' warranty.
  const std::string customer = ClassACustomer(*partner_stub);
  dv1::CreateInstalledComponentRequest monitor_request;
  dv1::InstalledComponent& monitor = *monitor_request.mutable_installed_component();
  monitor.set_customer(customer);
  monitor.set_kind(dv1::COMPONENT_KIND_OBJECT);
  monitor.set_product("products/m27");
  monitor.set_serial_number("M27-0042");
  monitor.set_description("27-inch monitor, reception desk");
  *monitor.mutable_install_date() = crm::api::DateOf(civil_today - 300);
  const std::string component =
      MustCall(*base, &BaseStub::CreateInstalledComponent, monitor_request).name();
  dv1::CreateWarrantyRequest warranty_request;
  dv1::Warranty& warranty = *warranty_request.mutable_warranty();
  warranty.set_component(component);
  warranty.set_display_name("Manufacturer's warranty, two years");
  warranty.add_coverage(dv1::WARRANTY_COVERAGE_PARTS);
  warranty.add_coverage(dv1::WARRANTY_COVERAGE_LABOUR);
  *warranty.mutable_start_date() = crm::api::DateOf(civil_today - 300);
  *warranty.mutable_end_date() = crm::api::DateOf(civil_today - 300 + 729);
  const std::string warranty_name =
      MustCall(*base, &BaseStub::CreateWarranty, warranty_request).name();

  // The knowledge base, the stock (the inverter board arrives in three
  // days) and a technician.
  const std::string flicker_article =
      Article(*knowledge, "Monitor flickers after warming up",
              "The screen of the M27 flickers after ten minutes", "products/m27");
  Article(*knowledge, "Printer jams", "Paper jams at the second tray", "");
  dv1::CreateSparePartRequest part_request;
  dv1::SparePart& part = *part_request.mutable_spare_part();
  part.set_product("products/inv27");
  part.set_display_name("Inverter board M27");
  *part.mutable_replenishment_date() = crm::api::DateOf(civil_today + 3);
  *part.mutable_unit_price() = Eur(80);
  const std::string inverter = MustCall(*orders, &OrderStub::CreateSparePart, part_request).name();
  dv1::CreateTechnicianRequest technician_request;
  technician_request.mutable_technician()->set_partner(Employee(*partner_stub, "Berger"));
  technician_request.mutable_technician()->set_display_name("Lisa Berger");
  technician_request.mutable_technician()->add_skills("DISPLAY-REPAIR");
  const std::string technician =
      MustCall(*orders, &OrderStub::CreateTechnician, technician_request).name();

  // The customer calls.
  dv1::CreateTicketRequest ticket_request;
  dv1::Ticket& draft = *ticket_request.mutable_ticket();
  draft.set_type(dv1::TICKET_TYPE_INCIDENT);
  draft.set_title("Monitor flickers");
  draft.set_description("The screen flickers after about ten minutes");
  draft.set_customer(customer);
  draft.set_channel(dv1::TICKET_CHANNEL_PHONE);
  draft.set_component(component);
  const dv1::Ticket ticket = MustCall(*tickets, &TicketStub::CreateTicket, ticket_request);

  // Warranty found by the serial number.
  dv1::CheckEntitlementRequest entitlement_request;
  entitlement_request.set_serial_number("M27-0042");
  const dv1::Entitlement entitlement =
      MustCall(*base, &BaseStub::CheckEntitlement, entitlement_request);
  CHECK(entitlement.covered());
  CHECK(entitlement.component() == component);
  CHECK(entitlement.coverage_size() == 2);
  CHECK(crm::api::IsoDate(entitlement.covered_until()) ==
        crm::api::IsoDate(crm::api::DateOf(civil_today + 429)));

  // The knowledge base is consulted.
  dv1::SuggestKnowledgeArticlesRequest suggest_request;
  suggest_request.set_ticket(ticket.name());
  const auto suggestions =
      MustCall(*knowledge, &KnowledgeStub::SuggestKnowledgeArticles, suggest_request);
  REQUIRE(suggestions.matches_size() >= 1);
  CHECK(suggestions.matches(0).article().name() == flicker_article);

  // The monitor comes in and its repair needs the missing board.
  dv1::CreateReturnAuthorizationRequest return_request;
  return_request.mutable_return_authorization()->set_customer(customer);
  return_request.mutable_return_authorization()->set_component(component);
  return_request.mutable_return_authorization()->set_ticket(ticket.name());
  return_request.mutable_return_authorization()->set_reason("Flickers after ten minutes");
  const std::string rma =
      MustCall(*returns, &ReturnStub::CreateReturnAuthorization, return_request).name();
  dv1::ReceiveReturnRequest receive_request;
  receive_request.set_name(rma);
  MustCall(*returns, &ReturnStub::ReceiveReturn, receive_request);
  dv1::StartRepairRequest repair_request;
  repair_request.set_name(rma);
  repair_request.set_currency_code("EUR");
  dv1::ServiceOrderItem& labour = *repair_request.add_items();
  labour.set_item_id("10");
  labour.set_type(dv1::SERVICE_ITEM_TYPE_LABOUR);
  labour.set_skill("DISPLAY-REPAIR");
  labour.set_hours(1.5);
  *labour.mutable_hourly_rate() = Eur(90);
  dv1::ServiceOrderItem& board = *repair_request.add_items();
  board.set_item_id("20");
  board.set_type(dv1::SERVICE_ITEM_TYPE_PART);
  board.set_spare_part(inverter);
  board.set_quantity(1);
  const std::string repair_order =
      MustCall(*returns, &ReturnStub::StartRepair, repair_request).repair_order();
  dv1::GetServiceOrderRequest get_order;
  get_order.set_name(repair_order);
  dv1::ServiceOrder order = MustCall(*orders, &OrderStub::GetServiceOrder, get_order);
  CHECK(order.parts_status() == dv1::PARTS_STATUS_MISSING);
  CHECK(crm::api::IsoDate(order.expected_completion_date()) ==
        crm::api::IsoDate(crm::api::DateOf(civil_today + 3)));

  // The customer is told the date, on the ticket and on the feed.
  dv1::ListTicketNotesRequest notes_request;
  notes_request.set_parent(ticket.name());
  const auto notes = MustCall(*tickets, &TicketStub::ListTicketNotes, notes_request);
  REQUIRE(notes.ticket_notes_size() == 1);
  CHECK(notes.ticket_notes(0).customer_visible());
  CHECK_THAT(notes.ticket_notes(0).text(),
             Catch::Contains("Inverter board M27") &&
                 Catch::Contains(crm::api::IsoDate(crm::api::DateOf(civil_today + 3))));
  crm::testing::FeedReader feed(desk.channel());
  bool note_on_feed = false;
  for (const std::string& change : feed.DescribeChangesAfter(0)) {
    note_on_feed = note_on_feed ||
                   absl::StartsWith(
                       change, absl::StrCat("CHANGE_KIND_CREATED ", notes.ticket_notes(0).name()));
  }
  CHECK(note_on_feed);
  // Telling the customer was the ticket's first response.
  CHECK(GetTicket(*tickets, ticket.name()).sla().has_first_response_time());

  // The board arrives; a technician is assigned.
  dv1::ReceiveSparePartsRequest delivery;
  delivery.set_name(inverter);
  delivery.set_quantity(1);
  MustCall(*orders, &OrderStub::ReceiveSpareParts, delivery);
  order = MustCall(*orders, &OrderStub::GetServiceOrder, get_order);
  CHECK(order.parts_status() == dv1::PARTS_STATUS_ALL_RESERVED);
  dv1::AssignTechnicianRequest assign;
  assign.set_name(repair_order);
  CHECK(MustCall(*orders, &OrderStub::AssignTechnician, assign).technician() == technician);

  // Time and material on completion, covered by the warranty.
  dv1::CreateServiceConfirmationRequest confirm;
  confirm.set_parent(repair_order);
  dv1::ServiceConfirmation& work = *confirm.mutable_service_confirmation();
  *work.mutable_work_date() = today;
  dv1::TimeEntry& time = *work.add_time_entries();
  time.set_item_id("10");
  time.set_hours(2);
  dv1::MaterialEntry& material = *work.add_materials();
  material.set_spare_part(inverter);
  material.set_quantity(1);
  work.set_report("Inverter board replaced; no flicker after two hours of burn-in.");
  work.set_final(true);
  const dv1::ServiceConfirmation done =
      MustCall(*orders, &OrderStub::CreateServiceConfirmation, confirm);
  CHECK(done.labour_amount().units() == 180);
  CHECK(done.material_amount().units() == 80);
  CHECK(done.covered_amount().units() == 260);
  CHECK(done.billable_amount().units() == 0);
  CHECK(done.covered_by_size() == 1);
  CHECK(done.covered_by(0) == warranty_name);
  CHECK(MustCall(*orders, &OrderStub::GetServiceOrder, get_order).state() ==
        dv1::SERVICE_ORDER_STATE_COMPLETED);
  dv1::GetSparePartRequest get_part;
  get_part.set_name(inverter);
  const dv1::SparePart stock = MustCall(*orders, &OrderStub::GetSparePart, get_part);
  CHECK(stock.quantity_on_hand() == 0);
  CHECK(stock.quantity_reserved() == 0);

  // Shipped back; the article is recorded as the solution.
  dv1::ShipReturnRequest ship;
  ship.set_name(rma);
  ship.set_tracking_number("1Z999AA10123456784");
  CHECK(MustCall(*returns, &ReturnStub::ShipReturn, ship).state() == dv1::RETURN_STATE_SHIPPED);
  dv1::RecordArticleSolutionRequest solved;
  solved.set_name(flicker_article);
  solved.set_ticket(ticket.name());
  CHECK(MustCall(*knowledge, &KnowledgeStub::RecordArticleSolution, solved).solved_count() == 1);
}

}  // namespace
