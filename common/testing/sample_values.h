// Test support: sample values for the tests of validation rules, shared by
// the runtime's tests and every service's. Header-only.
#ifndef CRM_COMMON_TESTING_SAMPLE_VALUES_H_
#define CRM_COMMON_TESTING_SAMPLE_VALUES_H_

#include <string>
#include <vector>

#include "google/type/date.pb.h"

namespace crm::testing {

// A google.type.Date as given, valid or not.
inline google::type::Date MakeDate(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// Valid, normalised IBANs of 14 different countries (all distinct).
inline const std::vector<std::string> kValidIbans = {
    "DE89370400440532013000", "GB82WEST12345698765432", "FR1420041010050500013M02606",
    "NL91ABNA0417164300", "BE68539007547034", "NO9386011117947", "CH9300762011623852957",
    "AT611904300234573201", "ES9121000418450200051332", "IT60X0542811101000000123456",
    "PL61109010140000071219812874", "MT84MALT011000012345MTLCAST001S",
    "LC55HEMM000100010012001200023015", "XK051212012345678906"};

}  // namespace crm::testing

#endif  // CRM_COMMON_TESTING_SAMPLE_VALUES_H_
