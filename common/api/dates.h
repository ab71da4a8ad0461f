// Calendar dates (google.type.Date) as the services store and compare them.
#ifndef CRM_COMMON_API_DATES_H_
#define CRM_COMMON_API_DATES_H_

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/type/date.pb.h"

namespace crm::api {

// Whether any part of the date is set (proto3 has no presence for it).
bool IsDateSet(const google::type::Date& date);

// "YYYY-MM-DD", which sorts like the dates; for a valid full date.
std::string IsoDate(const google::type::Date& date);

// The day `time` falls on in UTC.
google::type::Date UtcDate(absl::Time time);

// Negative, zero or positive as `a` is before, on or after `b`.
int CompareDates(const google::type::Date& a, const google::type::Date& b);

// For date arithmetic; the date must be a valid full date.
absl::CivilDay CivilDayOf(const google::type::Date& date);
google::type::Date DateOf(absl::CivilDay day);

}  // namespace crm::api

#endif  // CRM_COMMON_API_DATES_H_
