#include <variant>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cases/case_store.h"
#include "core/json.h"
#include "core/search.h"
#include "core/json_parse.h"

namespace wf::cases {

namespace {

#define WF_CASE_COLUMNS                                                                      \
  "c.id, c.number, c.title, c.description, c.severity, c.tier, c.status, c.assignee_id, "    \
  "COALESCE(u.login, ''), c.tlp, c.pap, c.tags, COALESCE(c.template, ''), c.created_by, "    \
  "c.created_at, c.updated_at, c.acknowledged_at, c.resolved_at, c.closed_at, c.ack_due, "   \
  "c.resolve_due, c.ack_breached, c.resolve_breached, c.paused_at, c.paused_ms, "            \
  "c.resolution, COALESCE(c.root_cause, ''), COALESCE(c.resolution_notes, ''), "            \
  "c.feedback_rating, COALESCE(c.feedback_comment, '')"
#define WF_CASE_FROM " FROM cases c LEFT JOIN users u ON u.id = c.assignee_id"

constexpr char kNextSeqSql[] =
    "INSERT INTO case_sequences (year, last) VALUES (?, 1) "
    "ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last";
constexpr char kInsertCaseSql[] =
    "INSERT INTO cases (number, year, seq, title, description, severity, tier, status, "
    "assignee_id, tlp, pap, tags, template, created_by, created_at, updated_at, ack_due, "
    "resolve_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kUpdateCaseSql[] =
    "UPDATE cases SET title = ?, description = ?, severity = ?, tier = ?, status = ?, "
    "assignee_id = ?, tlp = ?, pap = ?, tags = ?, updated_at = ?, acknowledged_at = ?, "
    "resolved_at = ?, closed_at = ?, ack_due = ?, resolve_due = ?, ack_breached = ?, "
    "resolve_breached = ?, paused_at = ?, paused_ms = ?, resolution = ?, root_cause = ?, "
    "resolution_notes = ?, feedback_rating = ?, feedback_comment = ? WHERE id = ?";
constexpr char kGetCaseSql[] = "SELECT " WF_CASE_COLUMNS WF_CASE_FROM " WHERE c.id = ?";
constexpr char kGetCaseByNumberSql[] =
    "SELECT " WF_CASE_COLUMNS WF_CASE_FROM " WHERE c.number = ?";
constexpr char kDeleteTagsSql[] = "DELETE FROM case_tags WHERE case_id = ?";
constexpr char kInsertTagSql[] = "INSERT OR IGNORE INTO case_tags (tag, case_id) VALUES (?, ?)";

constexpr char kInsertEventSql[] =
    "INSERT INTO case_events (case_id, time, actor, kind, body, details) VALUES (?, ?, ?, ?, ?, ?)";
constexpr char kListEventsSql[] =
    "SELECT id, case_id, time, actor, kind, body, details FROM case_events "
    "WHERE case_id = ? AND (? IS NULL OR kind = ?) ORDER BY id";

constexpr char kInsertTaskSql[] =
    "INSERT INTO tasks (case_id, title, description, status, assignee_id, position, due_at, "
    "created_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kUpdateTaskSql[] =
    "UPDATE tasks SET title = ?, description = ?, status = ?, assignee_id = ?, position = ?, "
    "due_at = ?, updated_at = ?, completed_at = ? WHERE id = ?";
constexpr char kGetTaskSql[] =
    "SELECT id, case_id, title, description, status, assignee_id, position, due_at, created_at, "
    "updated_at, completed_at FROM tasks WHERE id = ?";
constexpr char kListTasksSql[] =
    "SELECT id, case_id, title, description, status, assignee_id, position, due_at, created_at, "
    "updated_at, completed_at FROM tasks WHERE case_id = ? ORDER BY position, id";
constexpr char kNextPositionSql[] = "SELECT COALESCE(MAX(position), 0) + 1 FROM tasks WHERE case_id = ?";
constexpr char kInsertTaskLogSql[] =
    "INSERT INTO task_logs (task_id, case_id, time, actor, body) VALUES (?, ?, ?, ?, ?)";
constexpr char kListTaskLogsSql[] =
    "SELECT id, task_id, case_id, time, actor, body FROM task_logs WHERE case_id = ? ORDER BY id";

constexpr char kUpsertBlobSql[] =
    "INSERT OR IGNORE INTO attachments (sha256, size, created_at) VALUES (?, ?, ?)";
constexpr char kInsertAttachmentSql[] =
    "INSERT INTO case_attachments (case_id, sha256, filename, content_type, uploaded_by, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?)";
constexpr char kListAttachmentsSql[] =
    "SELECT ca.id, ca.case_id, ca.sha256, ca.filename, ca.content_type, ca.uploaded_by, a.size, "
    "ca.created_at FROM case_attachments ca JOIN attachments a ON a.sha256 = ca.sha256 "
    "WHERE ca.case_id = ? ORDER BY ca.id";
constexpr char kFindAttachmentSql[] =
    "SELECT ca.id, ca.case_id, ca.sha256, ca.filename, ca.content_type, ca.uploaded_by, a.size, "
    "ca.created_at FROM case_attachments ca JOIN attachments a ON a.sha256 = ca.sha256 "
    "WHERE ca.sha256 = ? ORDER BY ca.id LIMIT 1";

constexpr char kListPoliciesSql[] =
    "SELECT severity, ack_minutes, resolve_minutes, auto_escalate FROM sla_policies ORDER BY severity DESC";
constexpr char kGetPolicySql[] =
    "SELECT severity, ack_minutes, resolve_minutes, auto_escalate FROM sla_policies WHERE severity = ?";
constexpr char kPutPolicySql[] =
    "INSERT INTO sla_policies (severity, ack_minutes, resolve_minutes, auto_escalate, updated_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (severity) DO UPDATE SET ack_minutes = excluded.ack_minutes, "
    "resolve_minutes = excluded.resolve_minutes, auto_escalate = excluded.auto_escalate, "
    "updated_at = excluded.updated_at";

constexpr char kInsertTemplateSql[] =
    "INSERT INTO case_templates (name, description, severity, tags, tasks, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr char kUpdateTemplateSql[] =
    "UPDATE case_templates SET name = ?, description = ?, severity = ?, tags = ?, tasks = ?, "
    "updated_at = ? WHERE id = ?";
constexpr char kDeleteTemplateSql[] = "DELETE FROM case_templates WHERE id = ?";
constexpr char kGetTemplateSql[] =
    "SELECT id, name, description, severity, tags, tasks, created_at, updated_at "
    "FROM case_templates WHERE id = ?";
constexpr char kGetTemplateByNameSql[] =
    "SELECT id, name, description, severity, tags, tasks, created_at, updated_at "
    "FROM case_templates WHERE name = ?";
constexpr char kListTemplatesSql[] =
    "SELECT id, name, description, severity, tags, tasks, created_at, updated_at "
    "FROM case_templates ORDER BY name";

constexpr char kOverdueAckSql[] =
    "SELECT id FROM cases WHERE acknowledged_at IS NULL AND ack_breached = 0 AND ack_due < ? "
    "AND paused_at IS NULL AND status NOT IN ('resolved', 'closed') ORDER BY id";
constexpr char kOverdueResolveSql[] =
    "SELECT id FROM cases WHERE resolved_at IS NULL AND resolve_breached = 0 AND resolve_due < ? "
    "AND paused_at IS NULL AND status NOT IN ('resolved', 'closed') ORDER BY id";

constexpr char kCountOpenSql[] =
    "SELECT tier, severity, COUNT(*), SUM(ack_breached OR resolve_breached) FROM cases "
    "WHERE status NOT IN ('resolved', 'closed') GROUP BY tier, severity ORDER BY tier, severity";

Case ReadCase(const db::Statement& st) {
  Case c;
  c.id = st.Int64(0);
  c.number = st.Text(1);
  c.title = st.Text(2);
  c.description = st.Text(3);
  c.severity = SeverityFromNumber(st.Int64(4)).value_or(Severity::kMedium);
  c.tier = st.Int(5);
  c.status = ParseCaseStatus(st.Text(6)).value_or(CaseStatus::kOpen);
  c.assignee_id = st.OptInt64(7);
  c.assignee_login = st.Text(8);
  c.tlp = ParseTlp(st.Text(9)).value_or(Tlp::kAmber);
  c.pap = ParsePap(st.Text(10)).value_or(Pap::kAmber);
  c.tags = json::ParseStringArray(st.Text(11));
  c.template_name = st.Text(12);
  c.created_by = st.Text(13);
  c.created_at = st.Int64(14);
  c.updated_at = st.Int64(15);
  c.acknowledged_at = st.OptInt64(16);
  c.resolved_at = st.OptInt64(17);
  c.closed_at = st.OptInt64(18);
  c.sla.ack_due = st.OptInt64(19);
  c.sla.resolve_due = st.OptInt64(20);
  c.sla.ack_breached = st.Int64(21) != 0;
  c.sla.resolve_breached = st.Int64(22) != 0;
  c.sla.paused_at = st.OptInt64(23);
  c.sla.paused_ms = st.Int64(24);
  if (auto r = st.OptText(25)) c.resolution = ParseResolution(*r);
  c.root_cause = st.Text(26);
  c.resolution_notes = st.Text(27);
  if (auto f = st.OptInt64(28)) c.feedback_rating = static_cast<int>(*f);
  c.feedback_comment = st.Text(29);
  return c;
}

Task ReadTask(const db::Statement& st) {
  Task t;
  t.id = st.Int64(0);
  t.case_id = st.Int64(1);
  t.title = st.Text(2);
  t.description = st.Text(3);
  t.status = ParseTaskStatus(st.Text(4)).value_or(TaskStatus::kWaiting);
  t.assignee_id = st.OptInt64(5);
  t.position = st.Int(6);
  t.due_at = st.OptInt64(7);
  t.created_at = st.Int64(8);
  t.updated_at = st.Int64(9);
  t.completed_at = st.OptInt64(10);
  return t;
}

Attachment ReadAttachment(const db::Statement& st) {
  Attachment a;
  a.id = st.Int64(0);
  a.case_id = st.Int64(1);
  a.sha256 = st.Text(2);
  a.filename = st.Text(3);
  a.content_type = st.Text(4);
  a.uploaded_by = st.Text(5);
  a.size = st.Int64(6);
  a.created_at = st.Int64(7);
  return a;
}

std::string TasksToJson(const std::vector<TemplateTask>& tasks) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const auto& t : tasks) {
    w.StartObject();
    w.Key("title");
    w.String(t.title.c_str(), static_cast<rapidjson::SizeType>(t.title.size()));
    w.Key("description");
    w.String(t.description.c_str(), static_cast<rapidjson::SizeType>(t.description.size()));
    w.EndObject();
  }
  w.EndArray();
  return buf.GetString();
}

std::vector<TemplateTask> TasksFromJson(const std::string& text) {
  std::vector<TemplateTask> out;
  rapidjson::Document doc;
  if (!json::Parse(text, doc).ok() || !doc.IsArray()) return out;
  for (const auto& v : doc.GetArray()) {
    if (!v.IsObject()) continue;
    TemplateTask t;
    if (v.HasMember("title") && v["title"].IsString()) t.title = v["title"].GetString();
    if (v.HasMember("description") && v["description"].IsString()) {
      t.description = v["description"].GetString();
    }
    out.push_back(std::move(t));
  }
  return out;
}

CaseTemplate ReadTemplate(const db::Statement& st) {
  CaseTemplate t;
  t.id = st.Int64(0);
  t.name = st.Text(1);
  t.description = st.Text(2);
  if (auto s = st.OptInt64(3)) t.severity = SeverityFromNumber(*s);
  t.tags = json::ParseStringArray(st.Text(4));
  t.tasks = TasksFromJson(st.Text(5));
  t.created_at = st.Int64(6);
  t.updated_at = st.Int64(7);
  return t;
}

std::optional<std::string> NonEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::optional<int64_t> SeverityNumber(const std::optional<Severity>& s) {
  if (!s) return std::nullopt;
  return static_cast<int64_t>(*s);
}

Status SetTags(db::Database& db, int64_t case_id, const std::vector<std::string>& tags) {
  {
    WF_ASSIGN_OR_RETURN(db::Statement * del, db.Cached(kDeleteTagsSql));
    del->Bind(1, case_id);
    WF_RETURN_IF_ERROR(del->Run());
  }
  WF_ASSIGN_OR_RETURN(db::Statement * ins, db.Cached(kInsertTagSql));
  for (const auto& t : tags) {
    ins->Reset();
    ins->BindAll(t, case_id);
    WF_RETURN_IF_ERROR(ins->Run());
  }
  return Status::Ok();
}

template <typename T, typename Reader>
Result<std::vector<T>> ReadAll(db::Statement& st, Reader read) {
  std::vector<T> out;
  for (;;) {
    WF_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(read(st));
  }
  return out;
}

}  // namespace

Result<std::pair<int64_t, std::string>> NextCaseNumber(db::Database& db, const std::string& prefix,
                                                       int year) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kNextSeqSql));
  st->Bind(1, static_cast<int64_t>(year));
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::Internal("case sequence returned no row");
  int64_t seq = st->Int64(0);
  st->Reset();
  return std::make_pair(seq, fmt::format("{}-{}-{:03d}", prefix, year, seq));
}

Result<int64_t> InsertCase(db::Database& db, const Case& c, int year, int64_t seq) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertCaseSql));
  st->BindAll(c.number, static_cast<int64_t>(year), seq, c.title, c.description,
              static_cast<int64_t>(c.severity), static_cast<int64_t>(c.tier),
              CaseStatusName(c.status), c.assignee_id, TlpName(c.tlp), PapName(c.pap),
              json::StringArray(c.tags), NonEmpty(c.template_name), c.created_by, c.created_at,
              c.updated_at, c.sla.ack_due, c.sla.resolve_due);
  WF_RETURN_IF_ERROR(st->Run());
  int64_t id = db.LastInsertRowId();
  WF_RETURN_IF_ERROR(SetTags(db, id, c.tags));
  return id;
}

Status UpdateCase(db::Database& db, const Case& c) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kUpdateCaseSql));
  std::optional<std::string> resolution;
  if (c.resolution) resolution = std::string(ResolutionName(*c.resolution));
  std::optional<int64_t> rating;
  if (c.feedback_rating) rating = *c.feedback_rating;
  st->BindAll(c.title, c.description, static_cast<int64_t>(c.severity),
              static_cast<int64_t>(c.tier), CaseStatusName(c.status), c.assignee_id,
              TlpName(c.tlp), PapName(c.pap), json::StringArray(c.tags), c.updated_at,
              c.acknowledged_at, c.resolved_at, c.closed_at, c.sla.ack_due, c.sla.resolve_due,
              c.sla.ack_breached, c.sla.resolve_breached, c.sla.paused_at, c.sla.paused_ms,
              resolution, NonEmpty(c.root_cause), NonEmpty(c.resolution_notes), rating,
              NonEmpty(c.feedback_comment), c.id);
  WF_RETURN_IF_ERROR(st->Run());
  if (db.Changes() == 0) return Status::NotFound(fmt::format("no case with id {}", c.id));
  return SetTags(db, c.id, c.tags);
}

Result<Case> GetCase(db::Database& db, int64_t id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetCaseSql));
  st->Bind(1, id);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no case with id {}", id));
  return ReadCase(*st);
}

Result<Case> GetCaseByNumber(db::Database& db, const std::string& number) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetCaseByNumberSql));
  st->Bind(1, number);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no case {}", number));
  return ReadCase(*st);
}

db::BuiltQuery BuildListCasesQuery(const CaseFilter& f) {
  std::string sql = "SELECT " WF_CASE_COLUMNS WF_CASE_FROM;
  std::vector<std::string> where;
  std::vector<db::SqlArg> args;
  if (f.q) {
    sql += " JOIN cases_fts ON cases_fts.rowid = c.id";
    where.push_back("cases_fts MATCH ?");
    args.emplace_back(*f.q);
  }
  if (f.tag) {
    where.push_back("c.id IN (SELECT case_id FROM case_tags WHERE tag = ?)");
    args.emplace_back(*f.tag);
  }
  if (f.tier) {
    where.push_back("c.tier = ?");
    args.emplace_back(static_cast<int64_t>(*f.tier));
  }
  if (f.severity) {
    where.push_back("c.severity = ?");
    args.emplace_back(static_cast<int64_t>(*f.severity));
  }
  if (f.assignee_id) {
    where.push_back("c.assignee_id = ?");
    args.emplace_back(*f.assignee_id);
  }
  if (f.unassigned) where.push_back("c.assignee_id IS NULL");
  if (f.sla_breached) {
    where.push_back(*f.sla_breached ? "(c.ack_breached = 1 OR c.resolve_breached = 1)"
                                    : "(c.ack_breached = 0 AND c.resolve_breached = 0)");
  }
  if (f.before_id) {
    where.push_back("c.id < ?");
    args.emplace_back(*f.before_id);
  }
  if (f.statuses.size() > 1 && !f.q) {
    std::vector<std::string> values;
    for (CaseStatus st : f.statuses) values.emplace_back(CaseStatusName(st));
    return db::NewestAcrossValues(sql, "cases", "c", "status", values, where, args, f.limit);
  }
  if (!f.statuses.empty()) {
    std::string in = "c.status IN (";
    for (size_t i = 0; i < f.statuses.size(); ++i) {
      in += i ? ", ?" : "?";
      args.emplace_back(std::string(CaseStatusName(f.statuses[i])));
    }
    where.push_back(in + ")");
  }
  for (size_t i = 0; i < where.size(); ++i) {
    sql += i ? " AND " : " WHERE ";
    sql += where[i];
  }
  sql += f.q ? " ORDER BY cases_fts.rowid DESC LIMIT ?" : " ORDER BY c.id DESC LIMIT ?";
  args.emplace_back(static_cast<int64_t>(f.limit));
  return {std::move(sql), std::move(args)};
}

Result<std::vector<Case>> ListCases(db::Database& db, const CaseFilter& f) {
  db::BuiltQuery q = BuildListCasesQuery(f);
  WF_ASSIGN_OR_RETURN(db::Statement st, db.Prepare(q.sql));
  st.BindArgs(q.args);
  std::vector<Case> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) {
      if (f.q) return Status::InvalidArgument("bad search query: check quotes and operators");
      return row.status();
    }
    if (!*row) break;
    out.push_back(ReadCase(st));
  }
  return out;
}

Result<int64_t> InsertEvent(db::Database& db, const CaseEvent& e) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertEventSql));
  st->BindAll(e.case_id, e.time, e.actor, e.kind, e.body, e.details_json.empty() ? "{}" : e.details_json);
  WF_RETURN_IF_ERROR(st->Run());
  return db.LastInsertRowId();
}

Result<std::vector<CaseEvent>> ListEvents(db::Database& db, int64_t case_id,
                                          const std::optional<std::string>& kind) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListEventsSql));
  st->BindAll(case_id, kind, kind);
  return ReadAll<CaseEvent>(*st, [](const db::Statement& s) {
    CaseEvent e;
    e.id = s.Int64(0);
    e.case_id = s.Int64(1);
    e.time = s.Int64(2);
    e.actor = s.Text(3);
    e.kind = s.Text(4);
    e.body = s.Text(5);
    e.details_json = s.Text(6);
    return e;
  });
}

Result<int64_t> InsertTask(db::Database& db, const Task& t) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertTaskSql));
  st->BindAll(t.case_id, t.title, t.description, TaskStatusName(t.status), t.assignee_id,
              static_cast<int64_t>(t.position), t.due_at, t.created_at, t.updated_at,
              t.completed_at);
  WF_RETURN_IF_ERROR(st->Run());
  return db.LastInsertRowId();
}

Status UpdateTask(db::Database& db, const Task& t) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kUpdateTaskSql));
  st->BindAll(t.title, t.description, TaskStatusName(t.status), t.assignee_id,
              static_cast<int64_t>(t.position), t.due_at, t.updated_at, t.completed_at, t.id);
  WF_RETURN_IF_ERROR(st->Run());
  if (db.Changes() == 0) return Status::NotFound(fmt::format("no task with id {}", t.id));
  return Status::Ok();
}

Result<Task> GetTask(db::Database& db, int64_t id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetTaskSql));
  st->Bind(1, id);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no task with id {}", id));
  return ReadTask(*st);
}

Result<std::vector<Task>> ListTasks(db::Database& db, int64_t case_id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListTasksSql));
  st->Bind(1, case_id);
  return ReadAll<Task>(*st, ReadTask);
}

Result<int> NextTaskPosition(db::Database& db, int64_t case_id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kNextPositionSql));
  st->Bind(1, case_id);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  int pos = row ? st->Int(0) : 1;
  st->Reset();
  return pos;
}

Result<int64_t> InsertTaskLog(db::Database& db, const TaskLog& l) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertTaskLogSql));
  st->BindAll(l.task_id, l.case_id, l.time, l.actor, l.body);
  WF_RETURN_IF_ERROR(st->Run());
  return db.LastInsertRowId();
}

Result<std::vector<TaskLog>> ListTaskLogs(db::Database& db, int64_t case_id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListTaskLogsSql));
  st->Bind(1, case_id);
  return ReadAll<TaskLog>(*st, [](const db::Statement& s) {
    TaskLog l;
    l.id = s.Int64(0);
    l.task_id = s.Int64(1);
    l.case_id = s.Int64(2);
    l.time = s.Int64(3);
    l.actor = s.Text(4);
    l.body = s.Text(5);
    return l;
  });
}

Status UpsertBlob(db::Database& db, const std::string& sha256, int64_t size, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kUpsertBlobSql));
  st->BindAll(sha256, size, now_ms);
  return st->Run();
}

Result<int64_t> InsertAttachment(db::Database& db, const Attachment& a) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertAttachmentSql));
  st->BindAll(a.case_id, a.sha256, a.filename, a.content_type, a.uploaded_by, a.created_at);
  WF_RETURN_IF_ERROR(st->Run());
  return db.LastInsertRowId();
}

Result<std::vector<Attachment>> ListAttachments(db::Database& db, int64_t case_id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListAttachmentsSql));
  st->Bind(1, case_id);
  return ReadAll<Attachment>(*st, ReadAttachment);
}

Result<Attachment> FindAttachment(db::Database& db, const std::string& sha256) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kFindAttachmentSql));
  st->Bind(1, sha256);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no such attachment");
  return ReadAttachment(*st);
}

Result<std::vector<SlaPolicy>> ListSlaPolicies(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListPoliciesSql));
  return ReadAll<SlaPolicy>(*st, [](const db::Statement& s) {
    return SlaPolicy{SeverityFromNumber(s.Int64(0)).value_or(Severity::kMedium), s.Int64(1),
                     s.Int64(2), s.Int64(3) != 0};
  });
}

Result<SlaPolicy> GetSlaPolicy(db::Database& db, Severity severity) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetPolicySql));
  st->Bind(1, static_cast<int64_t>(severity));
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no SLA policy for {}", SeverityName(severity)));
  SlaPolicy p{severity, st->Int64(1), st->Int64(2), st->Int64(3) != 0};
  st->Reset();
  return p;
}

Status PutSlaPolicy(db::Database& db, const SlaPolicy& p, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kPutPolicySql));
  st->BindAll(static_cast<int64_t>(p.severity), p.ack_minutes, p.resolve_minutes, p.auto_escalate,
              now_ms);
  return st->Run();
}

Result<int64_t> InsertTemplate(db::Database& db, const CaseTemplate& t) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kInsertTemplateSql));
  st->BindAll(t.name, t.description, SeverityNumber(t.severity), json::StringArray(t.tags),
              TasksToJson(t.tasks), t.created_at, t.updated_at);
  Status s = st->Run();
  if (s.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists(fmt::format("a template named '{}' exists", t.name));
  }
  WF_RETURN_IF_ERROR(s);
  return db.LastInsertRowId();
}

Status UpdateTemplate(db::Database& db, const CaseTemplate& t) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kUpdateTemplateSql));
  st->BindAll(t.name, t.description, SeverityNumber(t.severity), json::StringArray(t.tags),
              TasksToJson(t.tasks), t.updated_at, t.id);
  Status s = st->Run();
  if (s.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists(fmt::format("a template named '{}' exists", t.name));
  }
  WF_RETURN_IF_ERROR(s);
  if (db.Changes() == 0) return Status::NotFound(fmt::format("no template with id {}", t.id));
  return Status::Ok();
}

Status DeleteTemplate(db::Database& db, int64_t id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kDeleteTemplateSql));
  st->Bind(1, id);
  WF_RETURN_IF_ERROR(st->Run());
  if (db.Changes() == 0) return Status::NotFound(fmt::format("no template with id {}", id));
  return Status::Ok();
}

Result<CaseTemplate> GetTemplate(db::Database& db, int64_t id) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetTemplateSql));
  st->Bind(1, id);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no template with id {}", id));
  return ReadTemplate(*st);
}

Result<CaseTemplate> GetTemplateByName(db::Database& db, const std::string& name) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kGetTemplateByNameSql));
  st->Bind(1, name);
  WF_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound(fmt::format("no template named '{}'", name));
  return ReadTemplate(*st);
}

Result<std::vector<CaseTemplate>> ListTemplates(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kListTemplatesSql));
  return ReadAll<CaseTemplate>(*st, ReadTemplate);
}


Result<std::vector<SearchHit>> SearchCases(db::Database& db, const std::string& q, int limit) {
  // As SearchAlerts: the newest ?3 matches ranked by bm25, snippets for the ?2 kept.
  static constexpr char kSql[] =
      "WITH newest AS MATERIALIZED (SELECT rowid AS id, bm25(cases_fts) AS rank FROM cases_fts "
      "WHERE cases_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3), "
      "best AS MATERIALIZED (SELECT id, rank FROM newest ORDER BY rank, id DESC LIMIT ?2) "
      "SELECT c.id, c.id, c.number, c.title, "
      "snippet(cases_fts, -1, char(2), char(3), '…', 16), best.rank, c.updated_at "
      "FROM best JOIN cases c ON c.id = best.id JOIN cases_fts ON cases_fts.rowid = best.id "
      "WHERE cases_fts MATCH ?1 ORDER BY best.rank, best.id DESC";
  return RunFtsSearch(db, kSql, "cases_fts", "case", q, limit);
}

Result<std::vector<SearchHit>> SearchComments(db::Database& db, const std::string& q, int limit) {
  static constexpr char kSql[] =
      "WITH newest AS MATERIALIZED (SELECT rowid AS id, bm25(comments_fts) AS rank FROM comments_fts "
      "WHERE comments_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3), "
      "best AS MATERIALIZED (SELECT id, rank FROM newest ORDER BY rank, id DESC LIMIT ?2) "
      "SELECT e.id, e.case_id, c.number, c.title, "
      "snippet(comments_fts, -1, char(2), char(3), '…', 16), best.rank, e.time "
      "FROM best JOIN case_events e ON e.id = best.id JOIN cases c ON c.id = e.case_id "
      "JOIN comments_fts ON comments_fts.rowid = best.id "
      "WHERE comments_fts MATCH ?1 ORDER BY best.rank, best.id DESC";
  return RunFtsSearch(db, kSql, "comments_fts", "comment", q, limit);
}

Result<std::vector<SearchHit>> SearchTaskLogs(db::Database& db, const std::string& q, int limit) {
  static constexpr char kSql[] =
      "WITH newest AS MATERIALIZED (SELECT rowid AS id, bm25(task_logs_fts) AS rank FROM task_logs_fts "
      "WHERE task_logs_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3), "
      "best AS MATERIALIZED (SELECT id, rank FROM newest ORDER BY rank, id DESC LIMIT ?2) "
      "SELECT l.id, l.case_id, c.number, c.title, "
      "snippet(task_logs_fts, -1, char(2), char(3), '…', 16), best.rank, l.time "
      "FROM best JOIN task_logs l ON l.id = best.id JOIN cases c ON c.id = l.case_id "
      "JOIN task_logs_fts ON task_logs_fts.rowid = best.id "
      "WHERE task_logs_fts MATCH ?1 ORDER BY best.rank, best.id DESC";
  return RunFtsSearch(db, kSql, "task_logs_fts", "task_log", q, limit);
}

Result<std::vector<OpenCaseCount>> CountOpenCases(db::Database& db) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kCountOpenSql));
  return ReadAll<OpenCaseCount>(*st, [](const db::Statement& s) {
    return OpenCaseCount{s.Int(0), SeverityFromNumber(s.Int64(1)).value_or(Severity::kMedium), s.Int64(2),
                         s.Int64(3)};
  });
}

Result<std::vector<int64_t>> OverdueAck(db::Database& db, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kOverdueAckSql));
  st->Bind(1, now_ms);
  return ReadAll<int64_t>(*st, [](const db::Statement& s) { return s.Int64(0); });
}

Result<std::vector<int64_t>> OverdueResolve(db::Database& db, int64_t now_ms) {
  WF_ASSIGN_OR_RETURN(db::Statement * st, db.Cached(kOverdueResolveSql));
  st->Bind(1, now_ms);
  return ReadAll<int64_t>(*st, [](const db::Statement& s) { return s.Int64(0); });
}

}  // namespace wf::cases
