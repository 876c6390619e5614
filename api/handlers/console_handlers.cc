// GET / and GET /assets/{file}: the web console, served from the table that
// cmake/embed_console.cmake compiled in. Public (the page itself holds no
// data; every API call it makes is authenticated). Revalidated by ETag.
#include <algorithm>

#include "api/console_assets.h"
#include "api/handlers/handlers.h"
#include "api/problem.h"
#include "api/request_context.h"

namespace wf::api {

const ConsoleAsset* FindConsoleAsset(std::string_view path) {
  auto assets = ConsoleAssets();
  auto it = std::lower_bound(assets.begin(), assets.end(), path,
                             [](const ConsoleAsset& a, std::string_view p) { return a.path < p; });
  if (it == assets.end() || it->path != path) return nullptr;
  return &*it;
}

namespace {

void AddSecurityHeaders(HttpResponse& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kConsoleCsp));
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
}

// True when an If-None-Match list names `etag` (or is "*").
bool EtagMatches(std::string_view header, std::string_view etag) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = header.substr(pos, comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag || item == "*") return true;
    pos = comma + 1;
  }
  return false;
}

void Serve(const RequestContext& ctx, const Respond& respond, std::string_view path) {
  const ConsoleAsset* asset = FindConsoleAsset(path);
  if (asset == nullptr) {
    HttpResponse r = Problem(404, "Not Found", "no such console file", ctx.request_id);
    AddSecurityHeaders(r);
    return respond(std::move(r));
  }
  HttpResponse r;
  r.content_type = std::string(asset->content_type);
  r.headers.emplace_back("ETag", std::string(asset->etag));
  // Asset names are not content-hashed, so the browser revalidates every
  // time (a 304 costs one round trip, no body) and never runs stale code
  // after an upgrade.
  r.headers.emplace_back("Cache-Control", "no-cache");
  AddSecurityHeaders(r);
  if (EtagMatches(ctx.request.Header("if-none-match"), asset->etag)) {
    r.status = 304;
    r.content_type.clear();
  } else {
    r.body = std::string(asset->bytes);
  }
  respond(std::move(r));
}

void Index(ContextPtr ctx, Respond respond) { Serve(*ctx, respond, "/index.html"); }

void Asset(ContextPtr ctx, Respond respond) {
  const std::string& file = ctx->params["file"];
  // Only names of the table are served; nothing reaches the file system.
  Serve(*ctx, respond, "/" + file);
}

}  // namespace

void RegisterConsoleRoutes(Router& r) {
  r.Add("GET", "/", Index, AuthMode::kNone, BodyKind::kNone);
  r.Add("GET", "/assets/{file}", Asset, AuthMode::kNone, BodyKind::kNone);
}

}  // namespace wf::api
