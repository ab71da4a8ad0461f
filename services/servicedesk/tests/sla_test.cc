// Service levels over a real gRPC channel and a real SQLite file, with a
// real partners service beside it: calendars and policies kept and checked
// field by field, tickets given the policy of their customer's class, the
// clock paused while waiting for the customer, breaches found by the
// service itself (escalated, on the change feed and in /metrics), and
// escalation by hand.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/api/resource.h"
#include "common/testing/feed_reader.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
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
using PartnerStub = pv1::PartnerService::Stub;
using SlaStub = v1::SlaService::Stub;
using TicketStub = v1::TicketService::Stub;
using Strings = std::vector<std::string>;

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixMicros(api::TimestampToMicros(t));
}
// A restarted clock's due time is now plus the target less the time used:
// timestamps hold microseconds, the time used more, so it may round by one.
bool Near(absl::Time a, absl::Time b) { return absl::AbsDuration(a - b) <= absl::Milliseconds(1); }

// In Berlin, the first `days` weekdays (Monday first) from `start` to `end`.
v1::SlaCalendar Weekly(const std::string& display_name, int days, const std::string& start,
                       const std::string& end) {
  v1::SlaCalendar calendar;
  calendar.set_display_name(display_name);
  calendar.set_time_zone("Europe/Berlin");
  for (int day = 1; day <= days; ++day) {
    v1::BusinessHours* hours = calendar.add_business_hours();
    hours->set_day(static_cast<v1::Weekday>(day));
    hours->set_start_time(start);
    hours->set_end_time(end);
  }
  return calendar;
}

// All seven days, 00:00 to 24:00: business time is real time.
v1::SlaCalendar AroundTheClock() { return Weekly("24x7", 7, "00:00", "24:00"); }

// Mon-Fri 08:00-17:00, Christmas off.
v1::SlaCalendar Office() {
  v1::SlaCalendar calendar = Weekly("Germany, Mon-Fri 8-17", 5, "08:00", "17:00");
  calendar.add_holidays()->set_year(2025);
  calendar.mutable_holidays(0)->set_month(12);
  calendar.mutable_holidays(0)->set_day(25);
  return calendar;
}

v1::SlaPolicy Policy(const std::string& display_name, const std::string& calendar,
                     int64_t first_response_seconds, int64_t resolution_seconds, int precedence,
                     std::vector<pv1::CustomerClass> classes = {}) {
  v1::SlaPolicy policy;
  policy.set_display_name(display_name);
  policy.set_calendar(calendar);
  for (pv1::CustomerClass c : classes) policy.add_customer_classes(c);
  policy.mutable_first_response_target()->set_seconds(first_response_seconds);
  policy.mutable_resolution_target()->set_seconds(resolution_seconds);
  policy.set_precedence(precedence);
  return policy;
}

class SlaDesk : public crm::servicedesk::testing::DeskBesidePartners {
 public:
  explicit SlaDesk(bool with_metrics = false) : DeskBesidePartners(with_metrics) {
    tickets_ = v1::TicketService::NewStub(desk_->channel());
    sla_ = v1::SlaService::NewStub(desk_->channel());
    feed_ = std::make_unique<crm::testing::FeedReader>(desk_->channel());
  }

  grpc::Status TryCalendar(const v1::SlaCalendar& calendar, v1::SlaCalendar* out) {
    v1::CreateSlaCalendarRequest request;
    *request.mutable_sla_calendar() = calendar;
    return Call(*sla_, &SlaStub::CreateSlaCalendar, request, out);
  }
  std::string Calendar(const v1::SlaCalendar& calendar) {
    v1::SlaCalendar out;
    REQUIRE(Outcome(TryCalendar(calendar, &out)) == "OK");
    return out.name();
  }
  grpc::Status TryPolicy(const v1::SlaPolicy& policy, v1::SlaPolicy* out) {
    v1::CreateSlaPolicyRequest request;
    *request.mutable_sla_policy() = policy;
    return Call(*sla_, &SlaStub::CreateSlaPolicy, request, out);
  }
  v1::SlaPolicy CreatePolicy(const v1::SlaPolicy& policy) {
    v1::SlaPolicy out;
    REQUIRE(Outcome(TryPolicy(policy, &out)) == "OK");
    return out;
  }
  grpc::Status TryDeletePolicy(const std::string& name) {
    v1::DeleteSlaPolicyRequest request;
    request.set_name(name);
    google::protobuf::Empty out;
    return Call(*sla_, &SlaStub::DeleteSlaPolicy, request, &out);
  }
  grpc::Status TryDeleteCalendar(const std::string& name, const std::string& etag = "") {
    v1::DeleteSlaCalendarRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty out;
    return Call(*sla_, &SlaStub::DeleteSlaCalendar, request, &out);
  }
  Strings CalendarNames(int page_size = 0) {
    Strings names;
    v1::ListSlaCalendarsRequest request;
    request.set_page_size(page_size);
    do {
      const auto page = MustCall(*sla_, &SlaStub::ListSlaCalendars, request);
      for (const auto& c : page.sla_calendars()) names.push_back(c.name());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }
  Strings PolicyNames(int page_size = 0, const std::string& filter = "") {
    Strings names;
    v1::ListSlaPoliciesRequest request;
    request.set_page_size(page_size);
    request.set_filter(filter);
    do {
      const auto page = MustCall(*sla_, &SlaStub::ListSlaPolicies, request);
      for (const auto& p : page.sla_policies()) names.push_back(p.name());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }

  v1::Ticket Ticket(const std::string& customer,
                    v1::TicketPriority priority = v1::TICKET_PRIORITY_MEDIUM,
                    v1::TicketType type = v1::TICKET_TYPE_INCIDENT) {
    v1::CreateTicketRequest request;
    v1::Ticket& ticket = *request.mutable_ticket();
    ticket.set_type(type);
    ticket.set_title("Monitor flickers");
    ticket.set_customer(customer);
    ticket.set_channel(v1::TICKET_CHANNEL_PHONE);
    ticket.set_priority(priority);
    ticket.set_team("1ST-LEVEL");
    return MustCall(*tickets_, &TicketStub::CreateTicket, request);
  }
  v1::Ticket Get(const std::string& name) {
    v1::GetTicketRequest request;
    request.set_name(name);
    return MustCall(*tickets_, &TicketStub::GetTicket, request);
  }
  v1::Ticket Reprioritise(const std::string& name, v1::TicketPriority priority) {
    v1::UpdateTicketRequest request;
    request.mutable_ticket()->set_name(name);
    request.mutable_ticket()->set_priority(priority);
    *request.mutable_update_mask() = Mask({"priority"});
    return MustCall(*tickets_, &TicketStub::UpdateTicket, request);
  }
  v1::Ticket Move(const std::string& name, v1::TicketStatus status,
                  const std::string& resolution = "") {
    v1::ChangeTicketStatusRequest request;
    request.set_name(name);
    request.set_status(status);
    request.set_resolution(resolution);
    return MustCall(*tickets_, &TicketStub::ChangeTicketStatus, request);
  }
  void Note(const std::string& ticket, const std::string& text, bool customer_visible) {
    v1::CreateTicketNoteRequest request;
    request.set_parent(ticket);
    request.mutable_ticket_note()->set_text(text);
    request.mutable_ticket_note()->set_customer_visible(customer_visible);
    MustCall(*tickets_, &TicketStub::CreateTicketNote, request);
  }
  std::vector<v1::TicketNote> Notes(const std::string& ticket) {
    v1::ListTicketNotesRequest request;
    request.set_parent(ticket);
    const auto page = MustCall(*tickets_, &TicketStub::ListTicketNotes, request);
    return {page.ticket_notes().begin(), page.ticket_notes().end()};
  }
  Strings EventMethods(const std::string& ticket) {
    v1::ListTicketEventsRequest request;
    request.set_parent(ticket);
    const auto page = MustCall(*tickets_, &TicketStub::ListTicketEvents, request);
    Strings methods;
    for (const auto& event : page.ticket_events()) methods.push_back(event.method());
    return methods;
  }
  grpc::Status TryEscalate(const std::string& name, const std::string& reason, v1::Ticket* out,
                           const std::string& etag = "") {
    v1::EscalateTicketRequest request;
    request.set_name(name);
    request.set_reason(reason);
    request.set_etag(etag);
    return Call(*tickets_, &TicketStub::EscalateTicket, request, out);
  }

  // The value of `series` (name and labels) in /metrics, if exported.
  std::optional<double> Metric(const std::string& series) {
    std::istringstream lines(crm::testing::FetchMetrics(desk_->host().metrics_port()));
    for (std::string line; std::getline(lines, line);) {
      if (absl::StartsWith(line, series + " ")) return std::stod(line.substr(series.size() + 1));
    }
    return std::nullopt;
  }

  std::unique_ptr<TicketStub> tickets_;
  std::unique_ptr<SlaStub> sla_;
  std::unique_ptr<crm::testing::FeedReader> feed_;
};

// Polls `done` every 100 ms for up to 10 seconds; true once it holds.
template <typename Done>
bool Eventually(Done done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

TEST_CASE("sla service: calendars are created, read, listed in pages, updated and deleted",
          "[servicedesk][sla]") {
  SlaDesk desk;
  v1::SlaCalendar office;
  REQUIRE(Outcome(desk.TryCalendar(Office(), &office)) == "OK");
  CHECK(absl::StartsWith(office.name(), "slaCalendars/"));
  CHECK(office.etag() == "\"1\"");
  const std::string always = desk.Calendar(AroundTheClock());
  const std::string third = desk.Calendar(Office());
  CHECK(desk.CalendarNames() == Strings{office.name(), always, third});
  CHECK(desk.CalendarNames(2) == Strings{office.name(), always, third});

  v1::GetSlaCalendarRequest get;
  get.set_name(office.name());
  CHECK(MustCall(*desk.sla_, &SlaStub::GetSlaCalendar, get).holidays_size() == 1);

  v1::UpdateSlaCalendarRequest update;
  update.mutable_sla_calendar()->set_name(office.name());
  update.mutable_sla_calendar()->set_display_name("Germany, office hours");
  update.mutable_sla_calendar()->set_etag(office.etag());
  *update.mutable_update_mask() = Mask({"display_name"});
  const v1::SlaCalendar updated = MustCall(*desk.sla_, &SlaStub::UpdateSlaCalendar, update);
  CHECK(updated.display_name() == "Germany, office hours");
  CHECK(updated.etag() == "\"2\"");
  v1::SlaCalendar out;
  CHECK(Outcome(Call(*desk.sla_, &SlaStub::UpdateSlaCalendar, update, &out)) == "ABORTED");
  update.mutable_sla_calendar()->clear_etag();
  update.mutable_sla_calendar()->set_time_zone("Europe/Atlantis");
  *update.mutable_update_mask() = Mask({"time_zone"});
  CHECK(Outcome(Call(*desk.sla_, &SlaStub::UpdateSlaCalendar, update, &out)) ==
        "INVALID_ARGUMENT sla_calendar.time_zone");
  CHECK(MustCall(*desk.sla_, &SlaStub::GetSlaCalendar, get).etag() == "\"2\"");

  CHECK(Outcome(desk.TryDeleteCalendar(office.name(), "\"1\"")) == "ABORTED");
  CHECK(Outcome(desk.TryDeleteCalendar(office.name())) == "OK");
  CHECK(Outcome(Call(*desk.sla_, &SlaStub::GetSlaCalendar, get, &out)) == "NOT_FOUND");
  CHECK(desk.CalendarNames() == Strings{always, third});
}

TEST_CASE("sla service: a bad calendar is refused field by field and nothing is written",
          "[servicedesk][sla]") {
  SlaDesk desk;
  v1::SlaCalendar out;
  v1::SlaCalendar bad = Office();
  bad.set_display_name("");
  bad.set_time_zone("Mars/Olympus_Mons");
  bad.mutable_business_hours(0)->set_start_time("8:00");
  bad.mutable_business_hours(1)->set_end_time("24:01");
  bad.mutable_business_hours(2)->set_day(v1::WEEKDAY_UNSPECIFIED);
  *bad.add_holidays() = bad.holidays(0);
  CHECK(Outcome(desk.TryCalendar(bad, &out)) ==
        "INVALID_ARGUMENT sla_calendar.display_name, sla_calendar.time_zone, "
        "sla_calendar.business_hours[0].start_time, sla_calendar.business_hours[1].end_time, "
        "sla_calendar.business_hours[2].day, sla_calendar.holidays[1]");
  bad = Office();
  *bad.add_business_hours() = bad.business_hours(0);
  CHECK(Outcome(desk.TryCalendar(bad, &out)) == "INVALID_ARGUMENT sla_calendar.business_hours[5]");
  bad = Office();
  bad.clear_business_hours();
  bad.mutable_holidays(0)->set_day(32);
  CHECK(Outcome(desk.TryCalendar(bad, &out)) ==
        "INVALID_ARGUMENT sla_calendar.business_hours, sla_calendar.holidays[0]");
  v1::CreateSlaCalendarRequest empty;
  CHECK(Outcome(Call(*desk.sla_, &SlaStub::CreateSlaCalendar, empty, &out)) ==
        "INVALID_ARGUMENT sla_calendar");
  CHECK(desk.CalendarNames().empty());
}

TEST_CASE("sla service: policies are checked, listed by precedence and keep their calendar in use",
          "[servicedesk][sla]") {
  SlaDesk desk;
  const std::string calendar = desk.Calendar(Office());
  v1::SlaPolicy out;
  v1::SlaPolicy bad = Policy("", "calendars/x", 0, 366 * 86400, -1, {pv1::CUSTOMER_CLASS_A});
  bad.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  bad.add_priorities(v1::TICKET_PRIORITY_UNSPECIFIED);
  bad.add_ticket_types(v1::TICKET_TYPE_COMPLAINT);
  bad.add_ticket_types(v1::TICKET_TYPE_COMPLAINT);
  bad.mutable_first_response_target()->set_nanos(1000);
  bad.add_escalation_teams("manager");
  CHECK(Outcome(desk.TryPolicy(bad, &out)) ==
        "INVALID_ARGUMENT sla_policy.display_name, sla_policy.calendar, "
        "sla_policy.customer_classes[1], sla_policy.priorities[0], sla_policy.ticket_types[1], "
        "sla_policy.first_response_target, sla_policy.resolution_target, sla_policy.precedence, "
        "sla_policy.escalation_teams[0]");
  CHECK(Outcome(desk.TryPolicy(Policy("Gold", "slaCalendars/unknown", 3600, 8 * 3600, 10), &out)) ==
        "NOT_FOUND");
  CHECK(desk.PolicyNames().empty());

  const v1::SlaPolicy late =
      desk.CreatePolicy(Policy("Everyone", calendar, 8 * 3600, 40 * 3600, 50));
  const v1::SlaPolicy gold =
      desk.CreatePolicy(Policy("Gold", calendar, 3600, 8 * 3600, 10, {pv1::CUSTOMER_CLASS_A}));
  const v1::SlaPolicy silver = desk.CreatePolicy(
      Policy("Silver", calendar, 2 * 3600, 16 * 3600, 30, {pv1::CUSTOMER_CLASS_B}));
  CHECK(absl::StartsWith(gold.name(), "slaPolicies/"));
  CHECK(gold.etag() == "\"1\"");
  CHECK(desk.PolicyNames() == Strings{gold.name(), silver.name(), late.name()});
  CHECK(desk.PolicyNames(1) == Strings{gold.name(), silver.name(), late.name()});
  CHECK(desk.PolicyNames(0, "precedence = 30") == Strings{silver.name()});

  v1::GetSlaPolicyRequest get;
  get.set_name(gold.name());
  CHECK(MustCall(*desk.sla_, &SlaStub::GetSlaPolicy, get).customer_classes_size() == 1);

  v1::UpdateSlaPolicyRequest update;
  update.mutable_sla_policy()->set_name(late.name());
  update.mutable_sla_policy()->set_precedence(5);
  update.mutable_sla_policy()->set_etag(late.etag());
  *update.mutable_update_mask() = Mask({"precedence"});
  CHECK(MustCall(*desk.sla_, &SlaStub::UpdateSlaPolicy, update).precedence() == 5);
  CHECK(desk.PolicyNames() == Strings{late.name(), gold.name(), silver.name()});
  CHECK(Outcome(Call(*desk.sla_, &SlaStub::UpdateSlaPolicy, update, &out)) == "ABORTED");
  update.mutable_sla_policy()->clear_etag();
  update.mutable_sla_policy()->set_calendar("slaCalendars/unknown");
  *update.mutable_update_mask() = Mask({"calendar"});
  CHECK(Outcome(Call(*desk.sla_, &SlaStub::UpdateSlaPolicy, update, &out)) == "NOT_FOUND");
  update.mutable_sla_policy()->set_precedence(1000001);
  *update.mutable_update_mask() = Mask({"precedence"});
  CHECK(Outcome(Call(*desk.sla_, &SlaStub::UpdateSlaPolicy, update, &out)) ==
        "INVALID_ARGUMENT sla_policy.precedence");
  get.set_name(late.name());
  CHECK(MustCall(*desk.sla_, &SlaStub::GetSlaPolicy, get).etag() == "\"2\"");

  // The calendar is in use while policies or open tickets count in it;
  // tickets keep the targets their deleted policy gave them.
  const v1::Ticket ticket = desk.Ticket(desk.Customer("Huber AG", pv1::CUSTOMER_CLASS_A));
  CHECK(Precondition(desk.TryDeleteCalendar(calendar)) == "IN_USE " + calendar);
  for (const auto& p : {late, gold, silver}) CHECK(Outcome(desk.TryDeletePolicy(p.name())) == "OK");
  CHECK(Outcome(Call(*desk.sla_, &SlaStub::GetSlaPolicy, get, &out)) == "NOT_FOUND");
  CHECK(desk.PolicyNames().empty());
  CHECK(desk.Get(ticket.name()).sla().policy() == late.name());
  CHECK(Precondition(desk.TryDeleteCalendar(calendar)) == "IN_USE " + calendar);
  desk.Move(ticket.name(), v1::TICKET_STATUS_RESOLVED, "Replaced the monitor");
  CHECK(Outcome(desk.TryDeleteCalendar(calendar)) == "OK");
}

TEST_CASE("sla service: a ticket takes the applicable policy with the lowest precedence",
          "[servicedesk][sla]") {
  SlaDesk desk;
  const std::string calendar = desk.Calendar(AroundTheClock());
  const v1::SlaPolicy everyone =
      desk.CreatePolicy(Policy("Everyone", calendar, 4 * 3600, 40 * 3600, 100));
  const v1::SlaPolicy gold =
      desk.CreatePolicy(Policy("Gold", calendar, 3600, 8 * 3600, 10, {pv1::CUSTOMER_CLASS_A}));
  v1::SlaPolicy complaints =
      Policy("Gold complaints", calendar, 600, 3600, 5, {pv1::CUSTOMER_CLASS_A});
  complaints.add_ticket_types(v1::TICKET_TYPE_COMPLAINT);
  complaints = desk.CreatePolicy(complaints);
  desk.CreatePolicy(Policy("Silver", calendar, 60, 120, 1, {pv1::CUSTOMER_CLASS_B}));
  const std::string a_class = desk.Customer("Huber AG", pv1::CUSTOMER_CLASS_A);
  const std::string c_class = desk.Customer("Weber KG", pv1::CUSTOMER_CLASS_C);
  const std::string unclassified = desk.Customer("Maier GmbH", pv1::CUSTOMER_CLASS_UNSPECIFIED);

  const v1::Ticket ticket = desk.Ticket(a_class);
  const v1::TicketSla& sla = ticket.sla();
  CHECK(sla.policy() == gold.name());
  CHECK(sla.customer_class() == pv1::CUSTOMER_CLASS_A);
  CHECK(sla.calendar() == calendar);
  CHECK(sla.first_response_target().seconds() == 3600);
  const absl::Time created = TimeOf(ticket.create_time());
  CHECK(TimeOf(sla.first_response_due_time()) == created + absl::Hours(1));
  CHECK(TimeOf(sla.resolution_due_time()) == created + absl::Hours(8));

  CHECK(desk.Ticket(a_class, v1::TICKET_PRIORITY_LOW, v1::TICKET_TYPE_COMPLAINT).sla().policy() ==
        complaints.name());
  const v1::Ticket small = desk.Ticket(c_class);
  CHECK(small.sla().policy() == everyone.name());
  CHECK(small.sla().customer_class() == pv1::CUSTOMER_CLASS_C);
  CHECK(TimeOf(small.sla().resolution_due_time()) == TimeOf(small.create_time()) + absl::Hours(40));
  const v1::Ticket nobody = desk.Ticket(unclassified);
  CHECK(nobody.sla().policy() == everyone.name());
  CHECK(nobody.sla().customer_class() == pv1::CUSTOMER_CLASS_UNSPECIFIED);

  // Without the catch-all, a C-class ticket has no service level.
  REQUIRE(Outcome(desk.TryDeletePolicy(everyone.name())) == "OK");
  const v1::Ticket none = desk.Ticket(c_class);
  CHECK(none.sla().policy().empty());
  CHECK(none.sla().customer_class() == pv1::CUSTOMER_CLASS_C);
  CHECK(!none.sla().has_first_response_due_time());
  CHECK(!none.sla().has_resolution_due_time());
}

TEST_CASE("sla service: re-prioritising a ticket switches its policy and due times",
          "[servicedesk][sla]") {
  SlaDesk desk;
  const std::string calendar = desk.Calendar(AroundTheClock());
  const v1::SlaPolicy gold =
      desk.CreatePolicy(Policy("Gold", calendar, 4 * 3600, 24 * 3600, 10, {pv1::CUSTOMER_CLASS_A}));
  v1::SlaPolicy urgent = Policy("Gold urgent", calendar, 900, 2 * 3600, 5, {pv1::CUSTOMER_CLASS_A});
  urgent.add_priorities(v1::TICKET_PRIORITY_URGENT);
  urgent = desk.CreatePolicy(urgent);
  const v1::Ticket ticket = desk.Ticket(desk.Customer("Huber AG", pv1::CUSTOMER_CLASS_A));
  const absl::Time created = TimeOf(ticket.create_time());
  REQUIRE(ticket.sla().policy() == gold.name());

  const v1::Ticket raised = desk.Reprioritise(ticket.name(), v1::TICKET_PRIORITY_URGENT);
  CHECK(raised.sla().policy() == urgent.name());
  CHECK(TimeOf(raised.sla().first_response_due_time()) == created + absl::Minutes(15));
  CHECK(Near(TimeOf(raised.sla().resolution_due_time()), created + absl::Hours(2)));

  const v1::Ticket lowered = desk.Reprioritise(ticket.name(), v1::TICKET_PRIORITY_LOW);
  CHECK(lowered.sla().policy() == gold.name());
  CHECK(TimeOf(lowered.sla().first_response_due_time()) == created + absl::Hours(4));
  CHECK(Near(TimeOf(lowered.sla().resolution_due_time()), created + absl::Hours(24)));
}

TEST_CASE("sla service: waiting for the customer pauses the clock and coming back moves the due",
          "[servicedesk][sla]") {
  SlaDesk desk;
  const std::string calendar = desk.Calendar(AroundTheClock());
  desk.CreatePolicy(Policy("Gold", calendar, 3600, 8 * 3600, 10, {pv1::CUSTOMER_CLASS_A}));
  const v1::Ticket ticket = desk.Ticket(desk.Customer("Huber AG", pv1::CUSTOMER_CLASS_A));
  const absl::Time first_due = TimeOf(ticket.sla().resolution_due_time());

  const v1::Ticket working = desk.Move(ticket.name(), v1::TICKET_STATUS_IN_PROCESS);
  CHECK(working.sla().has_first_response_time());
  CHECK(TimeOf(working.sla().resolution_due_time()) == first_due);

  const v1::Ticket waiting = desk.Move(ticket.name(), v1::TICKET_STATUS_WAITING_FOR_CUSTOMER);
  CHECK(waiting.sla().paused());
  CHECK(!waiting.sla().has_resolution_due_time());
  CHECK(!waiting.sla().has_clock_start_time());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // some waiting to count

  const v1::Ticket back = desk.Move(ticket.name(), v1::TICKET_STATUS_IN_PROCESS);
  CHECK(!back.sla().paused());
  REQUIRE(back.sla().has_resolution_due_time());
  const absl::Time new_due = TimeOf(back.sla().resolution_due_time());
  const absl::Duration waited = TimeOf(back.update_time()) - TimeOf(waiting.update_time());
  INFO("waited " << waited << ", due moved by " << new_due - first_due);
  CHECK(new_due > first_due);
  CHECK(absl::AbsDuration(new_due - first_due - waited) <= absl::Milliseconds(1));

  const v1::Ticket resolved = desk.Move(ticket.name(), v1::TICKET_STATUS_RESOLVED, "Cable");
  CHECK((resolved.sla().has_resolution_time() && !resolved.sla().resolution_breached()));
}

TEST_CASE("sla service: a customer-visible note is the first response, an internal note is not",
          "[servicedesk][sla]") {
  SlaDesk desk;
  const std::string calendar = desk.Calendar(AroundTheClock());
  desk.CreatePolicy(Policy("Gold", calendar, 3600, 8 * 3600, 10, {pv1::CUSTOMER_CLASS_A}));
  const v1::Ticket ticket = desk.Ticket(desk.Customer("Huber AG", pv1::CUSTOMER_CLASS_A));
  desk.Note(ticket.name(), "Checked the cable", false);
  CHECK(!desk.Get(ticket.name()).sla().has_first_response_time());
  desk.Note(ticket.name(), "We are on it", true);
  const v1::Ticket responded = desk.Get(ticket.name());
  REQUIRE(responded.sla().has_first_response_time());
  const absl::Time response = TimeOf(responded.sla().first_response_time());
  CHECK(!responded.sla().first_response_breached());
  desk.Note(ticket.name(), "Technician comes Monday", true);
  CHECK(TimeOf(desk.Get(ticket.name()).sla().first_response_time()) == response);
  CHECK(desk.EventMethods(ticket.name()) == Strings{"CreateTicket", "CreateTicketNote"});
}

TEST_CASE("sla service: missed targets are found by the service itself, escalated and counted",
          "[servicedesk][sla]") {
  SlaDesk desk(/*with_metrics=*/true);
  const std::string calendar = desk.Calendar(AroundTheClock());
  v1::SlaPolicy fast = Policy("Gold, tight", calendar, 1, 2, 10, {pv1::CUSTOMER_CLASS_A});
  fast.add_escalation_teams("2ND-LEVEL");
  fast.add_escalation_teams("MANAGER");
  desk.CreatePolicy(fast);
  v1::SlaPolicy relaxed = Policy("Everyone", calendar, 3600, 3600, 100);
  relaxed.add_escalation_teams("2ND-LEVEL");
  desk.CreatePolicy(relaxed);

  // Answered at once, with an hour to do so: never breached.
  const v1::Ticket in_time = desk.Ticket(desk.Customer("Weber KG", pv1::CUSTOMER_CLASS_C));
  CHECK(desk.Move(in_time.name(), v1::TICKET_STATUS_IN_PROCESS).sla().has_first_response_time());

  const v1::Ticket ticket = desk.Ticket(desk.Customer("Huber AG", pv1::CUSTOMER_CLASS_A));
  v1::Ticket seen;
  const bool breached = Eventually([&] {
    seen = desk.Get(ticket.name());
    return seen.sla().first_response_breached() && seen.sla().resolution_breached();
  });
  INFO(seen.DebugString());
  REQUIRE(breached);
  CHECK(!seen.sla().has_first_response_time());
  CHECK(seen.escalation_level() == 2);
  CHECK(seen.team() == "MANAGER");

  const Strings methods = desk.EventMethods(ticket.name());
  CHECK(std::count(methods.begin(), methods.end(), "SlaMonitor") >= 1);
  CHECK(std::count(methods.begin(), methods.end(), "SlaMonitor") + 1 == int(methods.size()));
  const Strings feed = desk.feed_->DescribeChangesAfter(0);
  const std::string monitor_update =
      absl::StrCat("CHANGE_KIND_UPDATED ", ticket.name(), " SlaMonitor");
  CHECK(std::any_of(feed.begin(), feed.end(),
                    [&](const std::string& c) { return absl::StartsWith(c, monitor_update); }));

  const std::string first = "crm_servicedesk_sla_breaches_total{target=\"first_response\"}";
  const std::string resolution = "crm_servicedesk_sla_breaches_total{target=\"resolution\"}";
  Eventually([&] { return desk.Metric(first) == 1.0 && desk.Metric(resolution) == 1.0; });
  CHECK(desk.Metric(first) == 1.0);
  CHECK(desk.Metric(resolution) == 1.0);

  // The monitor has looked at everything due by now; the answered ticket was not.
  const v1::Ticket still = desk.Get(in_time.name());
  CHECK(!still.sla().first_response_breached());
  CHECK(!still.sla().resolution_breached());
  CHECK(still.escalation_level() == 0);
  CHECK(desk.EventMethods(in_time.name()) == Strings{"CreateTicket", "ChangeTicketStatus"});
}

TEST_CASE("sla service: EscalateTicket needs a reason and an open ticket and follows the policy",
          "[servicedesk][sla]") {
  SlaDesk desk;
  const std::string calendar = desk.Calendar(AroundTheClock());
  v1::SlaPolicy gold = Policy("Gold", calendar, 3600, 8 * 3600, 10, {pv1::CUSTOMER_CLASS_A});
  gold.add_escalation_teams("2ND-LEVEL");
  gold.add_escalation_teams("MANAGER");
  desk.CreatePolicy(gold);
  const v1::Ticket ticket = desk.Ticket(desk.Customer("Huber AG", pv1::CUSTOMER_CLASS_A));
  v1::Ticket out;
  CHECK(Outcome(desk.TryEscalate(ticket.name(), "", &out)) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(desk.TryEscalate("ticket-1", "", &out)) == "INVALID_ARGUMENT name, reason");
  CHECK(Outcome(desk.TryEscalate("tickets/unknown", "customer called", &out)) == "NOT_FOUND");
  CHECK(Outcome(desk.TryEscalate(ticket.name(), "customer called", &out, "\"7\"")) == "ABORTED");
  CHECK(desk.Get(ticket.name()).escalation_level() == 0);

  REQUIRE(Outcome(desk.TryEscalate(ticket.name(), "customer called a third time", &out)) == "OK");
  CHECK(out.escalation_level() == 1);
  CHECK(out.team() == "2ND-LEVEL");
  CHECK(!out.sla().has_first_response_time());  // the note is internal
  const std::vector<v1::TicketNote> notes = desk.Notes(ticket.name());
  REQUIRE(notes.size() == 1);
  CHECK(!notes[0].customer_visible());
  CHECK(absl::StrContains(notes[0].text(), "customer called a third time"));
  CHECK(desk.EventMethods(ticket.name()).back() == "EscalateTicket");

  REQUIRE(Outcome(desk.TryEscalate(ticket.name(), "still down", &out, out.etag())) == "OK");
  CHECK(out.escalation_level() == 2);
  CHECK(out.team() == "MANAGER");
  REQUIRE(Outcome(desk.TryEscalate(ticket.name(), "the CEO called", &out)) == "OK");
  CHECK(out.escalation_level() == 3);
  CHECK(out.team() == "MANAGER");
  CHECK(desk.Notes(ticket.name()).size() == 3);

  const v1::Ticket plain = desk.Ticket(desk.Customer("Weber KG", pv1::CUSTOMER_CLASS_C));
  REQUIRE(Outcome(desk.TryEscalate(plain.name(), "no policy: the team stays", &out)) == "OK");
  CHECK((out.escalation_level() == 1 && out.team() == "1ST-LEVEL"));

  desk.Move(ticket.name(), v1::TICKET_STATUS_RESOLVED, "Replaced the monitor");
  desk.Move(ticket.name(), v1::TICKET_STATUS_CLOSED);
  CHECK(Precondition(desk.TryEscalate(ticket.name(), "again", &out)) ==
        "TICKET_STATUS " + ticket.name());
  CHECK(desk.Notes(ticket.name()).size() == 3);
}

// The first response is kept when no policy applies, so a ticket answered
// before one applied is not held to a response that already happened.
TEST_CASE("sla service: a ticket answered before a policy applied to it is not marked late",
          "[servicedesk][sla]") {
  SlaDesk desk;
  v1::SlaPolicy urgent = Policy("Urgent", desk.Calendar(AroundTheClock()), 1, 3600, 10);
  urgent.add_priorities(v1::TICKET_PRIORITY_URGENT);
  urgent = desk.CreatePolicy(urgent);
  const std::string customer = desk.Customer("Huber AG", pv1::CUSTOMER_CLASS_A);
  const v1::Ticket ticket = desk.Ticket(customer);  // medium: no policy
  REQUIRE(ticket.sla().policy().empty());
  desk.Move(ticket.name(), v1::TICKET_STATUS_IN_PROCESS);  // answered
  REQUIRE(desk.Reprioritise(ticket.name(), v1::TICKET_PRIORITY_URGENT).sla().policy() ==
          urgent.name());
  // Due later than the ticket's: once it is breached, the monitor has looked at both.
  const v1::Ticket control = desk.Ticket(customer, v1::TICKET_PRIORITY_URGENT);
  REQUIRE(Eventually([&] { return desk.Get(control.name()).sla().first_response_breached(); }));
  const v1::Ticket seen = desk.Get(ticket.name());
  INFO(seen.DebugString());
  CHECK(seen.sla().has_first_response_time());
  CHECK(!seen.sla().first_response_breached());
  CHECK(seen.escalation_level() == 0);

  // Answered under a policy, lowered to no policy and raised again.
  const v1::Ticket other = desk.Ticket(customer, v1::TICKET_PRIORITY_URGENT);
  REQUIRE(desk.Move(other.name(), v1::TICKET_STATUS_IN_PROCESS).sla().has_first_response_time());
  desk.Reprioritise(other.name(), v1::TICKET_PRIORITY_LOW);
  CHECK(
      desk.Reprioritise(other.name(), v1::TICKET_PRIORITY_URGENT).sla().has_first_response_time());
}

}  // namespace
}  // namespace crm::servicedesk
