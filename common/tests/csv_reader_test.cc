#include "common/text/csv_reader.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crm::text {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Reads `text` fed in chunks of `chunk` characters.
std::vector<CsvRecord> Read(const std::string& text, size_t chunk) {
  CsvReader reader;
  std::vector<CsvRecord> out;
  for (size_t at = 0; at < text.size(); at += chunk) reader.Feed(text.substr(at, chunk), &out);
  reader.Finish(&out);
  return out;
}

Rows FieldsOf(const std::vector<CsvRecord>& records) {
  Rows rows;
  for (const CsvRecord& r : records) rows.push_back(r.fields);
  return rows;
}

TEST_CASE("csv: records come out whole however the text is split") {
  const std::string text =
      "family_name,company_name,notes\r\n"
      "Huber,\"Huber, Söhne & Co\",\"said \"\"call me\"\"\"\r\n"
      "\r\n"
      "Brandl,,\"two\nlines\"\n"
      "Weber,Weber KG,last";
  const Rows expected = {{"family_name", "company_name", "notes"},
                         {"Huber", "Huber, Söhne & Co", "said \"call me\""},
                         {"Brandl", "", "two\nlines"},
                         {"Weber", "Weber KG", "last"}};
  for (size_t chunk : {1u, 2u, 3u, 7u, 1000u}) {
    INFO("chunk " << chunk);
    const std::vector<CsvRecord> records = Read(text, chunk);
    CHECK(FieldsOf(records) == expected);
    REQUIRE(records.size() == 4);
    CHECK(records[0].line == 1);
    CHECK(records[1].line == 2);
    CHECK(records[2].line == 4);  // after the blank line
    CHECK(records[3].line == 6);  // the quoted line break counts
    for (const CsvRecord& r : records) CHECK(r.error.empty());
  }
}

TEST_CASE("csv: a lone CR or LF ends a line, a trailing line break adds no record") {
  CHECK(FieldsOf(Read("a,b\rc,d\n", 1)) == Rows{{"a", "b"}, {"c", "d"}});
  CHECK(FieldsOf(Read("a\n\n\n", 2)).size() == 1);
  CHECK(Read("", 1).empty());
  CHECK(FieldsOf(Read(",\n", 1)) == Rows{{"", ""}});
}

TEST_CASE("csv: malformed records say why and do not disturb the next") {
  const std::vector<CsvRecord> records =
      Read("ok,1\n\"closed\"x,2\nbro\"ken,3\nok,4\n\"never closed,5\n", 3);
  REQUIRE(records.size() == 5);
  CHECK(records[0].error.empty());
  CHECK(records[1].error == "text after the closing quote of a field");
  CHECK(records[2].error == "a quote inside a field that does not start with one");
  CHECK(records[3].error.empty());
  CHECK(records[3].fields == std::vector<std::string>{"ok", "4"});
  CHECK(records[4].error == "a quoted field is not closed");
  CHECK(records[4].line == 5);
}

}  // namespace
}  // namespace crm::text
