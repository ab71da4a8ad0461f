// Tests of calendar-date helpers.
#include <catch2/catch.hpp>

#include "common/api/dates.h"

namespace crm::api {
namespace {

google::type::Date Day(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

}  // namespace

TEST_CASE("Dates print as ISO text that sorts like the dates", "[dates]") {
  CHECK(IsoDate(Day(2026, 3, 7)) == "2026-03-07");
  CHECK(IsoDate(Day(1, 1, 1)) == "0001-01-01");
  CHECK(IsoDate(Day(2026, 12, 31)) < IsoDate(Day(2027, 1, 1)));
}

TEST_CASE("An unset date has every part zero", "[dates]") {
  CHECK_FALSE(IsDateSet(google::type::Date()));
  CHECK(IsDateSet(Day(2026, 1, 1)));
  CHECK(IsDateSet(Day(0, 0, 5)));
}

TEST_CASE("UtcDate is the UTC calendar day", "[dates]") {
  const absl::Time late = absl::FromCivil(absl::CivilSecond(2026, 12, 31, 23, 59, 59),
                                          absl::UTCTimeZone());
  CHECK(IsoDate(UtcDate(late)) == "2026-12-31");
  CHECK(IsoDate(UtcDate(late + absl::Seconds(1))) == "2027-01-01");
}

TEST_CASE("CompareDates orders by year, month, day", "[dates]") {
  CHECK(CompareDates(Day(2026, 1, 31), Day(2026, 2, 1)) < 0);
  CHECK(CompareDates(Day(2026, 2, 1), Day(2026, 1, 31)) > 0);
  CHECK(CompareDates(Day(2025, 12, 31), Day(2026, 1, 1)) < 0);
  CHECK(CompareDates(Day(2026, 5, 5), Day(2026, 5, 5)) == 0);
}

}  // namespace crm::api
