// TheHive-compatible endpoints (SPEC 5): request and response shapes of
// TheHive 3/4 (/api/alert) and TheHive 5 (/api/v1/alert), so integrations
// written for TheHive work by changing only the URL and the key.
#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/problem.h"
#include "api/request_context.h"
#include "cases/case_service.h"
#include "core/crypto.h"
#include "ingest/alert_service.h"
#include "ingest/formats/thehive.h"
#include "observables/observable_service.h"

namespace wf::api {

namespace {

using ingest::TheHiveApi;

int64_t TlpNumber(Tlp t, TheHiveApi api) {
  switch (t) {
    case Tlp::kClear: return 0;
    case Tlp::kGreen: return 1;
    case Tlp::kAmber: return 2;
    case Tlp::kAmberStrict: return api == TheHiveApi::kV1 ? 3 : 2;
    case Tlp::kRed: return api == TheHiveApi::kV1 ? 4 : 3;
  }
  return 2;
}

std::string StatusLabel(ingest::AlertStatus s) {
  switch (s) {
    case ingest::AlertStatus::kNew: return "New";
    case ingest::AlertStatus::kUpdated: return "Updated";
    case ingest::AlertStatus::kIgnored: return "Ignored";
    case ingest::AlertStatus::kImported: return "Imported";
  }
  return "New";
}

std::string AlertJson(const ingest::Alert& a, TheHiveApi api, int64_t observable_count) {
  JsonBuilder b;
  std::string id = fmt::format("~{}", a.id);
  b.BeginObject()
      .Key("_id").String(id)
      .Key("id").String(id)
      .Key("_type").String(api == TheHiveApi::kV1 ? "Alert" : "alert")
      .Key("_createdAt").Int(a.created_at)
      .Key("_updatedAt").Int(a.updated_at)
      .Key("_createdBy").String("watchfloor")
      .Key("type").String(a.rule_name)
      .Key("source").String(a.source)
      .Key("sourceRef").String(a.source_ref)
      .Key("title").String(a.title)
      .Key("description").String(a.description)
      .Key("severity").Int(static_cast<int64_t>(a.severity))
      .Key("date").Int(a.event_time.value_or(a.first_seen))
      .Key("tags").BeginArray();
  for (const auto& t : a.tags) b.String(t);
  b.EndArray()
      .Key("tlp").Int(TlpNumber(a.tlp, api))
      .Key("pap").Int(static_cast<int64_t>(a.pap))
      .Key("status").String(StatusLabel(a.status))
      .Key("follow").Bool(true)
      .Key("customFields").BeginObject().EndObject();
  if (api == TheHiveApi::kV1) {
    b.Key("severityLabel").String(std::string(SeverityName(a.severity)))
        .Key("stage").String(StatusLabel(a.status))
        .Key("observableCount").Int(observable_count);
  } else {
    b.Key("artifacts").BeginArray().EndArray();
  }
  b.Key("case");
  if (a.case_id) {
    b.String(fmt::format("~{}", *a.case_id));
  } else {
    b.Null();
  }
  b.Key("occurrences").Int(a.occurrences);
  b.EndObject();
  return b.Take();
}

std::string CaseJson(const cases::Case& c, TheHiveApi api) {
  bool done = c.status == cases::CaseStatus::kResolved || c.status == cases::CaseStatus::kClosed;
  std::string id = fmt::format("~{}", c.id);
  JsonBuilder b;
  b.BeginObject()
      .Key("_id").String(id)
      .Key("id").String(id)
      .Key("_type").String(api == TheHiveApi::kV1 ? "Case" : "case")
      .Key("caseId").Int(c.id)
      .Key("number").Int(c.id)
      .Key("watchfloorNumber").String(c.number)
      .Key("title").String(c.title)
      .Key("description").String(c.description)
      .Key("severity").Int(static_cast<int64_t>(c.severity))
      .Key("startDate").Int(c.created_at)
      .Key("tags").BeginArray();
  for (const auto& t : c.tags) b.String(t);
  b.EndArray()
      .Key("tlp").Int(TlpNumber(c.tlp, api))
      .Key("pap").Int(static_cast<int64_t>(c.pap))
      .Key("status").String(done ? "Resolved" : "Open")
      .Key("owner").String(c.assignee_login)
      .Key("flag").Bool(false)
      .EndObject();
  return b.Take();
}

// "~123" or "123".
Result<int64_t> TheHiveId(const std::string& raw) {
  std::string s = !raw.empty() && raw[0] == '~' ? raw.substr(1) : raw;
  if (s.empty() || s.size() > 18) return Status::NotFound("no such object");
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return Status::NotFound("no such object");
    v = v * 10 + (c - '0');
  }
  return v;
}

void CreateAlert(ContextPtr ctx, Respond respond, TheHiveApi api) {
  if (Status st = ctx->Require(auth::Permission::kPostAlerts); !st.ok()) return RespondError(*ctx, respond, st);
  auto alert = ingest::ParseTheHiveAlert(ctx->request.body, api);
  if (!alert.ok()) return RespondError(*ctx, respond, alert.status());
  int64_t observable_count = static_cast<int64_t>(alert->observables.size());
  ingest::DeliveryMeta meta;
  meta.remote_addr = ctx->request.remote_address;
  if (ctx->principal->kind == auth::Principal::Kind::kApiKey) meta.api_key_id = ctx->principal->id;
  meta.actor = ctx->principal->ActorString();
  meta.payload_sha256 = crypto::Sha256Hex(ctx->request.body);
  meta.bytes = static_cast<int64_t>(ctx->request.body.size());
  if (ctx->services.alerts.options().store_raw_deliveries) meta.raw_body = ctx->request.body;
  std::vector<ingest::NormalizedAlert> batch;
  batch.push_back(std::move(*alert));
  ctx->services.alerts.Ingest(
      std::move(batch), std::move(meta),
      [ctx, respond, api, observable_count](Result<std::vector<ingest::IngestResult>> r) {
        if (!r.ok()) return RespondError(*ctx, respond, r.status());
        const auto& result = r->front();
        if (!result.created && ctx->services.config.thehive_duplicate_400) {
          // TheHive's own answer to a duplicate, for integrations that rely on it.
          HttpResponse res;
          res.status = 400;
          res.body = fmt::format(
              R"json({{"type":"CreateError","message":"Alert already exists (id ~{}, {} occurrences)"}})json",
              result.id, result.occurrences);
          return respond(std::move(res));
        }
        auto a = ctx->services.alerts.Summary(result.id);
        if (!a.ok()) return RespondError(*ctx, respond, a.status());
        RespondJson(respond, AlertJson(*a, api, observable_count), 201);
      });
}

void GetAlert(ContextPtr ctx, Respond respond, TheHiveApi api) {
  if (Status st = ctx->Require(auth::Permission::kRead); !st.ok()) return RespondError(*ctx, respond, st);
  auto id = TheHiveId(ctx->params["id"]);
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  auto d = ctx->services.alerts.Get(*id);
  if (!d.ok()) return RespondError(*ctx, respond, d.status());
  RespondJson(respond, AlertJson(d->alert, api, static_cast<int64_t>(d->observables.size())));
}

void CreateCase(ContextPtr ctx, Respond respond, TheHiveApi api) {
  auto id = TheHiveId(ctx->params["id"]);
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  ingest::PromoteRequest req;
  if (!ctx->request.body.empty()) {
    auto body = JsonBody::Parse(ctx->request.body);
    if (!body.ok()) return RespondError(*ctx, respond, body.status());
    auto tmpl = body->String("caseTemplate");
    if (!tmpl.ok()) return RespondError(*ctx, respond, tmpl.status());
    req.template_name = tmpl->value_or("");
  }
  ctx->services.alerts.Promote(*id, std::move(req), {*ctx->principal, ctx->Audit()},
                               [ctx, respond, api](Result<cases::Case> c) {
                                 if (!c.ok()) return RespondError(*ctx, respond, c.status());
                                 RespondJson(respond, CaseJson(*c, api), 201);
                               });
}

void MergeIntoCase(ContextPtr ctx, Respond respond, TheHiveApi api) {
  auto id = TheHiveId(ctx->params["id"]);
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  auto case_id = TheHiveId(ctx->params["case"]);
  if (!case_id.ok()) return RespondError(*ctx, respond, case_id.status());
  ctx->services.alerts.Merge(*id, std::to_string(*case_id), {*ctx->principal, ctx->Audit()},
                             [ctx, respond, api](Result<cases::Case> c) {
                               if (!c.ok()) return RespondError(*ctx, respond, c.status());
                               RespondJson(respond, CaseJson(*c, api));
                             });
}

}  // namespace

void RegisterTheHiveRoutes(Router& r) {
  using A = AuthMode;
  using B = BodyKind;
  for (auto [prefix, api] : {std::pair{"/api/alert", TheHiveApi::kV0}, std::pair{"/api/v1/alert", TheHiveApi::kV1}}) {
    std::string p = prefix;
    r.Add("POST", p, [api](ContextPtr c, Respond res) { CreateAlert(std::move(c), std::move(res), api); },
          A::kIngest, B::kJson);
    r.Add("GET", p + "/{id}", [api](ContextPtr c, Respond res) { GetAlert(std::move(c), std::move(res), api); },
          A::kUser, B::kNone);
    r.Add("POST", p + "/{id}/merge/{case}",
          [api](ContextPtr c, Respond res) { MergeIntoCase(std::move(c), std::move(res), api); }, A::kUser,
          B::kJson);
  }
  r.Add("POST", "/api/alert/{id}/createCase",
        [](ContextPtr c, Respond res) { CreateCase(std::move(c), std::move(res), TheHiveApi::kV0); }, AuthMode::kUser,
        BodyKind::kJson);
  r.Add("POST", "/api/v1/alert/{id}/case",
        [](ContextPtr c, Respond res) { CreateCase(std::move(c), std::move(res), TheHiveApi::kV1); }, AuthMode::kUser,
        BodyKind::kJson);
}

}  // namespace wf::api
