// Full-text search helper shared by the modules' stores: runs an FTS5
// statement and maps bad query syntax to InvalidArgument with SQLite's reason.
#pragma once

#include <string>
#include <vector>

#include "core/search_hit.h"
#include "core/sqlite.h"

namespace wf {

// How many of a type's matches are ranked: the newest (highest rowid)
// kSearchWindow of them. Ranking every match of a common word by bm25 cost
// 0.4 s at a million alerts; the newest matches come from the FTS5 index in
// rowid order at no cost, so a search costs the same whatever the word's
// frequency. Older matches are not ranked (docs/reports.md, GET /api/v1/search).
inline constexpr int kSearchWindow = 1000;

// `sql` takes (?1 query, ?2 limit, ?3 kSearchWindow) and yields (id, case_id,
// case_number, title, snippet, rank, time) rows.
// A bare prefix query ("powersh*") as an OR of the terms it names, when
// there are at most 32 of them (FTS5 then reads the newest matches first
// instead of merging every posting of every term); any other query as is.
// The terms come from `<fts_table>_vocab` (an fts5vocab "row" table).
std::string ExpandPrefixQuery(db::Database& db, const std::string& fts_table, const std::string& q);

// `fts_table` names the FTS5 table (its `<fts_table>_vocab` expands bare
// prefix queries into their terms).
Result<std::vector<SearchHit>> RunFtsSearch(db::Database& db, const char* sql, const std::string& fts_table,
                                            const std::string& type, const std::string& q, int limit);

}  // namespace wf
