// /api/v1/routing-rules: routing rules applied to new alerts (issue 8), and
// the dry run POST /api/v1/routing-rules/test. Managers and admins only.
#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/request_context.h"
#include "cases/case.h"
#include "core/clock.h"
#include "ingest/formats/registry.h"
#include "ingest/routing_service.h"

namespace wf::api {

namespace {

void WriteRule(JsonBuilder& b, const ingest::routing::Rule& r) {
  b.BeginObject();
  b.Key("id").Int(r.id);
  b.Key("name").String(r.name);
  b.Key("position").Int(r.position);
  b.Key("enabled").Bool(r.enabled);
  b.Key("when").RawValue(r.when_json);
  b.Key("then").RawValue(r.then_json);
  b.Key("matches").Int(r.matches);
  b.Key("last_match").OptTime(r.last_match);
  b.Key("created_by").String(r.created_by);
  b.Key("created_at").Time(r.created_at);
  b.Key("updated_at").Time(r.updated_at);
  b.EndObject();
}

std::string RuleJson(const ingest::routing::Rule& r) {
  JsonBuilder b;
  WriteRule(b, r);
  return b.Take();
}

// name, position, enabled, when, then — each optional here; the service
// decides what a create requires.
Result<ingest::RuleInput> ReadRuleInput(const JsonBody& body) {
  WF_RETURN_IF_ERROR(body.OnlyKnownKeys({"name", "position", "enabled", "when", "then"}));
  ingest::RuleInput in;
  WF_ASSIGN_OR_RETURN(in.name, body.String("name"));
  WF_ASSIGN_OR_RETURN(in.position, body.Int("position"));
  WF_ASSIGN_OR_RETURN(in.enabled, body.Bool("enabled"));
  in.when_json = body.Raw("when");
  in.then_json = body.Raw("then");
  return in;
}

void List(ContextPtr ctx, Respond respond) {
  WF_TRY(auto rules, ctx->services.routing.List(*ctx->principal));
  JsonBuilder b;
  b.BeginObject().Key("rules").BeginArray();
  for (const auto& r : rules) WriteRule(b, r);
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

void Get(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(auto rule, ctx->services.routing.Get(*ctx->principal, id));
  RespondJson(respond, RuleJson(rule));
}

void Create(ContextPtr ctx, Respond respond) {
  WF_TRY(auto body, JsonBody::Parse(ctx->request.body));
  WF_TRY(auto in, ReadRuleInput(body));
  ctx->services.routing.Create(std::move(in), *ctx->principal, ctx->Audit(),
                               [ctx, respond](Result<ingest::routing::Rule> r) {
                                 if (!r.ok()) return RespondError(*ctx, respond, r.status());
                                 RespondJson(respond, RuleJson(*r), 201);
                               });
}

void Update(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, ctx->IdParam("id"));
  WF_TRY(auto body, JsonBody::Parse(ctx->request.body));
  WF_TRY(auto in, ReadRuleInput(body));
  ctx->services.routing.Update(id, std::move(in), *ctx->principal, ctx->Audit(),
                               [ctx, respond](Result<ingest::routing::Rule> r) {
                                 if (!r.ok()) return RespondError(*ctx, respond, r.status());
                                 RespondJson(respond, RuleJson(*r));
                               });
}

void Delete(ContextPtr ctx, Respond respond) {
  WF_TRY(int64_t id, ctx->IdParam("id"));
  ctx->services.routing.Delete(id, *ctx->principal, ctx->Audit(), [ctx, respond](Status st) {
    if (!st.ok()) return RespondError(*ctx, respond, st);
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    respond(std::move(r));
  });
}

void WriteDryRun(JsonBuilder& b, const ingest::DryRun& d) {
  b.BeginObject();
  b.Key("title").String(d.alert.title);
  b.Key("source_kind").String(d.alert.source_kind);
  b.Key("matched").BeginArray();
  for (const auto& m : d.plan.matched) {
    b.BeginObject().Key("id").Int(m.rule_id).Key("name").String(m.rule_name).Key("actions").BeginArray();
    for (const auto& a : m.actions) b.String(a);
    b.EndArray().EndObject();
  }
  b.EndArray();
  b.Key("result").BeginObject();
  b.Key("status").String(d.status);
  b.Key("ignore_reason").OptString(d.ignore_reason);
  b.Key("severity").String(SeverityName(d.plan.severity));
  b.Key("tags").BeginArray();
  for (const auto& t : d.plan.tags) b.String(t);
  b.EndArray();
  b.Key("assignee").OptString(d.plan.assignee);
  b.Key("tier");
  if (d.plan.tier) {
    b.String(cases::TierName(*d.plan.tier));
  } else {
    b.Null();
  }
  b.Key("case").OptString(d.case_action);
  b.Key("notify").BeginArray();
  for (const auto& n : d.plan.notifies) b.String(n.url);
  b.EndArray();
  b.EndObject();
  b.EndObject();
}

// {"format": "wazuh" (default auto), "payload": <what the sender posts>,
//  "rules"?: [{"name", "when", "then"}]} — nothing is written.
void Test(ContextPtr ctx, Respond respond) {
  WF_REQUIRE(auth::Permission::kManageWorkflow);
  WF_TRY(auto body, JsonBody::Parse(ctx->request.body));
  if (Status st = body.OnlyKnownKeys({"format", "payload", "rules"}); !st.ok()) {
    return RespondError(*ctx, respond, st);
  }
  WF_TRY(auto format, body.String("format"));
  std::optional<std::string> payload = body.Raw("payload");
  if (!payload) {
    return RespondError(*ctx, respond, Status::Unprocessable("payload is required: an alert as its sender posts it"));
  }
  WF_TRY(auto parsed, ingest::ParseBody(format.value_or("auto"), *payload));
  std::optional<std::vector<ingest::routing::Rule>> rules;
  WF_TRY(auto rule_bodies, body.ObjectArray("rules"));
  if (rule_bodies) {
    rules.emplace();
    for (size_t i = 0; i < rule_bodies->size(); ++i) {
      const JsonBody& rb = (*rule_bodies)[i];
      auto in = ReadRuleInput(rb);
      if (!in.ok()) {
        return RespondError(*ctx, respond, Status(in.status().code(), fmt::format("rules[{}]: {}", i, in.status().message())));
      }
      ingest::routing::Rule r;
      r.id = 0;
      r.name = in->name.value_or(fmt::format("rule {}", i + 1));
      r.enabled = in->enabled.value_or(true);
      if (!in->when_json || !in->then_json) {
        return RespondError(*ctx, respond, Status::Unprocessable(fmt::format("rules[{}]: when and then are required", i)));
      }
      r.when_json = *in->when_json;
      r.then_json = *in->then_json;
      rules->push_back(std::move(r));
    }
  }
  WF_TRY(auto runs, ctx->services.routing.Test(*ctx->principal, parsed.alerts, rules));
  JsonBuilder b;
  b.BeginObject().Key("format").String(parsed.format).Key("alerts").BeginArray();
  for (const auto& d : runs) WriteDryRun(b, d);
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

}  // namespace

void RegisterRoutingRoutes(Router& r) {
  using A = AuthMode;
  using B = BodyKind;
  r.Add("GET", "/api/v1/routing-rules", List, A::kUser, B::kNone);
  r.Add("POST", "/api/v1/routing-rules", Create, A::kUser, B::kJson);
  r.Add("POST", "/api/v1/routing-rules/test", Test, A::kUser, B::kJson);
  r.Add("GET", "/api/v1/routing-rules/{id}", Get, A::kUser, B::kNone);
  r.Add("PATCH", "/api/v1/routing-rules/{id}", Update, A::kUser, B::kJson);
  r.Add("DELETE", "/api/v1/routing-rules/{id}", Delete, A::kUser, B::kNone);
}

}  // namespace wf::api
