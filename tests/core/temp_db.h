// TempDb: a test fixture owning a fresh directory made with mkdtemp under
// /tmp and the path of a database file inside it (not created: opening it
// does that). The directory and everything in it (database, -wal, -shm,
// backups) is removed when the fixture is destroyed. Beside it, helpers that
// open a second connection and read back what was committed; they fail the
// running test on error, so call them from the test's thread only (Catch2
// assertions are not thread-safe). Test-only.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "core/migrations.h"
#include "core/sqlite.h"

namespace wf::testing {

class TempDb {
 public:
  TempDb() {
    std::string tmpl = "/tmp/wf-core-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + tmpl);
    }
    dir_ = tmpl;
  }
  ~TempDb() {
    std::error_code ec;  // best effort: a leftover directory must not fail a test
    std::filesystem::remove_all(dir_, ec);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;

  const std::string& dir() const { return dir_; }
  // The main database file of the test.
  std::string path() const { return File("watchfloor.db"); }
  // Another file in the same directory (backups, TOML files, ...).
  std::string File(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

// A read-write connection to `path` (created when missing); fails the test on error.
inline std::unique_ptr<db::Database> OpenDb(const std::string& path, db::OpenOptions options = {}) {
  auto db = db::Database::Open(path, options);
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  return std::move(db).value();
}

// A connection to `path` brought up to the newest schema.
inline std::unique_ptr<db::Database> OpenMigratedDb(const std::string& path) {
  auto db = OpenDb(path);
  Status st = db::Migrate(*db, db::SchemaMigrations());
  INFO(st.ToString());
  REQUIRE(st.ok());
  return db;
}

// The first column of the first row of `sql`; fails the test when there is no row.
inline int64_t QueryInt(db::Database& db, std::string_view sql) {
  auto st = db.Prepare(sql);
  INFO(std::string(sql) << ": " << st.status().ToString());
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->Int64(0);
}

inline std::string QueryText(db::Database& db, std::string_view sql) {
  auto st = db.Prepare(sql);
  INFO(std::string(sql) << ": " << st.status().ToString());
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->Text(0);
}

// How many rows `table` holds, read through a fresh connection: what is committed.
inline int64_t CommittedRows(const std::string& path, std::string_view table) {
  auto db = OpenDb(path);
  return QueryInt(*db, "SELECT COUNT(*) FROM " + std::string(table));
}

}  // namespace wf::testing
