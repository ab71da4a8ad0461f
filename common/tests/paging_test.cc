#include "common/api/paging.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/api/filter.h"
#include "common/errors.h"

namespace Catch {
template <>
struct StringMaker<crm::db::SqlValue> {
  static std::string convert(const crm::db::SqlValue& value) {
    if (const auto* number = std::get_if<int64_t>(&value)) return std::to_string(*number);
    if (const auto* real = std::get_if<double>(&value)) return std::to_string(*real);
    if (const auto* text = std::get_if<std::string>(&value)) return "\"" + *text + "\"";
    return "NULL";
  }
};
}  // namespace Catch

namespace crm::api {
namespace {

using crm::db::SqlFragment;
using crm::db::SqlValue;
using Params = std::vector<SqlValue>;

const std::vector<OrderField> kAllowed = {
    {"display_name", "p.display_name", false},
    {"create_time", "p.create_time", true},
    {"score", "p.score", true},
    {"id", "p.id", true},
};
const OrderKey kTiebreaker = {"p.id", false, true};

OrderBy Parse(std::string_view order_by, std::string_view default_order = "") {
  absl::StatusOr<OrderBy> order = ParseOrderBy(order_by, kAllowed, default_order, kTiebreaker);
  INFO("order_by: " << order_by);
  REQUIRE(order.ok());
  return *order;
}

// The description of the one violation of `status`, which must name `field`.
std::string ViolationOf(const absl::Status& status, std::string_view field) {
  REQUIRE(status.code() == absl::StatusCode::kInvalidArgument);
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == field);
  return violations[0].description;
}

std::string OrderError(std::string_view order_by) {
  absl::StatusOr<OrderBy> order = ParseOrderBy(order_by, kAllowed, "", kTiebreaker);
  INFO("order_by: " << order_by);
  REQUIRE_FALSE(order.ok());
  return ViolationOf(order.status(), "order_by");
}

TEST_CASE("ParseOrderBy reads fields and directions and appends the tie-breaker") {
  OrderBy order = Parse("display_name desc, create_time");
  REQUIRE(order.keys.size() == 3);
  CHECK(order.keys[0].sql == "p.display_name");
  CHECK(order.keys[0].descending);
  CHECK_FALSE(order.keys[0].is_int);
  CHECK(order.keys[1].sql == "p.create_time");
  CHECK_FALSE(order.keys[1].descending);
  CHECK(order.keys[1].is_int);
  CHECK(order.keys[2].sql == "p.id");
  CHECK_FALSE(order.keys[2].descending);
  CHECK(OrderBySql(order) == "p.display_name DESC, p.create_time ASC, p.id ASC");

  CHECK(OrderBySql(Parse("  display_name\tDESC ,create_time   asc ")) ==
        "p.display_name DESC, p.create_time ASC, p.id ASC");
  CHECK(OrderBySql(Parse("score asc")) == "p.score ASC, p.id ASC");
}

TEST_CASE("ParseOrderBy falls back to the default order") {
  CHECK(OrderBySql(Parse("", "create_time desc")) == "p.create_time DESC, p.id ASC");
  CHECK(OrderBySql(Parse("  ", "create_time desc")) == "p.create_time DESC, p.id ASC");
  CHECK(OrderBySql(Parse("score", "create_time desc")) == "p.score ASC, p.id ASC");
  CHECK(OrderBySql(Parse("", "")) == "p.id ASC");
}

TEST_CASE("ParseOrderBy adds no second tie-breaker when the order names it") {
  CHECK(OrderBySql(Parse("id desc")) == "p.id DESC");
  CHECK(OrderBySql(Parse("id, score")) == "p.id ASC, p.score ASC");
}

TEST_CASE("ParseOrderBy errors name order_by") {
  CHECK(OrderError("colour") ==
        R"(unknown field "colour"; allowed: display_name, create_time, score, id)");
  CHECK(OrderError("p.id") ==
        R"(unknown field "p.id"; allowed: display_name, create_time, score, id)");
  CHECK(OrderError("score, display_name, score desc") == R"(names "score" twice)");
  CHECK(OrderError("score descending") ==
        R"(expected "field", "field desc" or "field asc", got "score descending")");
  CHECK(OrderError("score desc asc") ==
        R"(expected "field", "field desc" or "field asc", got "score desc asc")");
  CHECK(OrderError("score,,id") == "has an empty entry between commas");
  CHECK(OrderError("score,") == "has an empty entry between commas");
  CHECK(OrderError(",") == "has an empty entry between commas");
  // A bad default is reported the same way.
  absl::StatusOr<OrderBy> bad_default = ParseOrderBy("", kAllowed, "nope", kTiebreaker);
  REQUIRE_FALSE(bad_default.ok());
  CHECK_THAT(ViolationOf(bad_default.status(), "order_by"),
             Catch::StartsWith("unknown field \"nope\""));
}

TEST_CASE("EffectivePageSize defaults, coerces and rejects negatives") {
  CHECK(*EffectivePageSize(0, 50, 1000) == 50);
  CHECK(*EffectivePageSize(1, 50, 1000) == 1);
  CHECK(*EffectivePageSize(999, 50, 1000) == 999);
  CHECK(*EffectivePageSize(1000, 50, 1000) == 1000);
  CHECK(*EffectivePageSize(1001, 50, 1000) == 1000);
  CHECK(*EffectivePageSize(INT32_MAX, 50, 1000) == 1000);
  for (int32_t negative : {-1, INT32_MIN}) {
    absl::StatusOr<int> size = EffectivePageSize(negative, 50, 1000);
    REQUIRE_FALSE(size.ok());
    CHECK(ViolationOf(size.status(), "page_size") == "must not be negative");
  }
}

constexpr char kNotThisQuery[] =
    "page token does not belong to this query; the filter, order_by (and other list parameters) "
    "must not change between pages";
constexpr char kMalformed[] =
    "is not a valid page token; pass the next_page_token of the previous response";

std::string TokenError(std::string_view token, std::string_view fingerprint, const OrderBy& order) {
  absl::StatusOr<Params> values = DecodePageToken(token, fingerprint, order);
  INFO("token: " << token);
  REQUIRE_FALSE(values.ok());
  return ViolationOf(values.status(), "page_token");
}

TEST_CASE("page tokens round-trip int64 values and arbitrary strings") {
  const std::string awkward("a|b\0c\xff\n", 7);
  OrderBy order{{{"a", false, true},
                 {"b", true, false},
                 {"c", false, true},
                 {"d", false, false},
                 {"e", false, false},
                 {"f", false, true}}};
  Params values = {INT64_MIN, std::string(), int64_t{0}, awkward, std::string(300, 'x'), INT64_MAX};
  std::string token = EncodePageToken("filter|order|parent", values);
  CHECK(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
      std::string::npos);
  absl::StatusOr<Params> decoded = DecodePageToken(token, "filter|order|parent", order);
  REQUIRE(decoded.ok());
  CHECK(*decoded == values);
  CHECK(std::get<std::string>((*decoded)[3]).size() == 7);

  // The same input always gives the same token (no per-process seed).
  CHECK(EncodePageToken("filter|order|parent", values) == token);
  CHECK(EncodePageToken("q", {int64_t{1}}) == EncodePageToken("q", {int64_t{1}}));
}

TEST_CASE("an empty page token means the first page") {
  absl::StatusOr<Params> values = DecodePageToken("", "q", Parse("score"));
  REQUIRE(values.ok());
  CHECK(values->empty());
}

TEST_CASE("page tokens of another query are rejected") {
  OrderBy order = Parse("score");
  std::string token = EncodePageToken("filter=a", {int64_t{3}, int64_t{4}});
  CHECK(TokenError(token, "filter=b", order) == kNotThisQuery);
  CHECK(TokenError(token, "", order) == kNotThisQuery);
  CHECK(DecodePageToken(token, "filter=a", order).ok());
}

TEST_CASE("page tokens whose values do not fit the order are rejected") {
  OrderBy order = Parse("display_name");  // string, then int tie-breaker
  CHECK(
      TokenError(EncodePageToken("q", {std::string("x")}), "q", order) ==
      "page token holds 1 values but the order has 2 keys; order_by must not change between pages");
  CHECK(TokenError(EncodePageToken("q", {int64_t{1}, int64_t{1}}), "q", order) ==
        "page token value 1 does not fit the order; order_by must not change between pages");
  CHECK(TokenError(EncodePageToken("q", {std::string("x"), std::string("1")}), "q", order) ==
        "page token value 2 does not fit the order; order_by must not change between pages");
  CHECK(TokenError(EncodePageToken("q", {std::string("x"), 1.5}), "q", order) ==
        "page token value 2 does not fit the order; order_by must not change between pages");
  CHECK(TokenError(EncodePageToken("q", {std::string("x"), std::monostate()}), "q", order) ==
        "page token value 2 does not fit the order; order_by must not change between pages");
}

TEST_CASE("garbage and tampered page tokens are rejected") {
  OrderBy order = Parse("display_name");
  const Params values = {std::string("Acme"), int64_t{42}};
  const std::string token = EncodePageToken("q", values);

  for (std::string_view garbage :
       {"x", "!!!!", "not a token", "AAAAAAAAAAAAAAAAAAAAAAAA", "aGVsbG8gd29ybGQ", "====", "AQ"}) {
    CHECK(TokenError(garbage, "q", order) == kMalformed);
  }
  CHECK(TokenError(token.substr(0, token.size() - 1), "q", order) == kMalformed);
  CHECK(TokenError(token.substr(0, token.size() - 4), "q", order) == kMalformed);
  CHECK(TokenError(token.substr(4), "q", order) == kMalformed);
  CHECK(TokenError(token + "AAAA", "q", order) == kMalformed);
  CHECK(TokenError(token.substr(0, 10) + "*" + token.substr(11), "q", order) == kMalformed);

  // Changing any one character breaks the checksum, unless it only touches
  // the unused low bits of the last base64 character (same bytes).
  int rejected = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    absl::StatusOr<Params> decoded = DecodePageToken(tampered, "q", order);
    if (decoded.ok()) {
      CHECK(i == token.size() - 1);
      CHECK(*decoded == values);
    } else {
      CHECK(ViolationOf(decoded.status(), "page_token") == kMalformed);
      ++rejected;
    }
  }
  CHECK(rejected >= static_cast<int>(token.size()) - 1);
}

TEST_CASE("AfterCondition selects the rows after the last one, per key direction") {
  CHECK(AfterCondition(Parse("id"), {}).sql == "1");
  CHECK(AfterCondition(Parse("id"), {}).params.empty());

  SqlFragment one = AfterCondition(Parse("id"), {int64_t{5}});
  CHECK(one.sql == "((p.id > ?))");
  CHECK(one.params == Params{int64_t{5}});

  SqlFragment descending = AfterCondition(Parse("id desc"), {int64_t{5}});
  CHECK(descending.sql == "((p.id < ?))");

  SqlFragment mixed = AfterCondition(Parse("display_name desc, create_time"),
                                     {std::string("M"), int64_t{7}, int64_t{3}});
  CHECK(mixed.sql ==
        "((p.display_name < ?)"
        " OR (p.display_name = ? AND p.create_time > ?)"
        " OR (p.display_name = ? AND p.create_time = ? AND p.id > ?))");
  CHECK(mixed.params == Params{std::string("M"), std::string("M"), int64_t{7}, std::string("M"),
                               int64_t{7}, int64_t{3}});

  SqlFragment asc_desc =
      AfterCondition(Parse("score, create_time desc"), {int64_t{1}, int64_t{2}, int64_t{3}});
  CHECK(asc_desc.sql ==
        "((p.score > ?)"
        " OR (p.score = ? AND p.create_time < ?)"
        " OR (p.score = ? AND p.create_time = ? AND p.id > ?))");
  CHECK(asc_desc.params ==
        Params{int64_t{1}, int64_t{1}, int64_t{2}, int64_t{1}, int64_t{2}, int64_t{3}});
}

void Bind(SQLite::Statement& statement, const Params& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    std::visit(
        [&](const auto& value) {
          if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::monostate>) {
            statement.bind(index);
          } else {
            statement.bind(index, value);
          }
        },
        params[i]);
  }
}

// The order-key values of the current row, selected after the id.
Params KeysOf(SQLite::Statement& row, const OrderBy& order) {
  Params keys;
  for (size_t k = 0; k < order.keys.size(); ++k) {
    SQLite::Column column = row.getColumn(static_cast<int>(k + 1));
    if (order.keys[k].is_int) {
      keys.push_back(column.getInt64());
    } else {
      keys.push_back(column.getString());
    }
  }
  return keys;
}

TEST_CASE("keyset paging in SQLite visits every row once, in order") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(
      "CREATE TABLE partners (id INTEGER PRIMARY KEY, display_name TEXT NOT NULL, "
      "score INTEGER NOT NULL, create_time INTEGER NOT NULL)");
  // Few distinct names and scores, so that ties need the later keys.
  const std::vector<std::string> names = {"", "a", "A", "a|b", std::string("a\0b", 3), "b", "zz"};
  SQLite::Statement insert(db, "INSERT INTO partners VALUES (?, ?, ?, ?)");
  uint32_t random = 12345;
  for (int id = 1; id <= 60; ++id) {
    random = random * 1103515245u + 12345u;
    insert.bind(1, id);
    insert.bind(2, names[(random >> 8) % names.size()]);
    insert.bind(3, static_cast<int64_t>((random >> 16) % 4) - 1);
    insert.bind(4, static_cast<int64_t>((random >> 20) % 5) * 1000000);
    insert.exec();
    insert.reset();
  }
  const std::vector<FilterField> filter_fields = {{"score", FieldType::kInt, "p.score", {}}};

  // Ids of the rows matching `where`, in `order`, from one query.
  auto all_ids = [&](const std::string& where, const Params& params, const OrderBy& order) {
    SQLite::Statement query(
        db, "SELECT p.id FROM partners p WHERE " + where + " ORDER BY " + OrderBySql(order));
    Bind(query, params);
    std::vector<int64_t> ids;
    while (query.executeStep()) ids.push_back(query.getColumn(0).getInt64());
    return ids;
  };

  for (const char* order_by :
       {"", "display_name", "display_name desc", "score desc, display_name",
        "score, display_name desc, create_time", "create_time desc, score", "id desc"}) {
    for (const char* filter : {"", "score >= 0"}) {
      for (int page_size : {1, 4, 7, 100}) {
        INFO("order_by: \"" << order_by << "\", filter: \"" << filter << "\", page size "
                            << page_size);
        OrderBy order = Parse(order_by, "create_time");
        absl::StatusOr<SqlFragment> where = CompileFilter(filter, filter_fields);
        REQUIRE(where.ok());
        const std::string fingerprint = std::string(filter) + "\n" + order_by;

        std::string select = "SELECT p.id";
        for (const OrderKey& key : order.keys) select += ", " + key.sql;
        std::vector<int64_t> visited;
        std::string token;
        int pages = 0;
        do {
          absl::StatusOr<Params> last = DecodePageToken(token, fingerprint, order);
          REQUIRE(last.ok());
          SqlFragment after = AfterCondition(order, *last);
          SQLite::Statement query(db, select + " FROM partners p WHERE " + where->sql + " AND " +
                                          after.sql + " ORDER BY " + OrderBySql(order) + " LIMIT " +
                                          std::to_string(page_size + 1));
          Params params = where->params;
          params.insert(params.end(), after.params.begin(), after.params.end());
          Bind(query, params);
          Params last_keys;
          bool more = false;
          int rows = 0;
          while (query.executeStep()) {
            if (rows++ == page_size) {  // one row more than the page: there is a next page
              more = true;
              break;
            }
            visited.push_back(query.getColumn(0).getInt64());
            last_keys = KeysOf(query, order);
          }
          token = more ? EncodePageToken(fingerprint, last_keys) : "";
          ++pages;
          REQUIRE(pages <= 61);
        } while (!token.empty());

        std::vector<int64_t> expected = all_ids(where->sql, where->params, order);
        CHECK(visited == expected);
        CHECK(std::set<int64_t>(visited.begin(), visited.end()).size() == visited.size());
        CHECK(pages == static_cast<int>((expected.size() + page_size - 1) / page_size));
        if (std::string_view(filter).empty()) CHECK(visited.size() == 60);
      }
    }
  }
}

}  // namespace
}  // namespace crm::api
