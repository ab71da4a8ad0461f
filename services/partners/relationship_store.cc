#include "services/partners/relationship_store.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource.h"
#include "services/partners/relationship_rules.h"

namespace crm::partners {
namespace {

constexpr char kColumns[] = "r.id, r.revision, r.create_time, r.update_time, r.data";
constexpr int kSubsidiary = v1::RELATIONSHIP_TYPE_IS_SUBSIDIARY_OF;

v1::Relationship FromRow(SQLite::Statement& row, int64_t* revision) {
  v1::Relationship relationship;
  const SQLite::Column data = row.getColumn(4);
  relationship.ParseFromArray(data.getBlob(), data.getBytes());
  *revision = row.getColumn(1).getInt64();
  relationship.set_name(absl::StrCat("relationships/", row.getColumn(0).getString()));
  *relationship.mutable_create_time() = api::MicrosToTimestamp(row.getColumn(2).getInt64());
  *relationship.mutable_update_time() = api::MicrosToTimestamp(row.getColumn(3).getInt64());
  relationship.set_etag(api::EtagForRevision(*revision));
  return relationship;
}

std::string Blob(const v1::Relationship& relationship) {
  v1::Relationship copy = relationship;
  copy.clear_name();
  copy.clear_create_time();
  copy.clear_update_time();
  copy.clear_etag();
  return copy.SerializeAsString();
}

std::string IdOf(const std::string& partner_name) {
  return partner_name.substr(partner_name.find('/') + 1);
}

}  // namespace

std::optional<StoredRelationship> LoadRelationship(db::Connection& c, const std::string& id) {
  SQLite::Statement& select =
      c.Prepare(absl::StrCat("SELECT ", kColumns, " FROM relationships r WHERE r.id = ?1"), {id});
  if (!select.executeStep()) return std::nullopt;
  StoredRelationship stored;
  stored.relationship = FromRow(select, &stored.revision);
  select.reset();
  return stored;
}

void InsertRelationship(db::Connection& c, const std::string& id,
                        const v1::Relationship& relationship) {
  const std::string blob = Blob(relationship);
  SQLite::Statement& insert = c.Prepare(
      "INSERT INTO relationships (id, type, partner_id, related_partner_id, valid_from, valid_to, "
      "revision, create_time, update_time, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?9)");
  insert.bind(1, id);
  insert.bind(2, static_cast<int>(relationship.type()));
  insert.bind(3, IdOf(relationship.partner()));
  insert.bind(4, IdOf(relationship.related_partner()));
  insert.bind(5, DayNumber(relationship.valid_from(), relationship.has_valid_from(), kOpenStart));
  insert.bind(6, DayNumber(relationship.valid_to(), relationship.has_valid_to(), kOpenEnd));
  insert.bind(7, static_cast<int64_t>(api::TimestampToMicros(relationship.create_time())));
  insert.bind(8, static_cast<int64_t>(api::TimestampToMicros(relationship.update_time())));
  insert.bind(9, blob.data(), static_cast<int>(blob.size()));
  insert.exec();
  insert.reset();
}

void ReplaceRelationship(db::Connection& c, const std::string& id,
                         const v1::Relationship& relationship, int64_t revision) {
  const std::string blob = Blob(relationship);
  SQLite::Statement& update = c.Prepare(
      "UPDATE relationships SET valid_from = ?2, valid_to = ?3, revision = ?4, update_time = ?5, "
      "data = ?6, type = ?7, partner_id = ?8, related_partner_id = ?9 WHERE id = ?1");
  update.bind(1, id);
  update.bind(2, DayNumber(relationship.valid_from(), relationship.has_valid_from(), kOpenStart));
  update.bind(3, DayNumber(relationship.valid_to(), relationship.has_valid_to(), kOpenEnd));
  update.bind(4, static_cast<int64_t>(revision));
  update.bind(5, static_cast<int64_t>(api::TimestampToMicros(relationship.update_time())));
  update.bind(6, blob.data(), static_cast<int>(blob.size()));
  update.bind(7, static_cast<int>(relationship.type()));
  update.bind(8, IdOf(relationship.partner()));
  update.bind(9, IdOf(relationship.related_partner()));
  update.exec();
  update.reset();
}

void DeleteRelationship(db::Connection& c, const std::string& id) {
  c.Run("DELETE FROM relationships WHERE id = ?1", {id});
}

std::vector<std::string> RelationshipIdsOf(db::Connection& c, const std::string& partner_id) {
  SQLite::Statement& select = c.Prepare(
      "SELECT id FROM relationships WHERE partner_id = ?1 OR related_partner_id = ?1 ORDER BY id",
      {partner_id});
  std::vector<std::string> ids;
  while (select.executeStep()) ids.push_back(select.getColumn(0).getString());
  select.reset();
  return ids;
}

bool OverlappingExists(db::Connection& c, int type, const std::string& partner_id,
                       const std::string& related_id, int from, int to, bool symmetric,
                       const std::string& except_id) {
  return 0 != c.QueryInt64(
                "SELECT EXISTS (SELECT 1 FROM relationships WHERE type = ?1 AND id != ?6 AND "
                "valid_from <= ?5 AND valid_to >= ?4 AND ((partner_id = ?2 AND "
                "related_partner_id = ?3) OR (?7 AND partner_id = ?3 AND related_partner_id = ?2)))",
                {int64_t{type}, partner_id, related_id, int64_t{from}, int64_t{to}, except_id,
                 int64_t{symmetric ? 1 : 0}});
}

bool HasParentDuring(db::Connection& c, const std::string& partner_id, int from, int to,
                     const std::string& except_id) {
  return 0 != c.QueryInt64(
                "SELECT EXISTS (SELECT 1 FROM relationships WHERE type = ?1 AND partner_id = ?2 "
                "AND id != ?5 AND valid_from <= ?4 AND valid_to >= ?3)",
                {int64_t{kSubsidiary}, partner_id, int64_t{from}, int64_t{to}, except_id});
}

bool IsAncestorOrSelf(db::Connection& c, const std::string& ancestor_id,
                      const std::string& partner_id) {
  // UNION (not UNION ALL) stops at nodes already seen.
  return 0 != c.QueryInt64(
                "WITH RECURSIVE up (id) AS (SELECT ?2 UNION SELECT r.related_partner_id FROM "
                "relationships r JOIN up ON r.partner_id = up.id WHERE r.type = ?3) "
                "SELECT EXISTS (SELECT 1 FROM up WHERE id = ?1)",
                {ancestor_id, partner_id, int64_t{kSubsidiary}});
}

const api::OrderBy& RelationshipOrder() {
  static const auto* order =
      new api::OrderBy{{{"r.create_time", false, true}, {"r.id", false, false}}};
  return *order;
}

RelationshipPage ListRelationships(db::Connection& c, const RelationshipQuery& query) {
  std::string where = "1";
  std::vector<db::SqlValue> params;
  if (!query.partner_id.empty()) {
    where += " AND (r.partner_id = ? OR r.related_partner_id = ?)";
    params.insert(params.end(), {query.partner_id, query.partner_id});
  }
  if (query.type != 0) {
    where += " AND r.type = ?";
    params.emplace_back(int64_t{query.type});
  }
  if (query.valid_on != 0) {
    where += " AND r.valid_from <= ? AND r.valid_to >= ?";
    params.insert(params.end(), {int64_t{query.valid_on}, int64_t{query.valid_on}});
  }
  const db::SqlFragment after = api::AfterCondition(RelationshipOrder(), query.after);
  params.insert(params.end(), after.params.begin(), after.params.end());
  params.emplace_back(static_cast<int64_t>(query.limit) + 1);
  SQLite::Statement& select = c.Prepare(
      absl::StrCat("SELECT ", kColumns, " FROM relationships r WHERE ", where, " AND ", after.sql,
                   " ORDER BY ", api::OrderBySql(RelationshipOrder()), " LIMIT ?"),
      params);
  RelationshipPage page;
  std::vector<db::SqlValue> last;
  while (select.executeStep()) {
    if (static_cast<int>(page.relationships.size()) == query.limit) {
      page.next_after = last;
      break;
    }
    int64_t revision;
    page.relationships.push_back(FromRow(select, &revision));
    last = {select.getColumn(2).getInt64(), select.getColumn(0).getString()};
  }
  select.reset();
  return page;
}

std::optional<HierarchyLink> ParentLink(db::Connection& c, const std::string& partner_id,
                                        int day) {
  SQLite::Statement& select = c.Prepare(
      "SELECT id, related_partner_id FROM relationships WHERE type = ?1 AND partner_id = ?2 AND "
      "valid_from <= ?3 AND valid_to >= ?3 ORDER BY valid_from DESC, id LIMIT 1",
      {int64_t{kSubsidiary}, partner_id, int64_t{day}});
  std::optional<HierarchyLink> link;
  if (select.executeStep()) {
    link = HierarchyLink{select.getColumn(0).getString(), partner_id,
                         select.getColumn(1).getString()};
  }
  select.reset();
  return link;
}

std::vector<HierarchyLink> ChildLinks(db::Connection& c, const std::string& parent_id, int day) {
  SQLite::Statement& select = c.Prepare(
      "SELECT r.id, r.partner_id FROM relationships r JOIN partners p ON p.id = r.partner_id "
      "WHERE r.type = ?1 AND r.related_partner_id = ?2 AND r.valid_from <= ?3 AND "
      "r.valid_to >= ?3 ORDER BY p.display_name, r.partner_id",
      {int64_t{kSubsidiary}, parent_id, int64_t{day}});
  std::vector<HierarchyLink> links;
  while (select.executeStep()) {
    links.push_back({select.getColumn(0).getString(), select.getColumn(1).getString(), parent_id});
  }
  select.reset();
  return links;
}

}  // namespace crm::partners
