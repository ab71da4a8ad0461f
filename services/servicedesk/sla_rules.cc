#include "services/servicedesk/sla_rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/api/resource.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"
#include "crm/partners/v1/partner.pb.h"
#include "services/servicedesk/ticket_rules.h"

namespace crm::servicedesk {
namespace {

using validation::Child;
using validation::Element;

constexpr int kMinutesPerDay = 24 * 60;
constexpr int64_t kMaxTargetSeconds = int64_t{365} * 24 * 3600;
// How far ahead Add looks for business time: a calendar with one hour a
// week still holds a year-long target within this.
constexpr int kMaxDaysAhead = 400 * 366;

// "HH:MM" as minutes of the day; "24:00" only when `end`. -1 if malformed.
int ParseClockTime(const std::string& text, bool end) {
  if (text.size() != 5 || text[2] != ':') return -1;
  for (int i : {0, 1, 3, 4}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return -1;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59) return -1;
  const int total = hours * 60 + minutes;
  if (total < kMinutesPerDay) return total;
  return end && total == kMinutesPerDay ? total : -1;
}

// Monday 0 ... Sunday 6, as absl::Weekday.
int DayIndex(v1::Weekday day) { return static_cast<int>(day) - 1; }
int DayIndex(absl::Weekday day) { return static_cast<int>(day); }

absl::Duration ToDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}
google::protobuf::Duration ToProto(absl::Duration d) {
  google::protobuf::Duration out;
  out.set_seconds(absl::IDivDuration(d, absl::Seconds(1), &d));
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
  return out;
}
absl::Time ToTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixMicros(api::TimestampToMicros(t));
}
// Past the end of Timestamp (a due time centuries ahead): its last second.
google::protobuf::Timestamp ToProto(absl::Time t) {
  static const absl::Time kLast = absl::FromUnixSeconds(253402300799);
  return api::MicrosToTimestamp(api::TimeToMicros(std::min(t, kLast)));
}

void CheckTarget(bool has, const google::protobuf::Duration& target, const std::string& field,
                 Violations* out) {
  if (!has) {
    out->Add(field, "is required");
  } else if (target.nanos() != 0 || target.seconds() < 1 || target.seconds() > kMaxTargetSeconds) {
    out->Add(field, "must be whole seconds, from 1 second to 365 days");
  }
}

bool ClockRunning(const v1::TicketSla& sla) { return sla.has_clock_start_time(); }

// Stops the resolution clock at `now`, counting the business time since it
// started.
void StopClock(const BusinessCalendar& calendar, absl::Time now, v1::TicketSla* sla) {
  if (!ClockRunning(*sla)) return;
  *sla->mutable_resolution_time_used() = ToProto(ResolutionTimeUsed(*sla, calendar, now));
  sla->clear_clock_start_time();
}

// Starts the resolution clock at `now`: due when what is left of the
// target has passed.
void StartClock(const BusinessCalendar& calendar, absl::Time now, v1::TicketSla* sla) {
  const absl::Duration left =
      ToDuration(sla->resolution_target()) - ToDuration(sla->resolution_time_used());
  *sla->mutable_clock_start_time() = ToProto(now);
  *sla->mutable_resolution_due_time() = ToProto(calendar.Add(now, left));
}

}  // namespace

void ValidateSlaCalendar(const v1::SlaCalendar& calendar, const std::string& path,
                         Violations* out) {
  validation::CheckRequiredText(calendar.display_name(), 200, Child(path, "display_name"), out);
  const std::string zone_field = Child(path, "time_zone");
  absl::TimeZone zone;
  if (calendar.time_zone().empty()) {
    out->Add(zone_field, "is required");
  } else if (calendar.time_zone().size() > 100 ||
             !absl::LoadTimeZone(calendar.time_zone(), &zone)) {
    out->Add(zone_field, "must be an IANA time zone, e.g. \"Europe/Berlin\"");
  }
  const std::string hours_field = Child(path, "business_hours");
  if (calendar.business_hours().empty()) {
    out->Add(hours_field, "needs at least one period");
  } else if (validation::CheckMaxEntries(calendar.business_hours_size(), 50, hours_field, out)) {
    // (start, end, index) per day, to find overlaps.
    std::array<std::vector<std::array<int, 3>>, 7> days;
    for (int i = 0; i < calendar.business_hours_size(); ++i) {
      const v1::BusinessHours& hours = calendar.business_hours(i);
      const std::string at = Element(hours_field, i);
      const bool day_ok =
          validation::CheckRequiredEnum(hours.day(), v1::Weekday_IsValid, Child(at, "day"), out);
      const int start = ParseClockTime(hours.start_time(), false);
      const int end = ParseClockTime(hours.end_time(), true);
      if (start < 0) out->Add(Child(at, "start_time"), "must be \"HH:MM\" from 00:00 to 23:59");
      if (end < 0) {
        out->Add(Child(at, "end_time"), "must be \"HH:MM\" from 00:00 to 24:00");
      } else if (start >= 0 && end <= start) {
        out->Add(Child(at, "end_time"), "must be after start_time");
      } else if (start >= 0 && day_ok) {
        days[DayIndex(hours.day())].push_back({start, end, i});
      }
    }
    for (auto& periods : days) {
      std::sort(periods.begin(), periods.end());
      // The period reaching furthest so far: a later one starting before
      // its end overlaps it.
      size_t furthest = 0;
      for (size_t k = 1; k < periods.size(); ++k) {
        if (periods[k][0] < periods[furthest][1]) {
          out->Add(Element(hours_field, periods[k][2]),
                   absl::StrCat("overlaps business_hours[", periods[furthest][2], "]"));
        }
        if (periods[k][1] > periods[furthest][1]) furthest = k;
      }
    }
  }
  const std::string holidays_field = Child(path, "holidays");
  if (validation::CheckMaxEntries(calendar.holidays_size(), 500, holidays_field, out)) {
    std::set<absl::CivilDay> seen;
    for (int i = 0; i < calendar.holidays_size(); ++i) {
      const std::string at = Element(holidays_field, i);
      if (validation::CheckRequiredDate(calendar.holidays(i), at, out) &&
          !seen.insert(api::CivilDayOf(calendar.holidays(i))).second) {
        out->Add(at, "is listed twice");
      }
    }
  }
}

void ValidateSlaPolicy(const v1::SlaPolicy& policy, const std::string& path, Violations* out) {
  validation::CheckRequiredText(policy.display_name(), 200, Child(path, "display_name"), out);
  const std::string calendar = Child(path, "calendar");
  if (policy.calendar().empty()) {
    out->Add(calendar, "is required");
  } else {
    validation::CheckOptionalReference(policy.calendar(), "slaCalendars", calendar, out);
  }
  validation::CheckEnumList(policy.customer_classes(), 10, partners::v1::CustomerClass_IsValid,
                            Child(path, "customer_classes"), out);
  validation::CheckEnumList(policy.priorities(), 10, v1::TicketPriority_IsValid,
                            Child(path, "priorities"), out);
  validation::CheckEnumList(policy.ticket_types(), 10, v1::TicketType_IsValid,
                            Child(path, "ticket_types"), out);
  CheckTarget(policy.has_first_response_target(), policy.first_response_target(),
              Child(path, "first_response_target"), out);
  CheckTarget(policy.has_resolution_target(), policy.resolution_target(),
              Child(path, "resolution_target"), out);
  if (policy.precedence() < 0 || policy.precedence() > 1000000) {
    out->Add(Child(path, "precedence"), "must be from 0 to 1000000");
  }
  validation::CheckCodeList(policy.escalation_teams(), 10, IsTeamCode, kTeamCodeForm,
                            Child(path, "escalation_teams"), out);
}

absl::StatusOr<BusinessCalendar> BusinessCalendar::From(const v1::SlaCalendar& calendar) {
  Violations violations;
  ValidateSlaCalendar(calendar, "sla_calendar", &violations);
  if (!violations.empty()) return violations.ToStatus();
  BusinessCalendar out;
  absl::LoadTimeZone(calendar.time_zone(), &out.zone_);
  for (const v1::BusinessHours& hours : calendar.business_hours()) {
    out.week_[DayIndex(hours.day())].push_back(
        {ParseClockTime(hours.start_time(), false), ParseClockTime(hours.end_time(), true)});
  }
  for (auto& periods : out.week_) std::sort(periods.begin(), periods.end());
  for (const google::type::Date& day : calendar.holidays()) {
    out.holidays_.insert(api::CivilDayOf(day));
  }
  return out;
}

std::vector<std::pair<absl::Time, absl::Time>> BusinessCalendar::PeriodsOn(
    absl::CivilDay day) const {
  std::vector<std::pair<absl::Time, absl::Time>> out;
  if (holidays_.count(day) > 0) return out;
  const absl::CivilSecond midnight(day);
  for (const Period& period : week_[DayIndex(absl::GetWeekday(day))]) {
    out.emplace_back(absl::FromCivil(midnight + period.first * 60, zone_),
                     absl::FromCivil(midnight + period.second * 60, zone_));
  }
  return out;
}

absl::Time BusinessCalendar::Add(absl::Time start, absl::Duration amount) const {
  if (amount <= absl::ZeroDuration()) return start;
  absl::CivilDay day = absl::ToCivilDay(start, zone_);
  for (int i = 0; i < kMaxDaysAhead; ++i, ++day) {
    for (const auto& [period_start, period_end] : PeriodsOn(day)) {
      const absl::Time from = std::max(period_start, start);
      if (from >= period_end) continue;
      const absl::Duration available = period_end - from;
      if (amount <= available) return from + amount;
      amount -= available;
    }
  }
  return absl::InfiniteFuture();
}

absl::Duration BusinessCalendar::Between(absl::Time from, absl::Time to) const {
  absl::Duration total;
  if (to <= from) return total;
  const absl::CivilDay last = absl::ToCivilDay(to, zone_);
  for (absl::CivilDay day = absl::ToCivilDay(from, zone_); day <= last; ++day) {
    for (const auto& [period_start, period_end] : PeriodsOn(day)) {
      const absl::Time a = std::max(period_start, from);
      const absl::Time b = std::min(period_end, to);
      if (a < b) total += b - a;
    }
  }
  return total;
}

bool PolicyApplies(const v1::SlaPolicy& policy, int customer_class, v1::TicketPriority priority,
                   v1::TicketType type) {
  auto allows = [](const google::protobuf::RepeatedField<int>& values, int value) {
    return values.empty() || std::find(values.begin(), values.end(), value) != values.end();
  };
  return allows(policy.customer_classes(), customer_class) &&
         allows(policy.priorities(), priority) && allows(policy.ticket_types(), type);
}

void AssignSla(const v1::SlaPolicy& policy, const BusinessCalendar& calendar, absl::Duration used,
               absl::Time now, v1::Ticket* ticket) {
  v1::TicketSla& sla = *ticket->mutable_sla();
  sla.set_policy(policy.name());
  sla.set_calendar(policy.calendar());
  *sla.mutable_first_response_target() = policy.first_response_target();
  *sla.mutable_resolution_target() = policy.resolution_target();
  const absl::Time created = ticket->has_create_time() ? ToTime(ticket->create_time()) : now;
  if (!sla.has_first_response_time()) {
    *sla.mutable_first_response_due_time() =
        ToProto(calendar.Add(created, ToDuration(policy.first_response_target())));
  }
  *sla.mutable_resolution_time_used() = ToProto(used);
  sla.clear_clock_start_time();
  const v1::TicketStatus status = ticket->status();
  sla.set_paused(status == v1::TICKET_STATUS_WAITING_FOR_CUSTOMER);
  if (sla.paused()) {
    sla.clear_resolution_due_time();
  } else if (status != v1::TICKET_STATUS_RESOLVED && status != v1::TICKET_STATUS_CLOSED) {
    StartClock(calendar, now, &sla);
  }
}

absl::Duration ResolutionTimeUsed(const v1::TicketSla& sla, const BusinessCalendar& calendar,
                                  absl::Time now) {
  absl::Duration used = ToDuration(sla.resolution_time_used());
  if (ClockRunning(sla)) used += calendar.Between(ToTime(sla.clock_start_time()), now);
  return used;
}

void RecordFirstResponse(absl::Time now, v1::TicketSla* sla) {
  if (sla->has_first_response_time()) return;
  *sla->mutable_first_response_time() = ToProto(now);
  if (sla->has_first_response_due_time() && now > ToTime(sla->first_response_due_time())) {
    sla->set_first_response_breached(true);
  }
}

void MoveSlaClock(const BusinessCalendar& calendar, v1::TicketStatus from, absl::Time now,
                  v1::Ticket* ticket) {
  v1::TicketSla& sla = *ticket->mutable_sla();
  const v1::TicketStatus to = ticket->status();
  if (from == to) return;
  // Kept without a policy too: one may apply after a new priority.
  if (from == v1::TICKET_STATUS_NEW) RecordFirstResponse(now, &sla);
  if (sla.policy().empty()) return;
  switch (to) {
    case v1::TICKET_STATUS_WAITING_FOR_CUSTOMER:
      StopClock(calendar, now, &sla);
      sla.clear_resolution_due_time();
      sla.set_paused(true);
      break;
    case v1::TICKET_STATUS_RESOLVED:
      if (ClockRunning(sla) && now > ToTime(sla.resolution_due_time())) {
        sla.set_resolution_breached(true);
      }
      StopClock(calendar, now, &sla);
      sla.set_paused(false);
      *sla.mutable_resolution_time() = ToProto(now);
      break;
    case v1::TICKET_STATUS_IN_PROCESS:
      sla.set_paused(false);
      sla.clear_resolution_time();
      if (!ClockRunning(sla)) StartClock(calendar, now, &sla);
      break;
    default:
      break;
  }
}

std::vector<std::string> RecordBreaches(absl::Time now, v1::Ticket* ticket) {
  std::vector<std::string> missed;
  const int64_t now_micros = api::TimeToMicros(now);
  v1::TicketSla& sla = *ticket->mutable_sla();
  if (const int64_t due = FirstResponseWatchMicros(*ticket); due != 0 && due <= now_micros) {
    sla.set_first_response_breached(true);
    missed.push_back("first_response");
  }
  if (const int64_t due = ResolutionWatchMicros(*ticket); due != 0 && due <= now_micros) {
    sla.set_resolution_breached(true);
    missed.push_back("resolution");
  }
  return missed;
}

void Escalate(const google::protobuf::RepeatedPtrField<std::string>& escalation_teams,
              v1::Ticket* ticket) {
  ticket->set_escalation_level(ticket->escalation_level() + 1);
  if (ticket->escalation_level() <= escalation_teams.size()) {
    ticket->set_team(escalation_teams.Get(ticket->escalation_level() - 1));
  }
}

int64_t FirstResponseWatchMicros(const v1::Ticket& ticket) {
  const v1::TicketSla& sla = ticket.sla();
  if (sla.policy().empty() || sla.has_first_response_time() || sla.first_response_breached() ||
      !sla.has_first_response_due_time()) {
    return 0;
  }
  return api::TimestampToMicros(sla.first_response_due_time());
}

int64_t ResolutionWatchMicros(const v1::Ticket& ticket) {
  const v1::TicketSla& sla = ticket.sla();
  if (sla.policy().empty() || !ClockRunning(sla) || sla.resolution_breached() ||
      !sla.has_resolution_due_time()) {
    return 0;
  }
  return api::TimestampToMicros(sla.resolution_due_time());
}

}  // namespace crm::servicedesk
