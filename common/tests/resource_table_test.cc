// Tests of ResourceTable against a real SQLite file: the conventional fields
// live in columns and come back filled in, index columns follow every write,
// and List pages in a total order without skipping or repeating rows.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "common/api/paging.h"
#include "common/api/resource.h"
#include "common/db/database.h"
#include "common/db/resource_table.h"
#include "common/testing/service_fixture.h"
#include "crm/partners/v1/custom_field.pb.h"

namespace crm::db {
namespace {

// Any message with name, create_time, update_time and etag will do.
using Definition = partners::v1::CustomFieldDefinition;

const ResourceTable& Table() {
  static const auto* table = new ResourceTable(
      "definitions", "customFieldDefinitions",
      {{"display_name", "TEXT NOT NULL",
        [](const google::protobuf::Message& m) -> SqlValue {
          return static_cast<const Definition&>(m).display_name();
        }},
       {"required", "INTEGER NOT NULL", [](const google::protobuf::Message& m) -> SqlValue {
          return int64_t{static_cast<const Definition&>(m).required() ? 1 : 0};
        }}});
  return *table;
}

std::unique_ptr<Database> OpenDb(const std::string& dir) {
  auto db = Database::Open(DatabaseOptions{dir + "/t.db"}, {{1, "definitions", Table().Schema()}});
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  return *std::move(db);
}

Definition Make(const std::string& display_name, bool required, int64_t micros) {
  Definition d;
  d.set_name("ignored/anything");
  d.set_display_name(display_name);
  d.set_required(required);
  *d.mutable_create_time() = api::MicrosToTimestamp(micros);
  *d.mutable_update_time() = d.create_time();
  d.set_etag("ignored");
  return d;
}

}  // namespace

TEST_CASE("ResourceTable stores a resource and fills in name, times and etag", "[resource_table]") {
  crm::testing::TempDir dir;
  auto db = OpenDb(dir.path());
  REQUIRE(db->Write([](Connection& c) {
                Table().Insert(c, "colour", Make("Colour", true, 1'000'000));
                return absl::OkStatus();
              }).ok());
  REQUIRE(db->Read([](Connection& c) {
                auto stored = Table().Load<Definition>(c, "colour");
                REQUIRE(stored.has_value());
                CHECK(stored->revision == 1);
                CHECK(stored->resource.name() == "customFieldDefinitions/colour");
                CHECK(stored->resource.display_name() == "Colour");
                CHECK(stored->resource.etag() == api::EtagForRevision(1));
                CHECK(api::TimestampToMicros(stored->resource.create_time()) == 1'000'000);
                CHECK(Table().Exists(c, "colour"));
                CHECK_FALSE(Table().Exists(c, "size"));
                CHECK_FALSE(Table().Load<Definition>(c, "size").has_value());
                // The blob does not repeat the columns' fields.
                CHECK(c.QueryInt64("SELECT count(*) FROM definitions WHERE instr(data, 'ignored') > 0",
                                   {}) == 0);
                return absl::OkStatus();
              }).ok());
}

TEST_CASE("ResourceTable Replace moves the revision and index columns, create_time stays",
          "[resource_table]") {
  crm::testing::TempDir dir;
  auto db = OpenDb(dir.path());
  REQUIRE(db->Write([](Connection& c) {
                Table().Insert(c, "colour", Make("Colour", true, 1'000'000));
                Definition changed = Make("Shade", false, 9'000'000);
                *changed.mutable_update_time() = api::MicrosToTimestamp(5'000'000);
                Table().Replace(c, "colour", changed, 2);
                return absl::OkStatus();
              }).ok());
  REQUIRE(db->Read([](Connection& c) {
                auto stored = Table().Load<Definition>(c, "colour");
                REQUIRE(stored.has_value());
                CHECK(stored->revision == 2);
                CHECK(stored->resource.etag() == api::EtagForRevision(2));
                CHECK(stored->resource.display_name() == "Shade");
                CHECK(api::TimestampToMicros(stored->resource.create_time()) == 1'000'000);
                CHECK(api::TimestampToMicros(stored->resource.update_time()) == 5'000'000);
                CHECK(c.QueryInt64("SELECT count(*) FROM definitions WHERE display_name = 'Shade' "
                                   "AND required = 0",
                                   {}) == 1);
                return absl::OkStatus();
              }).ok());
  REQUIRE(db->Write([](Connection& c) {
                Table().Delete(c, "colour");
                CHECK_FALSE(Table().Exists(c, "colour"));
                return absl::OkStatus();
              }).ok());
}

TEST_CASE("ResourceTable List filters and pages in a total order", "[resource_table]") {
  crm::testing::TempDir dir;
  auto db = OpenDb(dir.path());
  REQUIRE(db->Write([](Connection& c) {
                for (int i = 0; i < 7; ++i) {
                  // Two share each display name, so the id breaks ties.
                  Table().Insert(c, absl::StrCat("d", i), Make(absl::StrCat("name-", i / 2), i % 3 != 0,
                                                               1'000'000 + i));
                }
                return absl::OkStatus();
              }).ok());
  const api::OrderBy order{{{"display_name", true, false}, {"id", false, false}}};
  const SqlFragment where{"required = ?", {int64_t{1}}};
  std::vector<std::string> seen;
  std::vector<SqlValue> after;
  int pages = 0;
  do {
    std::optional<std::vector<SqlValue>> next;
    REQUIRE(db->Read([&](Connection& c) {
                  StoredPage<Definition> page = Table().List<Definition>(c, where, order, after, 2);
                  for (const Definition& d : page.resources) seen.push_back(d.name());
                  next = page.next_after;
                  return absl::OkStatus();
                }).ok());
    ++pages;
    after = next.value_or(std::vector<SqlValue>{});
    if (!next) break;
  } while (pages < 10);
  // Required: d1, d2, d4, d5; by display name descending, then id.
  CHECK(seen == std::vector<std::string>{"customFieldDefinitions/d4", "customFieldDefinitions/d5",
                                         "customFieldDefinitions/d2", "customFieldDefinitions/d1"});
  CHECK(pages == 2);
}

}  // namespace crm::db
