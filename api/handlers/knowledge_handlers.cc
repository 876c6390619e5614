#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/request_context.h"
#include "cases/case_json.h"
#include "cases/case_service.h"
#include "core/clock.h"

namespace wf::api {

namespace {

void WriteArticle(JsonBuilder& b, const cases::Article& a) {
  b.BeginObject().Key("id").Int(a.id).Key("case_id");
  if (a.case_id) {
    b.Int(*a.case_id);
  } else {
    b.Null();
  }
  b.Key("case_number").OptString(a.case_number.empty() ? std::nullopt : std::optional(a.case_number))
      .Key("title").String(a.title).Key("body").String(a.body).Key("tags").BeginArray();
  for (const auto& t : a.tags) b.String(t);
  b.EndArray().Key("created_by").String(a.created_by).Key("created_at").Time(a.created_at)
      .Key("updated_at").Time(a.updated_at).EndObject();
}

auto ArticleReply(ContextPtr ctx, Respond respond, int status) {
  return [ctx, respond, status](Result<cases::Article> a) {
    if (!a.ok()) return RespondError(*ctx, respond, a.status());
    JsonBuilder b;
    WriteArticle(b, *a);
    RespondJson(respond, b.Take(), status);
  };
}

// GET /api/v1/cases/{id}/similar: closed cases most like this one, with
// their resolution and root cause.
void Similar(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kRead); !st.ok()) return RespondError(*ctx, respond, st);
  auto id = ctx->services.cases.ResolveId(ctx->params["id"]);
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  auto limit = ctx->LimitQuery(10, 50);
  if (!limit.ok()) return RespondError(*ctx, respond, limit.status());
  auto list = ctx->services.cases.Similar(*id, *limit);
  if (!list.ok()) return RespondError(*ctx, respond, list.status());
  JsonBuilder b;
  b.BeginObject().Key("similar").BeginArray();
  for (const auto& s : *list) {
    b.BeginObject().Key("id").Int(s.c.id).Key("number").String(s.c.number).Key("title").String(s.c.title)
        .Key("status").String(cases::CaseStatusName(s.c.status)).Key("resolution");
    if (s.c.resolution) {
      b.String(cases::ResolutionName(*s.c.resolution));
    } else {
      b.Null();
    }
    b.Key("root_cause").String(s.c.root_cause).Key("resolution_notes").String(s.c.resolution_notes)
        .Key("shared_observables").Int(s.shared_observables).Key("shared_iocs").Int(s.shared_iocs)
        .Key("score").Double(s.score).EndObject();
  }
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

// GET /api/v1/knowledge?q=: published articles, then resolved true positives.
void Knowledge(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kRead); !st.ok()) return RespondError(*ctx, respond, st);
  auto q = ctx->query.Get("q");
  if (q && q->empty()) q.reset();
  auto limit = ctx->LimitQuery(20, 200);
  if (!limit.ok()) return RespondError(*ctx, respond, limit.status());
  auto list = ctx->services.cases.Knowledge(q, *limit);
  if (!list.ok()) return RespondError(*ctx, respond, list.status());
  JsonBuilder b;
  b.BeginObject().Key("entries").BeginArray();
  for (const auto& e : *list) {
    b.BeginObject().Key("kind").String(e.kind).Key("id").Int(e.id)
        .Key("case_number").OptString(e.case_number.empty() ? std::nullopt : std::optional(e.case_number))
        .Key("title").String(e.title);
    if (e.kind == "article") {
      b.Key("body").String(e.body);
    } else {
      b.Key("root_cause").String(e.root_cause).Key("resolution_notes").String(e.resolution_notes)
          .Key("tasks_done").BeginArray();
      for (const auto& t : e.tasks_done) b.String(t);
      b.EndArray();
    }
    b.Key("time").Time(e.time).EndObject();
  }
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

void GetArticle(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kRead); !st.ok()) return RespondError(*ctx, respond, st);
  auto id = ctx->IdParam("id");
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  ArticleReply(ctx, respond, 200)(ctx->services.cases.GetArticle(*id));
}

Status ReadArticleBody(const RequestContext& ctx, std::optional<std::string>* title, std::optional<std::string>* body,
                       std::optional<std::vector<std::string>>* tags) {
  WF_ASSIGN_OR_RETURN(JsonBody j, JsonBody::Parse(ctx.request.body.empty() ? "{}" : ctx.request.body));
  WF_RETURN_IF_ERROR(j.OnlyKnownKeys({"title", "body", "tags"}));
  WF_ASSIGN_OR_RETURN(*title, j.String("title"));
  WF_ASSIGN_OR_RETURN(*body, j.String("body"));
  WF_ASSIGN_OR_RETURN(*tags, j.StringArray("tags"));
  return Status::Ok();
}

void Publish(ContextPtr ctx, Respond respond) {
  auto id = ctx->services.cases.ResolveId(ctx->params["id"]);
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  std::optional<std::string> title, body;
  std::optional<std::vector<std::string>> tags;
  if (Status st = ReadArticleBody(*ctx, &title, &body, &tags); !st.ok()) return RespondError(*ctx, respond, st);
  ctx->services.cases.Publish(*id, title, body, tags.value_or(std::vector<std::string>{}),
                              {*ctx->principal, ctx->Audit()}, ArticleReply(ctx, respond, 201));
}

void EditArticle(ContextPtr ctx, Respond respond) {
  auto id = ctx->IdParam("id");
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  std::optional<std::string> title, body;
  std::optional<std::vector<std::string>> tags;
  if (Status st = ReadArticleBody(*ctx, &title, &body, &tags); !st.ok()) return RespondError(*ctx, respond, st);
  ctx->services.cases.EditArticle(*id, title, body, tags, {*ctx->principal, ctx->Audit()},
                                  ArticleReply(ctx, respond, 200));
}

}  // namespace

void RegisterKnowledgeRoutes(Router& r) {
  r.Add("GET", "/api/v1/cases/{id}/similar", Similar, AuthMode::kUser, BodyKind::kNone);
  r.Add("POST", "/api/v1/cases/{id}/publish", Publish, AuthMode::kUser, BodyKind::kJson);
  r.Add("GET", "/api/v1/knowledge", Knowledge, AuthMode::kUser, BodyKind::kNone);
  r.Add("GET", "/api/v1/knowledge/{id}", GetArticle, AuthMode::kUser, BodyKind::kNone);
  r.Add("PATCH", "/api/v1/knowledge/{id}", EditArticle, AuthMode::kUser, BodyKind::kJson);
}

}  // namespace wf::api
