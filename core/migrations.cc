#include "core/migrations.h"

#include <fmt/format.h>

namespace wf::db {

int LatestSchemaVersion() {
  auto all = SchemaMigrations();
  return all.empty() ? 0 : all.back().version;
}

Status Migrate(Database& db, std::span<const Migration> migrations, int* applied) {
  if (applied) *applied = 0;
  WF_ASSIGN_OR_RETURN(int64_t current, db.UserVersion());
  int64_t latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return Status::FailedPrecondition(fmt::format(
        "database schema version {} is newer than this binary supports ({}); upgrade watchfloor",
        current, latest));
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    Transaction tx(db);
    WF_RETURN_IF_ERROR(tx.Begin());
    Status st = db.Exec(m.sql);
    if (!st.ok()) {
      return Status::Internal(fmt::format("migration {} ({}) failed: {}", m.version, m.name,
                                          st.message()));
    }
    WF_RETURN_IF_ERROR(db.SetUserVersion(m.version));
    WF_RETURN_IF_ERROR(tx.Commit());
    if (applied) ++*applied;
  }
  return Status::Ok();
}

}  // namespace wf::db
