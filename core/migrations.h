// Schema migrations by PRAGMA user_version: numbered, append-only, each run
// in its own transaction. Not thread-safe: run once at start-up on the write
// connection before anything else touches the database.
#pragma once

#include <span>

#include "core/sqlite.h"

namespace wf::db {

struct Migration {
  int version;       // 1, 2, 3, ... in order, no gaps
  const char* name;  // for logs
  const char* sql;   // one or more statements
};

// The project's migrations, in order (core/schema.cc).
std::span<const Migration> SchemaMigrations();

// Brings `db` up to the newest migration in `migrations`. A database newer
// than this binary answers FailedPrecondition (refuse to run old code on it).
// `applied` receives how many migrations ran.
Status Migrate(Database& db, std::span<const Migration> migrations, int* applied = nullptr);

// The newest schema version this binary knows.
int LatestSchemaVersion();

}  // namespace wf::db
