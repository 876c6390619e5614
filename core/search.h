// Full-text search helper shared by the modules' stores: runs an FTS5
// statement and maps bad query syntax to InvalidArgument with SQLite's reason.
#pragma once

#include <string>
#include <vector>

#include "core/search_hit.h"
#include "core/sqlite.h"

namespace wf {

// `sql` takes (query, limit) and yields (id, case_id, case_number, title,
// snippet, rank, time) rows.
Result<std::vector<SearchHit>> RunFtsSearch(db::Database& db, const char* sql, const std::string& type,
                                            const std::string& q, int limit);

}  // namespace wf
