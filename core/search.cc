#include "core/search.h"

#include <cctype>
#include <string_view>

#include <fmt/format.h>

namespace wf {

namespace {

// A bare prefix query ("powersh*") makes FTS5 merge every posting of every
// matching term before the newest matches can be taken (50 ms at a million
// alerts). When the prefix names few terms, an OR of those terms gives the
// same matches, read newest first and stopped at the window (6 ms). The terms
// come from the table's fts5vocab companion (`<fts_table>_vocab`).
constexpr size_t kMaxPrefixTerms = 32;

}  // namespace

std::string ExpandPrefixQuery(db::Database& db, const std::string& fts_table, const std::string& q) {
  std::string_view t = q;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (t.size() < 3 || t.back() != '*') return q;
  std::string prefix(t.substr(0, t.size() - 1));
  for (char& c : prefix) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return q;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string upper = prefix;
  upper.back() = static_cast<char>(upper.back() + 1);  // ASCII: no overflow
  const std::string sql = fmt::format("SELECT term FROM {}_vocab WHERE term >= ?1 AND term < ?2 LIMIT ?3", fts_table);
  auto st = db.Cached(sql.c_str());
  if (!st.ok()) return q;  // no vocab table (an older schema): the plain prefix query
  (*st)->BindAll(prefix, upper, static_cast<int64_t>(kMaxPrefixTerms + 1));
  std::vector<std::string> terms;
  for (;;) {
    auto row = (*st)->Step();
    if (!row.ok() || !*row) break;
    terms.push_back((*st)->Text(0));
  }
  (*st)->Reset();
  if (terms.empty() || terms.size() > kMaxPrefixTerms) return q;
  std::string out;
  for (const auto& term : terms) {
    if (!out.empty()) out += " OR ";
    out += '"';
    for (char c : term) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

Result<std::vector<SearchHit>> RunFtsSearch(db::Database& db, const char* sql, const std::string& fts_table,
                                            const std::string& type, const std::string& q, int limit) {
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(sql));
  st.BindAll(ExpandPrefixQuery(db, fts_table, q), static_cast<int64_t>(limit), static_cast<int64_t>(kSearchWindow));
  std::vector<SearchHit> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) {
      // FTS5 reports syntax errors at step time ("fts5: syntax error near ...").
      const std::string& m = row.status().message();
      size_t p = m.find("fts5:");
      return Status::InvalidArgument(fmt::format(
          "bad search query: {}", p == std::string::npos ? "check quotes and operators" : m.substr(p)));
    }
    if (!*row) break;
    SearchHit h;
    h.type = type;
    h.id = st.Int64(0);
    h.case_id = st.OptInt64(1);
    h.case_number = st.Text(2);
    h.title = st.Text(3);
    h.snippet = st.Text(4);
    h.rank = st.Double(5);
    h.time = st.Int64(6);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace wf
