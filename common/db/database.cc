#include "common/db/database.h"

#include <sys/stat.h>

#include <SQLiteCpp/Exception.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace crm::db {
namespace {

// PRAGMAs every connection gets. synchronous=FULL makes each acknowledged
// commit durable in WAL mode; foreign keys are off by default in SQLite.
void ApplyConnectionPragmas(SQLite::Database& db) {
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA synchronous = FULL");
  // Freed space is zeroed where that costs no extra I/O, so erased personal
  // data does not linger in free pages.
  db.exec("PRAGMA secure_delete = FAST");
}

}  // namespace

absl::Status StatusFromSqliteException(const std::exception& e) {
  if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e)) {
    const int code = sqlite->getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      return absl::UnavailableError(absl::StrCat("database busy: ", e.what()));
    }
    return absl::InternalError(absl::StrCat("database error: ", e.what()));
  }
  return absl::InternalError(absl::StrCat("internal error: ", e.what()));
}

Connection::Connection(const std::string& path, int open_flags,
                       std::chrono::milliseconds busy_timeout)
    : db_(path, open_flags, static_cast<int>(busy_timeout.count())) {
  ApplyConnectionPragmas(db_);
}

SQLite::Statement& Connection::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
  } else {
    // tryReset: reset() would rethrow the error of the statement's last run,
    // failing an unrelated later call.
    it->second->tryReset();
    it->second->clearBindings();
  }
  return *it->second;
}

SQLite::Statement& Connection::Prepare(const std::string& sql, const std::vector<SqlValue>& params) {
  SQLite::Statement& statement = Prepare(sql);
  Bind(statement, params);
  return statement;
}

void Connection::Execute(const std::string& sql) { db_.exec(sql); }

void Connection::ResetStatements() {
  sqlite3* handle = db_.getHandle();
  for (sqlite3_stmt* s = sqlite3_next_stmt(handle, nullptr); s != nullptr;
       s = sqlite3_next_stmt(handle, s)) {
    sqlite3_reset(s);
  }
}

int Connection::Run(const std::string& sql, const std::vector<SqlValue>& params) {
  SQLite::Statement& statement = Prepare(sql, params);
  const int changed = statement.exec();
  statement.reset();
  return changed;
}

int64_t Connection::QueryInt64(const std::string& sql, const std::vector<SqlValue>& params) {
  SQLite::Statement& statement = Prepare(sql, params);
  const int64_t value = statement.executeStep() ? statement.getColumn(0).getInt64() : 0;
  statement.reset();
  return value;
}

void Bind(SQLite::Statement& statement, const std::vector<SqlValue>& params) {
  int index = 1;
  for (const SqlValue& value : params) {
    if (std::holds_alternative<int64_t>(value)) {
      statement.bind(index, static_cast<int64_t>(std::get<int64_t>(value)));
    } else if (std::holds_alternative<double>(value)) {
      statement.bind(index, std::get<double>(value));
    } else if (std::holds_alternative<std::string>(value)) {
      statement.bind(index, std::get<std::string>(value));
    } else {
      statement.bind(index);
    }
    ++index;
  }
}

Database::Database(const DatabaseOptions& options) : options_(options) {}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options,
                                                         const std::vector<Migration>& migrations) {
  std::unique_ptr<Database> db(new Database(options));
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  try {
    db->writer_ = std::make_unique<Connection>(
        options.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX,
        options.busy_timeout);
    Connection& w = *db->writer_;
    // Refuse a newer release's file before changing anything in it.
    int version = w.raw().execAndGet("PRAGMA user_version").getInt();
    if (version > latest) {
      return absl::FailedPreconditionError(absl::StrCat(
          options.path, " has schema version ", version, " but this program knows only up to ",
          latest, ": it was written by a newer release; refusing to open it"));
    }
    const std::string mode = w.raw().execAndGet("PRAGMA journal_mode = WAL").getString();
    if (mode != "wal") {
      return absl::FailedPreconditionError(
          absl::StrCat(options.path, ": cannot switch to WAL journal mode (", mode, ")"));
    }
    for (const Migration& m : migrations) {
      if (m.version <= version) continue;
      if (m.version != version + 1) {
        return absl::InternalError(absl::StrCat("migration ", m.version, " does not follow ", version));
      }
      // DDL and the version bump commit together, or not at all.
      w.Execute("BEGIN IMMEDIATE");
      try {
        w.Execute(m.sql);
        if (m.backfill) m.backfill(w);
        w.Execute(absl::StrCat("PRAGMA user_version = ", m.version));
        w.Execute("COMMIT");
      } catch (const std::exception& e) {
        w.Execute("ROLLBACK");
        return absl::InternalError(absl::StrCat(options.path, ": migration ", m.version, " (",
                                                m.description, ") failed: ", e.what()));
      }
      version = m.version;
    }
    db->schema_version_ = version;
    for (int i = 0; i < options.reader_connections; ++i) {
      db->idle_readers_.push_back(std::make_unique<Connection>(
          options.path, SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX, options.busy_timeout));
    }
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot open ", options.path, ": ", e.what()));
  }
  if (options.metrics != nullptr) {
    db->commit_seconds_ =
        &prometheus::BuildHistogram()
             .Name("crm_sqlite_commit_seconds")
             .Help("Time to commit one group transaction, fsync included.")
             .Register(*options.metrics)
             .Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                              0.025, 0.05, 0.1, 0.25, 1});
    db->group_size_ = &prometheus::BuildHistogram()
                           .Name("crm_sqlite_group_commit_size")
                           .Help("Writes committed together in one transaction.")
                           .Register(*options.metrics)
                           .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32,
                                                                            64, 128, 256});
    db->file_bytes_ = &prometheus::BuildGauge()
                           .Name("crm_sqlite_database_bytes")
                           .Help("Size of the database file and its write-ahead log.")
                           .Register(*options.metrics)
                           .Add({});
    db->UpdateFileSize();
  }
  db->writer_thread_ = std::thread([raw = db.get()] { raw->WriterLoop(); });
  return db;
}

Database::~Database() { Close(); }

void Database::Close() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    closing_ = true;
  }
  queue_cv_.notify_all();
  std::call_once(writer_joined_, [this] {
    if (writer_thread_.joinable()) writer_thread_.join();
  });
}

std::unique_ptr<Connection> Database::AcquireReader() {
  std::unique_lock<std::mutex> lock(readers_mu_);
  readers_cv_.wait(lock, [this] { return !idle_readers_.empty(); });
  auto reader = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  return reader;
}

void Database::ReleaseReader(std::unique_ptr<Connection> reader) {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    idle_readers_.push_back(std::move(reader));
  }
  readers_cv_.notify_one();
}

absl::Status Database::Read(const Work& work) {
  std::unique_ptr<Connection> reader = AcquireReader();
  absl::Status status;
  try {
    reader->Execute("BEGIN");
    try {
      status = work(*reader);
    } catch (const std::exception& e) {
      status = StatusFromSqliteException(e);
    }
    // A statement left mid-way would keep the read transaction (and its old
    // snapshot) open past COMMIT.
    reader->ResetStatements();
    reader->Execute("COMMIT");
  } catch (const std::exception& e) {
    try {
      reader->Execute("ROLLBACK");
    } catch (...) {
    }
    if (status.ok()) status = StatusFromSqliteException(e);
  }
  ReleaseReader(std::move(reader));
  return status;
}

absl::Status Database::Write(Work work) {
  std::future<absl::Status> result;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (closing_) return absl::UnavailableError("the service is shutting down");
    queue_.push_back(PendingWrite{std::move(work), {}});
    result = queue_.back().done.get_future();
  }
  queue_cv_.notify_one();
  return result.get();
}

void Database::WriterLoop() {
  for (;;) {
    std::vector<PendingWrite> group;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      while (!queue_.empty() && static_cast<int>(group.size()) < options_.max_group_size) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(group);
  }
}

void Database::CommitGroup(std::vector<PendingWrite>& group) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<absl::Status> results(group.size());
  bool any_written = false;
  Connection& w = *writer_;
  try {
    w.Execute("BEGIN IMMEDIATE");
  } catch (const std::exception& e) {
    for (auto& pending : group) pending.done.set_value(StatusFromSqliteException(e));
    return;
  }
  for (size_t i = 0; i < group.size(); ++i) {
    try {
      w.Execute("SAVEPOINT write_call");
      try {
        results[i] = group[i].work(w);
      } catch (const std::exception& e) {
        results[i] = StatusFromSqliteException(e);
      }
      w.ResetStatements();
      if (results[i].ok()) {
        w.Execute("RELEASE write_call");
        any_written = true;
      } else {
        w.Execute("ROLLBACK TO write_call");
        w.Execute("RELEASE write_call");
      }
    } catch (const std::exception& e) {
      // The savepoint itself failed: the transaction is unusable.
      results[i] = StatusFromSqliteException(e);
      for (size_t j = 0; j < group.size(); ++j) {
        if (results[j].ok()) results[j] = StatusFromSqliteException(e);
      }
      try {
        w.Execute("ROLLBACK");
      } catch (...) {
      }
      for (size_t j = 0; j < group.size(); ++j) group[j].done.set_value(results[j]);
      return;
    }
  }
  try {
    w.Execute("COMMIT");
  } catch (const std::exception& e) {
    try {
      w.Execute("ROLLBACK");
    } catch (...) {
    }
    for (auto& r : results) {
      if (r.ok()) r = StatusFromSqliteException(e);
    }
    any_written = false;
  }
  if (commit_seconds_ != nullptr) {
    commit_seconds_->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    group_size_->Observe(static_cast<double>(group.size()));
    UpdateFileSize();
  }
  for (size_t i = 0; i < group.size(); ++i) group[i].done.set_value(results[i]);
  if (any_written) {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    for (auto& [handle, listener] : listeners_) listener();
  }
}

int Database::AddCommitListener(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  const int handle = next_listener_++;
  listeners_.emplace(handle, std::move(listener));
  return handle;
}

void Database::RemoveCommitListener(int handle) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.erase(handle);
}

void Database::UpdateFileSize() {
  if (file_bytes_ == nullptr) return;
  double total = 0;
  struct stat st;
  for (const std::string& file : {options_.path, options_.path + "-wal"}) {
    if (::stat(file.c_str(), &st) == 0) total += static_cast<double>(st.st_size);
  }
  file_bytes_->Set(total);
}

}  // namespace crm::db
