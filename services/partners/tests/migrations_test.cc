// Upgrading a database that holds partners: migration 8 builds the bank
// account index and the folded names of the search index from the stored
// records, so an upgraded database answers like a new one.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "common/api/resource.h"
#include "common/db/database.h"
#include "common/testing/service_fixture.h"
#include "services/partners/partner_store.h"
#include "services/partners/schema.h"

namespace {

namespace v1 = crm::partners::v1;

v1::Partner Person(const std::string& given, const std::string& family, const std::string& iban) {
  v1::Partner p;
  p.set_category(v1::PARTNER_CATEGORY_PERSON);
  p.mutable_person()->set_given_name(given);
  p.mutable_person()->set_family_name(family);
  p.set_display_name(absl::StrCat(family, ", ", given));
  p.add_bank_accounts()->set_iban(iban);
  *p.mutable_create_time() = crm::api::MicrosToTimestamp(1'700'000'000'000'000);
  *p.mutable_update_time() = p.create_time();
  return p;
}

std::unique_ptr<crm::db::Database> Open(const std::string& path) {
  auto db = crm::db::Database::Open(crm::db::DatabaseOptions{path}, crm::partners::Migrations());
  REQUIRE(db.ok());
  return *std::move(db);
}

int64_t Count(crm::db::Database& db, const std::string& sql) {
  int64_t count = -1;
  REQUIRE(db.Read([&](crm::db::Connection& c) {
                count = c.QueryInt64(sql, {});
                return absl::OkStatus();
              }).ok());
  return count;
}

}  // namespace

TEST_CASE("migration 8 indexes the partners already stored", "[partners][migrations]") {
  crm::testing::TempDir dir;
  const std::string path = dir.path() + "/partners.db";
  {
    auto db = Open(path);
    REQUIRE(db->Write([](crm::db::Connection& c) {
                crm::partners::InsertPartner(c, "p1", Person("Hanna", "Weiß", "DE89370400440532013000"));
                crm::partners::InsertPartner(c, "p2", Person("Søren", "Ødegaard", "GB82WEST12345698765432"));
                return absl::OkStatus();
              }).ok());
  }
  // Back to how a version-7 database looked: no IBAN index, search rows
  // without folded names.
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec("DROP TABLE partner_ibans");
    raw.exec("DELETE FROM partner_search");
    raw.exec("DELETE FROM partner_search_keys");
    raw.exec("DROP TABLE partner_merges");  // migration 9 recreates it
    raw.exec("PRAGMA user_version = 7");
  }
  auto db = Open(path);
  CHECK(db->schema_version() == crm::partners::Migrations().back().version);
  CHECK(Count(*db, "SELECT count(*) FROM partner_ibans") == 2);
  CHECK(Count(*db, "SELECT count(*) FROM partner_ibans WHERE iban = 'DE89370400440532013000' "
                   "AND partner_id = 'p1'") == 1);
  CHECK(Count(*db, "SELECT count(*) FROM partner_search WHERE partner_search MATCH 'weiss'") == 1);
  CHECK(Count(*db, "SELECT count(*) FROM partner_search WHERE partner_search MATCH 'odegaard'") == 1);
  CHECK(Count(*db, "SELECT count(*) FROM partner_search_keys") == 2);
}
