// The one way a service touches its SQLite file.
//
// Reads run on a small pool of read-only connections, each inside a read
// transaction (a consistent snapshot). All writes go through one writer
// thread, which groups the writes that are waiting into one transaction
// (group commit): each write runs in its own savepoint, so one failing write
// does not undo the others, and each caller is answered only after the
// COMMIT has reached the disk (WAL with synchronous=FULL). That is how one
// SQLite file gets both durability and throughput.
#ifndef CRM_COMMON_DB_DATABASE_H_
#define CRM_COMMON_DB_DATABASE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/db/sql_value.h"

namespace prometheus {
class Histogram;
class Gauge;
class Registry;
}  // namespace prometheus

namespace crm::db {

class Connection;

// One schema step. Versions start at 1 and increase by one; the database's
// PRAGMA user_version records the last one applied.
struct Migration {
  int version;
  std::string description;
  std::string sql;
  // Optional: fills what SQL alone cannot (e.g. an index built from stored
  // protos); runs after `sql`, in the same transaction.
  std::function<void(Connection&)> backfill = nullptr;
};

struct DatabaseOptions {
  std::string path;
  int reader_connections = 4;
  // Most writes committed in one transaction.
  int max_group_size = 256;
  std::chrono::milliseconds busy_timeout{5000};
  // Optional: where the commit latency, group size and file size go.
  prometheus::Registry* metrics = nullptr;
};

// A SQLite connection with a cache of prepared statements.
class Connection {
 public:
  Connection(const std::string& path, int open_flags, std::chrono::milliseconds busy_timeout);

  // The cached statement for `sql`, reset and with its bindings cleared.
  SQLite::Statement& Prepare(const std::string& sql);
  // Prepares `sql` and binds `params` to ?1..?n.
  SQLite::Statement& Prepare(const std::string& sql, const std::vector<SqlValue>& params);
  // Runs SQL without results (one or more statements).
  void Execute(const std::string& sql);
  // Runs a cached statement that returns no rows; returns the changed rows.
  int Run(const std::string& sql, const std::vector<SqlValue>& params);
  // The integer in the first column of the first row; 0 when there is no
  // row. For counts and EXISTS queries.
  int64_t QueryInt64(const std::string& sql, const std::vector<SqlValue>& params);
  int64_t LastInsertRowId() const { return db_.getLastInsertRowid(); }
  // Resets every statement of the connection that is still part-way.
  void ResetStatements();

  SQLite::Database& raw() { return db_; }

 private:
  SQLite::Database db_;
  absl::flat_hash_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

// Binds `params` to `statement` from index 1.
void Bind(SQLite::Statement& statement, const std::vector<SqlValue>& params);

class Database {
 public:
  using Work = std::function<absl::Status(Connection&)>;

  // Opens (creating if needed) the file, sets the PRAGMAs, applies the
  // migrations the file lacks (each in its own transaction) and starts the
  // writer. A file whose schema is newer than `migrations` is refused with
  // FAILED_PRECONDITION.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options,
                                                        const std::vector<Migration>& migrations);
  ~Database();

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `work` inside a read transaction on a reader connection.
  absl::Status Read(const Work& work);

  // Runs `work` on the writer inside the next group transaction and returns
  // once that transaction is committed (or `work` failed, in which case its
  // changes are rolled back and nothing of it is written). SQLite exceptions
  // become INTERNAL (or UNAVAILABLE when the file is busy).
  absl::Status Write(Work work);

  // Calls `listener` on the writer thread after each commit that wrote
  // something. It must return quickly. Returns a handle for removal.
  int AddCommitListener(std::function<void()> listener);
  void RemoveCommitListener(int handle);

  // Stops accepting writes, finishes the queued ones and stops the writer.
  void Close();

  const std::string& path() const { return options_.path; }
  int schema_version() const { return schema_version_; }

 private:
  struct PendingWrite {
    Work work;
    std::promise<absl::Status> done;
  };

  explicit Database(const DatabaseOptions& options);
  void WriterLoop();
  void CommitGroup(std::vector<PendingWrite>& group);
  std::unique_ptr<Connection> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> reader);
  void UpdateFileSize();

  DatabaseOptions options_;
  int schema_version_ = 0;
  std::unique_ptr<Connection> writer_;

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingWrite> queue_;
  bool closing_ = false;
  std::thread writer_thread_;
  std::once_flag writer_joined_;

  std::mutex listeners_mu_;
  std::map<int, std::function<void()>> listeners_;
  int next_listener_ = 1;

  prometheus::Histogram* commit_seconds_ = nullptr;
  prometheus::Histogram* group_size_ = nullptr;
  prometheus::Gauge* file_bytes_ = nullptr;
};

// Turns an exception thrown by SQLiteCpp into a status.
absl::Status StatusFromSqliteException(const std::exception& e);

}  // namespace crm::db

#endif  // CRM_COMMON_DB_DATABASE_H_
