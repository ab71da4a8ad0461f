#include "common/api/filter.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/strings/match.h"

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

constexpr char kRoleTemplate[] =
    "EXISTS (SELECT 1 FROM partner_roles r WHERE r.partner_id = p.id AND r.role_type = ?)";

const std::vector<FilterField>& Fields() {
  static const auto* fields = new std::vector<FilterField>{
      {"display_name", FieldType::kString, "p.display_name", {}},
      {"country_code", FieldType::kString, "p.country_code", {}},
      {"age", FieldType::kInt, "p.age", {}},
      {"active", FieldType::kBool, "p.active", {}},
      {"category",
       FieldType::kEnum,
       "p.category",
       {{"PARTNER_CATEGORY_UNSPECIFIED", 0},
        {"PARTNER_CATEGORY_PERSON", 1},
        {"PARTNER_CATEGORY_ORGANIZATION", 2}}},
      {"create_time", FieldType::kTimestamp, "p.create_time", {}},
      {"role",
       FieldType::kEnum,
       kRoleTemplate,
       {{"ROLE_TYPE_CUSTOMER", 1}, {"ROLE_TYPE_SUPPLIER", 2}}},
      {"any_name", FieldType::kString, "(p.display_name = ? OR p.country_code = ?)", {}},
      {"lonely", FieldType::kEnum, "p.lonely", {{"LONELY_ONLY", 7}}},
      {"custom_fields.revenue", FieldType::kNumber, "p.revenue", {}},
      {"custom_fields.since", FieldType::kDate, "p.since", {}},
  };
  return *fields;
}

SqlFragment Compile(std::string_view filter) {
  absl::StatusOr<SqlFragment> compiled = CompileFilter(filter, Fields());
  INFO("filter: " << filter);
  REQUIRE(compiled.ok());
  return *compiled;
}

// The description of the one violation, which must name "filter".
std::string ErrorOf(std::string_view filter) {
  absl::StatusOr<SqlFragment> compiled = CompileFilter(filter, Fields());
  INFO("filter: " << filter);
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.status().code() == absl::StatusCode::kInvalidArgument);
  std::vector<FieldViolation> violations = FieldViolationsOf(compiled.status());
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "filter");
  return violations[0].description;
}

TEST_CASE("an empty or blank filter selects everything") {
  for (std::string_view blank : {"", "   ", " \t\n "}) {
    SqlFragment all = Compile(blank);
    CHECK(all.sql == "1");
    CHECK(all.params.empty());
  }
}

TEST_CASE("every comparison operator") {
  struct Case {
    const char* filter;
    const char* sql;
  };
  for (const Case& c : std::vector<Case>{{"age = 30", "(p.age = ?)"},
                                         {"age != 30", "(p.age <> ?)"},
                                         {"age < 30", "(p.age < ?)"},
                                         {"age <= 30", "(p.age <= ?)"},
                                         {"age > 30", "(p.age > ?)"},
                                         {"age >= 30", "(p.age >= ?)"},
                                         {"age : 30", "(p.age = ?)"},
                                         {"age=30", "(p.age = ?)"},
                                         {"age>=30", "(p.age >= ?)"},
                                         {"age:30", "(p.age = ?)"}}) {
    SqlFragment compiled = Compile(c.filter);
    CHECK(compiled.sql == c.sql);
    CHECK(compiled.params == Params{int64_t{30}});
  }
}

TEST_CASE("number and date fields, with dotted names") {
  SqlFragment number = Compile("custom_fields.revenue >= 1.5e3");
  CHECK(number.sql == "(p.revenue >= ?)");
  CHECK(number.params == Params{1500.0});
  CHECK(Compile("custom_fields.revenue < -0.25").params == Params{-0.25});
  SqlFragment date = Compile("custom_fields.since < \"2026-02-28\"");
  CHECK(date.sql == "(p.since < ?)");
  CHECK(date.params == Params{std::string("2026-02-28")});

  CHECK(absl::StrContains(ErrorOf("custom_fields.revenue = abc"), "expects a number"));
  CHECK(absl::StrContains(ErrorOf("custom_fields.revenue = inf"), "expects a number"));
  CHECK(absl::StrContains(ErrorOf("custom_fields.since = \"2026-02-30\""), "expects a date"));
  CHECK(absl::StrContains(ErrorOf("custom_fields.since = \"2026-2-3\""), "expects a date"));
  CHECK(absl::StrContains(ErrorOf("custom_fields.nope = 1"), "custom_fields.nope"));
}

TEST_CASE("NOT binds tightest, then OR, then AND (AIP-160)") {
  SECTION("a AND b OR c is a AND (b OR c)") {
    SqlFragment compiled = Compile("age = 1 AND age = 2 OR age = 3");
    CHECK(compiled.sql == "((p.age = ?) AND ((p.age = ?) OR (p.age = ?)))");
    CHECK(compiled.params == Params{int64_t{1}, int64_t{2}, int64_t{3}});
  }
  SECTION("a OR b AND c is (a OR b) AND c") {
    CHECK(Compile("age = 1 OR age = 2 AND age = 3").sql ==
          "(((p.age = ?) OR (p.age = ?)) AND (p.age = ?))");
  }
  SECTION("chains stay flat") {
    CHECK(Compile("age = 1 AND age = 2 AND age = 3").sql ==
          "((p.age = ?) AND (p.age = ?) AND (p.age = ?))");
    CHECK(Compile("age = 1 OR age = 2 OR age = 3").sql ==
          "((p.age = ?) OR (p.age = ?) OR (p.age = ?))");
  }
  SECTION("NOT and '-' negate one term") {
    CHECK(Compile("NOT age = 1").sql == "(NOT (p.age = ?))");
    CHECK(Compile("-age = 1").sql == "(NOT (p.age = ?))");
    CHECK(Compile("NOT age = 1 OR age = 2").sql == "((NOT (p.age = ?)) OR (p.age = ?))");
    CHECK(Compile("-age = 1 AND age = 2").sql == "((NOT (p.age = ?)) AND (p.age = ?))");
    SqlFragment group = Compile("NOT (age = 1 OR age = 2)");
    CHECK(group.sql == "(NOT ((p.age = ?) OR (p.age = ?)))");
    CHECK(group.params == Params{int64_t{1}, int64_t{2}});
    CHECK(Compile("NOT(age = 1)").sql == "(NOT (p.age = ?))");
  }
  SECTION("parentheses override") {
    SqlFragment compiled = Compile("(age = 1 AND age = 2) OR age = 3");
    CHECK(compiled.sql == "(((p.age = ?) AND (p.age = ?)) OR (p.age = ?))");
    CHECK(compiled.params == Params{int64_t{1}, int64_t{2}, int64_t{3}});
    CHECK(Compile("((age = 1))").sql == "(p.age = ?)");
  }
}

TEST_CASE("adjacent terms form an AND sequence, looser than OR") {
  CHECK(Compile("age = 1 age = 2").sql == "((p.age = ?) AND (p.age = ?))");
  SqlFragment compiled = Compile("age = 1 age = 2 OR age = 3");
  CHECK(compiled.sql == "((p.age = ?) AND ((p.age = ?) OR (p.age = ?)))");
  CHECK(compiled.params == Params{int64_t{1}, int64_t{2}, int64_t{3}});
  CHECK(Compile("(age = 1) -age = 2").sql == "((p.age = ?) AND (NOT (p.age = ?)))");
}

TEST_CASE("string values: quotes, escapes and bare words") {
  CHECK(Compile(R"(display_name = "Acme GmbH")").params == Params{"Acme GmbH"});
  CHECK(Compile(R"(display_name = 'Acme GmbH')").params == Params{"Acme GmbH"});
  CHECK(Compile(R"(display_name = "say \"hi\" \\ bye")").params == Params{R"(say "hi" \ bye)"});
  CHECK(Compile(R"(display_name = 'it\'s "ok"')").params == Params{R"(it's "ok")"});
  CHECK(Compile(R"(display_name = "")").params == Params{""});
  CHECK(Compile("display_name = Acme").params == Params{"Acme"});
  CHECK(Compile("display_name = 42").params == Params{"42"});
  CHECK(Compile(R"(display_name = "AND (x) OR")").params == Params{"AND (x) OR"});
  SqlFragment ordered = Compile(R"(display_name < "M")");
  CHECK(ordered.sql == "(p.display_name < ?)");
  CHECK(ordered.params == Params{"M"});
}

TEST_CASE("a trailing '*' is a prefix match with LIKE, other stars are literal") {
  SqlFragment prefix = Compile(R"(display_name = "Ac*")");
  CHECK(prefix.sql == R"((p.display_name LIKE ? ESCAPE '\'))");
  CHECK(prefix.params == Params{"Ac%"});
  CHECK(Compile("display_name = Ac*").params == Params{"Ac%"});
  CHECK(Compile("display_name : Ac*").sql == R"((p.display_name LIKE ? ESCAPE '\'))");

  SqlFragment negated = Compile(R"(display_name != "Ac*")");
  CHECK(negated.sql == R"((p.display_name NOT LIKE ? ESCAPE '\'))");
  CHECK(negated.params == Params{"Ac%"});

  SECTION("LIKE's own wildcards and the escape character match literally") {
    CHECK(Compile(R"(display_name = "50%_a\\b*")").params == Params{R"(50\%\_a\\b%)"});
  }
  SECTION("an escaped or inner star is no wildcard") {
    SqlFragment escaped = Compile(R"(display_name = "Ac\*")");
    CHECK(escaped.sql == "(p.display_name = ?)");
    CHECK(escaped.params == Params{"Ac*"});
    CHECK(Compile(R"(display_name = "A*c")").params == Params{"A*c"});
  }
}

TEST_CASE("enums take the full identifier or its suffix, bound as the integer") {
  SqlFragment full = Compile("category = PARTNER_CATEGORY_PERSON");
  CHECK(full.sql == "(p.category = ?)");
  CHECK(full.params == Params{int64_t{1}});
  CHECK(Compile("category = PERSON").params == Params{int64_t{1}});
  CHECK(Compile("category:ORGANIZATION").params == Params{int64_t{2}});
  SqlFragment negated = Compile("category != ORGANIZATION");
  CHECK(negated.sql == "(p.category <> ?)");
  CHECK(negated.params == Params{int64_t{2}});
  CHECK(Compile(R"(category = "PERSON")").params == Params{int64_t{1}});
  // With one value there is no common prefix to drop.
  CHECK(Compile("lonely = LONELY_ONLY").params == Params{int64_t{7}});
  CHECK(ErrorOf("lonely = ONLY") == R"(field "lonely" expects one of LONELY_ONLY, got "ONLY")");
  CHECK(ErrorOf("category = ROBOT") ==
        R"(field "category" expects one of PARTNER_CATEGORY_UNSPECIFIED, PARTNER_CATEGORY_PERSON, )"
        R"(PARTNER_CATEGORY_ORGANIZATION, got "ROBOT")");
  CHECK(ErrorOf("category = person") ==
        R"(field "category" expects one of PARTNER_CATEGORY_UNSPECIFIED, PARTNER_CATEGORY_PERSON, )"
        R"(PARTNER_CATEGORY_ORGANIZATION, got "person")");
  CHECK(ErrorOf("category < PERSON") == R"(field "category" allows only =, != and :, not "<")");
  CHECK(ErrorOf("category >= 1") == R"(field "category" allows only =, != and :, not ">=")");
}

TEST_CASE("integers and booleans") {
  CHECK(Compile("age >= -5").params == Params{int64_t{-5}});
  CHECK(Compile("age = 9223372036854775807").params == Params{int64_t{9223372036854775807}});
  CHECK(ErrorOf("age = 12abc") == R"(field "age" expects an integer, got "12abc")");
  CHECK(ErrorOf("age = 1.5") == R"(field "age" expects an integer, got "1.5")");
  CHECK(ErrorOf("age = 9223372036854775808") ==
        R"(field "age" expects an integer, got "9223372036854775808")");
  CHECK(ErrorOf("age = 4*") ==
        R"(field "age" expects an exact value ("*" works on strings only), got "4*")");

  SqlFragment active = Compile("active = true");
  CHECK(active.sql == "(p.active = ?)");
  CHECK(active.params == Params{int64_t{1}});
  CHECK(Compile("active != false").params == Params{int64_t{0}});
  CHECK(Compile("active:false").params == Params{int64_t{0}});
  CHECK(ErrorOf("active = yes") == R"(field "active" expects true or false, got "yes")");
  CHECK(ErrorOf("active = TRUE") == R"(field "active" expects true or false, got "TRUE")");
  CHECK(ErrorOf("active > false") == R"(field "active" allows only =, != and :, not ">")");
}

TEST_CASE("timestamps are RFC 3339, bound as microseconds since the epoch") {
  constexpr int64_t k20260102T030405Z = 1767323045'000000;
  SqlFragment utc = Compile(R"(create_time >= "2026-01-02T03:04:05Z")");
  CHECK(utc.sql == "(p.create_time >= ?)");
  CHECK(utc.params == Params{k20260102T030405Z});
  CHECK(Compile(R"(create_time < "2026-01-02T05:04:05+02:00")").params ==
        Params{k20260102T030405Z});
  CHECK(Compile(R"(create_time = '2026-01-01T22:04:05.25-05:00')").params ==
        Params{k20260102T030405Z + 250000});
  CHECK(Compile(R"(create_time > "1969-12-31T23:59:59.999999Z")").params == Params{int64_t{-1}});
  for (const char* bad : {R"(create_time > "yesterday")", R"(create_time > "2026-13-01T00:00:00Z")",
                          R"(create_time > "2026-01-02")", R"(create_time > "infinite-future")",
                          R"(create_time > "2026-01-02T03:04:05")"}) {
    std::string error = ErrorOf(bad);
    CHECK_THAT(error, Catch::StartsWith(R"(field "create_time" expects an RFC 3339 timestamp)"));
  }
  // Unquoted, the ':' of the time ends the value.
  CHECK(ErrorOf("create_time > 2026-01-02T03:04:05Z") ==
        R"(field "create_time" expects an RFC 3339 timestamp such as "2026-01-02T03:04:05Z", )"
        R"(got "2026-01-02T03")");
}

TEST_CASE("templates bind the value at every '?' and allow only =, : and !=") {
  SqlFragment has = Compile("role = CUSTOMER");
  CHECK(has.sql == std::string("(") + kRoleTemplate + ")");
  CHECK(has.params == Params{int64_t{1}});
  CHECK(Compile("role:ROLE_TYPE_SUPPLIER").params == Params{int64_t{2}});
  SqlFragment has_not = Compile("role != SUPPLIER");
  CHECK(has_not.sql == std::string("(NOT (") + kRoleTemplate + "))");
  CHECK(has_not.params == Params{int64_t{2}});

  SqlFragment twice = Compile(R"(any_name = "DE")");
  CHECK(twice.sql == "((p.display_name = ? OR p.country_code = ?))");
  CHECK(twice.params == Params{"DE", "DE"});

  CHECK(ErrorOf("role < CUSTOMER") == R"(field "role" allows only =, != and :, not "<")");
  CHECK(ErrorOf(R"(any_name > "a")") == R"(field "any_name" allows only =, != and :, not ">")");
  CHECK(ErrorOf(R"(any_name = "Ac*")") ==
        R"(field "any_name" does not support "*" prefix matching)");
}

TEST_CASE("values never reach the SQL text") {
  SqlFragment compiled = Compile(R"(display_name = "x'); DROP TABLE partners; --" OR age = 1)");
  CHECK(compiled.sql == "((p.display_name = ?) OR (p.age = ?))");
  CHECK(compiled.params == Params{"x'); DROP TABLE partners; --", int64_t{1}});
  // Only allow-listed names are fields; their SQL comes from the list.
  CHECK_THAT(ErrorOf("p.display_name = 1"), Catch::StartsWith(R"(unknown field "p.display_name")"));
}

TEST_CASE("syntax errors name the problem and its position") {
  CHECK(ErrorOf(R"(colour = "red")") ==
        R"(unknown field "colour"; allowed: display_name, country_code, age, active, category, )"
        "create_time, role, any_name, lonely, custom_fields.revenue, custom_fields.since");
  CHECK_THAT(
      ErrorOf("age = 1 and age = 2"),
      Catch::StartsWith(R"(unknown field "and" (the keywords AND, OR and NOT are upper-case))"));
  CHECK(ErrorOf("age =") ==
        R"(expected a value after "=" at position 5, found the end of the filter)");
  CHECK(ErrorOf("age = )") == R"~(expected a value after "=" at position 5, found ")")~");
  CHECK(ErrorOf("age = AND") == R"(expected a value after "=" at position 5, found "AND")");
  CHECK(ErrorOf("age 5") ==
        R"(expected a comparison operator (=, !=, <, <=, >, >=, :) after "age" at position 5, )"
        R"(found "5")");
  CHECK(ErrorOf("age") ==
        R"(expected a comparison operator (=, !=, <, <=, >, >=, :) after "age" at position 4, )"
        "found the end of the filter");
  CHECK(ErrorOf("age ! 5") ==
        R"(expected a comparison operator (=, !=, <, <=, >, >=, :) after "age" at position 5, )"
        R"(found "!")");
  CHECK(ErrorOf(R"(display_name = "abc)") == "unterminated string starting at position 16");
  CHECK(ErrorOf(R"(display_name = 'abc\')") == "unterminated string starting at position 16");
  CHECK(ErrorOf(R"(display_name = "a\n")") ==
        R"(unknown escape "\n" at position 18; only \" \' \\ and \* are allowed)");
  CHECK(ErrorOf("age = 1)") == R"~(unexpected ")" at position 8)~");
  CHECK(ErrorOf("age = 1 = 2") == R"(expected a field name or "(" at position 9, found "=")");
  CHECK(ErrorOf("(age = 1") == R"~(missing ")" for the "(" at position 1)~");
  CHECK(ErrorOf("()") == R"~(expected a field name or "(" at position 2, found ")")~");
  CHECK(ErrorOf("age = 1 AND") ==
        R"(expected a field name or "(" at position 12, found the end of the filter)");
  CHECK(ErrorOf("AND age = 1") == R"(expected a field name or "(" at position 1, found "AND")");
  CHECK(ErrorOf("age = 1 OR OR age = 2") ==
        R"(expected a field name or "(" at position 12, found "OR")");
  CHECK(ErrorOf("NOT NOT age = 1") == R"(expected a field name or "(" at position 5, found "NOT")");
  CHECK(ErrorOf(R"(display_name < "M*")") ==
        R"(a "*" prefix match on field "display_name" needs =, : or !=, not "<"; )"
        R"(write \* in quotes for a literal star)");
}

TEST_CASE("limits: length, nesting and number of comparisons") {
  SECTION("length") {
    std::string at_limit = "display_name = \"" + std::string(kMaxFilterBytes - 17, 'x') + "\"";
    REQUIRE(at_limit.size() == kMaxFilterBytes);
    CHECK(Compile(at_limit).params == Params{std::string(kMaxFilterBytes - 17, 'x')});
    CHECK(ErrorOf(at_limit + " ") == "is too long: 2001 bytes, at most 2000");
  }
  SECTION("nesting") {
    auto nested = [](int depth) {
      return std::string(depth, '(') + "age = 1" + std::string(depth, ')');
    };
    CHECK(Compile(nested(kMaxFilterDepth)).sql == "(p.age = ?)");
    CHECK(ErrorOf(nested(kMaxFilterDepth + 1)) == "parentheses nest deeper than 32 at position 33");
    CHECK(Compile("(age = 1) " + nested(kMaxFilterDepth)).params.size() == 2);
  }
  SECTION("comparisons") {
    auto many = [](int count) {
      std::string filter;
      for (int i = 0; i < count; ++i) filter += "age=" + std::to_string(i) + " ";
      return filter;
    };
    CHECK(Compile(many(kMaxFilterComparisons)).params.size() == 64);
    CHECK(ErrorOf(many(kMaxFilterComparisons + 1)) ==
          "has more than 64 comparisons; the one at position 439 is too many");
  }
}

// Binds `params` to ?1..?n.
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

TEST_CASE("compiled filters select the right rows in SQLite") {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec(R"sql(
    CREATE TABLE partners (id INTEGER PRIMARY KEY, display_name TEXT NOT NULL,
                           country_code TEXT NOT NULL, age INTEGER NOT NULL,
                           active INTEGER NOT NULL, category INTEGER NOT NULL,
                           create_time INTEGER NOT NULL, lonely INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE partner_roles (partner_id INTEGER NOT NULL, role_type INTEGER NOT NULL);
    INSERT INTO partners (id, display_name, country_code, age, active, category, create_time) VALUES
      (1, 'Acme GmbH',    'DE', 30, 1, 2, 1767225600000000),  -- 2026-01-01T00:00:00Z
      (2, 'acme labs',    'US', 45, 0, 2, 1767312000000000),  -- 2026-01-02T00:00:00Z
      (3, 'Bob "B" Smith', 'US', 25, 1, 1, 1767398400000000),  -- 2026-01-03T00:00:00Z
      (4, '50% Off_Shop', 'FR', 60, 1, 2, 1767484800000000),  -- 2026-01-04T00:00:00Z
      (5, 'Carol',        'DE', 35, 0, 1, 1767571200000000),  -- 2026-01-05T00:00:00Z
      (6, 'Ac_me',        'DE', 40, 1, 0, 1767657600000000),  -- 2026-01-06T00:00:00Z
      (7, '500 Club',     'FR', 50, 0, 2, 1767744000000000);  -- 2026-01-07T00:00:00Z
    INSERT INTO partner_roles VALUES (1, 1), (2, 1), (2, 2), (3, 2);
  )sql");

  auto ids = [&](std::string_view filter) {
    SqlFragment where = Compile(filter);
    SQLite::Statement query(db, "SELECT id FROM partners p WHERE " + where.sql + " ORDER BY id");
    Bind(query, where.params);
    std::vector<int64_t> found;
    while (query.executeStep()) found.push_back(query.getColumn(0).getInt64());
    return found;
  };
  using Ids = std::vector<int64_t>;

  CHECK(ids("") == Ids{1, 2, 3, 4, 5, 6, 7});
  CHECK(ids("country_code = DE") == Ids{1, 5, 6});
  CHECK(ids("country_code != DE") == Ids{2, 3, 4, 7});
  CHECK(ids(R"(display_name = "Bob \"B\" Smith")") == Ids{3});
  CHECK(ids("display_name = acme*") == Ids{1, 2});  // LIKE ignores ASCII case; '_' is literal
  CHECK(ids("display_name = Ac_*") == Ids{6});
  CHECK(ids("display_name != Ac*") == Ids{3, 4, 5, 7});
  CHECK(ids(R"(display_name = "50%*")") == Ids{4});
  CHECK(ids("display_name = *") == Ids{1, 2, 3, 4, 5, 6, 7});
  CHECK(ids(R"(display_name < "B")") == Ids{1, 4, 6, 7});  // bytes: 'a' > 'B'
  CHECK(ids("age >= 40") == Ids{2, 4, 6, 7});
  CHECK(ids("age < 30 OR age > 50") == Ids{3, 4});
  CHECK(ids("active = true country_code = DE") == Ids{1, 6});
  CHECK(ids("active = false AND country_code = FR OR country_code = US") == Ids{2, 7});
  CHECK(ids("(active = false AND country_code = FR) OR country_code = US") == Ids{2, 3, 7});
  CHECK(ids("-country_code = DE AND NOT age > 45") == Ids{2, 3});
  CHECK(ids("category = ORGANIZATION") == Ids{1, 2, 4, 7});
  CHECK(ids("category != PARTNER_CATEGORY_ORGANIZATION") == Ids{3, 5, 6});
  CHECK(ids(R"(create_time >= "2026-01-03T00:00:00Z" create_time < "2026-01-05T01:00:00+00:30")") ==
        Ids{3, 4, 5});
  CHECK(ids("role = CUSTOMER") == Ids{1, 2});
  CHECK(ids("role:SUPPLIER") == Ids{2, 3});
  CHECK(ids("role != CUSTOMER") == Ids{3, 4, 5, 6, 7});
  CHECK(ids("role = CUSTOMER role = SUPPLIER") == Ids{2});
  CHECK(ids("any_name = FR") == Ids{4, 7});
}

}  // namespace
}  // namespace crm::api
