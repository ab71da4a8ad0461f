// Paging through rows that belong to one parent resource and are only ever
// appended (a ticket's notes and history, a service order's
// confirmations): each row keeps its message in `data`.
#ifndef CRM_SERVICES_SERVICEDESK_CHILD_ROWS_H_
#define CRM_SERVICES_SERVICEDESK_CHILD_ROWS_H_

#include <google/protobuf/repeated_field.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/paging.h"
#include "common/api/resource.h"
#include "common/db/resource_table.h"
#include "common/errors.h"
#include "common/server/resource_handlers.h"
#include "common/server/runtime.h"

namespace crm::servicedesk {

// One page of the rows of `table` whose `parent_column` is the id of
// `parent` (a resource of `parent_table`: NOT_FOUND when it does not
// exist), in `order` (whose keys are columns of `table`), parsed as Item.
template <typename Item>
absl::Status ListChildRows(server::Runtime& runtime, const db::ResourceTable& parent_table,
                           const std::string& parent_column, const std::string& parent,
                           int32_t page_size, const std::string& page_token,
                           const std::string& table, const api::OrderBy& order,
                           google::protobuf::RepeatedPtrField<Item>* out,
                           std::string* next_page_token) {
  absl::StatusOr<std::string> parent_id =
      api::ParseResourceName(parent, parent_table.collection(), "parent");
  if (!parent_id.ok()) return parent_id.status();
  absl::StatusOr<int> size =
      api::EffectivePageSize(page_size, server::kDefaultPageSize, server::kMaxPageSize);
  if (!size.ok()) return size.status();
  absl::StatusOr<std::vector<db::SqlValue>> after = api::DecodePageToken(page_token, parent, order);
  if (!after.ok()) return after.status();
  return runtime.db().Read([&](db::Connection& c) -> absl::Status {
    if (!parent_table.Exists(c, *parent_id)) return NotFound(parent);
    std::vector<db::SqlValue> params = {*parent_id};
    std::string keys;
    for (const api::OrderKey& key : order.keys) absl::StrAppend(&keys, ", ", key.sql);
    std::string sql =
        absl::StrCat("SELECT data", keys, " FROM ", table, " WHERE ", parent_column, " = ?");
    if (!after->empty()) {
      const db::SqlFragment keyset = api::AfterCondition(order, *after);
      absl::StrAppend(&sql, " AND ", keyset.sql);
      params.insert(params.end(), keyset.params.begin(), keyset.params.end());
    }
    absl::StrAppend(&sql, " ORDER BY ", api::OrderBySql(order), " LIMIT ", *size + 1);
    SQLite::Statement& select = c.Prepare(sql, params);
    std::vector<db::SqlValue> last;
    while (select.executeStep()) {
      if (out->size() == *size) {
        *next_page_token = api::EncodePageToken(parent, last);
        break;
      }
      const SQLite::Column data = select.getColumn(0);
      out->Add()->ParseFromArray(data.getBlob(), data.getBytes());
      last.clear();
      for (size_t k = 0; k < order.keys.size(); ++k) {
        const SQLite::Column column = select.getColumn(static_cast<int>(k + 1));
        if (order.keys[k].is_int) {
          last.push_back(column.getInt64());
        } else {
          last.push_back(column.getString());
        }
      }
    }
    select.reset();
    return absl::OkStatus();
  });
}

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_CHILD_ROWS_H_
