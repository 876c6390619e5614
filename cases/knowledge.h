// The knowledge base (issue 7): what was learned from past cases. Entries are
// resolved true-positive cases (title, root cause, resolution notes, the
// tasks that were done) and articles a manager published from a closed case
// and may edit. Also "similar cases": the closed cases most like an open one.
// SQL for knowledge_articles (owned by cases). Thread-safe through the service.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cases/case.h"
#include "core/sqlite.h"

namespace wf::cases {

struct Article {
  int64_t id = 0;
  std::optional<int64_t> case_id;
  std::string case_number;
  std::string title, body;
  std::vector<std::string> tags;
  std::string created_by;
  int64_t created_at = 0, updated_at = 0;
};

struct KnowledgeEntry {
  std::string kind;  // "article" or "case"
  int64_t id = 0;    // article id or case id
  std::string case_number, title, root_cause, resolution_notes;
  std::string body;  // article body
  std::vector<std::string> tasks_done;
  int64_t time = 0;
};

struct SimilarCase {
  Case c;
  int64_t shared_observables = 0, shared_iocs = 0;
  double text_score = 0;  // bm25-based, higher is closer
  double score = 0;
};

Result<int64_t> InsertArticle(db::Database& db, const Article& a);
Status UpdateArticle(db::Database& db, const Article& a);
Result<Article> GetArticle(db::Database& db, int64_t id);
// Articles and resolved true-positive cases; `q` (FTS5) narrows, newest first otherwise.
Result<std::vector<KnowledgeEntry>> ListKnowledge(db::Database& db, const std::optional<std::string>& q, int limit);
// Resolved or closed cases most like `c`: shared observables (IOCs weigh
// more) and title/description similarity.
Result<std::vector<SimilarCase>> FindSimilarCases(db::Database& db, const Case& c, int limit);

}  // namespace wf::cases
