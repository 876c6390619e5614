#include "ingest/routing_service.h"

#include <fmt/format.h>

#include "cases/case_store.h"
#include "core/auth_store.h"
#include "core/json.h"
#include "ingest/routing_store.h"

namespace wf::ingest {

namespace {

Status RequireManage(const auth::Principal& p) {
  if (!auth::Allows(p, auth::Permission::kManageWorkflow)) {
    return Status::PermissionDenied("only a manager or an admin manages routing rules");
  }
  return Status::Ok();
}

Status CheckName(const std::string& name) {
  if (name.empty() || name.size() > 200) return Status::Unprocessable("name: 1 to 200 bytes");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return Status::Unprocessable("name: no control characters");
  }
  return Status::Ok();
}

// Validates a rule and what it names in the database: the users it assigns
// to and the templates it promotes with must exist.
Status Validate(db::Database& db, const routing::Rule& r) {
  WF_RETURN_IF_ERROR(CheckName(r.name));
  WF_ASSIGN_OR_RETURN(routing::CompiledRule c, routing::CompileRule(r));
  for (size_t i = 0; i < c.then.size(); ++i) {
    const routing::Action& a = c.then[i];
    if (a.kind == routing::ActionKind::kAssignUser) {
      auto u = auth::GetUserForLogin(db, a.text);
      if (!u.ok()) {
        if (u.status().code() != StatusCode::kNotFound) return u.status();
        return Status::Unprocessable(fmt::format("then[{}].assign_user: no user '{}'", i, a.text.substr(0, 64)));
      }
    } else if (a.kind == routing::ActionKind::kPromote && !a.text.empty()) {
      auto t = cases::GetTemplateByName(db, a.text);
      if (!t.ok()) {
        if (t.status().code() != StatusCode::kNotFound) return t.status();
        return Status::Unprocessable(
            fmt::format("then[{}].promote.template: no case template '{}'", i, a.text.substr(0, 64)));
      }
    }
  }
  return Status::Ok();
}

Status CheckUniqueName(db::Database& db, const routing::Rule& r) {
  WF_ASSIGN_OR_RETURN(auto rules, routing::ListRules(db));
  for (const auto& other : rules) {
    if (other.name == r.name && other.id != r.id) {
      return Status::AlreadyExists(fmt::format("a routing rule named '{}' exists (id {})", r.name.substr(0, 64), other.id));
    }
  }
  return Status::Ok();
}

std::string AuditDetails(const routing::Rule& r) {
  return json::Object({{"name", r.name},
                       {"position", std::to_string(r.position)},
                       {"enabled", r.enabled ? "true" : "false"},
                       {"when", r.when_json},
                       {"then", r.then_json}});
}

struct Saved {
  routing::Rule rule;
  std::shared_ptr<const routing::RuleSet> set;
};

}  // namespace

RoutingService::RoutingService(Writer& writer, db::ReadPool& reads, const Clock& clock, AlertService& alerts)
    : writer_(writer), reads_(reads), clock_(clock), alerts_(alerts) {}

Status RoutingService::Load() {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  WF_ASSIGN_OR_RETURN(auto set, routing::LoadRuleSet(lease.db()));
  alerts_.rules().Replace(std::move(set));
  return Status::Ok();
}

Result<std::vector<routing::Rule>> RoutingService::List(const auth::Principal& p) {
  WF_RETURN_IF_ERROR(RequireManage(p));
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return routing::ListRules(lease.db());
}

Result<routing::Rule> RoutingService::Get(const auth::Principal& p, int64_t id) {
  WF_RETURN_IF_ERROR(RequireManage(p));
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return routing::GetRule(lease.db(), id);
}

void RoutingService::Create(RuleInput in, const auth::Principal& p, const audit::Context& ctx,
                            std::function<void(Result<routing::Rule>)> done) {
  if (Status st = RequireManage(p); !st.ok()) return done(st);
  if (!in.name) return done(Status::Unprocessable("name is required"));
  if (!in.when_json) return done(Status::Unprocessable("when is required: a condition, e.g. {\"format\": \"wazuh\"}"));
  if (!in.then_json) return done(Status::Unprocessable("then is required: a list of actions"));
  const Clock* clock = &clock_;
  routing::RuleBook* book = &alerts_.rules();
  SubmitForResult<Saved>(
      writer_,
      [in = std::move(in), ctx, clock](db::Database& db) -> Result<Saved> {
        int64_t now = clock->NowMs();
        routing::Rule r;
        r.name = *in.name;
        r.enabled = in.enabled.value_or(true);
        r.when_json = *in.when_json;
        r.then_json = *in.then_json;
        r.created_by = ctx.actor;
        r.created_at = r.updated_at = now;
        if (in.position) {
          r.position = *in.position;
        } else {
          WF_ASSIGN_OR_RETURN(r.position, routing::NextPosition(db));
        }
        WF_RETURN_IF_ERROR(Validate(db, r));
        WF_RETURN_IF_ERROR(CheckUniqueName(db, r));
        WF_ASSIGN_OR_RETURN(r.id, routing::InsertRule(db, r));
        WF_RETURN_IF_ERROR(audit::Append(db, ctx, {"routing_rule.create", "routing_rule", std::to_string(r.id), AuditDetails(r)}, now));
        WF_ASSIGN_OR_RETURN(auto set, routing::LoadRuleSet(db));
        WF_ASSIGN_OR_RETURN(r, routing::GetRule(db, r.id));
        return Saved{std::move(r), std::move(set)};
      },
      [book, done = std::move(done)](Result<Saved> r) {
        if (!r.ok()) return done(r.status());
        book->Replace(std::move(r->set));  // after the commit: the next batch sees it
        done(std::move(r->rule));
      });
}

void RoutingService::Update(int64_t id, RuleInput in, const auth::Principal& p, const audit::Context& ctx,
                            std::function<void(Result<routing::Rule>)> done) {
  if (Status st = RequireManage(p); !st.ok()) return done(st);
  const Clock* clock = &clock_;
  routing::RuleBook* book = &alerts_.rules();
  SubmitForResult<Saved>(
      writer_,
      [id, in = std::move(in), ctx, clock](db::Database& db) -> Result<Saved> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(routing::Rule r, routing::GetRule(db, id));
        if (in.name) r.name = *in.name;
        if (in.position) r.position = *in.position;
        if (in.enabled) r.enabled = *in.enabled;
        if (in.when_json) r.when_json = *in.when_json;
        if (in.then_json) r.then_json = *in.then_json;
        r.updated_at = now;
        WF_RETURN_IF_ERROR(Validate(db, r));
        WF_RETURN_IF_ERROR(CheckUniqueName(db, r));
        WF_RETURN_IF_ERROR(routing::UpdateRule(db, r));
        WF_RETURN_IF_ERROR(audit::Append(db, ctx, {"routing_rule.update", "routing_rule", std::to_string(id), AuditDetails(r)}, now));
        WF_ASSIGN_OR_RETURN(auto set, routing::LoadRuleSet(db));
        WF_ASSIGN_OR_RETURN(r, routing::GetRule(db, id));
        return Saved{std::move(r), std::move(set)};
      },
      [book, done = std::move(done)](Result<Saved> r) {
        if (!r.ok()) return done(r.status());
        book->Replace(std::move(r->set));
        done(std::move(r->rule));
      });
}

void RoutingService::Delete(int64_t id, const auth::Principal& p, const audit::Context& ctx,
                            std::function<void(Status)> done) {
  if (Status st = RequireManage(p); !st.ok()) return done(st);
  const Clock* clock = &clock_;
  routing::RuleBook* book = &alerts_.rules();
  SubmitForResult<Saved>(
      writer_,
      [id, ctx, clock](db::Database& db) -> Result<Saved> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(routing::Rule r, routing::GetRule(db, id));
        WF_RETURN_IF_ERROR(routing::DeleteRule(db, id));
        WF_RETURN_IF_ERROR(audit::Append(db, ctx, {"routing_rule.delete", "routing_rule", std::to_string(id), AuditDetails(r)}, now));
        WF_ASSIGN_OR_RETURN(auto set, routing::LoadRuleSet(db));
        return Saved{std::move(r), std::move(set)};
      },
      [book, done = std::move(done)](Result<Saved> r) {
        if (!r.ok()) return done(r.status());
        book->Replace(std::move(r->set));
        done(Status::Ok());
      });
}

Result<std::vector<DryRun>> RoutingService::Test(const auth::Principal& p, const std::vector<NormalizedAlert>& alerts,
                                                 const std::optional<std::vector<routing::Rule>>& rules) {
  WF_RETURN_IF_ERROR(RequireManage(p));
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  std::shared_ptr<const routing::RuleSet> set;
  if (rules) {
    for (size_t i = 0; i < rules->size(); ++i) {
      if (Status st = Validate(lease.db(), (*rules)[i]); !st.ok()) {
        return Status(st.code(), fmt::format("rules[{}]: {}", i, st.message()));
      }
    }
    WF_ASSIGN_OR_RETURN(set, routing::RuleSet::Compile(*rules));
  } else {
    set = alerts_.rules().Current();
  }
  std::vector<DryRun> out;
  for (const NormalizedAlert& a : alerts) {
    DryRun d;
    d.alert = a;
    d.alert.raw_json.clear();
    if (a.resolved) {
      // A sender's "resolved" notification updates a live alert; rules never run on it.
      d.status = "resolved";
      d.plan.severity = a.severity;
      d.plan.tags = a.tags;
      out.push_back(std::move(d));
      continue;
    }
    routing::DbIocProbe probe(lease.db());
    WF_ASSIGN_OR_RETURN(d.plan, set->Evaluate(a, probe));
    for (const auto& step : d.plan.steps) {
      if (step.kind == routing::ActionKind::kIgnore) {
        d.status = "ignored";
        d.ignore_reason = step.text;
        break;
      }
      if (step.kind == routing::ActionKind::kMergeOnIoc) {
        WF_ASSIGN_OR_RETURN(auto target, routing::FindOpenCaseSharingIoc(lease.db(), a.observables));
        if (!target) continue;
        d.case_action = fmt::format("merge into {}", target->number);
        break;
      }
      d.case_action = step.text.empty() ? std::string("promote to a case")
                                        : fmt::format("promote to a case (template {})", step.text);
      break;
    }
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace wf::ingest
