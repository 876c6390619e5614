#include "tests/bench/query_plan.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <string_view>

#include <fmt/format.h>

namespace wf::bench {

namespace {

// Tables that grow with the data (alerts, cases, links...): a full scan of
// one of these is flagged. Small reference tables (users, sla_policies) are not.
constexpr std::array<std::string_view, 12> kBigTables = {
    "alerts",    "alert_deliveries", "alert_tags", "observables", "observable_links", "cases",
    "case_tags", "case_events",      "tasks",      "task_logs",   "audit_log",        "outbox"};

bool IsBig(std::string_view table) {
  return std::find(kBigTables.begin(), kBigTables.end(), table) != kBigTables.end();
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// alias (or table name) → table, from "FROM t a" / "JOIN t AS a" in `sql`.
std::map<std::string, std::string> Aliases(const std::string& sql) {
  static constexpr std::array<std::string_view, 14> kKeywords = {
      "WHERE", "JOIN",  "ON",    "ORDER", "GROUP", "LIMIT",   "LEFT",
      "INNER", "CROSS", "USING", "AND",   "AS",    "INDEXED", "NOT"};
  std::vector<std::string> words;
  std::string word;
  for (char c : sql) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      word += c;
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  if (!word.empty()) {
    words.push_back(word);
  }
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string kw = Upper(words[i]);
    if (kw != "FROM" && kw != "JOIN") {
      continue;
    }
    const std::string& table = words[i + 1];
    out[table] = table;
    size_t j = i + 2;
    if (j < words.size() && Upper(words[j]) == "AS") {
      ++j;
    }
    if (j < words.size()) {
      const std::string alias = Upper(words[j]);
      if (std::find(kKeywords.begin(), kKeywords.end(), alias) == kKeywords.end()) {
        out[words[j]] = table;
      }
    }
  }
  return out;
}

}  // namespace

struct SqlRecorder::State {
  std::vector<std::string> seen;
};

namespace {

int OnTrace(unsigned type, void* context, void* /*statement*/, void* text) {
  if (type != SQLITE_TRACE_STMT || text == nullptr) {
    return 0;
  }
  std::string sql(static_cast<const char*>(text));
  if (sql.starts_with("--") || sql.starts_with("EXPLAIN") || sql.starts_with("PRAGMA") ||
      sql.find("'main'.'") != std::string::npos) {
    return 0;  // a trigger program, our own EXPLAIN, or FTS5's internal statements
  }
  auto& seen = *static_cast<std::vector<std::string>*>(context);
  if (std::find(seen.begin(), seen.end(), sql) == seen.end()) {
    seen.push_back(std::move(sql));
  }
  return 0;
}

}  // namespace

SqlRecorder::SqlRecorder(db::Database& db) : db_(db), state_(std::make_unique<State>()) {
  sqlite3_trace_v2(db_.raw(), SQLITE_TRACE_STMT, OnTrace, &state_->seen);
}

SqlRecorder::~SqlRecorder() { sqlite3_trace_v2(db_.raw(), 0, nullptr, nullptr); }

std::vector<std::string> SqlRecorder::Take() {
  std::vector<std::string> out;
  out.swap(state_->seen);
  return out;
}

PlanReport Explain(db::Database& db, const std::string& sql) {
  PlanReport report;
  auto st = db.Prepare("EXPLAIN QUERY PLAN " + sql);
  if (!st.ok()) {
    report.text = "    (cannot explain: " + st.status().ToString() + ")\n";
    return report;
  }
  const auto aliases = Aliases(sql);
  const std::string upper = Upper(sql);
  const bool filtered = upper.find(" WHERE ") != std::string::npos;
  struct Node {
    int level = 0;
    std::string detail;
  };
  std::vector<Node> nodes;
  std::map<int64_t, int> depth;  // plan node id → indentation
  bool sorts = false;
  for (;;) {
    auto row = st->Step();
    if (!row.ok() || !*row) {
      break;
    }
    const int64_t id = st->Int64(0);
    const int64_t parent = st->Int64(1);
    const int level = depth.count(parent) ? depth[parent] + 1 : 0;
    depth[id] = level;
    nodes.push_back({level, st->Text(3)});
    sorts = sorts || nodes.back().detail.find("TEMP B-TREE FOR ORDER BY") != std::string::npos;
  }
  for (const Node& node : nodes) {
    const std::string& detail = node.detail;
    std::string flag;
    if (detail.starts_with("SCAN ") && detail.find(" USING ") == std::string::npos &&
        detail.find("VIRTUAL TABLE") == std::string::npos) {
      const size_t end = detail.find(' ', 5);
      const std::string name =
          detail.substr(5, end == std::string::npos ? std::string::npos : end - 5);
      auto it = aliases.find(name);
      const std::string table = it == aliases.end() ? name : it->second;
      // A walk of the table in key order, stopped by LIMIT, is how the newest
      // page of an unfiltered list (or the newest audit record) is read: not
      // a full scan. Filtered, it reads row after row until the page is full:
      // the whole table when few rows match.
      const bool ordered = !sorts && upper.find(" ORDER BY ") != std::string::npos &&
                           upper.find(" LIMIT ") != std::string::npos;
      // The plan of an INSERT lists the foreign-key lookups into child tables;
      // SQLite runs them only while a constraint violation is pending (and for
      // a DELETE of the parent row), so they are noted, not counted.
      const bool foreign_key_check = upper.starts_with("INSERT");
      if (IsBig(table) && foreign_key_check) {
        flag =
            fmt::format("   (foreign-key check of {}: unindexed, runs on parent deletes)", table);
      } else if (IsBig(table) && !(ordered && !filtered)) {
        flag = ordered ? fmt::format("   <-- FULL SCAN of {} (in key order, filtered row by row)",
                                     table)
                       : fmt::format("   <-- FULL SCAN of {}", table);
        ++report.full_scans;
      }
    }
    if (detail.find("TEMP B-TREE FOR ORDER BY") != std::string::npos) {
      flag = "   <-- sort for ORDER BY (top-N of every matching row)";
      ++report.temp_sorts;
    }
    report.text += fmt::format("    {}{}{}\n",
                               std::string(static_cast<size_t>(2 * node.level), ' '), detail, flag);
  }
  return report;
}

}  // namespace wf::bench
