// Tests of crm::db::Database and Connection against real SQLite files.
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <prometheus/registry.h>
#include <sqlite3.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/db/database.h"

namespace crm::db {
namespace {

// A fresh folder under the temp dir, removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "crm_db_test_XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

const std::vector<Migration> kItemsSchema = {
    {1, "items", "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL);"},
    {2, "items.note", "ALTER TABLE items ADD COLUMN note TEXT;"},
};

std::unique_ptr<Database> MustOpen(const DatabaseOptions& options,
                                   const std::vector<Migration>& migrations) {
  auto db = Database::Open(options, migrations);
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  return std::move(db).value();
}

std::unique_ptr<Database> MustOpen(const std::string& path,
                                   const std::vector<Migration>& migrations = kItemsSchema) {
  DatabaseOptions options;
  options.path = path;
  return MustOpen(options, migrations);
}

// Reads the file with its own plain connection, bypassing Database.
int RawUserVersion(const std::string& path) {
  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  return raw.execAndGet("PRAGMA user_version").getInt();
}

bool RawTableExists(const std::string& path, const std::string& table) {
  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  SQLite::Statement q(raw, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, table);
  REQUIRE(q.executeStep());
  return q.getColumn(0).getInt() == 1;
}

std::vector<std::string> RawColumns(const std::string& path, const std::string& table) {
  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  SQLite::Statement q(raw, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
  q.bind(1, table);
  std::vector<std::string> columns;
  while (q.executeStep()) columns.push_back(q.getColumn(0).getString());
  return columns;
}

int64_t CountItems(Database& db) {
  int64_t count = -1;
  const absl::Status s = db.Read([&](Connection& c) {
    SQLite::Statement& q = c.Prepare("SELECT count(*) FROM items");
    if (!q.executeStep()) return absl::InternalError("no row");
    count = q.getColumn(0).getInt64();
    q.reset();
    return absl::OkStatus();
  });
  REQUIRE(s.ok());
  return count;
}

std::set<int64_t> ItemIds(Database& db) {
  std::set<int64_t> ids;
  const absl::Status s = db.Read([&](Connection& c) {
    SQLite::Statement& q = c.Prepare("SELECT id FROM items");
    while (q.executeStep()) ids.insert(q.getColumn(0).getInt64());
    return absl::OkStatus();
  });
  REQUIRE(s.ok());
  return ids;
}

absl::Status InsertItem(Database& db, int64_t id, const std::string& label) {
  return db.Write([id, label](Connection& c) {
    c.Run("INSERT INTO items (id, label) VALUES (?1, ?2)", {id, label});
    return absl::OkStatus();
  });
}

const prometheus::ClientMetric* FindMetric(const std::vector<prometheus::MetricFamily>& families,
                                           const std::string& name) {
  for (const auto& family : families) {
    if (family.name == name && !family.metric.empty()) return &family.metric.front();
  }
  return nullptr;
}

}  // namespace

TEST_CASE("Open applies migrations in order and records user_version", "[database]") {
  ScratchDir dir;
  const std::string path = dir.File("a.db");
  {
    auto db = MustOpen(path);
    CHECK(db->schema_version() == 2);
    CHECK(db->path() == path);
  }
  CHECK(RawUserVersion(path) == 2);
  // Migration 2 ran after migration 1: the column it adds is there.
  CHECK(RawColumns(path, "items") == std::vector<std::string>{"id", "label", "note"});
}

TEST_CASE("Open with no migrations leaves a new file at version 0", "[database]") {
  ScratchDir dir;
  const std::string path = dir.File("empty.db");
  {
    auto db = MustOpen(path, {});
    CHECK(db->schema_version() == 0);
  }
  CHECK(RawUserVersion(path) == 0);
}

TEST_CASE("Reopening does not re-run applied migrations", "[database]") {
  ScratchDir dir;
  const std::string path = dir.File("a.db");
  {
    auto db = MustOpen(path);
    REQUIRE(InsertItem(*db, 1, "kept").ok());
  }
  // CREATE TABLE and ADD COLUMN would fail if they ran a second time.
  {
    auto db = MustOpen(path);
    CHECK(db->schema_version() == 2);
    CHECK(CountItems(*db) == 1);
  }
  // A new migration is applied on its own on top of the existing ones.
  std::vector<Migration> extended = kItemsSchema;
  extended.push_back({3, "tags", "CREATE TABLE tags (item_id INTEGER, tag TEXT);"});
  {
    auto db = MustOpen(path, extended);
    CHECK(db->schema_version() == 3);
    CHECK(CountItems(*db) == 1);
  }
  CHECK(RawUserVersion(path) == 3);
  CHECK(RawTableExists(path, "tags"));
}

TEST_CASE("A failing migration leaves user_version and schema unchanged", "[database]") {
  ScratchDir dir;
  const std::string path = dir.File("a.db");
  {
    auto db = MustOpen(path, {kItemsSchema[0]});
    REQUIRE(InsertItem(*db, 7, "before").ok());
  }
  REQUIRE(RawUserVersion(path) == 1);

  // Migration 2 creates a table and alters another, then fails.
  std::vector<Migration> broken = {
      kItemsSchema[0],
      {2, "broken",
       "CREATE TABLE half_done (x INTEGER);"
       "ALTER TABLE items ADD COLUMN note TEXT;"
       "INSERT INTO no_such_table VALUES (1);"},
  };
  auto failed = Database::Open(DatabaseOptions{path}, broken);
  REQUIRE_FALSE(failed.ok());
  INFO(failed.status().ToString());
  CHECK(failed.status().message().find("no_such_table") != absl::string_view::npos);

  CHECK(RawUserVersion(path) == 1);
  CHECK_FALSE(RawTableExists(path, "half_done"));
  CHECK(RawColumns(path, "items") == std::vector<std::string>{"id", "label"});

  // The file is still usable with the migrations it has.
  auto db = MustOpen(path, {kItemsSchema[0]});
  CHECK(db->schema_version() == 1);
  CHECK(ItemIds(*db) == std::set<int64_t>{7});
}

TEST_CASE("A file with a newer schema than the code is refused", "[database]") {
  ScratchDir dir;
  const std::string path = dir.File("newer.db");
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE future (x INTEGER); PRAGMA user_version = 5;");
  }
  auto db = Database::Open(DatabaseOptions{path}, kItemsSchema);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(db.status().message().find("5") != absl::string_view::npos);
  // Nothing was applied to it.
  CHECK(RawUserVersion(path) == 5);
  CHECK_FALSE(RawTableExists(path, "items"));
}

TEST_CASE("Migration versions must follow one another", "[database]") {
  ScratchDir dir;
  const std::string path = dir.File("gap.db");
  std::vector<Migration> gap = {kItemsSchema[0], {3, "skips 2", "CREATE TABLE t3 (x);"}};
  auto db = Database::Open(DatabaseOptions{path}, gap);
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == absl::StatusCode::kInternal);
  CHECK_FALSE(RawTableExists(path, "t3"));
}

TEST_CASE("Writer and reader connections use WAL, foreign keys and synchronous=FULL",
          "[database]") {
  ScratchDir dir;
  DatabaseOptions options;
  options.path = dir.File("pragmas.db");
  options.reader_connections = 3;
  auto db = MustOpen(options, kItemsSchema);

  struct Pragmas {
    std::string journal_mode;
    int foreign_keys = -1;
    int synchronous = -1;
  };
  auto read_pragmas = [](Connection& c) {
    Pragmas p;
    p.journal_mode = c.raw().execAndGet("PRAGMA journal_mode").getString();
    p.foreign_keys = c.raw().execAndGet("PRAGMA foreign_keys").getInt();
    p.synchronous = c.raw().execAndGet("PRAGMA synchronous").getInt();
    return p;
  };

  Pragmas writer;
  REQUIRE(db->Write([&](Connection& c) {
                writer = read_pragmas(c);
                return absl::OkStatus();
              }).ok());
  CHECK(writer.journal_mode == "wal");
  CHECK(writer.foreign_keys == 1);
  CHECK(writer.synchronous == 2);

  // Hold every reader at once so that each connection of the pool is seen.
  std::mutex mu;
  std::condition_variable cv;
  int inside = 0;
  std::vector<Pragmas> readers;
  std::set<Connection*> connections;
  std::vector<std::thread> threads;
  std::vector<absl::Status> results(options.reader_connections);
  for (int i = 0; i < options.reader_connections; ++i) {
    threads.emplace_back([&, i] {
      results[i] = db->Read([&](Connection& c) {
        Pragmas p = read_pragmas(c);
        std::unique_lock<std::mutex> lock(mu);
        readers.push_back(p);
        connections.insert(&c);
        ++inside;
        cv.notify_all();
        cv.wait(lock, [&] { return inside == options.reader_connections; });
        return absl::OkStatus();
      });
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) CHECK(r.ok());
  CHECK(connections.size() == static_cast<size_t>(options.reader_connections));
  REQUIRE(readers.size() == static_cast<size_t>(options.reader_connections));
  for (const Pragmas& p : readers) {
    CHECK(p.journal_mode == "wal");
    CHECK(p.foreign_keys == 1);
    CHECK(p.synchronous == 2);
  }
}

TEST_CASE("Foreign keys are enforced on writes", "[database]") {
  ScratchDir dir;
  std::vector<Migration> schema = {
      {1, "parent/child",
       "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
       "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
       "REFERENCES parent(id));"},
  };
  auto db = MustOpen(dir.File("fk.db"), schema);
  const absl::Status orphan = db->Write([](Connection& c) {
    c.Run("INSERT INTO child (id, parent_id) VALUES (1, 99)", {});
    return absl::OkStatus();
  });
  CHECK(orphan.code() == absl::StatusCode::kInternal);
  CHECK(orphan.message().find("FOREIGN KEY") != absl::string_view::npos);

  int64_t children = -1;
  REQUIRE(db->Read([&](Connection& c) {
                SQLite::Statement& q = c.Prepare("SELECT count(*) FROM child");
                REQUIRE(q.executeStep());
                children = q.getColumn(0).getInt64();
                q.reset();
                return absl::OkStatus();
              }).ok());
  CHECK(children == 0);
}

TEST_CASE("A committed Write is seen by a later Read", "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("rw.db"));
  int64_t rowid = 0;
  int changed = 0;
  REQUIRE(db->Write([&](Connection& c) {
                changed = c.Run("INSERT INTO items (label, note) VALUES (?1, ?2)",
                                {std::string("first"), SqlValue{}});
                rowid = c.LastInsertRowId();
                return absl::OkStatus();
              }).ok());
  CHECK(changed == 1);
  CHECK(rowid == 1);

  std::string label;
  bool note_is_null = false;
  REQUIRE(db->Read([&](Connection& c) {
                SQLite::Statement& q =
                    c.Prepare("SELECT label, note FROM items WHERE id = ?1", {rowid});
                REQUIRE(q.executeStep());
                label = q.getColumn(0).getString();
                note_is_null = q.getColumn(1).isNull();
                q.reset();
                return absl::OkStatus();
              }).ok());
  CHECK(label == "first");
  CHECK(note_is_null);

  // Each SqlValue alternative binds as its SQLite type.
  std::vector<std::string> types;
  REQUIRE(db->Read([&](Connection& c) {
                SQLite::Statement& q = c.Prepare("SELECT typeof(?1), typeof(?2), typeof(?3), typeof(?4)",
                                                 {SqlValue{}, int64_t{42}, 2.5, std::string("x")});
                REQUIRE(q.executeStep());
                for (int i = 0; i < 4; ++i) types.push_back(q.getColumn(i).getString());
                q.reset();
                return absl::OkStatus();
              }).ok());
  CHECK(types == std::vector<std::string>{"null", "integer", "real", "text"});
}

// Known bug (see the report): a cached statement that a Read leaves
// half-stepped keeps that reader's snapshot open, so later Reads on the same
// connection miss newer commits. Allowed to fail until database.cc resets the
// cached statements after each work.
TEST_CASE("A Read that leaves a statement unfinished does not pin its snapshot",
          "[database]") {
  ScratchDir dir;
  DatabaseOptions options;
  options.path = dir.File("snapshot.db");
  options.reader_connections = 1;  // every Read uses the same connection
  auto db = MustOpen(options, kItemsSchema);
  REQUIRE(InsertItem(*db, 1, "a").ok());
  REQUIRE(InsertItem(*db, 2, "b").ok());
  // Reads the first row only, as a "find one" helper would.
  REQUIRE(db->Read([](Connection& c) {
                SQLite::Statement& q = c.Prepare("SELECT id FROM items ORDER BY id");
                REQUIRE(q.executeStep());
                return absl::OkStatus();
              }).ok());
  REQUIRE(InsertItem(*db, 3, "c").ok());
  CHECK(CountItems(*db) == 3);
}

TEST_CASE("Read returns the work's error and turns exceptions into INTERNAL", "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("read.db"));
  const absl::Status mine = db->Read([](Connection&) { return absl::NotFoundError("nope"); });
  CHECK(mine == absl::NotFoundError("nope"));
  const absl::Status thrown = db->Read([](Connection& c) {
    c.Prepare("SELECT * FROM no_such_table");
    return absl::OkStatus();
  });
  CHECK(thrown.code() == absl::StatusCode::kInternal);
  // The connection went back to the pool in a usable state.
  CHECK(CountItems(*db) == 0);
}

TEST_CASE("Read connections cannot write", "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("ro.db"));
  const absl::Status s = db->Read([](Connection& c) {
    c.Run("INSERT INTO items (label) VALUES ('sneaky')", {});
    return absl::OkStatus();
  });
  CHECK(s.code() == absl::StatusCode::kInternal);
  CHECK(CountItems(*db) == 0);
}

TEST_CASE("A failing Write leaves nothing behind while its group commits", "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("group.db"));
  constexpr int kWrites = 50;
  std::vector<absl::Status> results(kWrites);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWrites; ++i) {
    threads.emplace_back([&, i] {
      results[i] = db->Write([i](Connection& c) {
        c.Run("INSERT INTO items (id, label) VALUES (?1, ?2)",
              {int64_t{i}, absl::StrCat("item ", i)});
        if (i % 5 == 0) return absl::FailedPreconditionError(absl::StrCat("write ", i, " fails"));
        // A second statement, so a failed write's first insert is not the only one seen.
        c.Run("UPDATE items SET note = 'ok' WHERE id = ?1", {int64_t{i}});
        return absl::OkStatus();
      });
    });
  }
  for (auto& t : threads) t.join();

  std::set<int64_t> expected;
  for (int i = 0; i < kWrites; ++i) {
    INFO("write " << i << ": " << results[i].ToString());
    if (i % 5 == 0) {
      CHECK(results[i] == absl::FailedPreconditionError(absl::StrCat("write ", i, " fails")));
    } else {
      CHECK(results[i].ok());
      expected.insert(i);
    }
  }
  REQUIRE(expected.size() == 40);
  CHECK(ItemIds(*db) == expected);
  int64_t noted = -1;
  REQUIRE(db->Read([&](Connection& c) {
                SQLite::Statement& q = c.Prepare("SELECT count(*) FROM items WHERE note = 'ok'");
                REQUIRE(q.executeStep());
                noted = q.getColumn(0).getInt64();
                q.reset();
                return absl::OkStatus();
              }).ok());
  CHECK(noted == 40);
}

TEST_CASE("A Write that throws a SQLite exception is INTERNAL and rolled back", "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("throw.db"));
  REQUIRE(InsertItem(*db, 1, "existing").ok());

  SECTION("error from SQLite itself") {
    const absl::Status s = db->Write([](Connection& c) {
      c.Run("INSERT INTO items (id, label) VALUES (2, 'new')", {});
      c.Run("INSERT INTO items (id, label) VALUES (1, 'duplicate')", {});  // PRIMARY KEY
      return absl::OkStatus();
    });
    CHECK(s.code() == absl::StatusCode::kInternal);
    CHECK(s.message().find("UNIQUE") != absl::string_view::npos);
  }
  SECTION("SQLite::Exception thrown by the work") {
    const absl::Status s = db->Write([](Connection& c) -> absl::Status {
      c.Run("INSERT INTO items (id, label) VALUES (2, 'new')", {});
      throw SQLite::Exception("thrown by hand", SQLITE_ERROR);
    });
    CHECK(s.code() == absl::StatusCode::kInternal);
    CHECK(s.message().find("thrown by hand") != absl::string_view::npos);
  }
  SECTION("other exception") {
    const absl::Status s = db->Write([](Connection& c) -> absl::Status {
      c.Run("INSERT INTO items (id, label) VALUES (2, 'new')", {});
      throw std::runtime_error("boom");
    });
    CHECK(s.code() == absl::StatusCode::kInternal);
    CHECK(s.message().find("boom") != absl::string_view::npos);
  }
  CHECK(ItemIds(*db) == std::set<int64_t>{1});
  // The writer carries on.
  CHECK(InsertItem(*db, 3, "after").ok());
  CHECK(ItemIds(*db) == std::set<int64_t>{1, 3});
}

TEST_CASE("StatusFromSqliteException maps busy to UNAVAILABLE", "[database]") {
  CHECK(StatusFromSqliteException(SQLite::Exception("locked", SQLITE_BUSY)).code() ==
        absl::StatusCode::kUnavailable);
  CHECK(StatusFromSqliteException(SQLite::Exception("locked", SQLITE_LOCKED)).code() ==
        absl::StatusCode::kUnavailable);
  CHECK(StatusFromSqliteException(SQLite::Exception("bad", SQLITE_CONSTRAINT)).code() ==
        absl::StatusCode::kInternal);
  CHECK(StatusFromSqliteException(std::runtime_error("x")).code() == absl::StatusCode::kInternal);
}

TEST_CASE("Concurrent writes are committed in groups", "[database]") {
  ScratchDir dir;
  prometheus::Registry registry;
  DatabaseOptions options;
  options.path = dir.File("metrics.db");
  options.metrics = &registry;
  auto db = MustOpen(options, kItemsSchema);

  constexpr int kThreads = 16;
  constexpr int kWrites = 200;
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < kWrites; i = next++) {
        if (!InsertItem(*db, i, "x").ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(CountItems(*db) == kWrites);

  const auto families = registry.Collect();
  const prometheus::ClientMetric* group_size = FindMetric(families, "crm_sqlite_group_commit_size");
  const prometheus::ClientMetric* commit_seconds = FindMetric(families, "crm_sqlite_commit_seconds");
  const prometheus::ClientMetric* bytes = FindMetric(families, "crm_sqlite_database_bytes");
  REQUIRE(group_size != nullptr);
  REQUIRE(commit_seconds != nullptr);
  REQUIRE(bytes != nullptr);
  // Every write is in exactly one group, and fewer groups than writes.
  CHECK(group_size->histogram.sample_sum == Approx(kWrites));
  CHECK(group_size->histogram.sample_count < static_cast<uint64_t>(kWrites));
  CHECK(group_size->histogram.sample_count >= 1);
  CHECK(commit_seconds->histogram.sample_count == group_size->histogram.sample_count);
  CHECK(bytes->gauge.value > 0);
}

TEST_CASE("Commit listeners are called after commits that wrote something", "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("listen.db"));
  std::mutex mu;
  std::vector<int64_t> seen_counts;  // rows committed when each call happened
  const std::string path = db->path();
  const int handle = db->AddCommitListener([&] {
    // The commit is visible to an independent connection when the listener runs.
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    const int64_t count = raw.execAndGet("SELECT count(*) FROM items").getInt64();
    std::lock_guard<std::mutex> lock(mu);
    seen_counts.push_back(count);
  });
  int removed_calls = 0;
  const int removed = db->AddCommitListener([&] { ++removed_calls; });
  CHECK(removed != handle);
  db->RemoveCommitListener(removed);

  REQUIRE(InsertItem(*db, 1, "a").ok());
  // A group in which every write failed commits nothing worth announcing.
  CHECK_FALSE(db->Write([](Connection& c) {
                  c.Run("INSERT INTO items (id, label) VALUES (2, 'b')", {});
                  return absl::AbortedError("changed my mind");
                }).ok());
  REQUIRE(InsertItem(*db, 3, "c").ok());
  // Close joins the writer thread: every listener call has returned.
  db->Close();

  std::lock_guard<std::mutex> lock(mu);
  CHECK(seen_counts == std::vector<int64_t>{1, 2});
  CHECK(removed_calls == 0);
}

TEST_CASE("Write after Close is UNAVAILABLE", "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("close.db"));
  REQUIRE(InsertItem(*db, 1, "before").ok());
  db->Close();
  bool ran = false;
  const absl::Status s = db->Write([&](Connection&) {
    ran = true;
    return absl::OkStatus();
  });
  CHECK(s.code() == absl::StatusCode::kUnavailable);
  CHECK_FALSE(ran);
  db->Close();  // a second Close is harmless
  db.reset();   // and so is the destructor after it
  auto reopened = MustOpen(dir.File("close.db"));
  CHECK(ItemIds(*reopened) == std::set<int64_t>{1});
}

TEST_CASE("Close finishes the writes already queued", "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("drain.db"));
  std::mutex mu;
  std::condition_variable cv;
  bool first_started = false;
  bool release_first = false;
  // The first write holds the writer until the others are queued and Close
  // has been called.
  std::thread first([&] {
    CHECK(db->Write([&](Connection& c) {
                c.Run("INSERT INTO items (id, label) VALUES (0, 'first')", {});
                std::unique_lock<std::mutex> lock(mu);
                first_started = true;
                cv.notify_all();
                cv.wait(lock, [&] { return release_first; });
                return absl::OkStatus();
              }).ok());
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return first_started; });
  }
  std::atomic<int> queued_ok{0};
  std::vector<std::thread> queued;
  for (int i = 1; i <= 5; ++i) {
    queued.emplace_back([&, i] {
      if (InsertItem(*db, i, "queued").ok()) ++queued_ok;
    });
  }
  // Closing while writes are pending must not lose them; let the first go so
  // that Close can drain.
  std::thread closer([&] { db->Close(); });
  {
    std::lock_guard<std::mutex> lock(mu);
    release_first = true;
  }
  cv.notify_all();
  first.join();
  for (auto& t : queued) t.join();
  closer.join();
  // Each queued write either got in before Close (and was committed) or was
  // refused; none is lost or half done.
  auto reopened = MustOpen(dir.File("drain.db"));
  const std::set<int64_t> ids = ItemIds(*reopened);
  CHECK(ids.count(0) == 1);
  CHECK(static_cast<int>(ids.size()) == 1 + queued_ok.load());
}

// Known bug (see the report): Connection::Prepare resets a cached statement
// with SQLite::Statement::reset(), which throws the error of the statement's
// previous (failed) run, so the next, unrelated use of the same SQL fails.
// Allowed to fail until Prepare uses tryReset().
TEST_CASE("A failed statement does not fail the next use of the same SQL",
          "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("failed_stmt.db"));
  REQUIRE(InsertItem(*db, 1, "a").ok());
  // Same SQL as InsertItem; the duplicate key makes its exec throw.
  const absl::Status duplicate = InsertItem(*db, 1, "again");
  CHECK(duplicate.code() == absl::StatusCode::kInternal);
  const absl::Status next = InsertItem(*db, 2, "b");
  INFO(next.ToString());
  CHECK(next.ok());
  CHECK(ItemIds(*db) == std::set<int64_t>{1, 2});
}

TEST_CASE("The statement cache returns the same statement, reset and unbound", "[database]") {
  ScratchDir dir;
  auto db = MustOpen(dir.File("cache.db"));
  // Read runs the work on this thread, so REQUIRE may stop it.
  REQUIRE(db->Read([](Connection& c) {
                SQLite::Statement& first = c.Prepare("SELECT ?1, ?2");
                first.bind(1, int64_t{7});
                first.bind(2, "seven");
                REQUIRE(first.executeStep());
                CHECK(first.getColumn(0).getInt64() == 7);
                CHECK(first.getColumn(1).getString() == "seven");

                // Same SQL: same object, reset (steppable again) and with no bindings left.
                SQLite::Statement& again = c.Prepare("SELECT ?1, ?2");
                CHECK(&again == &first);
                REQUIRE(again.executeStep());
                CHECK(again.getColumn(0).isNull());
                CHECK(again.getColumn(1).isNull());

                // Other SQL: another statement.
                SQLite::Statement& other = c.Prepare("SELECT ?1");
                CHECK(&other != &first);

                // Prepare with params binds them to the cached statement.
                SQLite::Statement& bound = c.Prepare("SELECT ?1, ?2", {int64_t{1}, std::string("one")});
                CHECK(&bound == &first);
                REQUIRE(bound.executeStep());
                CHECK(bound.getColumn(0).getInt64() == 1);
                CHECK(bound.getColumn(1).getString() == "one");
                CHECK_FALSE(bound.executeStep());
                return absl::OkStatus();
              }).ok());

  // Run reuses the writer's cache and reports the changed rows. (No REQUIRE
  // here: a Write's work runs on the writer thread.)
  std::vector<int> changed;
  REQUIRE(db->Write([&](Connection& c) {
                const std::string insert = "INSERT INTO items (id, label) VALUES (?1, ?2)";
                changed.push_back(c.Run(insert, {int64_t{1}, std::string("a")}));
                SQLite::Statement* cached = &c.Prepare(insert);
                changed.push_back(c.Run(insert, {int64_t{2}, std::string("b")}));
                if (&c.Prepare(insert) != cached) return absl::InternalError("not cached");
                changed.push_back(c.Run("UPDATE items SET note = ?1", {std::string("n")}));
                changed.push_back(c.Run("DELETE FROM items WHERE id = ?1", {int64_t{99}}));
                return absl::OkStatus();
              }).ok());
  CHECK(changed == std::vector<int>{1, 1, 2, 0});
  CHECK(ItemIds(*db) == std::set<int64_t>{1, 2});
}

}  // namespace crm::db
