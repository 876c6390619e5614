#include "core/sqlite.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include <utility>

namespace wf::db {

namespace {

Status MapError(sqlite3* db, int rc, std::string_view what) {
  std::string msg = fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    // Only uniqueness means "already exists"; other constraints are rule violations.
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Status::AlreadyExists(std::move(msg));
    }
    return Status::FailedPrecondition(std::move(msg));
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::Unavailable(std::move(msg));
    case SQLITE_FULL: return Status::ResourceExhausted(std::move(msg));
    default: return Status::Internal(std::move(msg));
  }
}

}  // namespace

Statement::~Statement() {
  if (owned_ && stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)), stmt_(std::exchange(o.stmt_, nullptr)), owned_(o.owned_) {}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    if (owned_ && stmt_) sqlite3_finalize(stmt_);
    db_ = std::exchange(o.db_, nullptr);
    stmt_ = std::exchange(o.stmt_, nullptr);
    owned_ = o.owned_;
  }
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view text) {
  // A default string_view has a null data pointer, which SQLite would bind as NULL.
  sqlite3_bind_text64(stmt_, index, text.data() ? text.data() : "", text.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindArgs(const std::vector<SqlArg>& args) {
  int i = 0;
  for (const auto& arg : args) {
    if (const auto* n = std::get_if<int64_t>(&arg)) {
      Bind(++i, *n);
    } else {
      Bind(++i, std::get<std::string>(arg));
    }
  }
  return *this;
}

Status Statement::Error(int rc) const { return MapError(db_, rc, "sqlite step"); }

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(rc);
}

Status Statement::Run() {
  for (;;) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Error(rc);
  }
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Statement::Int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::Double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::string> Statement::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

std::optional<int64_t> Statement::OptInt64(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int64(col);
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Sql() const {
  char* s = sqlite3_expanded_sql(stmt_);
  std::string out = s ? s : "";
  sqlite3_free(s);
  return out;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, OpenOptions options) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (!options.read_only && options.create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st = Status::Unavailable(
        fmt::format("cannot open database {}: {}", path, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    sqlite3_close_v2(raw);
    return st;
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  std::string pragmas = fmt::format(
      "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA cache_size=-{}; PRAGMA mmap_size={};",
      options.cache_size_kib, options.mmap_size);
  // The writer keeps its statement journals in memory. Readers sort in temp
  // files (page cache): an in-memory sorter that outgrows cache_size spills
  // into malloc'd chunks and took twice as long to group the summary report's
  // 750,000 links (tests/bench).
  if (!options.read_only) pragmas += "PRAGMA temp_store=MEMORY; PRAGMA journal_mode=WAL;";
  WF_RETURN_IF_ERROR(db->Exec(pragmas));
  return db;
}

Database::~Database() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

Status Database::Error(int rc, std::string_view what) const { return MapError(db_, rc, what); }

Status Database::Exec(std::string_view sql) {
  std::string copy(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    Status st = MapError(nullptr, rc, "");
    st = Status(st.code(), fmt::format("sqlite exec: {}", err ? err : sqlite3_errstr(rc)));
    sqlite3_free(err);
    return st;
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, fmt::format("prepare '{}'", sql));
  return Statement(db_, stmt, true);
}

Result<Statement*> Database::Cached(const char* sql) {
  auto it = cache_.find(std::string_view(sql));
  if (it != cache_.end()) {
    it->second->stmt.Reset();
    return &it->second->stmt;
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, fmt::format("prepare '{}'", sql));
  auto entry = std::make_unique<CachedStatement>();
  entry->sql = sql;
  entry->stmt = Statement(db_, stmt, true);
  Statement* out = &entry->stmt;
  std::string_view key = entry->sql;
  cache_.emplace(key, std::move(entry));
  return out;
}

void Database::ResetCachedStatements() {
  for (auto& [sql, entry] : cache_) sqlite3_reset(entry->stmt.raw());
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int64_t Database::Changes() const { return sqlite3_changes64(db_); }

Status Database::BackupTo(const std::string& dest_path) {
  sqlite3* dest = nullptr;
  int rc = sqlite3_open_v2(dest_path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           nullptr);
  if (rc != SQLITE_OK) {
    Status st = Status::Unavailable(fmt::format("cannot open backup file {}: {}", dest_path,
                                                dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc)));
    sqlite3_close_v2(dest);
    return st;
  }
  sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_, "main");
  if (!b) {
    Status st = Status::Internal(fmt::format("backup init: {}", sqlite3_errmsg(dest)));
    sqlite3_close_v2(dest);
    return st;
  }
  // Copy in steps so a long backup does not hold the source lock throughout.
  do {
    rc = sqlite3_backup_step(b, 1024);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  Status st = rc == SQLITE_DONE ? Status::Ok()
                                : Status::Internal(fmt::format("backup: {}", sqlite3_errstr(rc)));
  sqlite3_close_v2(dest);
  return st;
}

Result<std::string> Database::IntegrityCheck() {
  WF_ASSIGN_OR_RETURN(Statement st, Prepare("PRAGMA integrity_check"));
  std::string out;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (!out.empty()) out += "\n";
    out += st.Text(0);
  }
  return out;
}

Result<int64_t> Database::UserVersion() {
  WF_ASSIGN_OR_RETURN(Statement st, Prepare("PRAGMA user_version"));
  WF_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("PRAGMA user_version returned no row");
  return st.Int64(0);
}

Status Database::SetUserVersion(int64_t version) {
  return Exec(fmt::format("PRAGMA user_version={}", version));
}

Status Database::Checkpoint() {
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) return Error(rc, "checkpoint");
  return Status::Ok();
}

BuiltQuery NewestAcrossValues(const std::string& select_from, const std::string& table,
                              const std::string& alias, const std::string& column,
                              const std::vector<std::string>& values,
                              const std::vector<std::string>& where,
                              const std::vector<SqlArg>& where_args, int64_t limit) {
  BuiltQuery q;
  std::string arms;
  for (const auto& value : values) {
    std::string arm = fmt::format("SELECT id FROM (SELECT {0}.id FROM {1} {0} WHERE {0}.{2} = ?", alias, table, column);
    for (const auto& w : where) arm += " AND " + w;
    arm += fmt::format(" ORDER BY {}.id DESC LIMIT ?)", alias);
    arms += (arms.empty() ? "" : " UNION ALL ") + arm;
    q.args.emplace_back(value);
    q.args.insert(q.args.end(), where_args.begin(), where_args.end());
    q.args.emplace_back(limit);
  }
  q.sql = fmt::format("{} WHERE {}.id IN ({}) ORDER BY {}.id DESC LIMIT ?", select_from, alias, arms, alias);
  q.args.emplace_back(limit);
  return q;
}

Result<std::vector<std::pair<std::string, int64_t>>> QueryLabelCounts(Database& db, std::string_view sql,
                                                                     const std::vector<SqlArg>& args) {
  WF_ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  st.BindArgs(args);
  std::vector<std::pair<std::string, int64_t>> out;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.emplace_back(st.Text(0), st.Int64(1));
  }
  return out;
}

Transaction::~Transaction() {
  if (open_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Begin() {
  WF_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  open_ = true;
  return Status::Ok();
}

Status Transaction::Commit() {
  WF_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  open_ = false;
  return Status::Ok();
}

Savepoint::~Savepoint() {
  if (open_) (void)db_.Exec("ROLLBACK TO wf_sp; RELEASE wf_sp");
}

Status Savepoint::Begin() {
  WF_RETURN_IF_ERROR(db_.Exec("SAVEPOINT wf_sp"));
  open_ = true;
  return Status::Ok();
}

Status Savepoint::Release() {
  WF_RETURN_IF_ERROR(db_.Exec("RELEASE wf_sp"));
  open_ = false;
  return Status::Ok();
}

}  // namespace wf::db
