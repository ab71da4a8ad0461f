// DeletePartner over a real gRPC channel and a real SQLite file: etags, a
// deleted partner gone from reads, writes and lists, its deletion on the
// change feed, and nothing of it left in the side tables.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <string>
#include <vector>

#include "services/partners/tests/partners_service_suite.h"

namespace crm::partners::testing::service_testing {
namespace {

TEST_CASE("delete a partner", "[partners][delete]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  const pv1::Partner keep = client.Create(PersonPartner("Bleibt", "Berta"));
  const pv1::Partner gone = client.Create(PersonPartner("Geht", "Gerd"));

  CHECK(client.Delete(gone.name(), "\"999\"").error_code() == grpc::StatusCode::ABORTED);
  REQUIRE(StatusText(client.Delete(gone.name(), gone.etag())) == "OK");

  pv1::Partner ignored;
  CHECK(client.TryGet(gone.name(), &ignored).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(client.Delete(gone.name()).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(client.TryUpdate(gone, {"person.given_name"}, &ignored).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  CHECK(
      client.AddRole(gone.name(), SimpleRole(pv1::ROLE_TYPE_PROSPECT), "", &ignored).error_code() ==
      grpc::StatusCode::NOT_FOUND);
  CHECK(client.DisplayNames("") == std::vector<std::string>{"Bleibt, Berta"});
  CHECK(client.DisplayNames("city = \"Berlin\"") == std::vector<std::string>{"Bleibt, Berta"});
  CHECK(ProtoDiff(keep, client.Get(keep.name())) == "");

  const std::vector<fv1::Change> changes = client.AllChanges();
  REQUIRE(changes.size() == 3);
  const fv1::Change& deleted = changes.back();
  CHECK(deleted.sequence() == 3);
  CHECK(deleted.kind() == fv1::CHANGE_KIND_DELETED);
  CHECK(deleted.resource_name() == gone.name());
  CHECK(deleted.method() == "DeletePartner");
  CHECK_FALSE(deleted.has_resource());
  CHECK(IsRecent(deleted.change_time()));

  // Nothing of the deleted partner is left in the side tables.
  {
    SQLite::Database db(service.db_path(), SQLite::OPEN_READONLY);
    const std::string gone_id = gone.name().substr(std::string("partners/").size());
    for (const char* table : {"partners", "partner_roles", "partner_addresses"}) {
      INFO(table);
      SQLite::Statement count(
          db, absl::StrCat("SELECT COUNT(*) FROM ", table, " WHERE ",
                           std::string(table) == "partners" ? "id" : "partner_id", " = ?"));
      count.bind(1, gone_id);
      REQUIRE(count.executeStep());
      CHECK(count.getColumn(0).getInt() == 0);
    }
    SQLite::Statement kept(db, "SELECT COUNT(*) FROM partner_addresses");
    REQUIRE(kept.executeStep());
    CHECK(kept.getColumn(0).getInt() == 1);
  }

  // Without an etag the delete is unconditional.
  REQUIRE(StatusText(client.Delete(keep.name())) == "OK");
  CHECK(client.List("", "", 1000).partners().empty());
}

}  // namespace
}  // namespace crm::partners::testing::service_testing
