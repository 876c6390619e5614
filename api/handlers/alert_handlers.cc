#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/handlers/related.h"
#include "api/request_context.h"
#include "ingest/alert_json.h"
#include "ingest/alert_service.h"

namespace wf::api {

namespace {

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Result<ingest::AlertFilter> FilterFromQuery(const RequestContext& ctx) {
  ingest::AlertFilter f;
  for (const auto& value : ctx.query.GetAll("status")) {
    for (const auto& s : SplitComma(value)) {
      auto st = ingest::ParseAlertStatus(s);
      if (!st) {
        return Status::InvalidArgument(
            fmt::format("status '{}' is not one of new, updated, ignored, imported", s));
      }
      f.statuses.push_back(*st);
    }
  }
  if (auto s = ctx.query.Get("severity")) {
    auto sev = ParseSeverity(*s);
    if (!sev) return Status::InvalidArgument("severity must be low, medium, high or critical");
    f.severity = sev;
  }
  f.source = ctx.query.Get("source");
  f.source_kind = ctx.query.Get("source_kind");
  f.tag = ctx.query.Get("tag");
  f.q = ctx.query.Get("q");
  if (f.q && f.q->empty()) f.q.reset();
  WF_ASSIGN_OR_RETURN(f.since, ctx.TimeQuery("since"));
  WF_ASSIGN_OR_RETURN(f.until, ctx.TimeQuery("until"));
  WF_ASSIGN_OR_RETURN(f.limit, ctx.LimitQuery(50, 500));
  WF_ASSIGN_OR_RETURN(f.before_id, ctx.CursorQuery());
  return f;
}

void ListAlerts(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kRead); !st.ok()) return RespondError(*ctx, respond, st);
  auto filter = FilterFromQuery(*ctx);
  if (!filter.ok()) return RespondError(*ctx, respond, filter.status());
  auto page = ctx->services.alerts.List(std::move(*filter));
  if (!page.ok()) return RespondError(*ctx, respond, page.status());
  JsonBuilder b;
  b.BeginObject().Key("alerts").BeginArray();
  for (const auto& a : page->alerts) b.RawValue(ingest::AlertToJson(a));
  b.EndArray().Key("next_cursor");
  b.OptString(page->next_before_id ? std::optional(std::to_string(*page->next_before_id))
                                   : std::nullopt);
  b.EndObject();
  RespondJson(respond, b.Take());
}

void GetAlert(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kRead); !st.ok()) return RespondError(*ctx, respond, st);
  auto id = ctx->IdParam("id");
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  auto detail = ctx->services.alerts.Get(*id);
  if (!detail.ok()) return RespondError(*ctx, respond, detail.status());
  RespondJson(respond, WithRelated(ingest::AlertDetailToJson(*detail), RelatedJson(*ctx, "alert", *id)));
}

void PatchAlert(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kTriage); !st.ok()) return RespondError(*ctx, respond, st);
  auto id = ctx->IdParam("id");
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  auto body = JsonBody::Parse(ctx->request.body);
  if (!body.ok()) return RespondError(*ctx, respond, body.status());
  auto status = body->String("status");
  auto severity = body->String("severity");
  auto tags = body->StringArray("tags");
  if (!status.ok()) return RespondError(*ctx, respond, status.status());
  if (!severity.ok()) return RespondError(*ctx, respond, severity.status());
  if (!tags.ok()) return RespondError(*ctx, respond, tags.status());
  if (Status st = body->OnlyKnownKeys({"status", "severity", "tags"}); !st.ok()) {
    return RespondError(*ctx, respond, st);
  }
  ingest::AlertPatch patch;
  if (*status) {
    patch.status = ingest::ParseAlertStatus(**status);
    if (!patch.status) {
      return RespondError(*ctx, respond,
                          Status::Unprocessable("status must be new or ignored (promote or merge to import)"));
    }
  }
  if (*severity) {
    patch.severity = ParseSeverity(**severity);
    if (!patch.severity) {
      return RespondError(*ctx, respond, Status::Unprocessable("severity must be low, medium, high or critical"));
    }
  }
  patch.tags = std::move(*tags);
  ctx->services.alerts.Update(*id, std::move(patch), ctx->Audit(),
                              [ctx, respond](Result<ingest::Alert> a) {
                                if (!a.ok()) return RespondError(*ctx, respond, a.status());
                                RespondJson(respond, ingest::AlertToJson(*a));
                              });
}

}  // namespace

void RegisterAlertRoutes(Router& r) {
  r.Add("GET", "/api/v1/alerts", ListAlerts, AuthMode::kUser, BodyKind::kNone);
  r.Add("GET", "/api/v1/alerts/{id}", GetAlert, AuthMode::kUser, BodyKind::kNone);
  r.Add("PATCH", "/api/v1/alerts/{id}", PatchAlert, AuthMode::kUser, BodyKind::kJson);
}

}  // namespace wf::api
