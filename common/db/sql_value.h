// A value bound to a SQL parameter: what filters, page tokens and stores pass
// around without depending on the SQLite wrapper.
#ifndef CRM_COMMON_DB_SQL_VALUE_H_
#define CRM_COMMON_DB_SQL_VALUE_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace crm::db {

using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

// A fragment of SQL with its `?` parameters, in order.
struct SqlFragment {
  std::string sql;
  std::vector<SqlValue> params;
};

}  // namespace crm::db

#endif  // CRM_COMMON_DB_SQL_VALUE_H_
