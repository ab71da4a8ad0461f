// List ordering (AIP-132 order_by) and keyset pagination (AIP-158).
//
// A list call parses its order_by into an OrderBy, which always ends with a
// unique tie-breaker so that the order is total. A page ends with the order
// keys of its last row, put in an opaque page token; the next page selects
// the rows strictly after them with AfterCondition. So pages neither skip nor
// repeat rows while others write, and cost the same however deep they go.
// The order expressions must not be NULL (use COALESCE in their SQL if they
// can be), since NULL compares neither before nor after anything.
//
// Typical use:
//   auto order = ParseOrderBy(req.order_by(), kOrderFields, "display_name", {"p.id", false, true});
//   std::string fingerprint = absl::StrCat(req.parent(), "\n", req.filter(), "\n", req.order_by());
//   auto last = DecodePageToken(req.page_token(), fingerprint, *order);   // empty: first page
//   SqlFragment after = AfterCondition(*order, *last);
//   ... WHERE <filter> AND <after.sql> ORDER BY <OrderBySql(*order)> LIMIT <size + 1>
//   next_page_token = EncodePageToken(fingerprint, <order keys of the last row returned>)
#ifndef CRM_COMMON_API_PAGING_H_
#define CRM_COMMON_API_PAGING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/sql_value.h"

namespace crm::api {

// A field order_by may name, with the SQL expression to sort by.
struct OrderField {
  std::string name;
  std::string sql;
  bool is_int;  // its values are int64, else strings
};

struct OrderKey {
  std::string sql;
  bool descending;
  bool is_int;
};

struct OrderBy {
  std::vector<OrderKey> keys;  // always ends with the tie-breaker key
};

// Parses "display_name desc, create_time" (AIP-132: comma-separated fields,
// each optionally followed by "desc" or "asc", in any case; whitespace
// tolerant). An empty order_by means `default_order`, read the same way. An
// unknown field or one named twice is INVALID_ARGUMENT for "order_by".
// `tiebreaker` (which should be ascending and unique per row) is appended
// unless a key with the same SQL is already there.
absl::StatusOr<OrderBy> ParseOrderBy(std::string_view order_by,
                                     const std::vector<OrderField>& allowed,
                                     std::string_view default_order, OrderKey tiebreaker);

// "p.display_name DESC, p.id ASC".
std::string OrderBySql(const OrderBy& order);

// 0 gives `default_size`, more than `max_size` gives `max_size` (AIP-158
// coerces), a negative size is INVALID_ARGUMENT for "page_size".
absl::StatusOr<int> EffectivePageSize(int32_t requested, int default_size, int max_size);

// An opaque, URL-safe token holding a 64-bit FNV-1a hash of
// `query_fingerprint` (the list parameters that must not change between
// pages, e.g. parent, filter and order_by) and the order-key values of the
// last row returned, one per key of the order.
std::string EncodePageToken(std::string_view query_fingerprint,
                            const std::vector<crm::db::SqlValue>& last_key_values);

// The values of a token made by EncodePageToken with the same fingerprint;
// an empty token gives no values (the first page). Garbage, a token of
// another query, or values that do not fit `order` (count, or int64 for
// is_int keys and strings for the others) are INVALID_ARGUMENT for
// "page_token". The token carries a checksum against corruption, not a
// signature: a forged token can only move where a page starts.
absl::StatusOr<std::vector<crm::db::SqlValue>> DecodePageToken(std::string_view token,
                                                               std::string_view query_fingerprint,
                                                               const OrderBy& order);

// The rows strictly after `last` in `order`: for keys k1..kn,
// ((k1 > ?) OR (k1 = ? AND k2 > ?) OR ...), with '<' for descending keys and
// the parameters in order. `last` is empty (gives "1": every row) or holds one
// value per key.
crm::db::SqlFragment AfterCondition(const OrderBy& order,
                                    const std::vector<crm::db::SqlValue>& last);

}  // namespace crm::api

#endif  // CRM_COMMON_API_PAGING_H_
