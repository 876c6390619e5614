#include "cases/knowledge.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "cases/case_store.h"
#include "core/json.h"
#include "core/json_parse.h"
#include "observables/observable_store.h"

namespace wf::cases {

namespace {

constexpr char kInsertSql[] =
    "INSERT INTO knowledge_articles (case_id, title, body, tags, created_by, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr char kUpdateSql[] =
    "UPDATE knowledge_articles SET title = ?, body = ?, tags = ?, updated_at = ? WHERE id = ?";
constexpr char kGetSql[] =
    "SELECT k.id, k.case_id, COALESCE(c.number, ''), k.title, k.body, k.tags, k.created_by, k.created_at, "
    "k.updated_at FROM knowledge_articles k LEFT JOIN cases c ON c.id = k.case_id WHERE k.id = ?";

// Words of a title as an FTS5 OR query of quoted terms (no syntax from the title leaks in).
std::string OrQuery(const std::string& text) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (cur.size() >= 3 && words.size() < 16 &&
        std::find(words.begin(), words.end(), cur) == words.end()) {
      words.push_back(cur);
    }
    cur.clear();
  };
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch >= 0x80) {
      cur.push_back(static_cast<char>(std::tolower(ch)));
    } else {
      flush();
    }
  }
  flush();
  std::string q;
  for (const auto& w : words) q += (q.empty() ? "" : " OR ") + ("\"" + w + "\"");
  return q;
}

}  // namespace

Result<int64_t> InsertArticle(db::Database& db, const Article& a) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertSql));
  st->BindAll(a.case_id, a.title, a.body, json::StringArray(a.tags), a.created_by, a.created_at, a.updated_at);
  WF_RETURN_IF_ERROR(st->Run());
  return db.LastInsertRowId();
}

Status UpdateArticle(db::Database& db, const Article& a) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kUpdateSql));
  st->BindAll(a.title, a.body, json::StringArray(a.tags), a.updated_at, a.id);
  WF_RETURN_IF_ERROR(st->Run());
  if (db.Changes() == 0) return Status::NotFound(fmt::format("no article with id {}", a.id));
  return Status::Ok();
}

Result<Article> GetArticle(db::Database& db, int64_t id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetSql));
  st->Bind(1, id);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no article with id {}", id));
  Article a;
  a.id = st->Int64(0);
  a.case_id = st->OptInt64(1);
  a.case_number = st->Text(2);
  a.title = st->Text(3);
  a.body = st->Text(4);
  a.tags = json::ParseStringArray(st->Text(5));
  a.created_by = st->Text(6);
  a.created_at = st->Int64(7);
  a.updated_at = st->Int64(8);
  return a;
}

Result<std::vector<KnowledgeEntry>> ListKnowledge(db::Database& db, const std::optional<std::string>& q, int limit) {
  std::vector<KnowledgeEntry> out;
  // Articles first: curated knowledge beats raw case notes.
  {
    std::string sql = q ? "SELECT k.id, COALESCE(c.number, ''), k.title, k.body, k.updated_at FROM knowledge_fts "
                          "JOIN knowledge_articles k ON k.id = knowledge_fts.rowid LEFT JOIN cases c ON c.id = k.case_id "
                          "WHERE knowledge_fts MATCH ? ORDER BY bm25(knowledge_fts) LIMIT ?"
                        : "SELECT k.id, COALESCE(c.number, ''), k.title, k.body, k.updated_at FROM knowledge_articles k "
                          "LEFT JOIN cases c ON c.id = k.case_id ORDER BY k.updated_at DESC, k.id DESC LIMIT ?";
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(sql));
    int i = 0;
    if (q) st.Bind(++i, *q);
    st.Bind(++i, static_cast<int64_t>(limit));
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return Status::InvalidArgument("bad search query: check quotes and operators");
      if (!*row) break;
      KnowledgeEntry e;
      e.kind = "article";
      e.id = st.Int64(0);
      e.case_number = st.Text(1);
      e.title = st.Text(2);
      e.body = st.Text(3);
      e.time = st.Int64(4);
      out.push_back(std::move(e));
    }
  }
  {
    std::string sql =
        q ? "SELECT c.id, c.number, c.title, COALESCE(c.root_cause, ''), COALESCE(c.resolution_notes, ''), c.resolved_at "
            "FROM cases_fts JOIN cases c ON c.id = cases_fts.rowid WHERE cases_fts MATCH ? "
            "AND c.resolution = 'true_positive' ORDER BY bm25(cases_fts) LIMIT ?"
          : "SELECT c.id, c.number, c.title, COALESCE(c.root_cause, ''), COALESCE(c.resolution_notes, ''), c.resolved_at "
            "FROM cases c WHERE c.resolution = 'true_positive' ORDER BY c.resolved_at DESC, c.id DESC LIMIT ?";
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(sql));
    int i = 0;
    if (q) st.Bind(++i, *q);
    st.Bind(++i, static_cast<int64_t>(limit));
    for (;;) {
      auto row = st.Step();
      if (!row.ok()) return Status::InvalidArgument("bad search query: check quotes and operators");
      if (!*row) break;
      KnowledgeEntry e;
      e.kind = "case";
      e.id = st.Int64(0);
      e.case_number = st.Text(1);
      e.title = st.Text(2);
      e.root_cause = st.Text(3);
      e.resolution_notes = st.Text(4);
      e.time = st.OptInt64(5).value_or(0);
      out.push_back(std::move(e));
    }
  }
  for (auto& e : out) {
    if (e.kind != "case") continue;
    WF_ASSIGN_OR_RETURN(auto tasks, ListTasks(db, e.id));
    for (const auto& t : tasks) {
      if (t.status == TaskStatus::kCompleted) e.tasks_done.push_back(t.title);
    }
  }
  if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  return out;
}

Result<std::vector<SimilarCase>> FindSimilarCases(db::Database& db, const Case& c, int limit) {
  std::map<int64_t, SimilarCase> found;
  auto done = [](const Case& x) { return x.status == CaseStatus::kResolved || x.status == CaseStatus::kClosed; };
  WF_ASSIGN_OR_RETURN(auto related, observables::RelatedTo(db, "case", c.id, 200));
  for (const auto& r : related) {
    if (r.object_type != "case") continue;
    auto other = GetCase(db, r.object_id);
    if (!other.ok() || !done(*other)) continue;
    auto& s = found[r.object_id];
    s.c = std::move(*other);
    s.shared_observables = r.shared;
    s.shared_iocs = r.shared_iocs;
  }
  std::string q = OrQuery(c.title + " " + c.description.substr(0, 500));
  if (!q.empty()) {
    WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(
        "SELECT c.id, bm25(cases_fts) FROM cases_fts JOIN cases c ON c.id = cases_fts.rowid "
        "WHERE cases_fts MATCH ? AND c.id != ? AND c.status IN ('resolved', 'closed') "
        "ORDER BY bm25(cases_fts) LIMIT 50"));
    st.BindAll(q, c.id);
    for (;;) {
      WF_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      int64_t id = st.Int64(0);
      double score = -st.Double(1);  // bm25: lower is better
      auto it = found.find(id);
      if (it == found.end()) {
        auto other = GetCase(db, id);
        if (!other.ok()) continue;
        it = found.emplace(id, SimilarCase{std::move(*other), 0, 0, 0, 0}).first;
      }
      it->second.text_score = score;
    }
  }
  std::vector<SimilarCase> out;
  for (auto& [id, s] : found) {
    // Shared IOCs are the strongest signal, then shared observables, then text.
    s.score = 3.0 * static_cast<double>(s.shared_iocs) + static_cast<double>(s.shared_observables) + s.text_score;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const SimilarCase& a, const SimilarCase& b) {
    return a.score != b.score ? a.score > b.score : a.c.id > b.c.id;
  });
  if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  return out;
}

}  // namespace wf::cases
