// CaseService: the analysts' daily work on cases (SPEC 4, 6, 7): creation
// (also from alerts, through CreateCaseTx), the status/tier state machine,
// assignment, escalation, resolution with a documented root cause, closing,
// reopening, feedback, comments and the timeline, tasks and task logs,
// observables, evidence, templates, SLA policies and the SLA timer.
//
// The service decides who may do what (deny by default) and writes every
// change in one transaction with its timeline event, its audit record and
// any notification (outbox). Thread safety: all methods may be called from
// any thread; callbacks run on the writer thread, or inline when the request
// is rejected before any write.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cases/case.h"
#include "cases/case_report.h"
#include "cases/case_store.h"
#include "cases/knowledge.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/read_pool.h"
#include "core/roles.h"
#include "core/writer.h"
#include "observables/observable_store.h"

namespace wf::cases {

struct CaseOptions {
  std::string number_prefix = "SOC";
  Severity l2_floor = Severity::kHigh;  // escalation raises severity to at least this
  Severity l3_floor = Severity::kHigh;
  std::string attachments_dir = "var/attachments";
};

// Who acts, and for the record.
struct Actor {
  auth::Principal principal;
  audit::Context ctx;
};

struct NewCase {
  std::string title, description;
  Severity severity = Severity::kMedium;
  Tlp tlp = Tlp::kAmber;
  Pap pap = Pap::kAmber;
  std::vector<std::string> tags;
  std::string template_name;           // optional: adds its tasks, tags, severity
  std::optional<std::string> assignee;  // login
  int tier = 1;                         // a routing rule may open it at L2/L3 (severity floor applies)
};

struct CasePatch {
  std::optional<std::string> title, description;
  std::optional<Severity> severity;
  std::optional<Tlp> tlp;
  std::optional<Pap> pap;
  std::optional<std::vector<std::string>> tags;
  std::optional<CaseStatus> status;  // in_progress or awaiting_info here
};

struct ResolveRequest {
  std::string resolution, resolution_notes, root_cause;
};

struct NewTask {
  std::string title, description;
  std::optional<std::string> assignee;
  std::optional<int64_t> due_at;
};

struct TaskPatch {
  std::optional<std::string> title, description;
  std::optional<TaskStatus> status;
  std::optional<std::optional<std::string>> assignee;  // set, or clear with nullopt inside
  std::optional<int64_t> due_at;
};

struct CaseDetail {
  Case c;
  std::vector<observables::ObservableRecord> observables;
  std::vector<int64_t> alert_ids;
  int64_t open_tasks = 0;
};

struct SlaCheckResult {
  int ack_breaches = 0, resolve_breaches = 0, auto_escalations = 0;
};

// Creates a case inside the caller's transaction on the writer thread: number,
// SLA due times, tags, template tasks, the "created" event and the audit
// record. Used by CaseService::Create and by alert promotion.
Result<Case> CreateCaseTx(db::Database& db, const NewCase& spec, const audit::Context& ctx,
                          const CaseOptions& options, int64_t now_ms);

// May this principal work (comment, tasks, resolve...) a case of `tier`?
bool CanWorkTier(const auth::Principal& p, int tier);
// PermissionDenied naming the tier when not.
Status CheckCanWork(const auth::Principal& p, const Case& c);

// Time left to the next SLA target (ack if not acknowledged, else resolve),
// negative when overdue, frozen while paused; nullopt once resolved.
std::optional<int64_t> SlaRemainingMs(const Case& c, int64_t now_ms);

class CaseService {
 public:
  CaseService(Writer& writer, db::ReadPool& reads, const Clock& clock, CaseOptions options = {});

  template <typename T>
  using Done = std::function<void(Result<T>)>;

  void Create(NewCase spec, Actor actor, Done<Case> done);
  // By id, or by number ("SOC-2026-045").
  Result<CaseDetail> Get(const std::string& id_or_number);
  Result<int64_t> ResolveId(const std::string& id_or_number);
  // Full-text search of `kind`: "case", "comment" or "task_log".
  Result<std::vector<SearchHit>> Search(const std::string& kind, const std::string& q, int limit);
  // The case row alone (no observables, tasks or alerts).
  Result<Case> Summary(int64_t id);
  Result<std::vector<Case>> List(CaseFilter filter);
  // Resolves a login to a user id for filters; NotFound.
  Result<int64_t> UserId(const std::string& login);

  void Update(int64_t id, CasePatch patch, Actor actor, Done<Case> done);
  void Assign(int64_t id, std::optional<std::string> assignee, Actor actor, Done<Case> done);
  void Escalate(int64_t id, std::string tier, std::string reason, Actor actor, Done<Case> done);
  void Resolve(int64_t id, ResolveRequest req, Actor actor, Done<Case> done);
  void Close(int64_t id, Actor actor, Done<Case> done);
  void Reopen(int64_t id, std::string reason, Actor actor, Done<Case> done);
  void Feedback(int64_t id, int64_t rating, std::string comment, Actor actor, Done<Case> done);

  void AddComment(int64_t id, std::string body, Actor actor, Done<CaseEvent> done);
  Result<std::vector<CaseEvent>> Timeline(int64_t id, std::optional<std::string> kind);

  void AddTask(int64_t case_id, NewTask task, Actor actor, Done<Task> done);
  void UpdateTask(int64_t task_id, TaskPatch patch, Actor actor, Done<Task> done);
  void AddTaskLog(int64_t task_id, std::string body, Actor actor, Done<TaskLog> done);
  Result<std::pair<std::vector<Task>, std::vector<TaskLog>>> Tasks(int64_t case_id);

  void AddObservable(int64_t case_id, observables::ObservableType type, std::string value,
                     bool ioc, Actor actor, Done<observables::ObservableRecord> done);
  Result<std::vector<observables::ObservableRecord>> Observables(int64_t case_id);

  // Stores `data` content-addressed under attachments_dir, then records it.
  void AddAttachment(int64_t case_id, std::string filename, std::string content_type,
                     std::string data, Actor actor, Done<Attachment> done);
  Result<std::vector<Attachment>> Attachments(int64_t case_id);
  // The stored file's path and its first recorded name; NotFound.
  Result<std::pair<std::string, Attachment>> OpenAttachment(const std::string& sha256);

  Result<std::vector<OpenCaseCount>> OpenCaseCounts();
  Result<CaseReport> Report(int64_t from_ms, int64_t to_ms, int top_n);

  // Knowledge base (cases/knowledge.h).
  Result<std::vector<SimilarCase>> Similar(int64_t case_id, int limit);
  Result<std::vector<KnowledgeEntry>> Knowledge(const std::optional<std::string>& q, int limit);
  Result<Article> GetArticle(int64_t id);
  // A manager publishes a curated article from a resolved or closed case.
  void Publish(int64_t case_id, std::optional<std::string> title, std::optional<std::string> body,
               std::vector<std::string> tags, Actor actor, Done<Article> done);
  void EditArticle(int64_t id, std::optional<std::string> title, std::optional<std::string> body,
                   std::optional<std::vector<std::string>> tags, Actor actor, Done<Article> done);
  Result<int64_t> OutboxBacklog();

  Result<std::vector<SlaPolicy>> SlaPolicies();
  void PutSlaPolicies(std::vector<SlaPolicy> policies, Actor actor, Done<std::vector<SlaPolicy>> done);

  Result<std::vector<CaseTemplate>> Templates();
  Result<CaseTemplate> GetTemplate(int64_t id);
  void SaveTemplate(CaseTemplate t, Actor actor, Done<CaseTemplate> done);  // id 0: create
  void DeleteTemplate(int64_t id, Actor actor, std::function<void(Status)> done);

  // Finds newly breached SLAs at the clock's now: timeline event, audit
  // record, notification, optional auto-escalation.
  void RunSlaCheck(Done<SlaCheckResult> done);

  const CaseOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }

 private:
  // Loads the case, checks the actor may work it, applies `change`, saves,
  // and returns the saved case; every mutating endpoint goes through here.
  void Mutate(int64_t id, Actor actor, bool require_work,
              std::function<Status(db::Database&, Case&, int64_t now)> change, Done<Case> done);

  Writer& writer_;
  db::ReadPool& reads_;
  const Clock& clock_;
  CaseOptions options_;
};

}  // namespace wf::cases
