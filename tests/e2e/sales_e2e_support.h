// Small helpers the sales end-to-end tests share.
#ifndef CRM_TESTS_E2E_SALES_E2E_SUPPORT_H_
#define CRM_TESTS_E2E_SALES_E2E_SUPPORT_H_

#include <cstdio>
#include <string>

#include <grpcpp/grpcpp.h>

#include "crm/type/v1/money.pb.h"
#include "google/type/date.pb.h"

namespace crm::testing {

inline google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

inline crm::type::v1::Money Eur(int64_t units) {
  crm::type::v1::Money money;
  money.set_currency_code("EUR");
  money.set_units(units);
  return money;
}

// "21600.00 EUR"-like text of a Money, for readable failures.
inline std::string Text(const crm::type::v1::Money& money) {
  char cents[8];
  std::snprintf(cents, sizeof cents, "%02d", money.nanos() / 10'000'000);
  return std::to_string(money.units()) + "." + cents + " " + money.currency_code();
}

inline std::string Describe(const grpc::Status& status) {
  return std::to_string(status.error_code()) + ": " + status.error_message();
}

}  // namespace crm::testing

#endif  // CRM_TESTS_E2E_SALES_E2E_SUPPORT_H_
