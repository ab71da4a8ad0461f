#include "services/partners/partner_store.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource.h"
#include "common/errors.h"
#include "services/partners/custom_field_store.h"
#include "services/partners/search_index.h"

namespace crm::partners {
namespace {

constexpr char kSelectColumns[] =
    "p.id, p.revision, p.create_time, p.update_time, p.display_name, p.data";

// Builds the complete partner from a row selected with kSelectColumns.
v1::Partner PartnerFromRow(SQLite::Statement& row, int64_t* revision) {
  v1::Partner partner;
  const SQLite::Column data = row.getColumn(5);
  partner.ParseFromArray(data.getBlob(), data.getBytes());
  const std::string id = row.getColumn(0).getString();
  *revision = row.getColumn(1).getInt64();
  partner.set_name(absl::StrCat("partners/", id));
  *partner.mutable_create_time() = api::MicrosToTimestamp(row.getColumn(2).getInt64());
  *partner.mutable_update_time() = api::MicrosToTimestamp(row.getColumn(3).getInt64());
  partner.set_display_name(row.getColumn(4).getString());
  partner.set_etag(api::EtagForRevision(*revision));
  if (partner.state() == v1::PARTNER_STATE_UNSPECIFIED) partner.set_state(v1::PARTNER_STATE_ACTIVE);
  return partner;
}

// The blob holds what the row's columns do not.
std::string StoredBlob(const v1::Partner& partner) {
  v1::Partner copy = partner;
  copy.clear_name();
  copy.clear_display_name();
  copy.clear_create_time();
  copy.clear_update_time();
  copy.clear_etag();
  return copy.SerializeAsString();
}

void WriteSideTables(db::Connection& c, const std::string& id, const v1::Partner& partner) {
  c.Run("DELETE FROM partner_roles WHERE partner_id = ?1", {id});
  c.Run("DELETE FROM partner_addresses WHERE partner_id = ?1", {id});
  c.Run("DELETE FROM partner_ibans WHERE partner_id = ?1", {id});
  for (const v1::BankAccount& account : partner.bank_accounts()) {
    c.Run("INSERT OR IGNORE INTO partner_ibans (iban, partner_id) VALUES (?1, ?2)",
          {account.iban(), id});
  }
  for (const v1::Role& role : partner.roles()) {
    c.Run("INSERT INTO partner_roles (partner_id, role_type, customer_class) VALUES (?1, ?2, ?3)",
          {id, int64_t{role.type()},
           int64_t{role.has_customer() ? role.customer().customer_class() : 0}});
  }
  WriteCustomValueIndex(c, id, partner);
  if (IsActive(partner)) {
    IndexPartner(c, id, partner);
  } else {
    UnindexPartner(c, id);
  }
  int64_t position = 0;
  for (const v1::Address& address : partner.addresses()) {
    c.Run("INSERT INTO partner_addresses (partner_id, position, country_code, city) "
          "VALUES (?1, ?2, ?3, ?4)",
          {id, position++, address.country_code(), address.city()});
  }
}

int StateColumn(const v1::Partner& partner) {
  return IsActive(partner) ? v1::PARTNER_STATE_ACTIVE : partner.state();
}

std::string IndustryCode(const v1::Partner& partner) {
  return partner.has_organization() ? partner.organization().industry_code() : "";
}

}  // namespace

const std::vector<api::FilterField>& PartnerFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"category", api::FieldType::kEnum, "p.category", api::EnumFilterValues(v1::PartnerCategory_descriptor())},
      {"role", api::FieldType::kEnum,
       "EXISTS (SELECT 1 FROM partner_roles r WHERE r.partner_id = p.id AND r.role_type = ?)",
       api::EnumFilterValues(v1::RoleType_descriptor())},
      {"customer_class", api::FieldType::kEnum,
       "EXISTS (SELECT 1 FROM partner_roles r WHERE r.partner_id = p.id AND r.role_type = 2 "
       "AND r.customer_class = ?)",
       api::EnumFilterValues(v1::CustomerClass_descriptor())},
      {"country_code", api::FieldType::kString,
       "EXISTS (SELECT 1 FROM partner_addresses a WHERE a.partner_id = p.id AND a.country_code = ?)",
       {}},
      {"city", api::FieldType::kString,
       "EXISTS (SELECT 1 FROM partner_addresses a WHERE a.partner_id = p.id AND a.city = ?)", {}},
      {"industry_code", api::FieldType::kString, "p.industry_code", {}},
      {"display_name", api::FieldType::kString, "p.display_name", {}},
      {"create_time", api::FieldType::kTimestamp, "p.create_time", {}},
      {"update_time", api::FieldType::kTimestamp, "p.update_time", {}},
  };
  return *fields;
}

std::vector<api::FilterField> PartnerFilterFields(db::Connection& c) {
  std::vector<api::FilterField> fields = PartnerFilterFields();
  for (api::FilterField& field : CustomFilterFields(LoadDefinitions(c))) {
    fields.push_back(std::move(field));
  }
  return fields;
}

const std::vector<api::OrderField>& PartnerOrderFields() {
  static const auto* fields = new std::vector<api::OrderField>{
      {"display_name", "p.display_name", false},
      {"create_time", "p.create_time", true},
      {"update_time", "p.update_time", true},
  };
  return *fields;
}

api::OrderKey PartnerTiebreaker() { return {"p.id", false, false}; }

absl::Status RequireActive(const v1::Partner& partner) {
  if (IsActive(partner)) return absl::OkStatus();
  if (partner.state() == v1::PARTNER_STATE_MERGED) {
    return FailedPrecondition("STATE", partner.name(),
                              absl::StrCat("was merged into ", partner.merged_into(),
                                           "; change that partner instead"));
  }
  return FailedPrecondition("STATE", partner.name(), "was erased and takes no more changes");
}

std::optional<StoredPartner> LoadPartner(db::Connection& c, const std::string& id) {
  SQLite::Statement& select =
      c.Prepare(absl::StrCat("SELECT ", kSelectColumns, " FROM partners p WHERE p.id = ?1"), {id});
  if (!select.executeStep()) return std::nullopt;
  StoredPartner stored;
  stored.partner = PartnerFromRow(select, &stored.revision);
  select.reset();
  return stored;
}

void InsertPartner(db::Connection& c, const std::string& id, const v1::Partner& partner) {
  const std::string blob = StoredBlob(partner);
  SQLite::Statement& insert = c.Prepare(
      "INSERT INTO partners (id, category, display_name, industry_code, revision, create_time, "
      "update_time, data, state) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8)");
  insert.bind(1, id);
  insert.bind(2, static_cast<int>(partner.category()));
  insert.bind(3, partner.display_name());
  insert.bind(4, IndustryCode(partner));
  insert.bind(5, static_cast<int64_t>(api::TimestampToMicros(partner.create_time())));
  insert.bind(6, static_cast<int64_t>(api::TimestampToMicros(partner.update_time())));
  insert.bind(7, blob.data(), static_cast<int>(blob.size()));
  insert.bind(8, StateColumn(partner));
  insert.exec();
  insert.reset();
  WriteSideTables(c, id, partner);
}

void ReplacePartner(db::Connection& c, const std::string& id, const v1::Partner& partner,
                    int64_t revision) {
  const std::string blob = StoredBlob(partner);
  SQLite::Statement& update = c.Prepare(
      "UPDATE partners SET display_name = ?2, industry_code = ?3, revision = ?4, "
      "update_time = ?5, data = ?6, state = ?7 WHERE id = ?1");
  update.bind(1, id);
  update.bind(2, partner.display_name());
  update.bind(3, IndustryCode(partner));
  update.bind(4, static_cast<int64_t>(revision));
  update.bind(5, static_cast<int64_t>(api::TimestampToMicros(partner.update_time())));
  update.bind(6, blob.data(), static_cast<int>(blob.size()));
  update.bind(7, StateColumn(partner));
  update.exec();
  update.reset();
  WriteSideTables(c, id, partner);
  // Not a side table WriteSideTables rewrites: migrations older than this
  // table call that, and no partner is merged by a migration.
  c.Run("DELETE FROM partner_merges WHERE merged_id = ?1", {id});
  if (partner.state() == v1::PARTNER_STATE_MERGED) {
    c.Run("INSERT INTO partner_merges (merged_id, survivor_id) VALUES (?1, ?2)",
          {id, partner.merged_into().substr(partner.merged_into().find('/') + 1)});
  }
}

void DeletePartner(db::Connection& c, const std::string& id) {
  // The side tables go with it (ON DELETE CASCADE); the FTS table cannot
  // have a foreign key.
  UnindexPartner(c, id);
  c.Run("DELETE FROM partners WHERE id = ?1", {id});
}

ListPage ListPartners(db::Connection& c, const ListQuery& query) {
  std::string sql = absl::StrCat("SELECT ", kSelectColumns);
  for (const api::OrderKey& key : query.order.keys) absl::StrAppend(&sql, ", ", key.sql);
  absl::StrAppend(&sql, " FROM partners p WHERE p.state = 1 AND ", query.where.sql);
  std::vector<db::SqlValue> params = query.where.params;
  if (!query.after.empty()) {
    db::SqlFragment after = api::AfterCondition(query.order, query.after);
    absl::StrAppend(&sql, " AND ", after.sql);
    params.insert(params.end(), after.params.begin(), after.params.end());
  }
  absl::StrAppend(&sql, " ORDER BY ", api::OrderBySql(query.order), " LIMIT ?");
  params.emplace_back(static_cast<int64_t>(query.limit) + 1);

  ListPage page;
  SQLite::Statement& select = c.Prepare(sql, params);
  constexpr int kFirstKeyColumn = 6;
  std::vector<db::SqlValue> last_keys;
  while (select.executeStep()) {
    if (static_cast<int>(page.partners.size()) == query.limit) {
      page.next_after = last_keys;
      break;
    }
    int64_t revision;
    page.partners.push_back(PartnerFromRow(select, &revision));
    last_keys.clear();
    for (size_t k = 0; k < query.order.keys.size(); ++k) {
      const SQLite::Column column = select.getColumn(static_cast<int>(kFirstKeyColumn + k));
      if (query.order.keys[k].is_int) {
        last_keys.emplace_back(column.getInt64());
      } else {
        last_keys.emplace_back(column.getString());
      }
    }
  }
  select.reset();
  return page;
}

std::vector<v1::Partner> PartnersWithIban(db::Connection& c, const std::string& iban,
                                          int category, int limit) {
  SQLite::Statement& select = c.Prepare(
      absl::StrCat("SELECT ", kSelectColumns,
                   " FROM partner_ibans i JOIN partners p ON p.id = i.partner_id "
                   "WHERE i.iban = ?1 AND p.category = ?2 AND p.state = 1 ORDER BY p.id LIMIT ?3"),
      {iban, int64_t{category}, int64_t{limit}});
  std::vector<v1::Partner> partners;
  while (select.executeStep()) {
    int64_t revision;
    partners.push_back(PartnerFromRow(select, &revision));
  }
  select.reset();
  return partners;
}

std::vector<std::string> PartnersMergedInto(db::Connection& c, const std::string& survivor_id) {
  SQLite::Statement& select = c.Prepare(
      "SELECT merged_id FROM partner_merges WHERE survivor_id = ?1 ORDER BY merged_id",
      {survivor_id});
  std::vector<std::string> ids;
  while (select.executeStep()) ids.push_back(select.getColumn(0).getString());
  select.reset();
  return ids;
}

void RebuildPartnerIndexes(db::Connection& c) {
  std::vector<std::string> ids;
  {
    SQLite::Statement select(c.raw(), "SELECT id FROM partners");
    while (select.executeStep()) ids.push_back(select.getColumn(0).getString());
  }
  for (const std::string& id : ids) {
    std::optional<StoredPartner> stored = LoadPartner(c, id);
    if (stored) WriteSideTables(c, id, stored->partner);
  }
}

std::vector<SearchHit> SearchPartners(db::Connection& c, const std::string& match,
                                      const db::SqlFragment& where, int offset, int limit) {
  std::vector<db::SqlValue> params = {match};
  params.insert(params.end(), where.params.begin(), where.params.end());
  params.emplace_back(static_cast<int64_t>(limit) + 1);
  params.emplace_back(static_cast<int64_t>(offset));
  SQLite::Statement& select = c.Prepare(
      absl::StrCat("SELECT ", kSelectColumns, ", ", kSearchRankSql,
                   " AS rank FROM partner_search JOIN partner_search_keys k ON "
                   "k.row = partner_search.rowid JOIN partners p ON p.id = k.partner_id "
                   "WHERE partner_search MATCH ? AND p.state = 1 AND ",
                   where.sql, " ORDER BY rank, p.id LIMIT ? OFFSET ?"),
      params);
  std::vector<SearchHit> hits;
  while (select.executeStep()) {
    int64_t revision;
    SearchHit hit{PartnerFromRow(select, &revision), -select.getColumn(6).getDouble()};
    hits.push_back(std::move(hit));
  }
  select.reset();
  return hits;
}

}  // namespace crm::partners
