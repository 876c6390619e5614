// Query plans of the product's own SQL. SqlRecorder traces the statements a
// connection runs while a service call is made (the store files keep their SQL
// private, and the list queries are assembled per filter), then Explain() runs
// EXPLAIN QUERY PLAN on each and flags what does not scale:
//  - a SCAN of a big table without an index (a full table scan), and
//  - a temporary B-tree for ORDER BY (every matching row sorted for a page).
//
// The only bench file that includes sqlite3.h: tracing needs the raw handle
// (db::Database::raw()); the wrapper has no trace hook, and a bench tool is not
// a reason to add one to the product.
// Thread safety: as the traced Database (one thread at a time).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/sqlite.h"

namespace wf::bench {

class SqlRecorder {
 public:
  // Starts tracing `db`; stops in the destructor. `db` must outlive it.
  explicit SqlRecorder(db::Database& db);
  ~SqlRecorder();
  SqlRecorder(const SqlRecorder&) = delete;
  SqlRecorder& operator=(const SqlRecorder&) = delete;

  // Distinct statements run since the last call (trigger bodies left out),
  // in the order first seen; clears the list.
  std::vector<std::string> Take();

 private:
  struct State;
  db::Database& db_;
  std::unique_ptr<State> state_;
};

struct PlanReport {
  std::string text;    // the plan as a tree, flags inline
  int full_scans = 0;  // SCAN of a big table without an index
  int temp_sorts = 0;  // USE TEMP B-TREE FOR ORDER BY
};

// EXPLAIN QUERY PLAN of `sql` (parameters left unbound) on `db`.
PlanReport Explain(db::Database& db, const std::string& sql);

}  // namespace wf::bench
