// The service-level rules without storage: each bad field of a calendar or
// policy named, business time counted in a Berlin office calendar (nights,
// weekends, holidays, a lunch break, daylight-saving changes), which policy
// applies, and how a ticket's clock moves with its status: first response,
// waiting, resolving, reopening, breaches and escalation.
#include "services/servicedesk/sla_rules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/api/resource.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::servicedesk {
namespace {

namespace pv1 = crm::partners::v1;
using Fields = std::vector<std::string>;
using Strings = std::vector<std::string>;

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const auto& v : violations.list()) fields.push_back(v.field);
  return fields;
}

absl::TimeZone Berlin() {
  absl::TimeZone zone;
  REQUIRE(absl::LoadTimeZone("Europe/Berlin", &zone));
  return zone;
}

// A moment in Berlin local time.
absl::Time Local(int y, int m, int d, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), Berlin());
}

std::string Show(absl::Time t) { return absl::FormatTime("%a %Y-%m-%d %H:%M:%S %Z", t, Berlin()); }

google::protobuf::Timestamp Ts(absl::Time t) {
  return api::MicrosToTimestamp(absl::ToUnixMicros(t));
}
absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixMicros(api::TimestampToMicros(t));
}
absl::Duration DurationOf(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

google::type::Date Date(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

void AddHours(v1::SlaCalendar* calendar, v1::Weekday day, const std::string& start,
              const std::string& end) {
  v1::BusinessHours* hours = calendar->add_business_hours();
  hours->set_day(day);
  hours->set_start_time(start);
  hours->set_end_time(end);
}

const std::vector<v1::Weekday> kWorkdays = {v1::WEEKDAY_MONDAY, v1::WEEKDAY_TUESDAY,
                                            v1::WEEKDAY_WEDNESDAY, v1::WEEKDAY_THURSDAY,
                                            v1::WEEKDAY_FRIDAY};

// Berlin, Mon-Fri 08:00-17:00, Good Friday and Easter Monday 2025 off.
v1::SlaCalendar OfficeCalendar() {
  v1::SlaCalendar calendar;
  calendar.set_display_name("Germany, Mon-Fri 8-17");
  calendar.set_time_zone("Europe/Berlin");
  for (v1::Weekday day : kWorkdays) AddHours(&calendar, day, "08:00", "17:00");
  *calendar.add_holidays() = Date(2025, 4, 18);
  *calendar.add_holidays() = Date(2025, 4, 21);
  return calendar;
}

BusinessCalendar Business(const v1::SlaCalendar& calendar) {
  absl::StatusOr<BusinessCalendar> business = BusinessCalendar::From(calendar);
  REQUIRE(business.ok());
  return *business;
}

Fields CalendarFields(const v1::SlaCalendar& calendar) {
  Violations out;
  ValidateSlaCalendar(calendar, "sla_calendar", &out);
  return FieldsOf(out);
}

TEST_CASE("sla rules: a sound calendar passes and missing name, zone and hours are named",
          "[servicedesk][sla]") {
  CHECK(CalendarFields(OfficeCalendar()).empty());
  CHECK(CalendarFields(v1::SlaCalendar()) == Fields{"sla_calendar.display_name",
                                                    "sla_calendar.time_zone",
                                                    "sla_calendar.business_hours"});
  for (const char* zone : {"Europe/Atlantis", "not a zone", "+01:00"}) {
    INFO(zone);
    v1::SlaCalendar calendar = OfficeCalendar();
    calendar.set_time_zone(zone);
    CHECK(CalendarFields(calendar) == Fields{"sla_calendar.time_zone"});
    CHECK(!BusinessCalendar::From(calendar).ok());
  }
  v1::SlaCalendar calendar = OfficeCalendar();
  calendar.set_display_name("   ");
  CHECK(CalendarFields(calendar) == Fields{"sla_calendar.display_name"});
  calendar.set_display_name(std::string(201, 'x'));
  CHECK(CalendarFields(calendar) == Fields{"sla_calendar.display_name"});
}

TEST_CASE("sla rules: business hours must be HH:MM with the end after the start",
          "[servicedesk][sla]") {
  auto one_period = [](const std::string& start, const std::string& end) {
    v1::SlaCalendar calendar = OfficeCalendar();
    calendar.clear_business_hours();
    AddHours(&calendar, v1::WEEKDAY_MONDAY, start, end);
    return CalendarFields(calendar);
  };
  CHECK(one_period("08:00", "17:00").empty());
  CHECK(one_period("00:00", "24:00").empty());
  CHECK(one_period("23:59", "24:00").empty());
  for (const char* start : {"8:00", "24:00", "24:01", "12:60", "08-00", "ab:cd", "", "08:00 "}) {
    INFO("start " << start);
    CHECK(one_period(start, "23:00") == Fields{"sla_calendar.business_hours[0].start_time"});
  }
  for (const char* end : {"8:00", "24:01", "25:00", "12:60", "", "17:00:00"}) {
    INFO("end " << end);
    CHECK(one_period("07:00", end) == Fields{"sla_calendar.business_hours[0].end_time"});
  }
  CHECK(one_period("09:00", "08:00") == Fields{"sla_calendar.business_hours[0].end_time"});
  CHECK(one_period("09:00", "09:00") == Fields{"sla_calendar.business_hours[0].end_time"});
  CHECK(one_period("9:00", "8:00") == Fields{"sla_calendar.business_hours[0].start_time",
                                             "sla_calendar.business_hours[0].end_time"});
}

TEST_CASE("sla rules: periods of one day must not overlap and need a weekday",
          "[servicedesk][sla]") {
  v1::SlaCalendar calendar = OfficeCalendar();
  calendar.clear_business_hours();
  AddHours(&calendar, v1::WEEKDAY_MONDAY, "08:00", "12:00");
  AddHours(&calendar, v1::WEEKDAY_MONDAY, "12:00", "17:00");  // adjacent: fine
  AddHours(&calendar, v1::WEEKDAY_TUESDAY, "11:00", "17:00");
  AddHours(&calendar, v1::WEEKDAY_WEDNESDAY, "08:00", "12:00");
  CHECK(CalendarFields(calendar).empty());
  AddHours(&calendar, v1::WEEKDAY_TUESDAY, "08:00", "11:30");  // overlaps [2]
  CHECK(CalendarFields(calendar) == Fields{"sla_calendar.business_hours[2]"});

  calendar.clear_business_hours();
  AddHours(&calendar, v1::WEEKDAY_UNSPECIFIED, "08:00", "17:00");
  AddHours(&calendar, static_cast<v1::Weekday>(9), "08:00", "17:00");
  CHECK(CalendarFields(calendar) ==
        Fields{"sla_calendar.business_hours[0].day", "sla_calendar.business_hours[1].day"});
}

TEST_CASE("sla rules: holidays are valid dates, each once", "[servicedesk][sla]") {
  v1::SlaCalendar calendar = OfficeCalendar();
  *calendar.add_holidays() = Date(2025, 4, 18);
  CHECK(CalendarFields(calendar) == Fields{"sla_calendar.holidays[2]"});
  calendar = OfficeCalendar();
  *calendar.add_holidays() = Date(2025, 2, 30);
  *calendar.add_holidays() = Date(2025, 0, 0);
  *calendar.add_holidays() = google::type::Date();
  CHECK(CalendarFields(calendar) ==
        Fields{"sla_calendar.holidays[2]", "sla_calendar.holidays[3]", "sla_calendar.holidays[4]"});
}

v1::SlaPolicy GoldPolicy() {
  v1::SlaPolicy policy;
  policy.set_name("slaPolicies/gold");
  policy.set_display_name("A-class customers, incidents");
  policy.set_calendar("slaCalendars/office");
  policy.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  policy.add_priorities(v1::TICKET_PRIORITY_HIGH);
  policy.add_priorities(v1::TICKET_PRIORITY_URGENT);
  policy.add_ticket_types(v1::TICKET_TYPE_INCIDENT);
  policy.mutable_first_response_target()->set_seconds(3600);
  policy.mutable_resolution_target()->set_seconds(8 * 3600);
  policy.set_precedence(10);
  policy.add_escalation_teams("2ND-LEVEL");
  policy.add_escalation_teams("MANAGER");
  return policy;
}

Fields PolicyFields(const v1::SlaPolicy& policy) {
  Violations out;
  ValidateSlaPolicy(policy, "sla_policy", &out);
  return FieldsOf(out);
}

TEST_CASE("sla rules: a sound policy passes and each bad field of a policy is named",
          "[servicedesk][sla]") {
  CHECK(PolicyFields(GoldPolicy()).empty());
  CHECK(PolicyFields(v1::SlaPolicy()) == Fields{"sla_policy.display_name", "sla_policy.calendar",
                                                "sla_policy.first_response_target",
                                                "sla_policy.resolution_target"});
  for (const char* calendar : {"calendars/office", "slaCalendars/", "office"}) {
    INFO(calendar);
    v1::SlaPolicy policy = GoldPolicy();
    policy.set_calendar(calendar);
    CHECK(PolicyFields(policy) == Fields{"sla_policy.calendar"});
  }
  v1::SlaPolicy policy = GoldPolicy();
  policy.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  policy.add_priorities(v1::TICKET_PRIORITY_HIGH);
  policy.add_ticket_types(v1::TICKET_TYPE_INCIDENT);
  CHECK(PolicyFields(policy) == Fields{"sla_policy.customer_classes[1]", "sla_policy.priorities[2]",
                                       "sla_policy.ticket_types[1]"});
  policy = GoldPolicy();
  policy.set_customer_classes(0, pv1::CUSTOMER_CLASS_UNSPECIFIED);
  policy.set_priorities(1, v1::TICKET_PRIORITY_UNSPECIFIED);
  policy.set_ticket_types(0, v1::TICKET_TYPE_UNSPECIFIED);
  CHECK(PolicyFields(policy) == Fields{"sla_policy.customer_classes[0]", "sla_policy.priorities[1]",
                                       "sla_policy.ticket_types[0]"});
  policy.set_customer_classes(0, static_cast<pv1::CustomerClass>(7));
  policy.set_priorities(1, static_cast<v1::TicketPriority>(9));
  policy.set_ticket_types(0, static_cast<v1::TicketType>(9));
  CHECK(PolicyFields(policy) == Fields{"sla_policy.customer_classes[0]", "sla_policy.priorities[1]",
                                       "sla_policy.ticket_types[0]"});
}

TEST_CASE("sla rules: targets are whole seconds from one second to 365 days",
          "[servicedesk][sla]") {
  const int64_t year = int64_t{365} * 24 * 3600;
  auto with_targets = [](int64_t seconds, int32_t nanos) {
    v1::SlaPolicy policy = GoldPolicy();
    policy.mutable_first_response_target()->set_seconds(seconds);
    policy.mutable_first_response_target()->set_nanos(nanos);
    policy.mutable_resolution_target()->set_seconds(seconds);
    policy.mutable_resolution_target()->set_nanos(nanos);
    return PolicyFields(policy);
  };
  const Fields both = {"sla_policy.first_response_target", "sla_policy.resolution_target"};
  CHECK(with_targets(1, 0).empty());
  CHECK(with_targets(year, 0).empty());
  CHECK(with_targets(0, 0) == both);
  CHECK(with_targets(0, 500000000) == both);
  CHECK(with_targets(60, 500000000) == both);
  CHECK(with_targets(-60, 0) == both);
  CHECK(with_targets(year + 1, 0) == both);
  v1::SlaPolicy policy = GoldPolicy();
  policy.clear_resolution_target();
  CHECK(PolicyFields(policy) == Fields{"sla_policy.resolution_target"});
}

TEST_CASE("sla rules: precedence is 0 to 1000000 and escalation teams are team codes",
          "[servicedesk][sla]") {
  v1::SlaPolicy policy = GoldPolicy();
  for (int precedence : {0, 1000000}) {
    policy.set_precedence(precedence);
    CHECK(PolicyFields(policy).empty());
  }
  for (int precedence : {-1, 1000001}) {
    policy.set_precedence(precedence);
    CHECK(PolicyFields(policy) == Fields{"sla_policy.precedence"});
  }
  policy = GoldPolicy();
  policy.add_escalation_teams("2nd level");
  policy.add_escalation_teams("MANAGER");
  CHECK(PolicyFields(policy) ==
        Fields{"sla_policy.escalation_teams[2]", "sla_policy.escalation_teams[3]"});
  policy.clear_escalation_teams();
  for (int i = 0; i < 11; ++i) policy.add_escalation_teams("TEAM-" + std::to_string(i));
  CHECK(PolicyFields(policy) == Fields{"sla_policy.escalation_teams"});
}

struct Span {
  absl::Time start;
  absl::Duration amount;
  absl::Time due;
};

void CheckSpans(const BusinessCalendar& calendar, const std::vector<Span>& spans) {
  for (const Span& span : spans) {
    INFO(Show(span.start) << " + " << absl::FormatDuration(span.amount) << " should be "
                          << Show(span.due));
    const absl::Time due = calendar.Add(span.start, span.amount);
    INFO("was " << Show(due));
    CHECK(due == span.due);
    CHECK(calendar.Between(span.start, due) == span.amount);
  }
}

TEST_CASE("sla rules: business time skips nights, weekends and holidays", "[servicedesk][sla]") {
  const BusinessCalendar office = Business(OfficeCalendar());
  using absl::Hours;
  using absl::Minutes;
  CheckSpans(office, {
                         {Local(2025, 3, 4, 16, 30), Hours(1), Local(2025, 3, 5, 8, 30)},  // Tue
                         {Local(2025, 3, 4, 16, 0), Hours(1), Local(2025, 3, 4, 17, 0)},   // fits
                         {Local(2025, 3, 4, 17, 0), Hours(1), Local(2025, 3, 5, 9, 0)},    // closed
                         {Local(2025, 3, 4, 18, 0), Hours(1), Local(2025, 3, 5, 9, 0)},  // evening
                         {Local(2025, 3, 4, 6, 0), Minutes(30), Local(2025, 3, 4, 8, 30)},  // early
                         {Local(2025, 3, 7, 16, 0), Hours(2), Local(2025, 3, 10, 9, 0)},    // Fri
                         {Local(2025, 3, 8, 10, 0), Hours(1), Local(2025, 3, 10, 9, 0)},    // Sat
                         {Local(2025, 3, 9, 23, 0), Minutes(30), Local(2025, 3, 10, 8, 30)},
                         {Local(2025, 3, 3, 8, 0), Hours(20), Local(2025, 3, 5, 10, 0)},
                         {Local(2025, 3, 3, 8, 0), Hours(45), Local(2025, 3, 7, 17, 0)},  // a week
                         {Local(2025, 3, 3, 8, 0), Hours(46), Local(2025, 3, 10, 9, 0)},
                         // Thu before Easter: Good Friday and Easter Monday are holidays.
                         {Local(2025, 4, 17, 16, 0), Hours(2), Local(2025, 4, 22, 9, 0)},
                         {Local(2025, 4, 18, 9, 0), Hours(1), Local(2025, 4, 22, 9, 0)},
                     });
  // Between counts only business hours, whatever lies in between.
  CHECK(office.Between(Local(2025, 3, 7, 16, 0), Local(2025, 3, 10, 9, 0)) == Hours(2));
  CHECK(office.Between(Local(2025, 3, 8, 0, 0), Local(2025, 3, 10, 0, 0)) == absl::ZeroDuration());
  CHECK(office.Between(Local(2025, 4, 17, 0, 0), Local(2025, 4, 22, 0, 0)) == Hours(9));
  CHECK(office.Between(Local(2025, 3, 3, 0, 0), Local(2025, 3, 10, 0, 0)) == Hours(45));
}

TEST_CASE("sla rules: a lunch break is not business time", "[servicedesk][sla]") {
  v1::SlaCalendar calendar = OfficeCalendar();
  calendar.clear_business_hours();
  for (v1::Weekday day : kWorkdays) {
    AddHours(&calendar, day, "13:00", "17:00");  // listed afternoon first
    AddHours(&calendar, day, "08:00", "12:00");
  }
  const BusinessCalendar office = Business(calendar);
  using absl::Hours;
  using absl::Minutes;
  CheckSpans(office, {
                         {Local(2025, 3, 3, 11, 30), Hours(1), Local(2025, 3, 3, 13, 30)},
                         {Local(2025, 3, 3, 12, 15), Minutes(15), Local(2025, 3, 3, 13, 15)},
                         {Local(2025, 3, 3, 8, 0), Hours(20), Local(2025, 3, 5, 12, 0)},
                         {Local(2025, 3, 3, 8, 0), Hours(21), Local(2025, 3, 5, 14, 0)},
                         {Local(2025, 3, 7, 16, 0), Hours(2), Local(2025, 3, 10, 9, 0)},
                     });
  CHECK(office.Between(Local(2025, 3, 3, 11, 0), Local(2025, 3, 3, 14, 0)) == Hours(2));
}

TEST_CASE("sla rules: across a daylight-saving change the hours stay 08:00 to 17:00 local",
          "[servicedesk][sla]") {
  const BusinessCalendar office = Business(OfficeCalendar());
  using absl::Hours;
  // Clocks go forward on Sunday 30 March 2025 and back on Sunday 26 October.
  CheckSpans(office, {
                         {Local(2025, 3, 28, 16, 0), Hours(2), Local(2025, 3, 31, 9, 0)},
                         {Local(2025, 3, 27, 8, 0), Hours(27), Local(2025, 3, 31, 17, 0)},
                         {Local(2025, 10, 24, 16, 0), Hours(2), Local(2025, 10, 27, 9, 0)},
                         {Local(2025, 10, 23, 8, 0), Hours(27), Local(2025, 10, 27, 17, 0)},
                     });
  // One hour less of real time over the spring weekend, one more in autumn.
  CHECK(office.Add(Local(2025, 3, 28, 16, 0), Hours(2)) - Local(2025, 3, 28, 16, 0) == Hours(64));
  CHECK(office.Add(Local(2025, 10, 24, 16, 0), Hours(2)) - Local(2025, 10, 24, 16, 0) == Hours(66));
  CHECK(Local(2025, 3, 31, 8, 0) ==
        absl::FromCivil(absl::CivilSecond(2025, 3, 31, 6, 0, 0), absl::UTCTimeZone()));

  // Around the clock, a business day is as long as the local day.
  v1::SlaCalendar always = OfficeCalendar();
  always.clear_business_hours();
  always.clear_holidays();
  for (int day = 1; day <= 7; ++day) {
    AddHours(&always, static_cast<v1::Weekday>(day), "00:00", "24:00");
  }
  const BusinessCalendar around = Business(always);
  CheckSpans(around, {
                         {Local(2025, 3, 29, 12, 0), Hours(24), Local(2025, 3, 30, 13, 0)},
                         {Local(2025, 10, 25, 12, 0), Hours(24), Local(2025, 10, 26, 11, 0)},
                     });
  CHECK(around.Between(Local(2025, 3, 30, 0, 0), Local(2025, 3, 31, 0, 0)) == Hours(23));
  CHECK(around.Between(Local(2025, 10, 26, 0, 0), Local(2025, 10, 27, 0, 0)) == Hours(25));
}

TEST_CASE("sla rules: no business time between a moment and an earlier one, none added to a start",
          "[servicedesk][sla]") {
  const BusinessCalendar office = Business(OfficeCalendar());
  const absl::Time tuesday = Local(2025, 3, 4, 10, 0);
  const absl::Time saturday = Local(2025, 3, 8, 10, 0);
  CHECK(office.Between(tuesday, tuesday) == absl::ZeroDuration());
  CHECK(office.Between(tuesday + absl::Hours(3), tuesday) == absl::ZeroDuration());
  CHECK(office.Between(saturday, tuesday) == absl::ZeroDuration());
  CHECK(office.Add(tuesday, absl::ZeroDuration()) == tuesday);
  CHECK(office.Add(saturday, absl::ZeroDuration()) == saturday);
  CHECK(office.Add(saturday, -absl::Hours(2)) == saturday);
}

TEST_CASE("sla rules: a policy with empty lists applies to every ticket, else only to those listed",
          "[servicedesk][sla]") {
  v1::SlaPolicy any = GoldPolicy();
  any.clear_customer_classes();
  any.clear_priorities();
  any.clear_ticket_types();
  CHECK(PolicyApplies(any, pv1::CUSTOMER_CLASS_UNSPECIFIED, v1::TICKET_PRIORITY_LOW,
                      v1::TICKET_TYPE_SERVICE_REQUEST));
  CHECK(PolicyApplies(any, pv1::CUSTOMER_CLASS_C, v1::TICKET_PRIORITY_URGENT,
                      v1::TICKET_TYPE_COMPLAINT));

  const v1::SlaPolicy gold = GoldPolicy();  // A; high or urgent; incidents
  CHECK(PolicyApplies(gold, pv1::CUSTOMER_CLASS_A, v1::TICKET_PRIORITY_HIGH,
                      v1::TICKET_TYPE_INCIDENT));
  CHECK(PolicyApplies(gold, pv1::CUSTOMER_CLASS_A, v1::TICKET_PRIORITY_URGENT,
                      v1::TICKET_TYPE_INCIDENT));
  CHECK(!PolicyApplies(gold, pv1::CUSTOMER_CLASS_B, v1::TICKET_PRIORITY_HIGH,
                       v1::TICKET_TYPE_INCIDENT));
  CHECK(!PolicyApplies(gold, pv1::CUSTOMER_CLASS_UNSPECIFIED, v1::TICKET_PRIORITY_HIGH,
                       v1::TICKET_TYPE_INCIDENT));
  CHECK(!PolicyApplies(gold, pv1::CUSTOMER_CLASS_A, v1::TICKET_PRIORITY_MEDIUM,
                       v1::TICKET_TYPE_INCIDENT));
  CHECK(!PolicyApplies(gold, pv1::CUSTOMER_CLASS_A, v1::TICKET_PRIORITY_HIGH,
                       v1::TICKET_TYPE_COMPLAINT));
}

// A ticket created at `created` under the gold policy (1 h to respond, 8 h
// to resolve) in the office calendar.
v1::Ticket NewTicket(const BusinessCalendar& office, absl::Time created) {
  v1::Ticket ticket;
  ticket.set_name("tickets/t1");
  ticket.set_status(v1::TICKET_STATUS_NEW);
  ticket.set_team("1ST-LEVEL");
  *ticket.mutable_create_time() = Ts(created);
  AssignSla(GoldPolicy(), office, absl::ZeroDuration(), created, &ticket);
  return ticket;
}

void Move(const BusinessCalendar& office, v1::Ticket* ticket, v1::TicketStatus to, absl::Time now) {
  const v1::TicketStatus from = ticket->status();
  ticket->set_status(to);
  MoveSlaClock(office, from, now, ticket);
}

TEST_CASE("sla rules: a new ticket is due by its targets in business time from its creation",
          "[servicedesk][sla]") {
  const BusinessCalendar office = Business(OfficeCalendar());
  const v1::Ticket ticket = NewTicket(office, Local(2025, 3, 3, 16, 30));  // Monday
  const v1::TicketSla& sla = ticket.sla();
  CHECK(sla.policy() == "slaPolicies/gold");
  CHECK(sla.calendar() == "slaCalendars/office");
  CHECK(DurationOf(sla.first_response_target()) == absl::Hours(1));
  CHECK(DurationOf(sla.resolution_target()) == absl::Hours(8));
  CHECK(TimeOf(sla.first_response_due_time()) == Local(2025, 3, 4, 8, 30));
  CHECK(TimeOf(sla.resolution_due_time()) == Local(2025, 3, 4, 15, 30));
  CHECK(TimeOf(sla.clock_start_time()) == Local(2025, 3, 3, 16, 30));
  CHECK(DurationOf(sla.resolution_time_used()) == absl::ZeroDuration());
  CHECK(!sla.paused());
  CHECK(!sla.has_first_response_time());
  CHECK(!sla.has_resolution_time());
  CHECK(!sla.first_response_breached());
  CHECK(!sla.resolution_breached());
  CHECK(FirstResponseWatchMicros(ticket) == absl::ToUnixMicros(Local(2025, 3, 4, 8, 30)));
  CHECK(ResolutionWatchMicros(ticket) == absl::ToUnixMicros(Local(2025, 3, 4, 15, 30)));

  // Without a create time it counts from now; waiting or resolved, no clock runs.
  v1::Ticket fresh;
  fresh.set_status(v1::TICKET_STATUS_WAITING_FOR_CUSTOMER);
  AssignSla(GoldPolicy(), office, absl::Hours(2), Local(2025, 3, 3, 9, 0), &fresh);
  CHECK(TimeOf(fresh.sla().first_response_due_time()) == Local(2025, 3, 3, 10, 0));
  CHECK(fresh.sla().paused());
  CHECK(!fresh.sla().has_resolution_due_time());
  CHECK(!fresh.sla().has_clock_start_time());
  CHECK(DurationOf(fresh.sla().resolution_time_used()) == absl::Hours(2));
  CHECK(ResolutionWatchMicros(fresh) == 0);
  fresh.set_status(v1::TICKET_STATUS_RESOLVED);
  AssignSla(GoldPolicy(), office, absl::Hours(2), Local(2025, 3, 3, 9, 0), &fresh);
  CHECK(!fresh.sla().paused());
  CHECK(!fresh.sla().has_clock_start_time());
  CHECK(ResolutionWatchMicros(fresh) == 0);
}

TEST_CASE("sla rules: leaving new is the first response, late when past its due time",
          "[servicedesk][sla]") {
  const BusinessCalendar office = Business(OfficeCalendar());
  v1::Ticket ticket = NewTicket(office, Local(2025, 3, 3, 9, 0));  // response due 10:00
  Move(office, &ticket, v1::TICKET_STATUS_IN_PROCESS, Local(2025, 3, 3, 9, 30));
  CHECK(TimeOf(ticket.sla().first_response_time()) == Local(2025, 3, 3, 9, 30));
  CHECK(!ticket.sla().first_response_breached());
  CHECK(FirstResponseWatchMicros(ticket) == 0);
  CHECK(ResolutionWatchMicros(ticket) == absl::ToUnixMicros(Local(2025, 3, 3, 17, 0)));
  Move(office, &ticket, v1::TICKET_STATUS_WAITING_FOR_CUSTOMER, Local(2025, 3, 3, 11, 0));
  CHECK(TimeOf(ticket.sla().first_response_time()) == Local(2025, 3, 3, 9, 30));  // kept

  v1::Ticket late = NewTicket(office, Local(2025, 3, 3, 9, 0));
  Move(office, &late, v1::TICKET_STATUS_WAITING_FOR_CUSTOMER, Local(2025, 3, 3, 10, 30));
  CHECK(TimeOf(late.sla().first_response_time()) == Local(2025, 3, 3, 10, 30));
  CHECK(late.sla().first_response_breached());
  CHECK(FirstResponseWatchMicros(late) == 0);

  // No policy: no clock, but the first response is kept for a policy that
  // may apply after a new priority, and is never late.
  v1::Ticket none;
  none.set_status(v1::TICKET_STATUS_NEW);
  Move(office, &none, v1::TICKET_STATUS_IN_PROCESS, Local(2025, 3, 3, 10, 30));
  CHECK(TimeOf(none.sla().first_response_time()) == Local(2025, 3, 3, 10, 30));
  CHECK(!none.sla().first_response_breached());
  CHECK(!none.sla().has_clock_start_time());
}

TEST_CASE("sla rules: waiting for the customer stops the clock and coming back resumes it",
          "[servicedesk][sla]") {
  const BusinessCalendar office = Business(OfficeCalendar());
  v1::Ticket ticket = NewTicket(office, Local(2025, 3, 3, 9, 0));  // resolution due 17:00
  const absl::Time first_due = TimeOf(ticket.sla().resolution_due_time());
  REQUIRE(first_due == Local(2025, 3, 3, 17, 0));
  Move(office, &ticket, v1::TICKET_STATUS_IN_PROCESS, Local(2025, 3, 3, 9, 30));
  Move(office, &ticket, v1::TICKET_STATUS_WAITING_FOR_CUSTOMER, Local(2025, 3, 3, 10, 0));
  const v1::TicketSla& sla = ticket.sla();
  CHECK(sla.paused());
  CHECK(!sla.has_resolution_due_time());
  CHECK(!sla.has_clock_start_time());
  CHECK(DurationOf(sla.resolution_time_used()) == absl::Hours(1));
  CHECK(ResolutionTimeUsed(sla, office, Local(2025, 3, 4, 15, 0)) == absl::Hours(1));
  CHECK(ResolutionWatchMicros(ticket) == 0);
  CHECK(RecordBreaches(Local(2025, 3, 10, 9, 0), &ticket).empty());  // paused: no breach

  // Three business hours of waiting (10:00-13:00) push the due time by three.
  Move(office, &ticket, v1::TICKET_STATUS_IN_PROCESS, Local(2025, 3, 3, 13, 0));
  CHECK(!sla.paused());
  CHECK(TimeOf(sla.clock_start_time()) == Local(2025, 3, 3, 13, 0));
  CHECK(TimeOf(sla.resolution_due_time()) == Local(2025, 3, 4, 11, 0));
  CHECK(office.Between(first_due, TimeOf(sla.resolution_due_time())) == absl::Hours(3));
  CHECK(ResolutionTimeUsed(sla, office, Local(2025, 3, 3, 14, 0)) == absl::Hours(2));
  CHECK(ResolutionWatchMicros(ticket) == absl::ToUnixMicros(Local(2025, 3, 4, 11, 0)));
}

TEST_CASE("sla rules: resolving late is a breach, resolving in time is not, reopening restarts",
          "[servicedesk][sla]") {
  const BusinessCalendar office = Business(OfficeCalendar());
  v1::Ticket late = NewTicket(office, Local(2025, 3, 3, 9, 0));  // due Mon 17:00
  Move(office, &late, v1::TICKET_STATUS_RESOLVED, Local(2025, 3, 4, 9, 0));
  CHECK(late.sla().resolution_breached());
  CHECK(late.sla().first_response_breached());
  CHECK(TimeOf(late.sla().resolution_time()) == Local(2025, 3, 4, 9, 0));
  CHECK(!late.sla().has_clock_start_time());
  CHECK(DurationOf(late.sla().resolution_time_used()) == absl::Hours(9));
  CHECK(ResolutionWatchMicros(late) == 0);

  v1::Ticket ticket = NewTicket(office, Local(2025, 3, 3, 9, 0));
  Move(office, &ticket, v1::TICKET_STATUS_IN_PROCESS, Local(2025, 3, 3, 9, 15));
  Move(office, &ticket, v1::TICKET_STATUS_RESOLVED, Local(2025, 3, 3, 12, 0));
  CHECK(!ticket.sla().resolution_breached());
  CHECK(TimeOf(ticket.sla().resolution_time()) == Local(2025, 3, 3, 12, 0));
  CHECK(DurationOf(ticket.sla().resolution_time_used()) == absl::Hours(3));
  CHECK(ResolutionWatchMicros(ticket) == 0);
  CHECK(RecordBreaches(Local(2025, 3, 10, 9, 0), &ticket).empty());

  // Reopened the next morning: five hours left.
  Move(office, &ticket, v1::TICKET_STATUS_IN_PROCESS, Local(2025, 3, 4, 8, 0));
  CHECK(!ticket.sla().has_resolution_time());
  CHECK(!ticket.sla().paused());
  CHECK(TimeOf(ticket.sla().clock_start_time()) == Local(2025, 3, 4, 8, 0));
  CHECK(TimeOf(ticket.sla().resolution_due_time()) == Local(2025, 3, 4, 13, 0));
  CHECK(ResolutionWatchMicros(ticket) == absl::ToUnixMicros(Local(2025, 3, 4, 13, 0)));
}

TEST_CASE("sla rules: each missed target is recorded once", "[servicedesk][sla]") {
  const BusinessCalendar office = Business(OfficeCalendar());
  v1::Ticket ticket = NewTicket(office, Local(2025, 3, 3, 9, 0));  // due 10:00 and 17:00
  CHECK(RecordBreaches(Local(2025, 3, 3, 9, 59), &ticket).empty());
  CHECK(RecordBreaches(Local(2025, 3, 3, 10, 0), &ticket) == Strings{"first_response"});
  CHECK(ticket.sla().first_response_breached());
  CHECK(!ticket.sla().resolution_breached());
  CHECK(FirstResponseWatchMicros(ticket) == 0);
  CHECK(RecordBreaches(Local(2025, 3, 3, 12, 0), &ticket).empty());
  CHECK(RecordBreaches(Local(2025, 3, 3, 17, 30), &ticket) == Strings{"resolution"});
  CHECK(ticket.sla().resolution_breached());
  CHECK(ResolutionWatchMicros(ticket) == 0);
  CHECK(RecordBreaches(Local(2025, 3, 4, 17, 30), &ticket).empty());

  v1::Ticket both = NewTicket(office, Local(2025, 3, 3, 9, 0));
  CHECK(RecordBreaches(Local(2025, 3, 4, 9, 0), &both) == Strings{"first_response", "resolution"});
  CHECK(RecordBreaches(Local(2025, 3, 4, 9, 0), &both).empty());

  // A late response after a recorded breach keeps the breach and ends the watch.
  v1::Ticket responded = NewTicket(office, Local(2025, 3, 3, 9, 0));
  REQUIRE(RecordBreaches(Local(2025, 3, 3, 10, 0), &responded).size() == 1);
  RecordFirstResponse(Local(2025, 3, 3, 11, 0), responded.mutable_sla());
  CHECK(responded.sla().first_response_breached());
  CHECK(TimeOf(responded.sla().first_response_time()) == Local(2025, 3, 3, 11, 0));

  v1::Ticket none;
  none.set_status(v1::TICKET_STATUS_NEW);
  CHECK(RecordBreaches(Local(2030, 1, 1, 0, 0), &none).empty());
  CHECK(FirstResponseWatchMicros(none) == 0);
  CHECK(ResolutionWatchMicros(none) == 0);
}

TEST_CASE("sla rules: escalation walks the teams and keeps the last past the end",
          "[servicedesk][sla]") {
  const BusinessCalendar office = Business(OfficeCalendar());
  v1::Ticket ticket = NewTicket(office, Local(2025, 3, 3, 9, 0));
  const v1::SlaPolicy gold = GoldPolicy();
  CHECK(ticket.escalation_level() == 0);
  Escalate(gold.escalation_teams(), &ticket);
  CHECK(ticket.escalation_level() == 1);
  CHECK(ticket.team() == "2ND-LEVEL");
  Escalate(gold.escalation_teams(), &ticket);
  CHECK(ticket.escalation_level() == 2);
  CHECK(ticket.team() == "MANAGER");
  Escalate(gold.escalation_teams(), &ticket);
  CHECK(ticket.escalation_level() == 3);
  CHECK(ticket.team() == "MANAGER");

  v1::Ticket unteamed = NewTicket(office, Local(2025, 3, 3, 9, 0));
  Escalate(google::protobuf::RepeatedPtrField<std::string>(), &unteamed);
  CHECK(unteamed.escalation_level() == 1);
  CHECK(unteamed.team() == "1ST-LEVEL");
}

}  // namespace
}  // namespace crm::servicedesk
