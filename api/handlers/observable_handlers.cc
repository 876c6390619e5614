#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/handlers/related.h"
#include "api/request_context.h"
#include "cases/case_json.h"
#include "cases/case_service.h"
#include "core/clock.h"
#include "ingest/alert_json.h"
#include "ingest/alert_service.h"
#include "observables/export.h"
#include "observables/observable_json.h"
#include "observables/observable_service.h"

namespace wf::api {

namespace {

// Where an observable was seen, with a summary of each alert and case.
void WriteLinks(JsonBuilder& b, const RequestContext& ctx, const std::vector<observables::Link>& links) {
  int64_t now = ctx.services.clock.NowMs();
  b.Key("alerts").BeginArray();
  for (const auto& l : links) {
    if (l.object_type != "alert") continue;
    auto a = ctx.services.alerts.Summary(l.object_id);
    if (!a.ok()) continue;
    b.BeginObject().Key("id").Int(a->id).Key("title").String(a->title).Key("status")
        .String(ingest::AlertStatusName(a->status)).Key("severity").String(SeverityName(a->severity))
        .Key("source").String(a->source).Key("last_seen").Time(a->last_seen).Key("linked_at").Time(l.created_at)
        .EndObject();
  }
  b.EndArray().Key("cases").BeginArray();
  for (const auto& l : links) {
    if (l.object_type != "case") continue;
    auto c = ctx.services.cases.Summary(l.object_id);
    if (!c.ok()) continue;
    b.BeginObject().Key("id").Int(c->id).Key("number").String(c->number).Key("title").String(c->title)
        .Key("status").String(cases::CaseStatusName(c->status)).Key("severity").String(SeverityName(c->severity))
        .Key("linked_at").Time(l.created_at).EndObject();
  }
  b.EndArray();
  (void)now;
}

void WriteDetail(JsonBuilder& b, const RequestContext& ctx, const observables::ObservableDetail& d) {
  b.BeginObject().Key("observable").RawValue(observables::ObservableToJson(d.record));
  b.Key("alert_count").Int(d.alert_count).Key("case_count").Int(d.case_count);
  WriteLinks(b, ctx, d.links);
  b.EndObject();
}

void ListObservables(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  observables::ObservableFilter f;
  if (auto t = ctx->query.Get("type")) {
    f.type = observables::ParseObservableType(*t);
    if (!f.type) return RespondError(*ctx, respond, Status::InvalidArgument(fmt::format("unknown type '{}'", *t)));
  }
  if (auto v = ctx->query.Get("value")) {
    if (f.type) {
      auto n = observables::Normalize(*f.type, *v);
      f.value = n.ok() ? n->value : *v;
    } else {
      f.value = *v;
    }
  }
  if (auto i = ctx->query.Get("ioc")) {
    if (*i != "true" && *i != "false") return RespondError(*ctx, respond, Status::InvalidArgument("ioc must be true or false"));
    f.ioc = *i == "true";
  }
  f.tag = ctx->query.Get("tag");
  WF_TRY(int limit, ctx->LimitQuery(50, 500));
  WF_TRY(f.before_id, ctx->CursorQuery());
  f.limit = limit + 1;
  WF_TRY(auto list, ctx->services.observables.List(f));
  std::optional<std::string> next;
  if (static_cast<int>(list.size()) > limit) {
    list.resize(static_cast<size_t>(limit));
    next = std::to_string(list.back().id);
  }
  JsonBuilder b;
  b.BeginObject().Key("observables").BeginArray();
  for (const auto& o : list) b.RawValue(observables::ObservableToJson(o));
  b.EndArray().Key("next_cursor").OptString(next).EndObject();
  RespondJson(respond, b.Take());
}

void GetObservable(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(auto d, ctx->services.observables.Get(id));
  JsonBuilder b;
  WriteDetail(b, *ctx, d);
  RespondJson(respond, b.Take());
}

void Lookup(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  auto value = ctx->query.Get("value");
  if (!value || value->empty()) return RespondError(*ctx, respond, Status::InvalidArgument("value is required"));
  std::optional<observables::ObservableType> type;
  if (auto t = ctx->query.Get("type")) {
    type = observables::ParseObservableType(*t);
    if (!type) return RespondError(*ctx, respond, Status::InvalidArgument(fmt::format("unknown type '{}'", *t)));
  }
  WF_TRY(auto r, ctx->services.observables.Lookup(*value, type));
  JsonBuilder b;
  b.BeginObject()
      .Key("type").String(observables::ObservableTypeName(r.normalized.type))
      .Key("value").String(r.normalized.value)
      .Key("input").String(*value)
      .Key("internal").Bool(r.normalized.internal);
  if (r.normalized.hash_kind != observables::HashKind::kNone) {
    b.Key("hash_kind").String(observables::HashKindName(r.normalized.hash_kind));
  }
  b.Key("seen").Bool(r.seen.has_value());
  if (r.seen) {
    b.Key("observable").RawValue(observables::ObservableToJson(r.seen->record));
    b.Key("alert_count").Int(r.seen->alert_count).Key("case_count").Int(r.seen->case_count);
    WriteLinks(b, *ctx, r.seen->links);
  }
  b.EndObject();
  RespondJson(respond, b.Take());
}

void PatchObservable(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kTriage);
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(JsonBody body, JsonBody::Parse(ctx->request.body));
  if (Status st = body.OnlyKnownKeys({"ioc", "sighted", "tlp", "tags"}); !st.ok()) return RespondError(*ctx, respond, st);
  observables::ObservablePatch p;
  WF_TRY(p.ioc, body.Bool("ioc"));
  WF_TRY(p.sighted, body.Bool("sighted"));
  WF_TRY(p.tlp, body.String("tlp"));
  WF_TRY(p.tags, body.StringArray("tags"));
  ctx->services.observables.Update(id, std::move(p), ctx->Audit(),
                                   [ctx, respond](Result<observables::ObservableRecord> o) {
                                     if (!o.ok()) return RespondError(*ctx, respond, o.status());
                                     RespondJson(respond, observables::ObservableToJson(*o));
                                   });
}

void ExportCase(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kRead);
  WF_TRY(auto d, ctx->services.cases.Get(ctx->params["id"]));
  std::string format = ctx->query.Get("format").value_or("stix");
  observables::ExportCase ec{d.c.number, d.c.title, d.c.description, std::string(SeverityName(d.c.severity)),
                             std::string(TlpName(d.c.tlp)), d.c.created_at};
  HttpResponse r;
  std::string filename;
  if (format == "stix") {
    r.body = observables::ExportStix(ec, d.observables, ctx->services.clock.NowMs());
    r.content_type = "application/stix+json;version=2.1";
    filename = d.c.number + ".stix.json";
  } else if (format == "misp") {
    r.body = observables::ExportMisp(ec, d.observables);
    r.content_type = "application/json";
    filename = d.c.number + ".misp.json";
  } else if (format == "csv") {
    r.body = observables::ExportCsv(d.observables);
    r.content_type = "text/csv; charset=utf-8";
    filename = d.c.number + ".csv";
  } else {
    return RespondError(*ctx, respond, Status::InvalidArgument("format must be stix, misp or csv"));
  }
  r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", filename));
  respond(std::move(r));
}

}  // namespace

std::string WithRelated(std::string object_json, const std::string& related_json) {
  if (object_json.empty() || object_json.back() != '}') return object_json;
  object_json.pop_back();
  object_json += ",\"related\":";
  object_json += related_json;
  object_json += "}";
  return object_json;
}

std::string RelatedJson(const RequestContext& ctx, const std::string& object_type, int64_t id) {
  JsonBuilder b;
  b.BeginObject();
  auto related = ctx.services.observables.RelatedTo(object_type, id, 50);
  int64_t now = ctx.services.clock.NowMs();
  b.Key("cases").BeginArray();
  int cases_written = 0;
  if (related.ok()) {
    for (const auto& r : *related) {
      if (r.object_type != "case" || cases_written >= 10) continue;
      auto c = ctx.services.cases.Summary(r.object_id);
      if (!c.ok() || c->status == cases::CaseStatus::kClosed || c->status == cases::CaseStatus::kResolved) continue;
      b.BeginObject().Key("id").Int(c->id).Key("number").String(c->number).Key("title").String(c->title)
          .Key("status").String(cases::CaseStatusName(c->status)).Key("severity").String(SeverityName(c->severity))
          .Key("shared").Int(r.shared).Key("shared_iocs").Int(r.shared_iocs).EndObject();
      ++cases_written;
    }
  }
  b.EndArray().Key("alerts").BeginArray();
  int alerts_written = 0;
  constexpr int64_t kRecentMs = 30LL * 24 * 3600 * 1000;
  if (related.ok()) {
    for (const auto& r : *related) {
      if (r.object_type != "alert" || alerts_written >= 10) continue;
      auto a = ctx.services.alerts.Summary(r.object_id);
      if (!a.ok() || a->last_seen < now - kRecentMs) continue;
      b.BeginObject().Key("id").Int(a->id).Key("title").String(a->title)
          .Key("status").String(ingest::AlertStatusName(a->status)).Key("severity").String(SeverityName(a->severity))
          .Key("last_seen").Time(a->last_seen).Key("shared").Int(r.shared).Key("shared_iocs").Int(r.shared_iocs)
          .EndObject();
      ++alerts_written;
    }
  }
  b.EndArray().EndObject();
  return b.Take();
}

void RegisterObservableRoutes(Router& r) {
  r.Add("GET", "/api/v1/observables", ListObservables, AuthMode::kUser, BodyKind::kNone);
  r.Add("GET", "/api/v1/observables/lookup", Lookup, AuthMode::kUser, BodyKind::kNone);
  r.Add("GET", "/api/v1/observables/{id}", GetObservable, AuthMode::kUser, BodyKind::kNone);
  r.Add("PATCH", "/api/v1/observables/{id}", PatchObservable, AuthMode::kUser, BodyKind::kJson);
  r.Add("GET", "/api/v1/cases/{id}/export", ExportCase, AuthMode::kUser, BodyKind::kNone);
}

}  // namespace wf::api
