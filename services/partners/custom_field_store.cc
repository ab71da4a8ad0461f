#include "services/partners/custom_field_store.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource.h"

namespace crm::partners {
namespace {

constexpr char kColumns[] = "key, revision, create_time, update_time, data";

StoredDefinition FromRow(SQLite::Statement& row) {
  StoredDefinition stored;
  stored.key = row.getColumn(0).getString();
  const SQLite::Column data = row.getColumn(4);
  stored.definition.ParseFromArray(data.getBlob(), data.getBytes());
  stored.definition.set_name(absl::StrCat("customFieldDefinitions/", row.getColumn(0).getString()));
  stored.revision = row.getColumn(1).getInt64();
  *stored.definition.mutable_create_time() = api::MicrosToTimestamp(row.getColumn(2).getInt64());
  *stored.definition.mutable_update_time() = api::MicrosToTimestamp(row.getColumn(3).getInt64());
  stored.definition.set_etag(api::EtagForRevision(stored.revision));
  return stored;
}

std::string Blob(const v1::CustomFieldDefinition& definition) {
  v1::CustomFieldDefinition copy = definition;
  copy.clear_name();
  copy.clear_create_time();
  copy.clear_update_time();
  copy.clear_etag();
  return copy.SerializeAsString();
}

api::FieldType FilterType(v1::CustomFieldType type) {
  switch (type) {
    case v1::CUSTOM_FIELD_TYPE_NUMBER:
      return api::FieldType::kNumber;
    case v1::CUSTOM_FIELD_TYPE_DATE:
      return api::FieldType::kDate;
    case v1::CUSTOM_FIELD_TYPE_BOOLEAN:
      return api::FieldType::kBool;
    default:
      return api::FieldType::kString;
  }
}

}  // namespace

CustomFieldDefinitions LoadDefinitions(db::Connection& c) {
  CustomFieldDefinitions definitions;
  SQLite::Statement& select =
      c.Prepare(absl::StrCat("SELECT ", kColumns, " FROM custom_field_definitions"));
  while (select.executeStep()) {
    definitions.emplace(select.getColumn(0).getString(), FromRow(select).definition);
  }
  select.reset();
  return definitions;
}

std::optional<StoredDefinition> LoadDefinition(db::Connection& c, const std::string& key) {
  SQLite::Statement& select = c.Prepare(
      absl::StrCat("SELECT ", kColumns, " FROM custom_field_definitions WHERE key = ?1"), {key});
  std::optional<StoredDefinition> stored;
  if (select.executeStep()) stored = FromRow(select);
  select.reset();
  return stored;
}

int CountDefinitions(db::Connection& c) {
  return static_cast<int>(c.QueryInt64("SELECT count(*) FROM custom_field_definitions", {}));
}

void InsertDefinition(db::Connection& c, const std::string& key,
                      const v1::CustomFieldDefinition& definition) {
  const std::string blob = Blob(definition);
  SQLite::Statement& insert = c.Prepare(
      "INSERT INTO custom_field_definitions (key, revision, create_time, update_time, data) "
      "VALUES (?1, 1, ?2, ?3, ?4)");
  insert.bind(1, key);
  insert.bind(2, static_cast<int64_t>(api::TimestampToMicros(definition.create_time())));
  insert.bind(3, static_cast<int64_t>(api::TimestampToMicros(definition.update_time())));
  insert.bind(4, blob.data(), static_cast<int>(blob.size()));
  insert.exec();
  insert.reset();
}

void ReplaceDefinition(db::Connection& c, const std::string& key,
                       const v1::CustomFieldDefinition& definition, int64_t revision) {
  const std::string blob = Blob(definition);
  SQLite::Statement& update = c.Prepare(
      "UPDATE custom_field_definitions SET revision = ?2, update_time = ?3, data = ?4 "
      "WHERE key = ?1");
  update.bind(1, key);
  update.bind(2, static_cast<int64_t>(revision));
  update.bind(3, static_cast<int64_t>(api::TimestampToMicros(definition.update_time())));
  update.bind(4, blob.data(), static_cast<int>(blob.size()));
  update.exec();
  update.reset();
}

void DeleteDefinition(db::Connection& c, const std::string& key) {
  c.Run("DELETE FROM custom_field_definitions WHERE key = ?1", {key});
}

std::vector<StoredDefinition> ListDefinitions(db::Connection& c, const std::string& after_key,
                                              int limit) {
  SQLite::Statement& select = c.Prepare(
      absl::StrCat("SELECT ", kColumns,
                   " FROM custom_field_definitions WHERE key > ?1 ORDER BY key LIMIT ?2"),
      {after_key, static_cast<int64_t>(limit) + 1});
  std::vector<StoredDefinition> definitions;
  while (select.executeStep()) definitions.push_back(FromRow(select));
  select.reset();
  return definitions;
}

bool AnyPartnerHoldsValue(db::Connection& c, const std::string& key,
                          const std::optional<std::string>& value) {
  if (value) {
    return 0 != c.QueryInt64(
                  "SELECT EXISTS (SELECT 1 FROM partner_custom_values WHERE field_key = ?1 "
                  "AND value = ?2)",
                  {key, *value});
  }
  return 0 != c.QueryInt64( "SELECT EXISTS (SELECT 1 FROM partner_custom_values WHERE field_key = ?1)",
                {key});
}

bool AnyPartnerOfCategoryHoldsValue(db::Connection& c, const std::string& key, int category) {
  return 0 != c.QueryInt64(
                "SELECT EXISTS (SELECT 1 FROM partner_custom_values v JOIN partners p ON "
                "p.id = v.partner_id WHERE v.field_key = ?1 AND p.category = ?2)",
                {key, int64_t{category}});
}

bool AnyPartnerOfCategoryLacksValue(db::Connection& c, const std::string& key, int category) {
  return 0 != c.QueryInt64(
                "SELECT EXISTS (SELECT 1 FROM partners p WHERE p.category = ?2 AND NOT EXISTS "
                "(SELECT 1 FROM partner_custom_values v WHERE v.partner_id = p.id AND "
                "v.field_key = ?1))",
                {key, int64_t{category}});
}

void WriteCustomValueIndex(db::Connection& c, const std::string& partner_id,
                           const v1::Partner& partner) {
  c.Run("DELETE FROM partner_custom_values WHERE partner_id = ?1", {partner_id});
  for (const auto& [key, value] : partner.custom_fields()) {
    c.Run("INSERT INTO partner_custom_values (partner_id, field_key, value) VALUES (?1, ?2, ?3)",
          {partner_id, key, StoredCustomValue(value)});
  }
}

std::vector<api::FilterField> CustomFilterFields(const CustomFieldDefinitions& definitions) {
  std::vector<api::FilterField> fields;
  for (const auto& [key, definition] : definitions) {
    // The key is a checked identifier (IsValidCustomFieldKey), so it may
    // appear in the SQL text.
    fields.push_back({absl::StrCat("custom_fields.", key), FilterType(definition.type()),
                      absl::StrCat("(SELECT v.value FROM partner_custom_values v WHERE "
                                   "v.partner_id = p.id AND v.field_key = '",
                                   key, "')"),
                      {}});
  }
  return fields;
}

}  // namespace crm::partners
