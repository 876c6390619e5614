#include "ingest/alert_service.h"

#include <algorithm>

#include <fmt/format.h>

#include "cases/evidence_store.h"
#include "core/json.h"
#include "core/json_parse.h"
#include "core/log.h"
#include "core/outbox.h"
#include "ingest/alert_attachments.h"
#include "ingest/fingerprint.h"
#include "ingest/routing_store.h"
#include "observables/observable_store.h"

namespace wf::ingest {

std::string_view IngestOutcomeName(IngestOutcome o) {
  switch (o) {
    case IngestOutcome::kCreated: return "created";
    case IngestOutcome::kDuplicate: return "duplicate";
    case IngestOutcome::kResolved: return "resolved";
    case IngestOutcome::kSkipped: return "skipped";
  }
  return "created";
}

namespace {

Status CaseEvent(db::Database& db, int64_t case_id, int64_t now, const std::string& actor,
                 const char* kind, std::string body, std::string details) {
  cases::CaseEvent e;
  e.case_id = case_id;
  e.time = now;
  e.actor = actor;
  e.kind = kind;
  e.body = std::move(body);
  e.details_json = std::move(details);
  return cases::InsertEvent(db, e).status();
}

Status ApplyRouting(db::Database& db, IngestResult& result, const NormalizedAlert& n,
                    const routing::Plan& plan, const DeliveryMeta& meta, const RoutingContext& routing,
                    int64_t now);

// Tags a sender gives an observable ("c2", the email channel's "reporter")
// join the platform-wide observable's tags (a set, at most 64).
Status AddObservableTags(db::Database& db, int64_t observable_id, const std::vector<std::string>& tags) {
  WF_ASSIGN_OR_RETURN(observables::ObservableRecord rec, observables::GetObservable(db, observable_id));
  std::vector<std::string> merged = json::ParseStringArray(rec.tags_json);
  bool changed = false;
  for (const auto& t : tags) {
    if (merged.size() >= 64) break;
    if (IsValidTag(t) && std::find(merged.begin(), merged.end(), t) == merged.end()) {
      merged.push_back(t);
      changed = true;
    }
  }
  if (!changed) return Status::Ok();
  rec.tags_json = json::StringArray(merged);
  return observables::UpdateObservable(db, rec);
}

}  // namespace

Result<IngestResult> StoreAlert(db::Database& db, const NormalizedAlert& n,
                                const DeliveryMeta& meta, const AlertOptions& options,
                                int64_t now_ms, const RoutingContext& routing) {
  std::string fingerprint = ComputeFingerprint(n);
  IngestResult result;
  std::optional<routing::Plan> plan;
  WF_ASSIGN_OR_RETURN(std::optional<Alert> existing, FindByFingerprint(db, fingerprint));
  const bool duplicate = existing && existing->status != AlertStatus::kIgnored &&
                         existing->last_seen >= now_ms - options.dedup_window_ms;
  if (n.resolved) {
    // "Resolved" notifications update a live alert and never open one.
    if (!duplicate) {
      result.outcome = IngestOutcome::kSkipped;
      result.created = false;
      result.occurrences = 0;
      return result;
    }
    result.id = existing->id;
    result.outcome = IngestOutcome::kResolved;
    result.created = false;
    result.occurrences = existing->occurrences;
    result.case_id = existing->case_id;
    WF_RETURN_IF_ERROR(SetResolvedAt(db, existing->id, now_ms));
    if (existing->case_id) {
      WF_RETURN_IF_ERROR(CaseEvent(db, *existing->case_id, now_ms, meta.actor, "alert_resolved",
                                   fmt::format("Alert #{} \"{}\" reported resolved by {}", existing->id,
                                               existing->title, existing->source),
                                   json::Object({{"alert_id", std::to_string(existing->id)}})));
    }
  } else if (duplicate) {
    result.id = existing->id;
    result.created = false;
    result.outcome = IngestOutcome::kDuplicate;
    result.occurrences = existing->occurrences + 1;
    result.case_id = existing->case_id;
    WF_RETURN_IF_ERROR(RecordOccurrence(db, existing->id, now_ms, n.raw_json));
    WF_RETURN_IF_ERROR(AddTags(db, existing->id, n.tags, now_ms));
    if (existing->case_id) {
      WF_RETURN_IF_ERROR(CaseEvent(db, *existing->case_id, now_ms, meta.actor, "alert_refired",
                                   fmt::format("Alert #{} \"{}\" fired again ({} occurrences)", existing->id,
                                               existing->title, result.occurrences),
                                   json::Object({{"alert_id", std::to_string(existing->id)},
                                                 {"occurrences", std::to_string(result.occurrences)}})));
    }
  } else {
    // Routing rules see a new alert before it is stored: "already marked IOC"
    // means before this alert's own observables.
    if (routing.rules && !routing.rules->empty()) {
      routing::DbIocProbe probe(db);
      WF_ASSIGN_OR_RETURN(routing::Plan p, routing.rules->Evaluate(n, probe));
      if (!p.matched.empty()) plan = std::move(p);
    }
    Alert a;
    a.fingerprint = fingerprint;
    a.source_kind = n.source_kind;
    a.source = n.source;
    a.source_ref = n.source_ref;
    a.rule_name = n.rule_name;
    a.title = n.title;
    a.description = n.description;
    a.severity = n.severity;
    a.tlp = n.tlp;
    a.pap = n.pap;
    a.status = AlertStatus::kNew;
    a.first_seen = a.last_seen = now_ms;
    a.event_time = n.event_time;
    a.tags = n.tags;
    a.raw_first = n.raw_json;
    a.raw_latest = n.raw_json;
    a.created_at = a.updated_at = now_ms;
    if (plan) {
      a.severity = plan->severity;
      a.tags = plan->tags;
      a.assignee = plan->assignee;
      a.tier = plan->tier;
    }
    WF_ASSIGN_OR_RETURN(result.id, InsertAlert(db, a));
    result.created = true;
    result.outcome = IngestOutcome::kCreated;
  }
  if (!n.attachments.empty() && result.id != 0) {
    // Files (the email channel) are linked once per content and name; on an
    // alert already in a case they reach the case too.
    WF_RETURN_IF_ERROR(LinkAttachments(db, result.id, n.attachments, now_ms));
    if (result.case_id) {
      WF_RETURN_IF_ERROR(CopyAttachmentsToCase(db, result.id, *result.case_id, meta.actor, now_ms));
    }
  }
  for (const AlertObservable& o : n.observables) {
    WF_ASSIGN_OR_RETURN(auto link, observables::UpsertAndLink(db, o.type, o.value, o.ioc, "alert",
                                                              result.id, meta.actor, now_ms));
    if (!o.tags.empty()) WF_RETURN_IF_ERROR(AddObservableTags(db, link.observable_id, o.tags));
    // A new observable on an alert already in a case reaches the case too.
    if (link.new_link && result.case_id) {
      WF_RETURN_IF_ERROR(observables::UpsertAndLink(db, o.type, o.value, o.ioc, "case",
                                                    *result.case_id, meta.actor, now_ms)
                             .status());
    }
  }
  DeliveryRecord d;
  d.alert_id = result.id;
  d.received_at = now_ms;
  d.remote_addr = meta.remote_addr;
  d.api_key_id = meta.api_key_id;
  d.payload_sha256 = meta.payload_sha256;
  d.bytes = meta.bytes;
  if (options.store_raw_deliveries) d.raw = meta.raw_body;
  WF_RETURN_IF_ERROR(InsertDelivery(db, d));
  if (plan) WF_RETURN_IF_ERROR(ApplyRouting(db, result, n, *plan, meta, routing, now_ms));
  return result;
}

AlertService::AlertService(Writer& writer, db::ReadPool& reads, const Clock& clock,
                           AlertOptions options, cases::CaseOptions case_options)
    : writer_(writer), reads_(reads), clock_(clock), options_(options),
      case_options_(std::move(case_options)) {}

namespace {

Result<int64_t> CaseIdFromRef(db::Database& db, const std::string& ref) {
  bool digits = !ref.empty() && ref.size() <= 18 &&
                std::all_of(ref.begin(), ref.end(), [](char c) { return c >= '0' && c <= '9'; });
  Result<cases::Case> c = digits ? cases::GetCase(db, std::stoll(ref)) : cases::GetCaseByNumber(db, ref);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) {
      return Status::Unprocessable(fmt::format("no case '{}'", ref.substr(0, 64)));
    }
    return c.status();
  }
  return c->id;
}

Status CheckNotImported(const Alert& a) {
  if (a.status == AlertStatus::kImported) {
    return Status::FailedPrecondition(
        fmt::format("alert {} is already imported into case {}", a.id, a.case_id.value_or(0)));
  }
  return Status::Ok();
}

Result<cases::Case> PromoteTx(db::Database& db, int64_t id, const PromoteRequest& req,
                              const cases::Actor& actor, const cases::CaseOptions& options,
                              int64_t now) {
  WF_ASSIGN_OR_RETURN(Alert a, GetAlert(db, id, false));
  WF_RETURN_IF_ERROR(CheckNotImported(a));
  cases::NewCase spec;
  spec.title = req.title.value_or(a.title);
  spec.description = a.description;
  spec.severity = a.severity;
  spec.tlp = a.tlp;
  spec.pap = a.pap;
  spec.tags = a.tags;
  spec.template_name = req.template_name;
  spec.assignee = req.assignee;
  // A tier a routing rule gave the alert carries over to its case.
  spec.tier = std::max<int>(req.tier, static_cast<int>(a.tier.value_or(1)));
  WF_ASSIGN_OR_RETURN(cases::Case c, cases::CreateCaseTx(db, spec, actor.ctx, options, now));
  WF_RETURN_IF_ERROR(observables::CopyLinks(db, "alert", id, "case", c.id, actor.ctx.actor, now).status());
  WF_RETURN_IF_ERROR(CopyAttachmentsToCase(db, id, c.id, actor.ctx.actor, now));
  WF_RETURN_IF_ERROR(SetImported(db, id, c.id, now));
  WF_RETURN_IF_ERROR(CaseEvent(db, c.id, now, actor.ctx.actor, "alert_promoted",
                               fmt::format("Promoted from alert #{} ({} / {})", a.id, a.source_kind, a.source),
                               json::Object({{"alert_id", std::to_string(a.id)}})));
  WF_RETURN_IF_ERROR(audit::Append(db, actor.ctx,
                                   {"alert.promote", "alert", std::to_string(id),
                                    json::Object({{"case", c.number}})},
                                   now));
  return cases::GetCase(db, c.id);
}

Result<cases::Case> MergeTx(db::Database& db, int64_t id, const std::string& case_ref,
                            const cases::Actor& actor, int64_t now) {
  WF_ASSIGN_OR_RETURN(Alert a, GetAlert(db, id, false));
  WF_RETURN_IF_ERROR(CheckNotImported(a));
  WF_ASSIGN_OR_RETURN(int64_t case_id, CaseIdFromRef(db, case_ref));
  WF_ASSIGN_OR_RETURN(cases::Case c, cases::GetCase(db, case_id));
  WF_RETURN_IF_ERROR(cases::CheckCanWork(actor.principal, c));
  if (c.status == cases::CaseStatus::kClosed) {
    return Status::FailedPrecondition(fmt::format("case {} is closed; reopen it first", c.number));
  }
  WF_RETURN_IF_ERROR(observables::CopyLinks(db, "alert", id, "case", c.id, actor.ctx.actor, now).status());
  WF_RETURN_IF_ERROR(CopyAttachmentsToCase(db, id, c.id, actor.ctx.actor, now));
  WF_RETURN_IF_ERROR(SetImported(db, id, c.id, now));
  WF_RETURN_IF_ERROR(CaseEvent(db, c.id, now, actor.ctx.actor, "alert_merged",
                               fmt::format("Alert #{} \"{}\" merged ({} / {})", a.id, a.title, a.source_kind, a.source),
                               json::Object({{"alert_id", std::to_string(a.id)}})));
  WF_RETURN_IF_ERROR(audit::Append(db, actor.ctx,
                                   {"alert.merge", "alert", std::to_string(id),
                                    json::Object({{"case", c.number}})},
                                   now));
  return cases::GetCase(db, c.id);
}

Status IgnoreTx(db::Database& db, int64_t id, const cases::Actor& actor, int64_t now) {
  WF_ASSIGN_OR_RETURN(Alert a, GetAlert(db, id, false));
  WF_RETURN_IF_ERROR(CheckNotImported(a));
  WF_RETURN_IF_ERROR(UpdateStatusAndSeverity(db, id, AlertStatus::kIgnored, a.severity, now));
  return audit::Append(db, actor.ctx,
                       {"alert.update", "alert", std::to_string(id),
                        json::Object({{"status", fmt::format("{} -> ignored", AlertStatusName(a.status))}})},
                       now);
}

// Rules act as a manager would, under their own name in the audit log and
// the timeline ("rule:3:wazuh-critical").
cases::Actor RuleActor(int64_t rule_id, const std::string& rule_name, const DeliveryMeta& meta) {
  cases::Actor actor;
  actor.principal.kind = auth::Principal::Kind::kUser;
  actor.principal.name = fmt::format("rule:{}", rule_id);
  actor.principal.role = auth::Role::kManager;
  actor.ctx.actor = fmt::format("rule:{}:{}", rule_id, rule_name);
  actor.ctx.request_id = "routing";
  actor.ctx.remote_addr = meta.remote_addr;
  return actor;
}

// A rule that cannot act (its template or user is gone, the user cannot work
// the tier) must not lose the alert: that step is rolled back and recorded.
bool IsRuleError(const Status& st) {
  switch (st.code()) {
    case StatusCode::kUnprocessable:
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kPermissionDenied:
    case StatusCode::kInvalidArgument:
      return true;
    default:
      return false;
  }
}

// One merge or promote step in its own savepoint. Returns the case, nothing
// when merge found no open case sharing an IOC, or the rule's error.
Result<std::optional<cases::Case>> RouteStep(db::Database& db, int64_t id, const NormalizedAlert& n,
                                             const routing::Plan& plan, const routing::Plan::Step& step,
                                             const cases::Actor& actor, const cases::CaseOptions& options,
                                             int64_t now) {
  db::Savepoint sp(db);
  WF_RETURN_IF_ERROR(sp.Begin());
  Result<cases::Case> c = Status::Internal("no step");
  if (step.kind == routing::ActionKind::kMergeOnIoc) {
    WF_ASSIGN_OR_RETURN(auto target, routing::FindOpenCaseSharingIoc(db, n.observables));
    if (!target) return std::optional<cases::Case>();
    c = MergeTx(db, id, std::to_string(target->id), actor, now);
  } else {
    PromoteRequest req{step.text, std::nullopt, plan.assignee, plan.tier.value_or(1)};
    c = PromoteTx(db, id, req, actor, options, now);
  }
  if (!c.ok()) return c.status();  // the savepoint rolls back
  WF_RETURN_IF_ERROR(sp.Release());
  return std::optional<cases::Case>(std::move(*c));
}

// The body of a rule's webhook (docs/automation.md).
std::string RoutedPayload(const NormalizedAlert& n, int64_t id, const IngestResult& result,
                          const routing::Plan& plan, const routing::Plan::Notify& notify) {
  using json::Quote;
  return fmt::format(
      R"({{"event":"alert.routed","rule":{{"id":{},"name":{}}},)"
      R"("alert":{{"id":{},"title":{},"severity":{},"source_kind":{},"source":{},"rule_name":{},"tags":{}}},)"
      R"("case_id":{}}})",
      notify.rule_id, Quote(notify.rule_name), id, Quote(n.title), Quote(SeverityName(plan.severity)),
      Quote(n.source_kind), Quote(n.source), Quote(n.rule_name), json::StringArray(plan.tags),
      result.case_id ? std::to_string(*result.case_id) : std::string("null"));
}

Status ApplyRouting(db::Database& db, IngestResult& result, const NormalizedAlert& n,
                    const routing::Plan& plan, const DeliveryMeta& meta, const RoutingContext& routing,
                    int64_t now) {
  const int64_t id = result.id;
  std::vector<std::pair<std::string, std::string>> failures;  // rule actor, reason
  for (const auto& step : plan.steps) {
    if (step.kind == routing::ActionKind::kIgnore) {
      WF_RETURN_IF_ERROR(SetIgnoredByRule(db, id, step.text, step.rule_id, now));
      break;
    }
    cases::Actor actor = RuleActor(step.rule_id, step.rule_name, meta);
    cases::CaseOptions defaults;
    auto c = RouteStep(db, id, n, plan, step, actor, routing.case_options ? *routing.case_options : defaults, now);
    if (!c.ok()) {
      if (!IsRuleError(c.status())) return c.status();
      failures.emplace_back(actor.ctx.actor, c.status().message());
      log::Event(log::Level::kWarn, "routing.step_failed",
                 {{"alert", id}, {"rule", step.rule_id}, {"error", c.status().message()}});
      continue;
    }
    if (*c) {
      result.case_id = (*c)->id;
      break;
    }
  }
  for (const auto& notify : plan.notifies) {
    WF_RETURN_IF_ERROR(outbox::Enqueue(db, "alert.routed", RoutedPayload(n, id, result, plan, notify), now, notify.url));
  }
  for (const auto& m : plan.matched) {
    WF_RETURN_IF_ERROR(routing::RecordMatch(db, m.rule_id, now));
    cases::Actor actor = RuleActor(m.rule_id, m.rule_name, meta);
    std::string actions;
    for (const auto& a : m.actions) actions += (actions.empty() ? "" : "; ") + a;
    WF_RETURN_IF_ERROR(audit::Append(db, actor.ctx,
                                     {"alert.route", "alert", std::to_string(id),
                                      json::Object({{"rule_id", std::to_string(m.rule_id)},
                                                    {"rule", m.rule_name},
                                                    {"actions", actions}})},
                                     now));
  }
  for (const auto& [actor, reason] : failures) {
    audit::Context ctx{actor, "routing", meta.remote_addr};
    WF_RETURN_IF_ERROR(audit::Append(db, ctx, {"alert.route_failed", "alert", std::to_string(id),
                                               json::Object({{"error", reason}})},
                                     now));
  }
  return Status::Ok();
}

}  // namespace

void AlertService::Promote(int64_t id, PromoteRequest req, cases::Actor actor,
                           std::function<void(Result<cases::Case>)> done) {
  if (!auth::Allows(actor.principal, auth::Permission::kTriage)) {
    return done(Status::PermissionDenied("your role does not triage alerts"));
  }
  if (req.assignee && *req.assignee != actor.principal.name &&
      !auth::Allows(actor.principal, auth::Permission::kManageWorkflow)) {
    return done(Status::PermissionDenied("only a manager assigns cases to others"));
  }
  const Clock* clock = &clock_;
  cases::CaseOptions options = case_options_;
  SubmitForResult<cases::Case>(
      writer_,
      [id, req = std::move(req), actor = std::move(actor), options, clock](db::Database& db) {
        return PromoteTx(db, id, req, actor, options, clock->NowMs());
      },
      std::move(done));
}

void AlertService::Merge(int64_t id, std::string case_ref, cases::Actor actor,
                         std::function<void(Result<cases::Case>)> done) {
  if (!auth::Allows(actor.principal, auth::Permission::kTriage)) {
    return done(Status::PermissionDenied("your role does not triage alerts"));
  }
  if (case_ref.empty()) return done(Status::Unprocessable("case is required: its id or number"));
  const Clock* clock = &clock_;
  SubmitForResult<cases::Case>(
      writer_,
      [id, case_ref = std::move(case_ref), actor = std::move(actor), clock](db::Database& db) {
        return MergeTx(db, id, case_ref, actor, clock->NowMs());
      },
      std::move(done));
}

void AlertService::Bulk(BulkRequest req, cases::Actor actor,
                        std::function<void(Result<std::vector<BulkItem>>)> done) {
  if (!auth::Allows(actor.principal, auth::Permission::kTriage)) {
    return done(Status::PermissionDenied("your role does not triage alerts"));
  }
  if (req.ids.empty() || req.ids.size() > 500) return done(Status::Unprocessable("ids must hold 1 to 500 alert ids"));
  if (req.action != "ignore" && req.action != "promote" && req.action != "merge") {
    return done(Status::Unprocessable("action must be ignore, promote or merge"));
  }
  if (req.action == "merge" && req.case_ref.empty()) {
    return done(Status::Unprocessable("case is required to merge"));
  }
  const Clock* clock = &clock_;
  cases::CaseOptions options = case_options_;
  SubmitForResult<std::vector<BulkItem>>(
      writer_,
      [req = std::move(req), actor = std::move(actor), options,
       clock](db::Database& db) -> Result<std::vector<BulkItem>> {
        int64_t now = clock->NowMs();
        std::vector<BulkItem> out;
        for (int64_t id : req.ids) {
          BulkItem item;
          item.alert_id = id;
          Status st;
          if (req.action == "ignore") {
            st = IgnoreTx(db, id, actor, now);
            item.status = "ignored";
          } else if (req.action == "promote") {
            auto c = PromoteTx(db, id, PromoteRequest{req.template_name, std::nullopt, std::nullopt},
                               actor, options, now);
            st = c.status();
            if (c.ok()) item.c = std::move(*c);
            item.status = "imported";
          } else {
            auto c = MergeTx(db, id, req.case_ref, actor, now);
            st = c.status();
            if (c.ok()) item.c = std::move(*c);
            item.status = "imported";
          }
          if (!st.ok()) {
            return Status(st.code(), fmt::format("alert {}: {}", id, st.message()));
          }
          out.push_back(std::move(item));
        }
        return out;
      },
      std::move(done));
}

void AlertService::Ingest(std::vector<NormalizedAlert> alerts, DeliveryMeta meta,
                          std::function<void(Result<std::vector<IngestResult>>)> done) {
  // Files first, outside the writer: a committed row never points at a missing file.
  if (Status st = WriteAttachmentFiles(case_options_.attachments_dir, alerts); !st.ok()) {
    return done(st);
  }
  const Clock* clock = &clock_;
  AlertOptions options = options_;
  SubmitForResult<std::vector<IngestResult>>(
      writer_,
      [this, alerts = std::move(alerts), meta = std::move(meta), options,
       clock](db::Database& db) -> Result<std::vector<IngestResult>> {
        // Read the clock and the rules on the writer thread: commit order,
        // time and rule changes agree.
        int64_t now = clock->NowMs();
        std::shared_ptr<const routing::RuleSet> rules = rules_.Current();
        RoutingContext routing{rules.get(), &case_options_};
        std::vector<IngestResult> results;
        results.reserve(alerts.size());
        for (const NormalizedAlert& a : alerts) {
          WF_ASSIGN_OR_RETURN(IngestResult r, StoreAlert(db, a, meta, options, now, routing));
          results.push_back(r);
        }
        return results;
      },
      std::move(done));
}

Result<AlertPage> AlertService::List(AlertFilter filter) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  const int limit = filter.limit;
  filter.limit = limit + 1;  // one more tells whether a next page exists
  WF_ASSIGN_OR_RETURN(std::vector<Alert> rows, ListAlerts(lease.db(), filter));
  AlertPage page;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(static_cast<size_t>(limit));
    page.next_before_id = rows.back().id;
  }
  page.alerts = std::move(rows);
  return page;
}

Result<AlertReport> AlertService::Report(int64_t from_ms, int64_t to_ms, int top_n) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return ComputeAlertReport(lease.db(), from_ms, to_ms, top_n);
}

Result<std::vector<SearchHit>> AlertService::Search(const std::string& q, int limit) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return SearchAlerts(lease.db(), q, limit);
}

Result<Alert> AlertService::Summary(int64_t id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  return GetAlert(lease.db(), id, false);
}

Result<AlertDetail> AlertService::Get(int64_t id) {
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  AlertDetail d;
  WF_ASSIGN_OR_RETURN(d.alert, GetAlert(lease.db(), id, true));
  WF_ASSIGN_OR_RETURN(d.observables, observables::ListForObject(lease.db(), "alert", id));
  for (const auto& o : d.observables) {
    WF_ASSIGN_OR_RETURN(auto counts, observables::LinkCounts(lease.db(), o.id));
    d.observable_case_counts.push_back(counts.second);
  }
  WF_ASSIGN_OR_RETURN(d.deliveries, CountDeliveries(lease.db(), id));
  WF_ASSIGN_OR_RETURN(d.attachments, ListAlertAttachments(lease.db(), id));
  return d;
}

Result<std::pair<std::string, AlertAttachmentRecord>> AlertService::OpenAttachment(
    const std::string& sha256) {
  if (!cases::IsSha256Hex(sha256)) return Status::NotFound("no such attachment");
  WF_ASSIGN_OR_RETURN(auto lease, reads_.Acquire());
  WF_ASSIGN_OR_RETURN(std::optional<AlertAttachmentRecord> a, FindAlertAttachment(lease.db(), sha256));
  if (!a) return Status::NotFound("no such attachment");
  return std::make_pair(cases::EvidencePath(case_options_.attachments_dir, sha256), *a);
}

void AlertService::Update(int64_t id, AlertPatch patch, const audit::Context& ctx,
                          std::function<void(Result<Alert>)> done) {
  if (patch.status && *patch.status != AlertStatus::kNew && *patch.status != AlertStatus::kIgnored) {
    return done(Status::Unprocessable(
        "status can be set to new or ignored here; promote or merge to import an alert"));
  }
  if (patch.tags) {
    std::vector<std::string> unique;
    for (const auto& t : *patch.tags) {
      if (!IsValidTag(t)) return done(Status::Unprocessable("tags must be 1 to 128 printable bytes"));
      if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(t);
    }
    patch.tags = std::move(unique);  // tags are a set, in first-seen order
  }
  const Clock* clock = &clock_;
  SubmitForResult<Alert>(
      writer_,
      [id, patch, ctx, clock](db::Database& db) -> Result<Alert> {
        int64_t now = clock->NowMs();
        WF_ASSIGN_OR_RETURN(Alert a, GetAlert(db, id, false));
        std::vector<std::pair<std::string, std::string>> changes;
        if (patch.status && *patch.status != a.status) {
          if (a.status == AlertStatus::kImported) {
            return Status::FailedPrecondition(fmt::format(
                "alert {} is imported into a case; its status follows the case", id));
          }
          changes.emplace_back("status", fmt::format("{} -> {}", AlertStatusName(a.status),
                                                     AlertStatusName(*patch.status)));
          a.status = *patch.status;
        }
        if (patch.severity && *patch.severity != a.severity) {
          changes.emplace_back("severity", fmt::format("{} -> {}", SeverityName(a.severity),
                                                       SeverityName(*patch.severity)));
          a.severity = *patch.severity;
        }
        WF_RETURN_IF_ERROR(UpdateStatusAndSeverity(db, id, a.status, a.severity, now));
        if (patch.tags && *patch.tags != a.tags) {
          std::string list;
          for (const auto& t : *patch.tags) list += (list.empty() ? "" : ",") + t;
          changes.emplace_back("tags", list);
          WF_RETURN_IF_ERROR(SetTags(db, id, *patch.tags, now));
          a.tags = *patch.tags;
        }
        a.updated_at = now;
        WF_RETURN_IF_ERROR(audit::Append(
            db, ctx, {"alert.update", "alert", std::to_string(id), json::Object(changes)}, now));
        return a;
      },
      std::move(done));
}

}  // namespace wf::ingest
