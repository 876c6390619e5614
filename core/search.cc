#include "core/search.h"

#include <fmt/format.h>

namespace wf {

Result<std::vector<SearchHit>> RunFtsSearch(db::Database& db, const char* sql, const std::string& type,
                                            const std::string& q, int limit) {
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(sql));
  st.BindAll(q, static_cast<int64_t>(limit), static_cast<int64_t>(kSearchWindow));
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
