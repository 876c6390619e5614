#include "cases/case_service.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

#include "cases/evidence_store.h"
#include "cases/state_machine.h"
#include "core/auth_store.h"
#include "core/json.h"
#include "core/outbox.h"

namespace wf::cases {

namespace {

constexpr size_t kMaxTitle = 1024;
constexpr size_t kMaxText = 64 * 1024;

int YearOf(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

Status Event(db::Database& db, int64_t case_id, int64_t now, const std::string& actor,
             std::string kind, std::string body, std::string details = "{}") {
  CaseEvent e;
  e.case_id = case_id;
  e.time = now;
  e.actor = actor;
  e.kind = std::move(kind);
  e.body = std::move(body);
  e.details_json = std::move(details);
  return InsertEvent(db, e).status();
}

Status Audit(db::Database& db, const audit::Context& ctx, const std::string& action,
             const std::string& object_type, int64_t id, std::string details, int64_t now) {
  return audit::Append(db, ctx, {action, object_type, std::to_string(id), std::move(details)}, now);
}

std::string CasePayload(const Case& c, std::string_view event, std::string_view reason) {
  return json::Object({{"event", event},
                       {"case", c.number},
                       {"case_id", std::to_string(c.id)},
                       {"title", c.title},
                       {"severity", SeverityName(c.severity)},
                       {"tier", TierName(c.tier)},
                       {"status", CaseStatusName(c.status)},
                       {"assignee", c.assignee_login},
                       {"reason", reason}});
}

Status Notify(db::Database& db, const Case& c, const std::string& event, std::string_view reason,
              int64_t now) {
  return outbox::Enqueue(db, event, CasePayload(c, event, reason), now);
}

Status ValidateText(const std::string& value, const char* field, size_t max, bool required) {
  if (required && value.empty()) return Status::Unprocessable(fmt::format("{} is required", field));
  if (value.size() > max) return Status::Unprocessable(fmt::format("{} is longer than {} bytes", field, max));
  return Status::Ok();
}

Status ValidateTags(const std::vector<std::string>& tags) {
  if (tags.size() > 100) return Status::Unprocessable("at most 100 tags");
  for (const auto& t : tags) {
    if (t.empty() || t.size() > 128) return Status::Unprocessable("tags must be 1 to 128 bytes");
    for (unsigned char ch : t) {
      if (ch < 0x20 || ch == 0x7f) return Status::Unprocessable("tags must not hold control characters");
    }
  }
  return Status::Ok();
}

// Sets due times from the severity's policy, counting paused time.
Status ApplySlaPolicy(db::Database& db, Case& c) {
  WF_ASSIGN_OR_RETURN(SlaPolicy p, GetSlaPolicy(db, c.severity));
  c.sla.ack_due = c.created_at + c.sla.paused_ms + p.ack_minutes * 60'000;
  c.sla.resolve_due = c.created_at + c.sla.paused_ms + p.resolve_minutes * 60'000;
  return Status::Ok();
}

Severity FloorFor(const CaseOptions& o, int tier) {
  if (tier >= 3) return o.l3_floor;
  if (tier == 2) return o.l2_floor;
  return Severity::kLow;
}

Result<auth::User> UserByLogin(db::Database& db, const std::string& login) {
  auto found = auth::GetUserForLogin(db, login);
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) {
      return Status::Unprocessable(fmt::format("no user '{}'", login));
    }
    return found.status();
  }
  if (found->first.disabled) return Status::Unprocessable(fmt::format("user '{}' is disabled", login));
  return found->first;
}

// Leaving awaiting_info: the paused time moves the due times.
void Unpause(Case& c, int64_t now) {
  if (!c.sla.paused_at) return;
  int64_t paused = std::max<int64_t>(0, now - *c.sla.paused_at);
  c.sla.paused_ms += paused;
  if (c.sla.ack_due && !c.acknowledged_at) *c.sla.ack_due += paused;
  if (c.sla.resolve_due) *c.sla.resolve_due += paused;
  c.sla.paused_at.reset();
}

// Moves to `to`, keeping acknowledgement and SLA pause bookkeeping in step.
Status Transition(Case& c, CaseStatus to, int64_t now) {
  WF_RETURN_IF_ERROR(CheckTransition(c.status, to));
  if (c.status == CaseStatus::kAwaitingInfo) Unpause(c, now);
  if (to == CaseStatus::kAwaitingInfo) c.sla.paused_at = now;
  if (to == CaseStatus::kInProgress && !c.acknowledged_at) c.acknowledged_at = now;
  c.status = to;
  return Status::Ok();
}

}  // namespace

bool CanWorkTier(const auth::Principal& p, int tier) {
  if (p.kind != auth::Principal::Kind::kUser || !p.role) return false;
  return auth::MaxWorkTier(*p.role) >= tier;
}

Status CheckCanWork(const auth::Principal& p, const Case& c) {
  if (CanWorkTier(p, c.tier)) return Status::Ok();
  if (p.role && auth::MaxWorkTier(*p.role) > 0) {
    return Status::PermissionDenied(fmt::format("an {} analyst cannot change an {} case",
                                                auth::RoleName(*p.role), TierName(c.tier)));
  }
  return Status::PermissionDenied("your role does not work cases");
}

std::optional<int64_t> SlaRemainingMs(const Case& c, int64_t now) {
  if (c.resolved_at || c.status == CaseStatus::kResolved || c.status == CaseStatus::kClosed) {
    return std::nullopt;
  }
  std::optional<int64_t> due = c.acknowledged_at ? c.sla.resolve_due : c.sla.ack_due;
  if (!due) return std::nullopt;
  int64_t at = c.sla.paused_at ? *c.sla.paused_at : now;
  return *due - at;
}

Result<Case> CreateCaseTx(db::Database& db, const NewCase& spec, const audit::Context& ctx,
                          const CaseOptions& options, int64_t now) {
  Case c;
  c.title = spec.title;
  c.description = spec.description;
  c.severity = spec.severity;
  c.tlp = spec.tlp;
  c.pap = spec.pap;
  c.tags = spec.tags;
  c.created_by = ctx.actor;
  c.created_at = c.updated_at = now;
  c.tier = std::clamp(spec.tier, 1, 3);
  if (FloorFor(options, c.tier) > c.severity) c.severity = FloorFor(options, c.tier);
  std::optional<CaseTemplate> tmpl;
  if (!spec.template_name.empty()) {
    auto t = GetTemplateByName(db, spec.template_name);
    if (!t.ok()) {
      if (t.status().code() == StatusCode::kNotFound) {
        return Status::Unprocessable(fmt::format("no case template named '{}'", spec.template_name));
      }
      return t.status();
    }
    tmpl = std::move(*t);
    c.template_name = tmpl->name;
    if (tmpl->severity && *tmpl->severity > c.severity) c.severity = *tmpl->severity;
    for (const auto& tag : tmpl->tags) {
      if (std::find(c.tags.begin(), c.tags.end(), tag) == c.tags.end()) c.tags.push_back(tag);
    }
  }
  if (spec.assignee) {
    WF_ASSIGN_OR_RETURN(auth::User u, UserByLogin(db, *spec.assignee));
    if (auth::MaxWorkTier(u.role) < c.tier) {
      return Status::Unprocessable(fmt::format("user '{}' cannot work {} cases", u.login, TierName(c.tier)));
    }
    c.assignee_id = u.id;
    c.assignee_login = u.login;
  }
  WF_RETURN_IF_ERROR(ApplySlaPolicy(db, c));
  int year = YearOf(now);
  WF_ASSIGN_OR_RETURN(auto number, NextCaseNumber(db, options.number_prefix, year));
  c.number = number.second;
  WF_ASSIGN_OR_RETURN(c.id, InsertCase(db, c, year, number.first));
  WF_RETURN_IF_ERROR(Event(db, c.id, now, ctx.actor, "created",
                           fmt::format("Case {} opened: {}", c.number, c.title),
                           json::Object({{"severity", SeverityName(c.severity)},
                                         {"template", c.template_name}})));
  if (tmpl) {
    int pos = 1;
    for (const auto& tt : tmpl->tasks) {
      Task t;
      t.case_id = c.id;
      t.title = tt.title;
      t.description = tt.description;
      t.position = pos++;
      t.created_at = t.updated_at = now;
      WF_RETURN_IF_ERROR(InsertTask(db, t).status());
    }
  }
  WF_RETURN_IF_ERROR(Audit(db, ctx, "case.create", "case", c.id,
                           json::Object({{"number", c.number}, {"title", c.title},
                                         {"severity", SeverityName(c.severity)}}),
                           now));
  if (c.assignee_id) WF_RETURN_IF_ERROR(Notify(db, c, "case.assigned", "", now));
  return c;
}

CaseService::CaseService(Writer& writer, db::ReadPool& reads, const Clock& clock, CaseOptions options)
    : writer_(writer), reads_(reads), clock_(clock), options_(std::move(options)) {}

void CaseService::Create(NewCase spec, Actor actor, Done<Case> done) {
  if (!auth::Allows(actor.principal, auth::Permission::kTriage)) {
    return done(Status::PermissionDenied("your role does not open cases"));
  }
  if (Status st = ValidateText(spec.title, "title", kMaxTitle, true); !st.ok()) return done(st);
  if (Status st = ValidateText(spec.description, "description", kMaxText, false); !st.ok()) return done(st);
  if (Status st = ValidateTags(spec.tags); !st.ok()) return done(st);
  if (spec.assignee && *spec.assignee != actor.principal.name &&
      !auth::Allows(actor.principal, auth::Permission::kManageWorkflow)) {
    return done(Status::PermissionDenied("only a manager assigns cases to others"));
  }
  const Clock* clock = &clock_;
  CaseOptions options = options_;
  SubmitForResult<Case>(
      writer_,
      [spec = std::move(spec), ctx = actor.ctx, options, clock](db::Database& db) -> Result<Case> {
        return CreateCaseTx(db, spec, ctx, options, clock->NowMs());
      },
      std::move(done));
}

Result<int64_t> CaseService::ResolveId(const std::string& ref) {
  bool digits = !ref.empty() && ref.size() <= 18 &&
                std::all_of(ref.begin(), ref.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  if (digits) return std::stoll(ref);
  if (ref.empty() || ref.size() > 64) return Status::NotFound("no such case");
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  WF_ASSIGN_OR_RETURN(Case c, GetCaseByNumber(lease.db(), ref));
  return c.id;
}

Result<CaseDetail> CaseService::Get(const std::string& id_or_number) {
  WF_ASSIGN_OR_RETURN(int64_t id, ResolveId(id_or_number));
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  CaseDetail d;
  WF_ASSIGN_OR_RETURN(d.c, GetCase(lease.db(), id));
  WF_ASSIGN_OR_RETURN(d.observables, observables::ListForObject(lease.db(), "case", id));
  WF_ASSIGN_OR_RETURN(auto tasks, ListTasks(lease.db(), id));
  for (const auto& t : tasks) {
    if (t.status == TaskStatus::kWaiting || t.status == TaskStatus::kInProgress) ++d.open_tasks;
  }
  auto st = lease->Prepare("SELECT id FROM alerts WHERE case_id = ? ORDER BY id");
  if (st.ok()) {
    st->Bind(1, id);
    while (true) {
      auto row = st->Step();
      if (!row.ok() || !*row) break;
      d.alert_ids.push_back(st->Int64(0));
    }
  }
  return d;
}

Result<std::vector<SearchHit>> CaseService::Search(const std::string& kind, const std::string& q, int limit) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  if (kind == "case") return SearchCases(lease.db(), q, limit);
  if (kind == "comment") return SearchComments(lease.db(), q, limit);
  if (kind == "task_log") return SearchTaskLogs(lease.db(), q, limit);
  return Status::InvalidArgument("type must be alert, case, comment or task_log");
}

Result<Case> CaseService::Summary(int64_t id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return GetCase(lease.db(), id);
}

Result<std::vector<Case>> CaseService::List(CaseFilter filter) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return ListCases(lease.db(), filter);
}

Result<int64_t> CaseService::UserId(const std::string& login) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  auto u = auth::GetUserForLogin(lease.db(), login);
  if (!u.ok()) return Status::InvalidArgument(fmt::format("no user '{}'", login));
  return u->first.id;
}

void CaseService::Mutate(int64_t id, Actor actor, bool require_work,
                         std::function<Status(db::Database&, Case&, int64_t)> change,
                         Done<Case> done) {
  const Clock* clock = &clock_;
  SubmitForResult<Case>(
      writer_,
      [id, actor = std::move(actor), require_work, change = std::move(change),
       clock](db::Database& db) -> Result<Case> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Case c, GetCase(db, id));
        if (require_work) WF_RETURN_IF_ERROR(CheckCanWork(actor.principal, c));
        WF_RETURN_IF_ERROR(change(db, c, now));
        c.updated_at = now;
        WF_RETURN_IF_ERROR(UpdateCase(db, c));
        return GetCase(db, id);
      },
      std::move(done));
}

void CaseService::Update(int64_t id, CasePatch patch, Actor actor, Done<Case> done) {
  if (patch.title) {
    if (Status st = ValidateText(*patch.title, "title", kMaxTitle, true); !st.ok()) return done(st);
  }
  if (patch.description) {
    if (Status st = ValidateText(*patch.description, "description", kMaxText, false); !st.ok()) return done(st);
  }
  if (patch.tags) {
    if (Status st = ValidateTags(*patch.tags); !st.ok()) return done(st);
  }
  if (patch.status && *patch.status != CaseStatus::kInProgress &&
      *patch.status != CaseStatus::kAwaitingInfo) {
    return done(Status::Unprocessable(
        "status can be set to in_progress or awaiting_info here; use /escalate, /resolve, /close or /reopen"));
  }
  audit::Context ctx = actor.ctx;
  Mutate(id, actor, true, [patch, ctx, actor_name = ctx.actor](db::Database& db, Case& c, int64_t now) -> Status {
    std::vector<std::pair<std::string, std::string>> changes;
    if (patch.status && *patch.status != c.status) {
      if (c.status == CaseStatus::kResolved || c.status == CaseStatus::kClosed) {
        return Status::FailedPrecondition("a resolved or closed case is reopened with /reopen and a reason");
      }
      CaseStatus from = c.status;
      WF_RETURN_IF_ERROR(Transition(c, *patch.status, now));
      changes.emplace_back("status", fmt::format("{} -> {}", CaseStatusName(from), CaseStatusName(c.status)));
      WF_RETURN_IF_ERROR(Event(db, c.id, now, actor_name, "status_changed",
                               fmt::format("Status {} → {}", CaseStatusName(from), CaseStatusName(c.status))));
    }
    if (patch.title && *patch.title != c.title) {
      c.title = *patch.title;
      changes.emplace_back("title", c.title);
    }
    if (patch.description && *patch.description != c.description) {
      c.description = *patch.description;
      changes.emplace_back("description", "changed");
    }
    if (patch.severity && *patch.severity != c.severity) {
      changes.emplace_back("severity", fmt::format("{} -> {}", SeverityName(c.severity), SeverityName(*patch.severity)));
      WF_RETURN_IF_ERROR(Event(db, c.id, now, actor_name, "severity_changed",
                               fmt::format("Severity {} → {}", SeverityName(c.severity), SeverityName(*patch.severity))));
      c.severity = *patch.severity;
      WF_RETURN_IF_ERROR(ApplySlaPolicy(db, c));
    }
    if (patch.tlp && *patch.tlp != c.tlp) {
      c.tlp = *patch.tlp;
      changes.emplace_back("tlp", std::string(TlpName(c.tlp)));
    }
    if (patch.pap && *patch.pap != c.pap) {
      c.pap = *patch.pap;
      changes.emplace_back("pap", std::string(PapName(c.pap)));
    }
    if (patch.tags && *patch.tags != c.tags) {
      c.tags = *patch.tags;
      changes.emplace_back("tags", json::StringArray(c.tags));
    }
    return Audit(db, ctx, "case.update", "case", c.id, json::Object(changes), now);
  }, std::move(done));
}

void CaseService::Assign(int64_t id, std::optional<std::string> assignee, Actor actor, Done<Case> done) {
  bool self = assignee && *assignee == actor.principal.name &&
              actor.principal.kind == auth::Principal::Kind::kUser;
  bool manager = auth::Allows(actor.principal, auth::Permission::kManageWorkflow);
  if (!self && !manager) {
    return done(Status::PermissionDenied("only a manager assigns cases to others or unassigns them"));
  }
  audit::Context ctx = actor.ctx;
  // A manager or admin assigns without working the case; a self-assignment needs the tier.
  Mutate(id, actor, !manager, [assignee, ctx](db::Database& db, Case& c, int64_t now) -> Status {
    if (c.status == CaseStatus::kClosed) return Status::FailedPrecondition("a closed case cannot be assigned");
    std::string body;
    if (assignee) {
      WF_ASSIGN_OR_RETURN(auth::User u, UserByLogin(db, *assignee));
      if (auth::MaxWorkTier(u.role) < c.tier) {
        return Status::Unprocessable(fmt::format("user '{}' ({}) cannot work an {} case", u.login,
                                                 auth::RoleName(u.role), TierName(c.tier)));
      }
      c.assignee_id = u.id;
      c.assignee_login = u.login;
      body = fmt::format("Assigned to {}", u.login);
      // The higher tier picking up an escalated case takes it out of `escalated`.
      if (c.status == CaseStatus::kEscalated) {
        WF_RETURN_IF_ERROR(Transition(c, CaseStatus::kInProgress, now));
        body += " (picked up: in_progress)";
      }
    } else {
      c.assignee_id.reset();
      c.assignee_login.clear();
      body = "Unassigned";
    }
    WF_RETURN_IF_ERROR(Event(db, c.id, now, ctx.actor, "assigned", body,
                             json::Object({{"assignee", c.assignee_login}})));
    if (c.assignee_id) WF_RETURN_IF_ERROR(Notify(db, c, "case.assigned", "", now));
    return Audit(db, ctx, "case.assign", "case", c.id, json::Object({{"assignee", c.assignee_login}}), now);
  }, std::move(done));
}

void CaseService::Escalate(int64_t id, std::string tier_name, std::string reason, Actor actor,
                           Done<Case> done) {
  if (!auth::Allows(actor.principal, auth::Permission::kEscalate)) {
    return done(Status::PermissionDenied("your role does not escalate cases"));
  }
  auto tier = ParseTier(tier_name);
  if (!tier) return done(Status::Unprocessable("tier must be L2 or L3"));
  if (Status st = ValidateText(reason, "reason", kMaxText, true); !st.ok()) return done(st);
  bool manager = actor.principal.role == auth::Role::kManager;
  audit::Context ctx = actor.ctx;
  CaseOptions options = options_;
  Mutate(id, actor, !manager, [tier = *tier, reason, ctx, options](db::Database& db, Case& c, int64_t now) -> Status {
    if (tier <= c.tier) {
      return Status::Unprocessable(fmt::format("the case is already {}; escalate to a higher tier", TierName(c.tier)));
    }
    int from_tier = c.tier;
    WF_RETURN_IF_ERROR(Transition(c, CaseStatus::kEscalated, now));
    c.tier = tier;
    c.assignee_id.reset();
    c.assignee_login.clear();
    Severity floor = FloorFor(options, tier);
    std::string severity_note;
    if (c.severity < floor) {
      severity_note = fmt::format("; severity {} → {}", SeverityName(c.severity), SeverityName(floor));
      c.severity = floor;
      WF_RETURN_IF_ERROR(ApplySlaPolicy(db, c));
    }
    WF_RETURN_IF_ERROR(Event(db, c.id, now, ctx.actor, "escalated",
                             fmt::format("Escalated {} → {}{}: {}", TierName(from_tier), TierName(tier),
                                         severity_note, reason),
                             json::Object({{"from", TierName(from_tier)}, {"to", TierName(tier)},
                                           {"reason", reason}})));
    WF_RETURN_IF_ERROR(Notify(db, c, "case.escalated", reason, now));
    return Audit(db, ctx, "case.escalate", "case", c.id,
                 json::Object({{"from", TierName(from_tier)}, {"to", TierName(tier)}, {"reason", reason},
                               {"severity", SeverityName(c.severity)}}),
                 now);
  }, std::move(done));
}

void CaseService::Resolve(int64_t id, ResolveRequest req, Actor actor, Done<Case> done) {
  auto resolution = ParseResolution(req.resolution);
  if (!resolution) {
    return done(Status::Unprocessable(
        "resolution must be one of true_positive, false_positive, benign_positive, duplicate, indeterminate"));
  }
  if (Status st = ValidateText(req.resolution_notes, "resolution_notes", kMaxText, true); !st.ok()) return done(st);
  if (*resolution == Resolution::kTruePositive && req.root_cause.empty()) {
    return done(Status::Unprocessable("a true_positive needs root_cause: what happened and why"));
  }
  if (Status st = ValidateText(req.root_cause, "root_cause", kMaxText, false); !st.ok()) return done(st);
  audit::Context ctx = actor.ctx;
  Mutate(id, actor, true, [req, res = *resolution, ctx](db::Database& db, Case& c, int64_t now) -> Status {
    WF_RETURN_IF_ERROR(CheckTransition(c.status, CaseStatus::kResolved));
    WF_ASSIGN_OR_RETURN(auto tasks, ListTasks(db, c.id));
    std::string open;
    for (const auto& t : tasks) {
      if (t.status == TaskStatus::kWaiting || t.status == TaskStatus::kInProgress) {
        open += (open.empty() ? "" : ", ") + fmt::format("#{} \"{}\" ({})", t.id, t.title, TaskStatusName(t.status));
      }
    }
    if (!open.empty()) {
      return Status::FailedPrecondition(
          fmt::format("complete or cancel the open tasks first: {}", open));
    }
    WF_RETURN_IF_ERROR(Transition(c, CaseStatus::kResolved, now));
    c.resolved_at = now;
    c.resolution = res;
    c.resolution_notes = req.resolution_notes;
    c.root_cause = req.root_cause;
    WF_RETURN_IF_ERROR(Event(db, c.id, now, ctx.actor, "resolved",
                             fmt::format("Resolved as {}", ResolutionName(res)),
                             json::Object({{"resolution", ResolutionName(res)},
                                           {"root_cause", req.root_cause},
                                           {"resolution_notes", req.resolution_notes}})));
    return Audit(db, ctx, "case.resolve", "case", c.id,
                 json::Object({{"resolution", ResolutionName(res)}}), now);
  }, std::move(done));
}

void CaseService::Close(int64_t id, Actor actor, Done<Case> done) {
  audit::Context ctx = actor.ctx;
  Mutate(id, actor, true, [ctx](db::Database& db, Case& c, int64_t now) -> Status {
    WF_RETURN_IF_ERROR(Transition(c, CaseStatus::kClosed, now));
    c.closed_at = now;
    WF_RETURN_IF_ERROR(Event(db, c.id, now, ctx.actor, "closed", "Closed"));
    return Audit(db, ctx, "case.close", "case", c.id, "{}", now);
  }, std::move(done));
}

void CaseService::Reopen(int64_t id, std::string reason, Actor actor, Done<Case> done) {
  if (Status st = ValidateText(reason, "reason", kMaxText, true); !st.ok()) return done(st);
  audit::Context ctx = actor.ctx;
  Mutate(id, actor, true, [reason, ctx](db::Database& db, Case& c, int64_t now) -> Status {
    if (c.status != CaseStatus::kResolved && c.status != CaseStatus::kClosed) {
      std::string allowed;
      for (CaseStatus s : AllowedTransitions(c.status)) {
        allowed += (allowed.empty() ? "" : ", ") + std::string(CaseStatusName(s));
      }
      return Status::FailedPrecondition(
          fmt::format("only a resolved or closed case can be reopened; from {} it can go to: {}",
                      CaseStatusName(c.status), allowed));
    }
    WF_RETURN_IF_ERROR(Transition(c, CaseStatus::kInProgress, now));
    c.resolved_at.reset();
    c.closed_at.reset();
    WF_RETURN_IF_ERROR(Event(db, c.id, now, ctx.actor, "reopened", "Reopened: " + reason,
                             json::Object({{"reason", reason}})));
    return Audit(db, ctx, "case.reopen", "case", c.id, json::Object({{"reason", reason}}), now);
  }, std::move(done));
}

void CaseService::Feedback(int64_t id, int64_t rating, std::string comment, Actor actor, Done<Case> done) {
  if (rating < 1 || rating > 5) return done(Status::Unprocessable("rating must be 1 to 5"));
  if (Status st = ValidateText(comment, "comment", kMaxText, false); !st.ok()) return done(st);
  audit::Context ctx = actor.ctx;
  bool manager = actor.principal.role == auth::Role::kManager;
  Mutate(id, actor, !manager, [rating, comment, ctx](db::Database& db, Case& c, int64_t now) -> Status {
    if (c.status != CaseStatus::kClosed) return Status::FailedPrecondition("feedback is given on a closed case");
    c.feedback_rating = static_cast<int>(rating);
    c.feedback_comment = comment;
    WF_RETURN_IF_ERROR(Event(db, c.id, now, ctx.actor, "feedback", fmt::format("Feedback {}/5: {}", rating, comment)));
    return Audit(db, ctx, "case.feedback", "case", c.id, json::Object({{"rating", std::to_string(rating)}}), now);
  }, std::move(done));
}

void CaseService::AddComment(int64_t id, std::string body, Actor actor, Done<CaseEvent> done) {
  if (Status st = ValidateText(body, "body", kMaxText, true); !st.ok()) return done(st);
  const Clock* clock = &clock_;
  SubmitForResult<CaseEvent>(
      writer_,
      [id, body = std::move(body), actor, clock](db::Database& db) -> Result<CaseEvent> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Case c, GetCase(db, id));
        WF_RETURN_IF_ERROR(CheckCanWork(actor.principal, c));
        CaseEvent e;
        e.case_id = id;
        e.time = now;
        e.actor = actor.ctx.actor;
        e.kind = "comment";
        e.body = body;
        WF_ASSIGN_OR_RETURN(e.id, InsertEvent(db, e));
        WF_RETURN_IF_ERROR(Audit(db, actor.ctx, "case.comment", "case", id,
                                 json::Object({{"event_id", std::to_string(e.id)}}), now));
        return e;
      },
      std::move(done));
}

Result<std::vector<CaseEvent>> CaseService::Timeline(int64_t id, std::optional<std::string> kind) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  WF_RETURN_IF_ERROR(GetCase(lease.db(), id).status());
  return ListEvents(lease.db(), id, kind);
}

void CaseService::AddTask(int64_t case_id, NewTask nt, Actor actor, Done<Task> done) {
  if (Status st = ValidateText(nt.title, "title", kMaxTitle, true); !st.ok()) return done(st);
  if (Status st = ValidateText(nt.description, "description", kMaxText, false); !st.ok()) return done(st);
  const Clock* clock = &clock_;
  SubmitForResult<Task>(
      writer_,
      [case_id, nt = std::move(nt), actor, clock](db::Database& db) -> Result<Task> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Case c, GetCase(db, case_id));
        WF_RETURN_IF_ERROR(CheckCanWork(actor.principal, c));
        if (c.status == CaseStatus::kClosed) return Status::FailedPrecondition("the case is closed");
        Task t;
        t.case_id = case_id;
        t.title = nt.title;
        t.description = nt.description;
        t.due_at = nt.due_at;
        if (nt.assignee) {
          WF_ASSIGN_OR_RETURN(auth::User u, UserByLogin(db, *nt.assignee));
          t.assignee_id = u.id;
        }
        WF_ASSIGN_OR_RETURN(t.position, NextTaskPosition(db, case_id));
        t.created_at = t.updated_at = now;
        WF_ASSIGN_OR_RETURN(t.id, InsertTask(db, t));
        WF_RETURN_IF_ERROR(Event(db, case_id, now, actor.ctx.actor, "task_added",
                                 fmt::format("Task #{} added: {}", t.id, t.title)));
        WF_RETURN_IF_ERROR(Audit(db, actor.ctx, "task.create", "task", t.id,
                                 json::Object({{"case", c.number}, {"title", t.title}}), now));
        return t;
      },
      std::move(done));
}

void CaseService::UpdateTask(int64_t task_id, TaskPatch patch, Actor actor, Done<Task> done) {
  if (patch.title) {
    if (Status st = ValidateText(*patch.title, "title", kMaxTitle, true); !st.ok()) return done(st);
  }
  const Clock* clock = &clock_;
  SubmitForResult<Task>(
      writer_,
      [task_id, patch, actor, clock](db::Database& db) -> Result<Task> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Task t, GetTask(db, task_id));
        WF_ASSIGN_OR_RETURN(Case c, GetCase(db, t.case_id));
        WF_RETURN_IF_ERROR(CheckCanWork(actor.principal, c));
        if (c.status == CaseStatus::kClosed) return Status::FailedPrecondition("the case is closed");
        std::vector<std::pair<std::string, std::string>> changes;
        if (patch.title) {
          t.title = *patch.title;
          changes.emplace_back("title", t.title);
        }
        if (patch.description) t.description = *patch.description;
        if (patch.due_at) t.due_at = *patch.due_at;
        if (patch.assignee) {
          if (*patch.assignee) {
            WF_ASSIGN_OR_RETURN(auth::User u, UserByLogin(db, **patch.assignee));
            t.assignee_id = u.id;
            changes.emplace_back("assignee", u.login);
          } else {
            t.assignee_id.reset();
            changes.emplace_back("assignee", "");
          }
        }
        if (patch.status && *patch.status != t.status) {
          changes.emplace_back("status", fmt::format("{} -> {}", TaskStatusName(t.status), TaskStatusName(*patch.status)));
          WF_RETURN_IF_ERROR(Event(db, t.case_id, now, actor.ctx.actor, "task_status",
                                   fmt::format("Task #{} \"{}\": {} → {}", t.id, t.title,
                                               TaskStatusName(t.status), TaskStatusName(*patch.status))));
          t.status = *patch.status;
          t.completed_at = (t.status == TaskStatus::kCompleted || t.status == TaskStatus::kCancelled)
                               ? std::optional<int64_t>(now)
                               : std::nullopt;
        }
        t.updated_at = now;
        WF_RETURN_IF_ERROR(wf::cases::UpdateTask(db, t));
        WF_RETURN_IF_ERROR(Audit(db, actor.ctx, "task.update", "task", t.id, json::Object(changes), now));
        return t;
      },
      std::move(done));
}

void CaseService::AddTaskLog(int64_t task_id, std::string body, Actor actor, Done<TaskLog> done) {
  if (Status st = ValidateText(body, "body", kMaxText, true); !st.ok()) return done(st);
  const Clock* clock = &clock_;
  SubmitForResult<TaskLog>(
      writer_,
      [task_id, body = std::move(body), actor, clock](db::Database& db) -> Result<TaskLog> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Task t, GetTask(db, task_id));
        WF_ASSIGN_OR_RETURN(Case c, GetCase(db, t.case_id));
        WF_RETURN_IF_ERROR(CheckCanWork(actor.principal, c));
        TaskLog l;
        l.task_id = task_id;
        l.case_id = t.case_id;
        l.time = now;
        l.actor = actor.ctx.actor;
        l.body = body;
        WF_ASSIGN_OR_RETURN(l.id, InsertTaskLog(db, l));
        WF_RETURN_IF_ERROR(Event(db, t.case_id, now, actor.ctx.actor, "task_log",
                                 fmt::format("Task #{} \"{}\": {}", t.id, t.title, body)));
        WF_RETURN_IF_ERROR(Audit(db, actor.ctx, "task.log", "task", t.id,
                                 json::Object({{"log_id", std::to_string(l.id)}}), now));
        return l;
      },
      std::move(done));
}

Result<std::pair<std::vector<Task>, std::vector<TaskLog>>> CaseService::Tasks(int64_t case_id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  WF_RETURN_IF_ERROR(GetCase(lease.db(), case_id).status());
  WF_ASSIGN_OR_RETURN(auto tasks, ListTasks(lease.db(), case_id));
  WF_ASSIGN_OR_RETURN(auto logs, ListTaskLogs(lease.db(), case_id));
  return std::make_pair(std::move(tasks), std::move(logs));
}

void CaseService::AddObservable(int64_t case_id, observables::ObservableType type, std::string value,
                                bool ioc, Actor actor, Done<observables::ObservableRecord> done) {
  const Clock* clock = &clock_;
  SubmitForResult<observables::ObservableRecord>(
      writer_,
      [case_id, type, value = std::move(value), ioc, actor,
       clock](db::Database& db) -> Result<observables::ObservableRecord> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Case c, GetCase(db, case_id));
        WF_RETURN_IF_ERROR(CheckCanWork(actor.principal, c));
        WF_ASSIGN_OR_RETURN(auto link, observables::UpsertAndLink(db, type, value, ioc, "case", case_id,
                                                                  actor.ctx.actor, now));
        if (link.new_link) {
          WF_RETURN_IF_ERROR(Event(db, case_id, now, actor.ctx.actor, "observable_added",
                                   fmt::format("Observable {} {}{}", observables::ObservableTypeName(type),
                                               value, ioc ? " (IOC)" : "")));
        }
        WF_RETURN_IF_ERROR(Audit(db, actor.ctx, "case.observable_add", "case", case_id,
                                 json::Object({{"type", observables::ObservableTypeName(type)}, {"value", value}}),
                                 now));
        WF_ASSIGN_OR_RETURN(auto list, observables::ListForObject(db, "case", case_id));
        for (auto& o : list) {
          if (o.id == link.observable_id) return o;
        }
        return Status::Internal("observable vanished");
      },
      std::move(done));
}

Result<std::vector<observables::ObservableRecord>> CaseService::Observables(int64_t case_id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  WF_RETURN_IF_ERROR(GetCase(lease.db(), case_id).status());
  return observables::ListForObject(lease.db(), "case", case_id);
}

void CaseService::AddAttachment(int64_t case_id, std::string filename, std::string content_type,
                                std::string data, Actor actor, Done<Attachment> done) {
  if (data.empty()) return done(Status::Unprocessable("the attachment is empty"));
  // Refuse early, before writing anything to disk.
  {
    auto lease = reads_.Acquire();
    if (!lease.ok()) return done(lease.status());
    auto c = GetCase(lease->db(), case_id);
    if (!c.ok()) return done(c.status());
    if (Status st = CheckCanWork(actor.principal, *c); !st.ok()) return done(st);
  }
  // The file goes to disk first: a row never points at a missing file, and an
  // orphan file (if the commit fails) is harmless, being content-addressed.
  Result<std::string> sha = StoreEvidenceFile(options_.attachments_dir, data);
  if (!sha.ok()) return done(sha.status());
  Attachment meta;
  meta.case_id = case_id;
  meta.sha256 = *sha;
  meta.filename = SafeFilename(std::move(filename));
  meta.content_type =
      content_type.empty() || content_type.size() > 100 ? "application/octet-stream" : content_type;
  meta.uploaded_by = actor.ctx.actor;
  meta.size = static_cast<int64_t>(data.size());
  const Clock* clock = &clock_;
  SubmitForResult<Attachment>(
      writer_,
      [pending = meta, actor, clock](db::Database& db) -> Result<Attachment> {
        int64_t now = clock->NowMs();
        Attachment a = pending;
        WF_ASSIGN_OR_RETURN(Case c, GetCase(db, a.case_id));
        WF_RETURN_IF_ERROR(CheckCanWork(actor.principal, c));
        a.created_at = now;
        WF_RETURN_IF_ERROR(UpsertBlob(db, a.sha256, a.size, now));
        WF_ASSIGN_OR_RETURN(a.id, InsertAttachment(db, a));
        WF_RETURN_IF_ERROR(Event(db, a.case_id, now, actor.ctx.actor, "attachment_added",
                                 fmt::format("Evidence {} ({} bytes, sha256 {})", a.filename, a.size, a.sha256),
                                 json::Object({{"sha256", a.sha256}, {"filename", a.filename}})));
        WF_RETURN_IF_ERROR(Audit(db, actor.ctx, "case.attachment_add", "case", a.case_id,
                                 json::Object({{"sha256", a.sha256}, {"filename", a.filename}}), now));
        // The hash is an observable too: correlate the evidence across cases.
        WF_RETURN_IF_ERROR(observables::UpsertAndLink(db, observables::ObservableType::kHash, a.sha256, false,
                                                      "case", a.case_id, actor.ctx.actor, now)
                               .status());
        return a;
      },
      std::move(done));
}

Result<std::vector<Attachment>> CaseService::Attachments(int64_t case_id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  WF_RETURN_IF_ERROR(GetCase(lease.db(), case_id).status());
  return ListAttachments(lease.db(), case_id);
}

Result<std::pair<std::string, Attachment>> CaseService::OpenAttachment(const std::string& sha256) {
  if (!IsSha256Hex(sha256)) return Status::NotFound("no such attachment");
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  WF_ASSIGN_OR_RETURN(Attachment a, FindAttachment(lease.db(), sha256));
  return std::make_pair(EvidencePath(options_.attachments_dir, sha256), a);
}

Result<std::vector<OpenCaseCount>> CaseService::OpenCaseCounts() {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return CountOpenCases(lease.db());
}

Result<CaseReport> CaseService::Report(int64_t from_ms, int64_t to_ms, int top_n) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return ComputeCaseReport(lease.db(), from_ms, to_ms, top_n);
}

Result<std::vector<SimilarCase>> CaseService::Similar(int64_t case_id, int limit) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  WF_ASSIGN_OR_RETURN(Case c, GetCase(lease.db(), case_id));
  return FindSimilarCases(lease.db(), c, limit);
}

Result<std::vector<KnowledgeEntry>> CaseService::Knowledge(const std::optional<std::string>& q, int limit) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return ListKnowledge(lease.db(), q, limit);
}

Result<Article> CaseService::GetArticle(int64_t id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return wf::cases::GetArticle(lease.db(), id);
}

void CaseService::Publish(int64_t case_id, std::optional<std::string> title, std::optional<std::string> body,
                          std::vector<std::string> tags, Actor actor, Done<Article> done) {
  if (actor.principal.role != auth::Role::kManager) {
    return done(Status::PermissionDenied("only a manager publishes knowledge articles"));
  }
  if (title) {
    if (Status st = ValidateText(*title, "title", kMaxTitle, true); !st.ok()) return done(st);
  }
  if (body) {
    if (Status st = ValidateText(*body, "body", kMaxText, true); !st.ok()) return done(st);
  }
  if (Status st = ValidateTags(tags); !st.ok()) return done(st);
  const Clock* clock = &clock_;
  SubmitForResult<Article>(
      writer_,
      [case_id, title, body, tags, actor, clock](db::Database& db) -> Result<Article> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Case c, GetCase(db, case_id));
        if (c.status != CaseStatus::kResolved && c.status != CaseStatus::kClosed) {
          return Status::FailedPrecondition("publish from a resolved or closed case");
        }
        Article a;
        a.case_id = case_id;
        a.title = title.value_or(c.title);
        if (body) {
          a.body = *body;
        } else {
          // A first draft from what the case documented.
          a.body = fmt::format("## What happened\n\n{}\n\n## Root cause\n\n{}\n\n## Resolution\n\n{} ({})\n",
                               c.description, c.root_cause.empty() ? "(not recorded)" : c.root_cause,
                               c.resolution_notes,
                               c.resolution ? std::string(ResolutionName(*c.resolution)) : "unresolved");
          WF_ASSIGN_OR_RETURN(auto tasks, ListTasks(db, case_id));
          std::string steps;
          for (const auto& t : tasks) {
            if (t.status == TaskStatus::kCompleted) steps += "- " + t.title + "\n";
          }
          if (!steps.empty()) a.body += "\n## Steps taken\n\n" + steps;
        }
        a.tags = tags.empty() ? c.tags : tags;
        a.created_by = actor.ctx.actor;
        a.created_at = a.updated_at = now;
        WF_ASSIGN_OR_RETURN(a.id, InsertArticle(db, a));
        WF_RETURN_IF_ERROR(Event(db, case_id, now, actor.ctx.actor, "published",
                                 fmt::format("Published as knowledge article #{}: {}", a.id, a.title)));
        WF_RETURN_IF_ERROR(Audit(db, actor.ctx, "knowledge.publish", "knowledge_article", a.id,
                                 json::Object({{"case", c.number}, {"title", a.title}}), now));
        return wf::cases::GetArticle(db, a.id);
      },
      std::move(done));
}

void CaseService::EditArticle(int64_t id, std::optional<std::string> title, std::optional<std::string> body,
                              std::optional<std::vector<std::string>> tags, Actor actor, Done<Article> done) {
  if (actor.principal.role != auth::Role::kManager) {
    return done(Status::PermissionDenied("only a manager edits knowledge articles"));
  }
  if (title) {
    if (Status st = ValidateText(*title, "title", kMaxTitle, true); !st.ok()) return done(st);
  }
  if (body) {
    if (Status st = ValidateText(*body, "body", kMaxText, true); !st.ok()) return done(st);
  }
  if (tags) {
    if (Status st = ValidateTags(*tags); !st.ok()) return done(st);
  }
  const Clock* clock = &clock_;
  SubmitForResult<Article>(
      writer_,
      [id, title, body, tags, actor, clock](db::Database& db) -> Result<Article> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Article a, wf::cases::GetArticle(db, id));
        if (title) a.title = *title;
        if (body) a.body = *body;
        if (tags) a.tags = *tags;
        a.updated_at = now;
        WF_RETURN_IF_ERROR(UpdateArticle(db, a));
        WF_RETURN_IF_ERROR(Audit(db, actor.ctx, "knowledge.update", "knowledge_article", id,
                                 json::Object({{"title", a.title}}), now));
        return wf::cases::GetArticle(db, id);
      },
      std::move(done));
}

Result<int64_t> CaseService::OutboxBacklog() {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return outbox::Backlog(lease.db());
}

Result<std::vector<SlaPolicy>> CaseService::SlaPolicies() {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return ListSlaPolicies(lease.db());
}

void CaseService::PutSlaPolicies(std::vector<SlaPolicy> policies, Actor actor,
                                 Done<std::vector<SlaPolicy>> done) {
  if (!auth::Allows(actor.principal, auth::Permission::kManageWorkflow)) {
    return done(Status::PermissionDenied("only a manager or admin edits SLA policies"));
  }
  if (policies.empty()) return done(Status::Unprocessable("policies is required"));
  for (const auto& p : policies) {
    if (p.ack_minutes < 1 || p.resolve_minutes < 1 || p.ack_minutes > 525600 || p.resolve_minutes > 525600) {
      return done(Status::Unprocessable("ack_minutes and resolve_minutes must be 1 to 525600"));
    }
    if (p.ack_minutes > p.resolve_minutes) {
      return done(Status::Unprocessable("ack_minutes must not exceed resolve_minutes"));
    }
  }
  const Clock* clock = &clock_;
  SubmitForResult<std::vector<SlaPolicy>>(
      writer_,
      [policies = std::move(policies), actor, clock](db::Database& db) -> Result<std::vector<SlaPolicy>> {
        int64_t now = clock->NowMs();
        for (const auto& p : policies) {
          WF_RETURN_IF_ERROR(PutSlaPolicy(db, p, now));
          WF_RETURN_IF_ERROR(audit::Append(
              db, actor.ctx,
              {"sla_policy.update", "sla_policy", std::string(SeverityName(p.severity)),
               json::Object({{"ack_minutes", std::to_string(p.ack_minutes)},
                             {"resolve_minutes", std::to_string(p.resolve_minutes)},
                             {"auto_escalate", p.auto_escalate ? "true" : "false"}})},
              now));
        }
        return ListSlaPolicies(db);
      },
      std::move(done));
}

Result<std::vector<CaseTemplate>> CaseService::Templates() {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return ListTemplates(lease.db());
}

Result<CaseTemplate> CaseService::GetTemplate(int64_t id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return wf::cases::GetTemplate(lease.db(), id);
}

void CaseService::SaveTemplate(CaseTemplate tmpl, Actor actor, Done<CaseTemplate> done) {
  if (!auth::Allows(actor.principal, auth::Permission::kManageWorkflow)) {
    return done(Status::PermissionDenied("only a manager or admin edits case templates"));
  }
  if (Status st = ValidateText(tmpl.name, "name", 128, true); !st.ok()) return done(st);
  if (Status st = ValidateTags(tmpl.tags); !st.ok()) return done(st);
  if (tmpl.tasks.size() > 100) return done(Status::Unprocessable("at most 100 tasks"));
  for (const auto& task : tmpl.tasks) {
    if (Status st = ValidateText(task.title, "tasks[].title", kMaxTitle, true); !st.ok()) return done(st);
  }
  const Clock* clock = &clock_;
  SubmitForResult<CaseTemplate>(
      writer_,
      [pending = std::move(tmpl), actor, clock](db::Database& db) -> Result<CaseTemplate> {
        int64_t now = clock->NowMs();
        CaseTemplate t = pending;
        t.updated_at = now;
        std::string action = "template.update";
        if (t.id == 0) {
          t.created_at = now;
          WF_ASSIGN_OR_RETURN(t.id, InsertTemplate(db, t));
          action = "template.create";
        } else {
          WF_RETURN_IF_ERROR(UpdateTemplate(db, t));
        }
        WF_RETURN_IF_ERROR(Audit(db, actor.ctx, action, "case_template", t.id,
                                 json::Object({{"name", t.name}}), now));
        return wf::cases::GetTemplate(db, t.id);
      },
      std::move(done));
}

void CaseService::DeleteTemplate(int64_t id, Actor actor, std::function<void(Status)> done) {
  if (!auth::Allows(actor.principal, auth::Permission::kManageWorkflow)) {
    return done(Status::PermissionDenied("only a manager or admin edits case templates"));
  }
  const Clock* clock = &clock_;
  Status st = writer_.Submit(
      [id, actor, clock](db::Database& db) -> Status {
        int64_t now = clock->NowMs();
        WF_RETURN_IF_ERROR(wf::cases::DeleteTemplate(db, id));
        return Audit(db, actor.ctx, "template.delete", "case_template", id, "{}", now);
      },
      done);
  if (!st.ok()) done(st);
}

void CaseService::RunSlaCheck(Done<SlaCheckResult> done) {
  const Clock* clock = &clock_;
  CaseOptions options = options_;
  SubmitForResult<SlaCheckResult>(
      writer_,
      [clock, options](db::Database& db) -> Result<SlaCheckResult> {
        int64_t now = clock->NowMs();
        SlaCheckResult r;
        audit::Context system{"system:sla", "sla-timer", "local"};
        for (bool ack : {true, false}) {
          WF_ASSIGN_OR_RETURN(auto ids, ack ? OverdueAck(db, now) : OverdueResolve(db, now));
          for (int64_t id : ids) {
            WF_ASSIGN_OR_RETURN(Case c, GetCase(db, id));
            std::string what = ack ? "acknowledge" : "resolve";
            int64_t due = ack ? c.sla.ack_due.value_or(0) : c.sla.resolve_due.value_or(0);
            if (ack) {
              c.sla.ack_breached = true;
              ++r.ack_breaches;
            } else {
              c.sla.resolve_breached = true;
              ++r.resolve_breaches;
            }
            std::string reason = fmt::format("SLA breached: time to {} ({} case) passed at {}", what,
                                             SeverityName(c.severity), FormatRfc3339(due));
            WF_RETURN_IF_ERROR(Event(db, id, now, system.actor, "sla_breach", reason,
                                     json::Object({{"target", what}, {"due", FormatRfc3339(due)}})));
            WF_RETURN_IF_ERROR(Audit(db, system, "case.sla_breach", "case", id,
                                     json::Object({{"target", what}, {"due", FormatRfc3339(due)}}), now));
            WF_RETURN_IF_ERROR(Notify(db, c, "case.sla_breached", reason, now));
            WF_ASSIGN_OR_RETURN(SlaPolicy p, GetSlaPolicy(db, c.severity));
            if (p.auto_escalate && c.tier < 3 && CheckTransition(c.status, CaseStatus::kEscalated).ok()) {
              int from = c.tier;
              WF_RETURN_IF_ERROR(Transition(c, CaseStatus::kEscalated, now));
              c.tier = from + 1;
              c.assignee_id.reset();
              c.assignee_login.clear();
              Severity floor = FloorFor(options, c.tier);
              if (c.severity < floor) {
                c.severity = floor;
                WF_RETURN_IF_ERROR(ApplySlaPolicy(db, c));  // as a manual escalation does
              }
              ++r.auto_escalations;
              std::string esc = fmt::format("Escalated {} → {} automatically: {}", TierName(from),
                                            TierName(c.tier), reason);
              WF_RETURN_IF_ERROR(Event(db, id, now, system.actor, "escalated", esc,
                                       json::Object({{"from", TierName(from)}, {"to", TierName(c.tier)},
                                                     {"reason", reason}})));
              WF_RETURN_IF_ERROR(Notify(db, c, "case.escalated", reason, now));
              WF_RETURN_IF_ERROR(Audit(db, system, "case.escalate", "case", id,
                                       json::Object({{"from", TierName(from)}, {"to", TierName(c.tier)},
                                                     {"reason", reason}}),
                                       now));
            }
            c.updated_at = now;
            WF_RETURN_IF_ERROR(UpdateCase(db, c));
          }
        }
        return r;
      },
      std::move(done));
}

}  // namespace wf::cases
