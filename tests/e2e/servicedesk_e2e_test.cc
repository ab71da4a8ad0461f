// End to end with the real crm-partners and crm-servicedesk executables:
// the service desk watches its own service levels. A first-response due
// time that passes while crm-servicedesk is killed is found when it is
// back: the breach is recorded once, the ticket escalated, the change is on
// the feed and counted in /metrics.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/feed_reader.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
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

}  // namespace
