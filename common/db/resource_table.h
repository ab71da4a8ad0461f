// A table of one resource type kept as its proto, for the many resources
// whose storage is "find by id, list in an order, filter on a few fields".
//
// The resource message must follow the suite's convention: a string `name`
// ("{collection}/{id}"), Timestamps `create_time` and `update_time` and a
// string `etag`. Those live in columns (id, revision, create_time,
// update_time); the rest of the message is the `data` blob, so adding a
// field to the proto needs no migration. Columns the service filters or
// orders on are declared as IndexColumns, computed from the message on
// every write.
//
//   CREATE TABLE {table} (id TEXT PRIMARY KEY, revision INTEGER NOT NULL,
//     create_time INTEGER NOT NULL, update_time INTEGER NOT NULL,
//     data BLOB NOT NULL, {index columns...})
//
// Schema() gives that statement for the service's migration; indexes on
// the columns are the service's to declare there.
#ifndef CRM_COMMON_DB_RESOURCE_TABLE_H_
#define CRM_COMMON_DB_RESOURCE_TABLE_H_

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "common/api/paging.h"
#include "common/db/database.h"

namespace crm::db {

struct IndexColumn {
  std::string name;  // column name
  std::string type;  // SQL type and constraints, e.g. "TEXT NOT NULL"
  std::function<SqlValue(const google::protobuf::Message&)> value;
};

// A resource as stored, with the revision its etag stands for.
template <typename Resource>
struct Stored {
  Resource resource;  // output-only fields filled in
  int64_t revision = 0;
};

template <typename Resource>
struct StoredPage {
  std::vector<Resource> resources;
  // Order-key values of the last resource, when there are more pages.
  std::optional<std::vector<SqlValue>> next_after;
};

class ResourceTable {
 public:
  ResourceTable(std::string table, std::string collection, std::vector<IndexColumn> columns = {});

  const std::string& table() const { return table_; }
  const std::string& collection() const { return collection_; }

  // CREATE TABLE statement (with its trailing ";\n") with the first
  // `columns` index columns: a released migration keeps creating the table
  // as it was then, and later columns come with AddColumnSchema.
  std::string Schema(size_t columns = std::numeric_limits<size_t>::max()) const;

  // ALTER TABLE ... ADD COLUMN for index column `name`, for the migration
  // that adds it (its type needs a DEFAULT when NOT NULL).
  std::string AddColumnSchema(const std::string& name) const;

  // Loads a resource; false when there is none with `id`.
  bool Load(Connection& c, const std::string& id, google::protobuf::Message* resource,
            int64_t* revision) const;

  template <typename Resource>
  std::optional<Stored<Resource>> Load(Connection& c, const std::string& id) const {
    Stored<Resource> stored;
    if (!Load(c, id, &stored.resource, &stored.revision)) return std::nullopt;
    return stored;
  }

  // Inserts at revision 1; the resource's create_time and update_time are
  // stored as sent.
  void Insert(Connection& c, const std::string& id, const google::protobuf::Message& resource) const;

  // Replaces at `revision` (update_time as sent; create_time stays).
  void Replace(Connection& c, const std::string& id, const google::protobuf::Message& resource,
               int64_t revision) const;

  void Delete(Connection& c, const std::string& id) const;

  bool Exists(Connection& c, const std::string& id) const;

  // A page of resources matching `where` (SQL over the columns, alias-free)
  // in `order`, strictly after `after` (empty: from the start): at most
  // `limit`. Order keys must be columns of the table.
  void List(Connection& c, const SqlFragment& where, const api::OrderBy& order,
            const std::vector<SqlValue>& after, int limit,
            const std::function<google::protobuf::Message*()>& add,
            std::optional<std::vector<SqlValue>>* next_after) const;

  // Calls `visit` with each resource matching `where`, in `order`, one at
  // a time (for reports over many rows: nothing is paged or held).
  void ForEach(Connection& c, const SqlFragment& where, const api::OrderBy& order,
               google::protobuf::Message* scratch, const std::function<void()>& visit) const;

  template <typename Resource>
  void ForEach(Connection& c, const SqlFragment& where, const api::OrderBy& order,
               const std::function<void(const Resource&)>& visit) const {
    Resource scratch;
    ForEach(c, where, order, &scratch, [&] { visit(scratch); });
  }

  template <typename Resource>
  StoredPage<Resource> List(Connection& c, const SqlFragment& where, const api::OrderBy& order,
                            const std::vector<SqlValue>& after, int limit) const {
    StoredPage<Resource> page;
    List(
        c, where, order, after, limit,
        [&page]() -> google::protobuf::Message* { return &page.resources.emplace_back(); },
        &page.next_after);
    return page;
  }

 private:
  std::string table_;
  std::string collection_;
  std::vector<IndexColumn> columns_;
};

}  // namespace crm::db

#endif  // CRM_COMMON_DB_RESOURCE_TABLE_H_
