#include "common/api/dates.h"

#include "absl/strings/str_format.h"

namespace crm::api {

bool IsDateSet(const google::type::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

std::string IsoDate(const google::type::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

google::type::Date UtcDate(absl::Time time) {
  return DateOf(absl::ToCivilDay(time, absl::UTCTimeZone()));
}

absl::CivilDay CivilDayOf(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

google::type::Date DateOf(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

int CompareDates(const google::type::Date& a, const google::type::Date& b) {
  if (a.year() != b.year()) return a.year() < b.year() ? -1 : 1;
  if (a.month() != b.month()) return a.month() < b.month() ? -1 : 1;
  if (a.day() != b.day()) return a.day() < b.day() ? -1 : 1;
  return 0;
}

}  // namespace crm::api
