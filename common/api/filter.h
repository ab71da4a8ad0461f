// List filters (AIP-160 subset) compiled to SQL over an allow-list of fields.
//
// Grammar, as in AIP-160 (https://google.aip.dev/160):
//   filter      = [expression]
//   expression  = sequence { "AND" sequence }
//   sequence    = factor { factor }              (adjacent terms mean AND)
//   factor      = term { "OR" term }
//   term        = [ "NOT" | "-" ] simple
//   simple      = field comparator value | "(" expression ")"
//   comparator  = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"
// so NOT binds tightest and, unlike most languages, OR binds tighter than AND:
// `a AND b OR c` means `a AND (b OR c)`. Keywords are upper-case only.
//
// Values are double- or single-quoted strings (escapes \" \' \\ and \* for a
// literal star) or bare words (identifiers, numbers, true/false; AND, OR and
// NOT must be quoted). How a value is read depends on the field's type:
//   kString     any value; '=' or ':' with a trailing unescaped '*' is a prefix
//               match (SQL LIKE, so ASCII case-insensitive; plain '=' is
//               exact), '!=' with it a NOT LIKE; ordering compares bytes.
//   kInt        an integer, optionally negative.
//   kNumber     a finite decimal number ("12", "-0.5", "1e3"), bound as double.
//   kDate       a calendar date "YYYY-MM-DD", bound as that text (the column
//               holds the same form, so ordering is by date).
//   kBool       true or false, bound as 1 or 0; only = != and :.
//   kEnum       an identifier of enum_values, or its suffix after the common
//               prefix ("PERSON" for "PARTNER_CATEGORY_PERSON"), bound as its
//               integer; only = != and :.
//   kTimestamp  RFC 3339 ("2026-01-02T03:04:05Z", "...05.25+02:00"), bound as
//               microseconds since the Unix epoch.
// ':' (has) on a scalar field is the same as '='.
//
// Every error is INVALID_ARGUMENT for the field "filter", naming the problem
// and its position (counted in bytes from 1). Values only ever reach the SQL
// as '?' parameters; the SQL text comes only from the allow-list.
#ifndef CRM_COMMON_API_FILTER_H_
#define CRM_COMMON_API_FILTER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"
#include "common/db/sql_value.h"

namespace crm::api {

enum class FieldType { kString, kInt, kNumber, kDate, kTimestamp, kEnum, kBool };

// A field a filter may name.
struct FilterField {
  std::string name;  // as written in a filter, e.g. "country_code"
  FieldType type;
  // Either a SQL expression (e.g. "p.display_name") compared as `(expr OP ?)`,
  // or, when it contains a '?', a boolean SQL template in which every '?' is
  // the value, e.g. "EXISTS (SELECT 1 FROM partner_roles r WHERE
  // r.partner_id = p.id AND r.role_type = ?)". Templates allow only '=' and
  // ':' (the template holds) and '!=' (it does not), and no '*' wildcard.
  std::string sql;
  // For kEnum: the accepted identifiers and the integers stored in the DB,
  // e.g. {"PARTNER_CATEGORY_PERSON", 1}.
  std::vector<std::pair<std::string, int64_t>> enum_values;
};

// The enum_values of a kEnum field: every value of the enum but the zero one.
std::vector<std::pair<std::string, int64_t>> EnumFilterValues(
    const google::protobuf::EnumDescriptor* descriptor);

inline constexpr size_t kMaxFilterBytes = 2000;
inline constexpr int kMaxFilterDepth = 32;  // nested parentheses
inline constexpr int kMaxFilterComparisons = 64;

// Compiles `filter` into a parenthesised SQL boolean expression with '?'
// parameters. An empty or blank filter gives "1" with no parameters.
absl::StatusOr<crm::db::SqlFragment> CompileFilter(std::string_view filter,
                                                   const std::vector<FilterField>& fields);

}  // namespace crm::api

#endif  // CRM_COMMON_API_FILTER_H_
