#include <algorithm>

#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/request_context.h"
#include "cases/case_service.h"
#include "ingest/alert_service.h"

namespace wf::api {

namespace {

// GET /api/v1/search?q=&type=alert|case|comment|task_log[,..]&limit=
// FTS5 syntax: words, "phrases", prefix*, AND / OR / NOT, NEAR(). Results of
// all types merged by relevance (bm25).
void Search(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(auth::Permission::kRead); !st.ok()) return RespondError(*ctx, respond, st);
  auto q = ctx->query.Get("q");
  if (!q || q->empty()) return RespondError(*ctx, respond, Status::InvalidArgument("q is required"));
  if (q->size() > 1000) return RespondError(*ctx, respond, Status::InvalidArgument("q is longer than 1000 bytes"));
  auto limit = ctx->LimitQuery(20, 200);
  if (!limit.ok()) return RespondError(*ctx, respond, limit.status());
  std::vector<std::string> types;
  std::string wanted = ctx->query.Get("type").value_or("alert,case,comment,task_log");
  size_t start = 0;
  while (start <= wanted.size()) {
    size_t comma = wanted.find(',', start);
    if (comma == std::string::npos) comma = wanted.size();
    std::string t = wanted.substr(start, comma - start);
    start = comma + 1;
    if (t.empty()) continue;
    if (t != "alert" && t != "case" && t != "comment" && t != "task_log") {
      return RespondError(*ctx, respond,
                          Status::InvalidArgument(fmt::format("type '{}' is not alert, case, comment or task_log", t)));
    }
    types.push_back(t);
  }
  std::vector<SearchHit> hits;
  for (const auto& t : types) {
    auto r = t == "alert" ? ctx->services.alerts.Search(*q, *limit) : ctx->services.cases.Search(t, *q, *limit);
    if (!r.ok()) return RespondError(*ctx, respond, r.status());
    hits.insert(hits.end(), r->begin(), r->end());
  }
  std::stable_sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) { return a.rank < b.rank; });
  if (static_cast<int>(hits.size()) > *limit) hits.resize(static_cast<size_t>(*limit));
  JsonBuilder b;
  b.BeginObject().Key("query").String(*q).Key("results").BeginArray();
  for (const auto& h : hits) {
    b.BeginObject().Key("type").String(h.type).Key("id").Int(h.id);
    b.Key("case_id");
    if (h.case_id) {
      b.Int(*h.case_id);
    } else {
      b.Null();
    }
    b.Key("case_number").OptString(h.case_number.empty() ? std::nullopt : std::optional(h.case_number))
        .Key("title").String(h.title)
        .Key("snippet").String(h.snippet)
        .Key("score").Double(-h.rank)
        .Key("time").Time(h.time)
        .EndObject();
  }
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

}  // namespace

void RegisterSearchRoutes(Router& r) {
  r.Add("GET", "/api/v1/search", Search, AuthMode::kUser, BodyKind::kNone);
}

}  // namespace wf::api
