// Tests of the SQLite wrapper (core/sqlite.h), migrations and the read pool.
// Every check of what was written reads it back from the file through a
// second connection.
#include "core/sqlite.h"

#include <array>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/migrations.h"
#include "core/read_pool.h"
#include "core/checkpointer.h"
#include "core/search.h"
#include "tests/core/temp_db.h"

namespace wf::db {
namespace {

using wf::testing::CommittedRows;
using wf::testing::OpenDb;
using wf::testing::OpenMigratedDb;
using wf::testing::QueryInt;
using wf::testing::QueryText;
using wf::testing::TempDb;

constexpr char kCreateItemsSql[] =
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INTEGER)";

void InsertItem(Database& db, int64_t id, std::string_view name) {
  auto st = db.Prepare("INSERT INTO items (id, name) VALUES (?, ?)");
  REQUIRE(st.ok());
  st->BindAll(id, name);
  Status run = st->Run();
  INFO(run.ToString());
  REQUIRE(run.ok());
}

// Ids in `items`, in order, as another connection sees them.
std::vector<int64_t> CommittedIds(const std::string& path) {
  auto db = OpenDb(path);
  auto st = db->Prepare("SELECT id FROM items ORDER BY id");
  REQUIRE(st.ok());
  std::vector<int64_t> ids;
  for (;;) {
    auto row = st->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    ids.push_back(st->Int64(0));
  }
  return ids;
}

TEST_CASE("Database: opening a new path creates the file in WAL mode with FULL sync", "[core]") {
  TempDb tmp;
  REQUIRE_FALSE(std::filesystem::exists(tmp.path()));
  auto db = OpenDb(tmp.path());
  CHECK(std::filesystem::exists(tmp.path()));
  CHECK(QueryText(*db, "PRAGMA journal_mode") == "wal");
  CHECK(QueryInt(*db, "PRAGMA synchronous") == 2);  // FULL
  CHECK(QueryInt(*db, "PRAGMA foreign_keys") == 1);
  // WAL is a property of the file: a second connection sees it too.
  auto other = OpenDb(tmp.path(), OpenOptions{.read_only = true});
  CHECK(QueryText(*other, "PRAGMA journal_mode") == "wal");
}

TEST_CASE("Database: opening a missing file without create fails and creates nothing", "[core]") {
  TempDb tmp;
  auto db = Database::Open(tmp.path(), OpenOptions{.create = false});
  REQUIRE_FALSE(db.ok());
  CHECK(db.status().code() == StatusCode::kUnavailable);
  CHECK_FALSE(std::filesystem::exists(tmp.path()));
}

TEST_CASE("Database: a read-only connection cannot write", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  auto ro = OpenDb(tmp.path(), OpenOptions{.read_only = true});
  CHECK_FALSE(ro->Exec("INSERT INTO items (id, name) VALUES (1, 'x')").ok());
  CHECK(CommittedRows(tmp.path(), "items") == 0);
}

TEST_CASE("Database: foreign keys are enforced", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                   "CREATE TABLE child (parent_id INTEGER REFERENCES parent(id))")
              .ok());
  CHECK_FALSE(db->Exec("INSERT INTO child (parent_id) VALUES (42)").ok());
  CHECK(CommittedRows(tmp.path(), "child") == 0);
}

TEST_CASE("Statement: text, integers, reals, NULL and optionals round-trip through the file",
          "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec("CREATE TABLE v (id INTEGER PRIMARY KEY, t TEXT, i INTEGER, r REAL, "
                   "ot TEXT, oi INTEGER, b BLOB)")
              .ok());
  struct Row {
    int64_t id;
    std::string text;
    int64_t integer;
    double real;
    std::optional<std::string> opt_text;
    std::optional<int64_t> opt_int;
  };
  const std::vector<Row> rows = {
      {1, "plain ascii", 0, 0.0, std::nullopt, std::nullopt},
      {2, "h\xC3\xA9llo w\xC3\xB6rld \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x9A\xA8",
       std::numeric_limits<int64_t>::max(), 0.1, std::string("x"), int64_t{-1}},
      {3, "", std::numeric_limits<int64_t>::min(), -1e300, std::string(""), int64_t{0}},
      {4, "quote ' double \" backslash \\ percent %", -1, 1.5, std::nullopt,
       std::numeric_limits<int64_t>::min()},
  };
  for (const Row& r : rows) {
    auto st = db->Prepare("INSERT INTO v (id, t, i, r, ot, oi) VALUES (?, ?, ?, ?, ?, ?)");
    REQUIRE(st.ok());
    st->BindAll(r.id, r.text, r.integer, r.real, r.opt_text, r.opt_int);
    REQUIRE(st->Run().ok());
  }

  auto check = OpenDb(tmp.path());
  auto st = check->Prepare("SELECT id, t, i, r, ot, oi FROM v ORDER BY id");
  REQUIRE(st.ok());
  for (const Row& r : rows) {
    auto row = st->Step();
    REQUIRE(row.ok());
    REQUIRE(*row);
    INFO("row " << r.id);
    CHECK(st->Int64(0) == r.id);
    CHECK(st->Text(1) == r.text);
    CHECK_FALSE(st->IsNull(1));
    CHECK(st->Int64(2) == r.integer);
    CHECK(st->Double(3) == r.real);
    CHECK(st->OptText(4) == r.opt_text);
    CHECK(st->IsNull(4) == !r.opt_text.has_value());
    CHECK(st->OptInt64(5) == r.opt_int);
  }
  auto end = st->Step();
  REQUIRE(end.ok());
  CHECK_FALSE(*end);
}

TEST_CASE("Statement: bool, int and NULL binds store what they say", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec("CREATE TABLE v (a INTEGER, b INTEGER, c INTEGER, d TEXT)").ok());
  auto st = db->Prepare("INSERT INTO v (a, b, c, d) VALUES (?, ?, ?, ?)");
  REQUIRE(st.ok());
  st->Bind(1, true).Bind(2, false).Bind(3, 42).BindNull(4);
  REQUIRE(st->Run().ok());
  auto check = OpenDb(tmp.path());
  CHECK(QueryInt(*check, "SELECT a FROM v") == 1);
  CHECK(QueryInt(*check, "SELECT b FROM v") == 0);
  CHECK(QueryInt(*check, "SELECT c FROM v") == 42);
  CHECK(QueryInt(*check, "SELECT d IS NULL FROM v") == 1);
}

TEST_CASE("Statement: a blob with NUL bytes round-trips byte for byte", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec("CREATE TABLE v (b BLOB)").ok());
  const std::string bytes("a\0b\xff\x00z", 6);
  auto st = db->Prepare("INSERT INTO v (b) VALUES (?)");
  REQUIRE(st.ok());
  st->BindBlob(1, bytes);
  REQUIRE(st->Run().ok());
  auto check = OpenDb(tmp.path());
  CHECK(QueryInt(*check, "SELECT length(b) FROM v") == 6);
  CHECK(QueryText(*check, "SELECT b FROM v") == bytes);
}

TEST_CASE("Statement: an empty string_view binds an empty text, not NULL", "[core]") {
  // Bug report: sqlite3_bind_text64 binds NULL when given a null pointer, and
  // a default-constructed std::string_view has data() == nullptr.
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec("CREATE TABLE v (t TEXT NOT NULL)").ok());
  auto st = db->Prepare("INSERT INTO v (t) VALUES (?)");
  REQUIRE(st.ok());
  st->Bind(1, std::string_view());
  Status run = st->Run();
  INFO(run.ToString());
  REQUIRE(run.ok());
  auto check = OpenDb(tmp.path());
  CHECK(QueryInt(*check, "SELECT COUNT(*) FROM v WHERE t = ''") == 1);
}

TEST_CASE("Statement: Sql() shows the statement with its bound values", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  auto st = db->Prepare("SELECT id FROM items WHERE name = ?");
  REQUIRE(st.ok());
  st->Bind(1, "needle");
  CHECK(st->Sql() == "SELECT id FROM items WHERE name = 'needle'");
}

TEST_CASE("Database: malformed SQL is an error, not a crash", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  auto st = db->Prepare("SELEC nothing FROM");
  CHECK_FALSE(st.ok());
  CHECK_FALSE(db->Exec("CREATE TABLE (").ok());
  static constexpr char kBadSql[] = "SELECT * FROM no_such_table";
  CHECK_FALSE(db->Cached(kBadSql).ok());
}

TEST_CASE("Transaction: the destructor rolls back what was not committed", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  {
    Transaction tx(*db);
    REQUIRE(tx.Begin().ok());
    InsertItem(*db, 1, "one");
    InsertItem(*db, 2, "two");
    // Inside the transaction the writer sees its rows; others do not yet.
    CHECK(QueryInt(*db, "SELECT COUNT(*) FROM items") == 2);
    CHECK(CommittedRows(tmp.path(), "items") == 0);
  }
  CHECK(QueryInt(*db, "SELECT COUNT(*) FROM items") == 0);
  CHECK(CommittedRows(tmp.path(), "items") == 0);
  // The connection is usable again: no transaction was left open.
  InsertItem(*db, 3, "three");
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{3});
}

TEST_CASE("Transaction: a committed transaction is visible to another connection", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  {
    Transaction tx(*db);
    REQUIRE(tx.Begin().ok());
    InsertItem(*db, 1, "one");
    InsertItem(*db, 2, "two");
    REQUIRE(tx.Commit().ok());
  }  // the destructor after a commit must not roll anything back
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{1, 2});
}

TEST_CASE("Transaction: BEGIN IMMEDIATE takes the write lock at once", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  Transaction tx(*db);
  REQUIRE(tx.Begin().ok());
  // A second writer cannot start while the first holds the lock, even though
  // the first has written nothing yet.
  auto other = OpenDb(tmp.path(), OpenOptions{.busy_timeout_ms = 0});
  Status second = other->Exec("BEGIN IMMEDIATE");
  CHECK(second.code() == StatusCode::kUnavailable);
}

TEST_CASE("Savepoint: a savepoint rolls back alone inside a transaction, nested too", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  {
    Transaction tx(*db);
    REQUIRE(tx.Begin().ok());
    InsertItem(*db, 1, "kept before");
    {
      Savepoint sp(*db);
      REQUIRE(sp.Begin().ok());
      InsertItem(*db, 2, "released");
      REQUIRE(sp.Release().ok());
    }
    {
      Savepoint sp(*db);
      REQUIRE(sp.Begin().ok());
      InsertItem(*db, 3, "rolled back");
    }
    {
      Savepoint outer(*db);
      REQUIRE(outer.Begin().ok());
      InsertItem(*db, 4, "outer kept");
      {
        Savepoint inner(*db);
        REQUIRE(inner.Begin().ok());
        InsertItem(*db, 5, "inner rolled back");
      }
      REQUIRE(outer.Release().ok());
    }
    InsertItem(*db, 6, "kept after");
    REQUIRE(tx.Commit().ok());
  }
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{1, 2, 4, 6});
}

TEST_CASE("Database: Cached() returns the same statement reset and unbound each time", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  InsertItem(*db, 1, "a");
  InsertItem(*db, 2, "b");
  InsertItem(*db, 3, "c");
  static constexpr char kSql[] = "SELECT id FROM items WHERE id >= ? ORDER BY id";

  auto first = db->Cached(kSql);
  REQUIRE(first.ok());
  (*first)->Bind(1, 2);
  auto row = (*first)->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  CHECK((*first)->Int64(0) == 2);  // left in the middle of its rows on purpose

  auto second = db->Cached(kSql);
  REQUIRE(second.ok());
  CHECK(*second == *first);
  // Bindings were cleared: "id >= NULL" matches nothing. Had the statement
  // not been reset, this step would have produced id 3.
  row = (*second)->Step();
  REQUIRE(row.ok());
  CHECK_FALSE(*row);

  auto third = db->Cached(kSql);
  REQUIRE(third.ok());
  (*third)->Bind(1, 1);
  row = (*third)->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  CHECK((*third)->Int64(0) == 1);  // from the first row again
}

TEST_CASE("Database: Cached() tells statements apart by their text, not their address",
          "[core]") {
  // Bug report: the cache is keyed by the `const char*` value, so SQL built in
  // a reused buffer (or a std::string's c_str()) gets a stale statement.
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  char sql[32];
  std::strcpy(sql, "SELECT 1");
  auto first = db->Cached(sql);
  REQUIRE(first.ok());
  REQUIRE((*first)->Step().ok());
  CHECK((*first)->Int64(0) == 1);
  std::strcpy(sql, "SELECT 2");
  auto second = db->Cached(sql);
  REQUIRE(second.ok());
  auto row = (*second)->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  CHECK((*second)->Int64(0) == 2);
}

TEST_CASE("Database: a UNIQUE or PRIMARY KEY violation answers AlreadyExists and writes nothing",
          "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  InsertItem(*db, 1, "taken");

  auto dup_name = db->Prepare("INSERT INTO items (id, name) VALUES (2, 'taken')");
  REQUIRE(dup_name.ok());
  Status st = dup_name->Run();
  CHECK(st.code() == StatusCode::kAlreadyExists);

  auto dup_id = db->Prepare("INSERT INTO items (id, name) VALUES (1, 'free')");
  REQUIRE(dup_id.ok());
  CHECK(dup_id->Run().code() == StatusCode::kAlreadyExists);

  CHECK(db->Exec("INSERT INTO items (id, name) VALUES (3, 'taken')").code() ==
        StatusCode::kAlreadyExists);

  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{1});
}

TEST_CASE("Database: NOT NULL and foreign-key violations are not reported as AlreadyExists",
          "[core]") {
  // Bug report: MapError maps every SQLITE_CONSTRAINT to AlreadyExists (409
  // "already exists"), including NOT NULL, CHECK, FOREIGN KEY and RAISE(ABORT).
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                   "CREATE TABLE child (parent_id INTEGER REFERENCES parent(id), "
                   "note TEXT NOT NULL, n INTEGER CHECK (n > 0))")
              .ok());
  const std::array<const char*, 3> bad = {
      "INSERT INTO child (parent_id, note, n) VALUES (42, 'x', 1)",     // foreign key
      "INSERT INTO child (parent_id, note, n) VALUES (NULL, NULL, 1)",  // not null
      "INSERT INTO child (parent_id, note, n) VALUES (NULL, 'x', 0)",   // check
  };
  for (const char* sql : bad) {
    INFO(sql);
    auto st = db->Prepare(sql);
    REQUIRE(st.ok());
    Status run = st->Run();
    CHECK_FALSE(run.ok());
    CHECK(run.code() != StatusCode::kAlreadyExists);
  }
  CHECK(CommittedRows(tmp.path(), "child") == 0);
}

TEST_CASE("Database: SQL metacharacters in bound values are stored verbatim and drop nothing",
          "[core]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  const int64_t tables_before =
      QueryInt(*db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
  const std::string login = "'; DROP TABLE users; --";
  const std::string name = "Robert'); DROP TABLE audit_log;-- \" \\ %_";
  auto st = db->Prepare(
      "INSERT INTO users (login, name, role, password_hash, created_at, updated_at) "
      "VALUES (?, ?, 'l1', 'x', 0, 0)");
  REQUIRE(st.ok());
  st->BindAll(login, name);
  REQUIRE(st->Run().ok());

  auto check = OpenDb(tmp.path());
  CHECK(QueryInt(*check, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'") ==
        tables_before);
  CHECK(QueryText(*check, "SELECT login FROM users") == login);
  CHECK(QueryText(*check, "SELECT name FROM users") == name);
  CHECK(QueryInt(*check, "SELECT COUNT(*) FROM audit_log") == 0);

  // The same value in a WHERE clause matches itself and nothing else.
  auto find = check->Prepare("SELECT COUNT(*) FROM users WHERE login = ?");
  REQUIRE(find.ok());
  find->Bind(1, "' OR '1'='1");
  REQUIRE(find->Step().ok());
  CHECK(find->Int64(0) == 0);
  find->Reset();
  find->Bind(1, login);
  REQUIRE(find->Step().ok());
  CHECK(find->Int64(0) == 1);
}

TEST_CASE("Database: BackupTo writes a database with the same rows, replacing the file", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  {
    Transaction tx(*db);
    REQUIRE(tx.Begin().ok());
    for (int64_t i = 1; i <= 500; ++i) {
      InsertItem(*db, i, "item-" + std::to_string(i * 7919));
    }
    REQUIRE(tx.Commit().ok());
  }
  const std::string dest = tmp.File("backup.db");
  {
    auto stale = OpenDb(dest);
    REQUIRE(stale->Exec("CREATE TABLE stale (x); INSERT INTO stale VALUES (1)").ok());
  }
  Status st = db->BackupTo(dest);
  INFO(st.ToString());
  REQUIRE(st.ok());

  auto copy = OpenDb(dest);
  CHECK(QueryInt(*copy, "SELECT COUNT(*) FROM items") == 500);
  CHECK(QueryInt(*copy, "SELECT SUM(id) FROM items") == 500 * 501 / 2);
  CHECK(QueryText(*copy,
                  "SELECT group_concat(name, ',') FROM (SELECT name FROM items ORDER BY id)") ==
        QueryText(*db, "SELECT group_concat(name, ',') FROM (SELECT name FROM items ORDER BY id)"));
  CHECK(QueryInt(*copy, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'stale'") == 0);
  auto integrity = copy->IntegrityCheck();
  REQUIRE(integrity.ok());
  CHECK(*integrity == "ok");
}

TEST_CASE("Database: IntegrityCheck answers ok on a healthy database", "[core]") {
  TempDb tmp;
  auto db = OpenMigratedDb(tmp.path());
  auto integrity = db->IntegrityCheck();
  REQUIRE(integrity.ok());
  CHECK(*integrity == "ok");
  CHECK(db->Checkpoint().ok());
}

TEST_CASE("Database: user_version round-trips through the file", "[core]") {
  TempDb tmp;
  {
    auto db = OpenDb(tmp.path());
    auto v = db->UserVersion();
    REQUIRE(v.ok());
    CHECK(*v == 0);
    REQUIRE(db->SetUserVersion(17).ok());
  }
  auto db = OpenDb(tmp.path());
  auto v = db->UserVersion();
  REQUIRE(v.ok());
  CHECK(*v == 17);
}

TEST_CASE("Migrate: a fresh database is brought to the newest schema, once", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  int applied = -1;
  Status st = Migrate(*db, SchemaMigrations(), &applied);
  INFO(st.ToString());
  REQUIRE(st.ok());
  CHECK(applied == static_cast<int>(SchemaMigrations().size()));
  CHECK(LatestSchemaVersion() == SchemaMigrations().back().version);

  auto check = OpenDb(tmp.path());
  CHECK(QueryInt(*check, "PRAGMA user_version") == LatestSchemaVersion());
  for (const char* table : {"users", "sessions", "api_keys", "audit_log"}) {
    INFO(table);
    auto find =
        check->Prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    REQUIRE(find.ok());
    find->Bind(1, table);
    REQUIRE(find->Step().ok());
    CHECK(find->Int64(0) == 1);
  }
  const int64_t objects = QueryInt(*check, "SELECT COUNT(*) FROM sqlite_master");

  // Idempotent: a second run applies nothing and changes nothing.
  applied = -1;
  REQUIRE(Migrate(*db, SchemaMigrations(), &applied).ok());
  CHECK(applied == 0);
  CHECK(QueryInt(*check, "PRAGMA user_version") == LatestSchemaVersion());
  CHECK(QueryInt(*check, "SELECT COUNT(*) FROM sqlite_master") == objects);
}

TEST_CASE("Migrate: migrations are numbered 1, 2, 3, ... without gaps", "[core]") {
  int expected = 1;
  for (const Migration& m : SchemaMigrations()) {
    INFO(m.name);
    CHECK(m.version == expected);
    ++expected;
  }
  CHECK(expected > 1);
}

TEST_CASE("Migrate: a database newer than the binary is refused and left untouched", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  const int64_t newer = LatestSchemaVersion() + 1;
  REQUIRE(db->SetUserVersion(newer).ok());
  int applied = -1;
  Status st = Migrate(*db, SchemaMigrations(), &applied);
  CHECK(st.code() == StatusCode::kFailedPrecondition);
  CHECK(applied == 0);
  auto check = OpenDb(tmp.path());
  CHECK(QueryInt(*check, "PRAGMA user_version") == newer);
  CHECK(QueryInt(*check, "SELECT COUNT(*) FROM sqlite_master") == 0);
}

TEST_CASE("Migrate: a failing migration rolls back alone and stops", "[core]") {
  TempDb tmp;
  const std::array<Migration, 3> migrations = {{
      {1, "good", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
      {2, "bad", "CREATE TABLE b (x INTEGER); INSERT INTO b VALUES (1); NOT SQL AT ALL;"},
      {3, "never", "CREATE TABLE c (x INTEGER);"},
  }};
  auto db = OpenDb(tmp.path());
  int applied = -1;
  Status st = Migrate(*db, migrations, &applied);
  CHECK_FALSE(st.ok());
  CHECK(applied == 1);
  auto check = OpenDb(tmp.path());
  CHECK(QueryInt(*check, "PRAGMA user_version") == 1);
  CHECK(QueryInt(*check, "SELECT COUNT(*) FROM a") == 1);
  CHECK(QueryInt(*check, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('b', 'c')") == 0);

  // Fixed, the rest applies from where it stopped.
  const std::array<Migration, 3> fixed = {{
      migrations[0],
      {2, "fixed", "CREATE TABLE b (x INTEGER);"},
      migrations[2],
  }};
  REQUIRE(Migrate(*db, fixed, &applied).ok());
  CHECK(applied == 2);
  CHECK(QueryInt(*check, "PRAGMA user_version") == 3);
  CHECK(QueryInt(*check, "SELECT COUNT(*) FROM a") == 1);
}

TEST_CASE("ReadPool: a returned connection is reused and is read-only", "[core]") {
  TempDb tmp;
  auto writer = OpenDb(tmp.path());
  REQUIRE(writer->Exec(kCreateItemsSql).ok());
  InsertItem(*writer, 1, "one");
  ReadPool pool(tmp.path());
  Database* first = nullptr;
  {
    auto lease = pool.Acquire();
    REQUIRE(lease.ok());
    first = &lease->db();
    CHECK(QueryInt(lease->db(), "SELECT COUNT(*) FROM items") == 1);
    CHECK_FALSE(lease->db().Exec("INSERT INTO items (id, name) VALUES (2, 'two')").ok());
  }
  {
    auto lease = pool.Acquire();
    REQUIRE(lease.ok());
    CHECK(&lease->db() == first);
    // Two leases at once get two connections.
    auto second = pool.Acquire();
    REQUIRE(second.ok());
    CHECK(&second->db() != first);
  }
  CHECK(CommittedIds(tmp.path()) == std::vector<int64_t>{1});
}

TEST_CASE("ReadPool: a pooled connection sees writes committed after its last read", "[core]") {
  // A cached statement left on a row keeps its read transaction (and WAL
  // snapshot) open; the pool must reset it when the lease comes back.
  TempDb tmp;
  auto writer = OpenDb(tmp.path());
  REQUIRE(writer->Exec(kCreateItemsSql).ok());
  InsertItem(*writer, 1, "one");
  ReadPool pool(tmp.path());
  static constexpr char kFirstSql[] = "SELECT id FROM items ORDER BY id";
  {
    auto lease = pool.Acquire();
    REQUIRE(lease.ok());
    auto st = lease->db().Cached(kFirstSql);
    REQUIRE(st.ok());
    auto row = (*st)->Step();
    REQUIRE(row.ok());
    REQUIRE(*row);  // a store function reading one row stops here
  }
  InsertItem(*writer, 2, "two");
  auto lease = pool.Acquire();
  REQUIRE(lease.ok());
  CHECK(QueryInt(lease->db(), "SELECT COUNT(*) FROM items") == 2);
}

// Frames in the WAL, as a PASSIVE checkpoint on `db` reports them.
int64_t WalFrames(Database& db) {
  auto st = db.Prepare("PRAGMA wal_checkpoint(PASSIVE)");
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->Int64(1);
}

TEST_CASE("Checkpointer: checkpoints the WAL off the writer, so the writer's next commit restarts it", "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec("PRAGMA wal_autocheckpoint=0").ok());
  REQUIRE(db->Exec(kCreateItemsSql).ok());
  for (int64_t id = 1; id <= 300; ++id) InsertItem(*db, id, "item " + std::to_string(id));
  auto probe = OpenDb(tmp.path());
  // Without a checkpoint the WAL only grows: one transaction a row.
  REQUIRE(probe->Exec("PRAGMA wal_autocheckpoint=0").ok());

  Checkpointer checkpointer(tmp.path(), std::chrono::milliseconds(5));
  REQUIRE(checkpointer.Start().ok());
  for (int i = 0; i < 2000 && checkpointer.passes() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  checkpointer.Stop();
  REQUIRE(checkpointer.passes() >= 2);
  // Everything was copied back, so the next write starts the WAL over.
  InsertItem(*db, 301, "after the checkpoint");
  CHECK(WalFrames(*probe) < 10);
  CHECK(QueryInt(*probe, "SELECT COUNT(*) FROM items") == 301);
}

TEST_CASE("ExpandPrefixQuery: a bare prefix becomes an OR of its terms, anything else stays as written",
          "[core]") {
  TempDb tmp;
  auto db = OpenDb(tmp.path());
  REQUIRE(db->Exec("CREATE VIRTUAL TABLE docs_fts USING fts5(body);"
                   "CREATE VIRTUAL TABLE docs_fts_vocab USING fts5vocab(docs_fts, row);"
                   "INSERT INTO docs_fts(body) VALUES ('PowerShell cradle'), ('powershellEmpire'), ('Powerpoint');")
              .ok());
  CHECK(ExpandPrefixQuery(*db, "docs_fts", "powersh*") == R"("powershell" OR "powershellempire")");
  CHECK(ExpandPrefixQuery(*db, "docs_fts", " POWER* ") == R"("powerpoint" OR "powershell" OR "powershellempire")");
  CHECK(ExpandPrefixQuery(*db, "docs_fts", "zzz*") == "zzz*");            // no term: as written
  CHECK(ExpandPrefixQuery(*db, "docs_fts", "powersh* AND x") == "powersh* AND x");
  CHECK(ExpandPrefixQuery(*db, "docs_fts", "\"powersh*\"") == "\"powersh*\"");
  CHECK(ExpandPrefixQuery(*db, "docs_fts", "p*") == "p*");                // too short to expand
  CHECK(ExpandPrefixQuery(*db, "no_such_fts", "powersh*") == "powersh*"); // no vocab table
  for (int i = 0; i < 40; ++i) {
    REQUIRE(db->Exec("INSERT INTO docs_fts(body) VALUES ('macro" + std::to_string(i) + "')").ok());
  }
  CHECK(ExpandPrefixQuery(*db, "docs_fts", "macro*") == "macro*");        // over 32 terms
}

}  // namespace
}  // namespace wf::db
