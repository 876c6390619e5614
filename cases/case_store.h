// SQL for cases, case_tags, case_events, tasks, task_logs, attachments,
// case_attachments, sla_policies and case_templates (tables owned by this
// module). Functions take the connection explicitly; writes run on the writer
// thread inside the caller's transaction. Implemented in sqlite_case_store.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cases/case.h"
#include "core/search_hit.h"
#include "core/sqlite.h"

namespace wf::cases {

struct CaseFilter {
  std::vector<CaseStatus> statuses;
  std::optional<int> tier;
  std::optional<Severity> severity;
  std::optional<int64_t> assignee_id;
  bool unassigned = false;
  std::optional<std::string> tag;
  std::optional<std::string> q;  // FTS5 over title and description
  std::optional<bool> sla_breached;
  std::optional<int64_t> before_id;
  int limit = 50;
};

// Reserves the next number of `year`: (seq, "PREFIX-YEAR-SEQ" with at least 3 digits).
Result<std::pair<int64_t, std::string>> NextCaseNumber(db::Database& db, const std::string& prefix,
                                                       int year);
Result<int64_t> InsertCase(db::Database& db, const Case& c, int year, int64_t seq);
Status UpdateCase(db::Database& db, const Case& c);  // every mutable field, by id
Result<Case> GetCase(db::Database& db, int64_t id);  // NotFound
Result<Case> GetCaseByNumber(db::Database& db, const std::string& number);
// The SQL and arguments ListCases runs (for EXPLAIN QUERY PLAN checks).
db::BuiltQuery BuildListCasesQuery(const CaseFilter& filter);
Result<std::vector<Case>> ListCases(db::Database& db, const CaseFilter& filter);

Result<int64_t> InsertEvent(db::Database& db, const CaseEvent& e);
// Oldest first; `kind` filters when given.
Result<std::vector<CaseEvent>> ListEvents(db::Database& db, int64_t case_id,
                                          const std::optional<std::string>& kind);

Result<int64_t> InsertTask(db::Database& db, const Task& t);
Status UpdateTask(db::Database& db, const Task& t);
Result<Task> GetTask(db::Database& db, int64_t id);
Result<std::vector<Task>> ListTasks(db::Database& db, int64_t case_id);
Result<int> NextTaskPosition(db::Database& db, int64_t case_id);
Result<int64_t> InsertTaskLog(db::Database& db, const TaskLog& l);
Result<std::vector<TaskLog>> ListTaskLogs(db::Database& db, int64_t case_id);

Status UpsertBlob(db::Database& db, const std::string& sha256, int64_t size, int64_t now_ms);
Result<int64_t> InsertAttachment(db::Database& db, const Attachment& a);
Result<std::vector<Attachment>> ListAttachments(db::Database& db, int64_t case_id);
// The first upload of this content (its name and type); NotFound.
Result<Attachment> FindAttachment(db::Database& db, const std::string& sha256);

Result<std::vector<SlaPolicy>> ListSlaPolicies(db::Database& db);
Result<SlaPolicy> GetSlaPolicy(db::Database& db, Severity severity);
Status PutSlaPolicy(db::Database& db, const SlaPolicy& p, int64_t now_ms);

Result<int64_t> InsertTemplate(db::Database& db, const CaseTemplate& t);  // AlreadyExists on name
Status UpdateTemplate(db::Database& db, const CaseTemplate& t);
Status DeleteTemplate(db::Database& db, int64_t id);
Result<CaseTemplate> GetTemplate(db::Database& db, int64_t id);
Result<CaseTemplate> GetTemplateByName(db::Database& db, const std::string& name);
Result<std::vector<CaseTemplate>> ListTemplates(db::Database& db);

// FTS5 searches: the best `limit` by bm25 among the newest kSearchWindow
// matches (core/search.h), best first; InvalidArgument on bad query syntax.
Result<std::vector<SearchHit>> SearchCases(db::Database& db, const std::string& q, int limit);
Result<std::vector<SearchHit>> SearchComments(db::Database& db, const std::string& q, int limit);
Result<std::vector<SearchHit>> SearchTaskLogs(db::Database& db, const std::string& q, int limit);

struct OpenCaseCount {
  int tier = 1;
  Severity severity = Severity::kMedium;
  int64_t count = 0;
  int64_t breached = 0;
};
// Cases not resolved or closed, by tier and severity.
Result<std::vector<OpenCaseCount>> CountOpenCases(db::Database& db);

// Cases whose acknowledgement (resolution) is overdue at `now_ms` and not yet
// flagged; paused cases (awaiting_info) excluded.
Result<std::vector<int64_t>> OverdueAck(db::Database& db, int64_t now_ms);
Result<std::vector<int64_t>> OverdueResolve(db::Database& db, int64_t now_ms);

}  // namespace wf::cases
