#include "common/db/resource_table.h"

#include <google/protobuf/timestamp.pb.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/resource.h"

namespace crm::db {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The conventional output-only fields of a resource message.
struct ResourceFields {
  const FieldDescriptor* name;
  const FieldDescriptor* create_time;
  const FieldDescriptor* update_time;
  const FieldDescriptor* etag;
};

ResourceFields FieldsOf(const Message& m) {
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  return {d->FindFieldByName("name"), d->FindFieldByName("create_time"),
          d->FindFieldByName("update_time"), d->FindFieldByName("etag")};
}

int64_t MicrosOf(const Message& m, const FieldDescriptor* field) {
  if (field == nullptr || !m.GetReflection()->HasField(m, field)) return 0;
  const auto& ts =
      static_cast<const google::protobuf::Timestamp&>(m.GetReflection()->GetMessage(m, field));
  return api::TimestampToMicros(ts);
}

void SetTime(Message* m, const FieldDescriptor* field, int64_t micros) {
  if (field == nullptr) return;
  m->GetReflection()->MutableMessage(m, field)->CopyFrom(api::MicrosToTimestamp(micros));
}

// The message without the fields the columns hold.
std::string Blob(const Message& resource) {
  std::unique_ptr<Message> copy(resource.New());
  copy->CopyFrom(resource);
  const ResourceFields f = FieldsOf(*copy);
  const google::protobuf::Reflection* r = copy->GetReflection();
  for (const FieldDescriptor* field : {f.name, f.create_time, f.update_time, f.etag}) {
    if (field != nullptr) r->ClearField(copy.get(), field);
  }
  return copy->SerializeAsString();
}

void BindValue(SQLite::Statement& s, int index, const SqlValue& value) {
  if (std::holds_alternative<int64_t>(value)) {
    s.bind(index, std::get<int64_t>(value));
  } else if (std::holds_alternative<double>(value)) {
    s.bind(index, std::get<double>(value));
  } else if (std::holds_alternative<std::string>(value)) {
    s.bind(index, std::get<std::string>(value));
  } else {
    s.bind(index);  // NULL
  }
}

constexpr char kSelect[] = "id, revision, create_time, update_time, data";

void FromRow(SQLite::Statement& row, const std::string& collection, Message* resource,
             int64_t* revision) {
  const SQLite::Column data = row.getColumn(4);
  resource->ParseFromArray(data.getBlob(), data.getBytes());
  *revision = row.getColumn(1).getInt64();
  const ResourceFields f = FieldsOf(*resource);
  const google::protobuf::Reflection* r = resource->GetReflection();
  if (f.name != nullptr) {
    r->SetString(resource, f.name, absl::StrCat(collection, "/", row.getColumn(0).getString()));
  }
  SetTime(resource, f.create_time, row.getColumn(2).getInt64());
  SetTime(resource, f.update_time, row.getColumn(3).getInt64());
  if (f.etag != nullptr) r->SetString(resource, f.etag, api::EtagForRevision(*revision));
}

}  // namespace

ResourceTable::ResourceTable(std::string table, std::string collection,
                             std::vector<IndexColumn> columns)
    : table_(std::move(table)), collection_(std::move(collection)), columns_(std::move(columns)) {}

std::string ResourceTable::Schema(size_t columns) const {
  std::string sql = absl::StrCat(
      "CREATE TABLE ", table_,
      " (\n  id TEXT NOT NULL PRIMARY KEY,\n  revision INTEGER NOT NULL,\n"
      "  create_time INTEGER NOT NULL,\n  update_time INTEGER NOT NULL,\n  data BLOB NOT NULL");
  for (size_t i = 0; i < columns_.size() && i < columns; ++i) {
    absl::StrAppend(&sql, ",\n  ", columns_[i].name, " ", columns_[i].type);
  }
  absl::StrAppend(&sql, "\n);\n");
  return sql;
}

std::string ResourceTable::AddColumnSchema(const std::string& name) const {
  for (const IndexColumn& column : columns_) {
    if (column.name == name) {
      return absl::StrCat("ALTER TABLE ", table_, " ADD COLUMN ", column.name, " ", column.type,
                          ";\n");
    }
  }
  return absl::StrCat("-- no column ", name, " in ", table_, "\n");
}

bool ResourceTable::Load(Connection& c, const std::string& id, Message* resource,
                         int64_t* revision) const {
  SQLite::Statement& select =
      c.Prepare(absl::StrCat("SELECT ", kSelect, " FROM ", table_, " WHERE id = ?1"), {id});
  if (!select.executeStep()) {
    select.reset();
    return false;
  }
  FromRow(select, collection_, resource, revision);
  select.reset();
  return true;
}

void ResourceTable::Insert(Connection& c, const std::string& id, const Message& resource) const {
  std::vector<std::string> names = {"id", "revision", "create_time", "update_time", "data"};
  std::vector<std::string> slots = {"?1", "1", "?2", "?3", "?4"};
  for (size_t i = 0; i < columns_.size(); ++i) {
    names.push_back(columns_[i].name);
    slots.push_back(absl::StrCat("?", i + 5));
  }
  SQLite::Statement& insert =
      c.Prepare(absl::StrCat("INSERT INTO ", table_, " (", absl::StrJoin(names, ", "),
                             ") VALUES (", absl::StrJoin(slots, ", "), ")"));
  const ResourceFields f = FieldsOf(resource);
  const std::string blob = Blob(resource);
  insert.bind(1, id);
  insert.bind(2, static_cast<int64_t>(MicrosOf(resource, f.create_time)));
  insert.bind(3, static_cast<int64_t>(MicrosOf(resource, f.update_time)));
  insert.bind(4, blob.data(), static_cast<int>(blob.size()));
  for (size_t i = 0; i < columns_.size(); ++i) {
    BindValue(insert, static_cast<int>(i + 5), columns_[i].value(resource));
  }
  insert.exec();
  insert.reset();
}

void ResourceTable::Replace(Connection& c, const std::string& id, const Message& resource,
                            int64_t revision) const {
  std::string sets = "revision = ?2, update_time = ?3, data = ?4";
  for (size_t i = 0; i < columns_.size(); ++i) {
    absl::StrAppend(&sets, ", ", columns_[i].name, " = ?", i + 5);
  }
  SQLite::Statement& update =
      c.Prepare(absl::StrCat("UPDATE ", table_, " SET ", sets, " WHERE id = ?1"));
  const ResourceFields f = FieldsOf(resource);
  const std::string blob = Blob(resource);
  update.bind(1, id);
  update.bind(2, revision);
  update.bind(3, static_cast<int64_t>(MicrosOf(resource, f.update_time)));
  update.bind(4, blob.data(), static_cast<int>(blob.size()));
  for (size_t i = 0; i < columns_.size(); ++i) {
    BindValue(update, static_cast<int>(i + 5), columns_[i].value(resource));
  }
  update.exec();
  update.reset();
}

void ResourceTable::Delete(Connection& c, const std::string& id) const {
  c.Run(absl::StrCat("DELETE FROM ", table_, " WHERE id = ?1"), {id});
}

bool ResourceTable::Exists(Connection& c, const std::string& id) const {
  return c.QueryInt64(absl::StrCat("SELECT COUNT(*) FROM ", table_, " WHERE id = ?1"), {id}) > 0;
}

void ResourceTable::List(Connection& c, const SqlFragment& where, const api::OrderBy& order,
                         const std::vector<SqlValue>& after, int limit,
                         const std::function<Message*()>& add,
                         std::optional<std::vector<SqlValue>>* next_after) const {
  std::string sql = absl::StrCat("SELECT ", kSelect);
  for (const api::OrderKey& key : order.keys) absl::StrAppend(&sql, ", ", key.sql);
  absl::StrAppend(&sql, " FROM ", table_, " WHERE (", where.sql.empty() ? "1" : where.sql, ")");
  std::vector<SqlValue> params = where.params;
  if (!after.empty()) {
    const SqlFragment after_condition = api::AfterCondition(order, after);
    absl::StrAppend(&sql, " AND ", after_condition.sql);
    params.insert(params.end(), after_condition.params.begin(), after_condition.params.end());
  }
  absl::StrAppend(&sql, " ORDER BY ", api::OrderBySql(order), " LIMIT ?");
  params.emplace_back(static_cast<int64_t>(limit) + 1);

  SQLite::Statement& select = c.Prepare(sql, params);
  constexpr int kFirstKeyColumn = 5;
  std::vector<SqlValue> last_keys;
  int count = 0;
  next_after->reset();
  while (select.executeStep()) {
    if (count == limit) {
      *next_after = last_keys;
      break;
    }
    int64_t revision;
    FromRow(select, collection_, add(), &revision);
    ++count;
    last_keys.clear();
    for (size_t k = 0; k < order.keys.size(); ++k) {
      const SQLite::Column column = select.getColumn(static_cast<int>(kFirstKeyColumn + k));
      if (order.keys[k].is_int) {
        last_keys.emplace_back(column.getInt64());
      } else {
        last_keys.emplace_back(column.getString());
      }
    }
  }
  select.reset();
}

void ResourceTable::ForEach(Connection& c, const SqlFragment& where, const api::OrderBy& order,
                            Message* scratch, const std::function<void()>& visit) const {
  const std::string sql =
      absl::StrCat("SELECT ", kSelect, " FROM ", table_, " WHERE (",
                   where.sql.empty() ? "1" : where.sql, ") ORDER BY ", api::OrderBySql(order));
  SQLite::Statement& select = c.Prepare(sql, where.params);
  while (select.executeStep()) {
    scratch->Clear();
    int64_t revision;
    FromRow(select, collection_, scratch, &revision);
    visit();
  }
  select.reset();
}

}  // namespace crm::db
