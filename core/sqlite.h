// RAII wrapper over SQLite: Database (one connection), Statement (a prepared
// statement) and Transaction. The only code in the tree that includes
// sqlite3.h, and the only place PRAGMAs are set.
//
// Thread safety: a Database and its Statements belong to one thread at a time
// (the writer thread, or a reader that leased it from ReadPool).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace wf::db {

// A value for a statement built at run time from fixed fragments (filters).
using SqlArg = std::variant<int64_t, std::string>;

// SQL assembled at run time from fixed fragments, with its bound values.
struct BuiltQuery {
  std::string sql;
  std::vector<SqlArg> args;
};

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool owned) : db_(db), stmt_(stmt), owned_(owned) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameter indexes are 1-based, as in SQLite.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Statement& BindNull(int index);
  Statement& BindBlob(int index, std::string_view bytes);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    if (value) return Bind(index, *value);
    return BindNull(index);
  }

  // Binds every argument in order from parameter 1.
  template <typename... Args>
  Statement& BindAll(const Args&... args) {
    int i = 0;
    (Bind(++i, args), ...);
    return *this;
  }

  // Binds `args` in order from parameter 1.
  Statement& BindArgs(const std::vector<SqlArg>& args);

  // Advances: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();

  bool IsNull(int col) const;
  int64_t Int64(int col) const;
  int Int(int col) const { return static_cast<int>(Int64(col)); }
  double Double(int col) const;
  std::string Text(int col) const;
  std::optional<std::string> OptText(int col) const;
  std::optional<int64_t> OptInt64(int col) const;

  // Ready for a new execution: resets and clears bindings.
  void Reset();
  // The expanded SQL, for EXPLAIN and diagnostics.
  std::string Sql() const;
  sqlite3_stmt* raw() const { return stmt_; }

 private:
  Status Error(int rc) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool owned_ = true;  // cached statements are owned by their Database
};

struct OpenOptions {
  bool read_only = false;
  bool create = true;
  int busy_timeout_ms = 5000;
  int64_t cache_size_kib = 16 * 1024;   // page cache per connection
  // Memory-mapped reads: faster than read() into the page cache, but every
  // mapped page a query touches counts in the server's RSS (issue 6: under
  // 200 MB). At a million alerts: 256 MiB gave 237 MB RSS, 128 MiB 169 MB,
  // 64 MiB 110 MB, with the same query latencies within noise.
  int64_t mmap_size = 64LL * 1024 * 1024;
};

class Database {
 public:
  // Opens (and creates) the file; WAL mode, synchronous=FULL, foreign keys on.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, OpenOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that take no parameters (DDL, PRAGMAs of migrations).
  Status Exec(std::string_view sql);
  // A fresh statement owned by the caller.
  Result<Statement> Prepare(std::string_view sql);
  // A statement prepared once per connection (keyed by its text) and kept;
  // reset and ready. The returned pointer is valid until the Database is
  // destroyed; do not keep it across another Cached() call with the same SQL.
  Result<Statement*> Cached(const char* sql);

  // Resets every cached statement. A stepped statement that was never reset
  // keeps its read transaction (and so an old WAL snapshot) open; pooled
  // read connections call this when they are handed back.
  void ResetCachedStatements();

  int64_t LastInsertRowId() const;
  int64_t Changes() const;
  const std::string& path() const { return path_; }

  // SQLite online backup of the whole database into `dest_path` (overwritten).
  Status BackupTo(const std::string& dest_path);
  // PRAGMA integrity_check; "ok" when healthy.
  Result<std::string> IntegrityCheck();
  Result<int64_t> UserVersion();
  Status SetUserVersion(int64_t version);
  // WAL checkpoint (PASSIVE: never blocks readers or the writer).
  Status Checkpoint();

  sqlite3* raw() const { return db_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(int rc, std::string_view what) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  // Keyed by the SQL text (the key views the entry's own copy).
  struct CachedStatement {
    std::string sql;
    Statement stmt;
  };
  std::unordered_map<std::string_view, std::unique_ptr<CachedStatement>> cache_;
};

// A newest-first page (by `alias`.id) of rows whose `column` is any of
// `values`: one index range per value, each cut to `limit`, merged. SQLite
// cannot walk an IN list of an (column, id) index in id order, and would
// otherwise scan the whole table; `where` fragments (with `where_args`) apply
// in every range. `select_from` is "SELECT ... FROM table alias [joins]".
BuiltQuery NewestAcrossValues(const std::string& select_from, const std::string& table,
                              const std::string& alias, const std::string& column,
                              const std::vector<std::string>& values,
                              const std::vector<std::string>& where,
                              const std::vector<SqlArg>& where_args, int64_t limit);

// Runs `sql`, whose rows are (label TEXT, count INTEGER), with `args` bound:
// the shape of every "by source / top N" report query.
Result<std::vector<std::pair<std::string, int64_t>>> QueryLabelCounts(Database& db, std::string_view sql,
                                                                     const std::vector<SqlArg>& args);

// BEGIN IMMEDIATE on construction; ROLLBACK in the destructor unless Commit()
// succeeded. Savepoints nest inside it.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Begin();
  Status Commit();

 private:
  Database& db_;
  bool open_ = false;
};

// A SAVEPOINT inside the current transaction; rolled back to (and released)
// in the destructor unless Release() succeeded.
class Savepoint {
 public:
  explicit Savepoint(Database& db) : db_(db) {}
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  Status Begin();
  Status Release();

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace wf::db
