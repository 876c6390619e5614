#include "api/dispatcher.h"

#include <chrono>

#include <fmt/format.h>

#include "api/metrics.h"
#include "api/problem.h"
#include "core/auth_service.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/log.h"

namespace wf::api {

namespace {

std::string NewRequestId(std::string_view offered) {
  bool ok = !offered.empty() && offered.size() <= 64;
  for (char c : offered) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.');
  }
  if (ok) return std::string(offered);
  return crypto::HexEncode(crypto::RandomBytes(8));
}

bool IsJsonContentType(std::string_view ct) {
  size_t semi = ct.find(';');
  std::string_view base = ct.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  std::string lower(base);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" || (lower.starts_with("application/") && lower.ends_with("+json"));
}

std::string Base64Decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = val(c);
    if (v < 0) return {};
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// The credential a request carries. Bearer and X-API-Key everywhere; for
// ingest routes also HTTP Basic (the key as password) and ?api_key=.
std::string ExtractCredential(const RequestContext& ctx, AuthMode mode) {
  std::string_view authz = ctx.request.Header("authorization");
  auto starts_ci = [](std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    }
    return true;
  };
  if (starts_ci(authz, "bearer ")) {
    std::string_view t = authz.substr(7);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    return std::string(t);
  }
  if (std::string_view k = ctx.request.Header("x-api-key"); !k.empty()) return std::string(k);
  if (mode == AuthMode::kIngest) {
    if (starts_ci(authz, "basic ")) {
      std::string decoded = Base64Decode(authz.substr(6));
      size_t colon = decoded.find(':');
      if (colon != std::string::npos) {
        std::string password = decoded.substr(colon + 1);
        return password.empty() ? decoded.substr(0, colon) : password;
      }
    }
    if (auto k = ctx.query.Get("api_key")) return *k;
  }
  return {};
}

// The value of the console's session cookie `wf_session`, or empty. Only a
// session token (wfs_…) is taken from a cookie: API keys are never cookies.
std::string SessionCookie(const HttpRequest& req) {
  for (const auto& [name, value] : req.headers) {
    if (name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (pair.starts_with("wf_session=")) {
        std::string_view token = pair.substr(11);
        if (token.starts_with("wfs_")) return std::string(token);
      }
    }
  }
  return {};
}

bool IsUnsafeMethod(std::string_view m) {
  return m != "GET" && m != "HEAD" && m != "OPTIONS";
}

// A cookie rides along with any request the browser makes, including one a
// hostile page triggers, so a cookie-authenticated change must prove it
// comes from our own script: a custom header (a cross-site form cannot set
// one, and no CORS is enabled, so a cross-site fetch cannot either) and, when
// the browser names the origin, the same host.
std::string CsrfProblem(const HttpRequest& req) {
  if (req.Header("x-watchfloor-csrf") != "1") {
    return "a change made with the session cookie needs the header X-Watchfloor-CSRF: 1";
  }
  std::string_view origin = req.Header("origin");
  if (!origin.empty()) {
    size_t scheme = origin.find("://");
    std::string_view origin_host =
        scheme == std::string_view::npos ? std::string_view() : origin.substr(scheme + 3);
    if (origin_host.empty() || origin_host != req.Header("host")) {
      return "the request's Origin does not match the server's host";
    }
  }
  return {};
}

}  // namespace

namespace {
std::optional<int64_t> ParsePositive(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}
}  // namespace

audit::Context RequestContext::Audit() const {
  return audit::Context{principal ? principal->ActorString() : "anonymous", request_id,
                        request.remote_address};
}

Status RequestContext::Require(auth::Permission permission) const {
  if (!principal || !auth::Allows(*principal, permission)) {
    return Status::PermissionDenied("your role does not allow this action");
  }
  return Status::Ok();
}

Result<int64_t> RequestContext::IdParam(const std::string& name) const {
  auto it = params.find(name);
  std::optional<int64_t> v;
  if (it != params.end()) v = ParsePositive(it->second);
  if (!v || *v <= 0) return Status::NotFound("no such object");
  return *v;
}

Result<std::optional<int64_t>> RequestContext::TimeQuery(const char* key) const {
  auto v = query.Get(key);
  if (!v) return std::optional<int64_t>();
  int64_t ms = 0;
  if (ParseRfc3339(*v, &ms)) return std::optional<int64_t>(ms);
  return Status::InvalidArgument(fmt::format("{} must be an RFC 3339 time such as 2026-11-23T09:00:00Z", key));
}


Result<int> RequestContext::LimitQuery(int def, int max) const {
  auto v = query.Get("limit");
  if (!v) return def;
  auto n = ParsePositive(*v);
  if (!n || *n < 1 || *n > max) {
    return Status::InvalidArgument(fmt::format("limit must be a number from 1 to {}", max));
  }
  return static_cast<int>(*n);
}

Result<std::optional<int64_t>> RequestContext::CursorQuery() const {
  auto v = query.Get("cursor");
  if (!v) return std::optional<int64_t>();
  auto n = ParsePositive(*v);
  if (!n) return Status::InvalidArgument("cursor is not valid; pass next_cursor from the previous page");
  return std::optional<int64_t>(*n);
}

void RespondJson(const Respond& respond, std::string json, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(json);
  respond(std::move(r));
}

void RespondError(const RequestContext& ctx, const Respond& respond, const Status& status) {
  respond(ProblemFromStatus(status, ctx.request_id));
}

Dispatcher::Dispatcher(Router router, Services& services)
    : router_(std::move(router)), services_(services) {}

uint64_t Dispatcher::BodyLimit(const HttpRequest& req) const {
  const Config& c = services_.config;
  std::string_view p = req.path;
  // A mail carries its attachments: the evidence limit, or its own.
  if (p == "/api/v1/ingest/email") {
    return static_cast<uint64_t>(c.email_max_bytes > 0 ? c.email_max_bytes : c.attachment_body_bytes);
  }
  if (p.starts_with("/api/v1/ingest/") || p == "/api/alert" || p == "/api/v1/alert") {
    return static_cast<uint64_t>(c.ingest_body_bytes);
  }
  if (p.ends_with("/attachments")) return static_cast<uint64_t>(c.attachment_body_bytes);
  return static_cast<uint64_t>(c.api_body_bytes);
}

HttpResponse Dispatcher::Problem(const HttpRequest& req, int status, std::string_view title,
                                 std::string_view detail) {
  std::string id = NewRequestId(req.Header("x-request-id"));
  HttpResponse r = api::Problem(status, title, detail, id);
  r.headers.emplace_back("X-Request-Id", id);
  log::Event(log::Level::kInfo, "http.access",
             {{"method", req.method}, {"path", req.path}, {"status", status},
              {"request_id", id}, {"remote_addr", req.remote_address}, {"detail", detail}});
  return r;
}

void Dispatcher::Handle(HttpRequest request, Respond respond) {
  auto started = std::chrono::steady_clock::now();
  auto ctx = std::make_shared<RequestContext>(std::move(request), services_);
  ctx->request_id = NewRequestId(ctx->request.Header("x-request-id"));

  // Wrap the response: headers and the access log, once.
  auto route_name = std::make_shared<std::string>("unmatched");
  Respond finish = [this, ctx, route_name, respond = std::move(respond), started](HttpResponse r) {
    r.headers.emplace_back("X-Request-Id", ctx->request_id);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    bool has_cache_control = false;
    for (const auto& h : r.headers) has_cache_control = has_cache_control || h.first == "Cache-Control";
    if (!has_cache_control) r.headers.emplace_back("Cache-Control", "no-store");
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
    services_.metrics.ObserveRequest(ctx->request.method, *route_name, r.status,
                                     static_cast<double>(micros) / 1e6);
    log::Event(log::Level::kInfo, "http.access",
               {{"method", ctx->request.method},
                {"path", ctx->request.path},
                {"status", r.status},
                {"duration_ms", static_cast<double>(micros) / 1000.0},
                {"bytes_in", static_cast<int64_t>(ctx->request.body.size())},
                {"bytes_out", static_cast<int64_t>(r.body.size())},
                {"request_id", ctx->request_id},
                {"remote_addr", ctx->request.remote_address},
                {"actor", ctx->principal ? ctx->principal->ActorString() : "-"}});
    respond(std::move(r));
  };

  RouteMatch match = router_.Match(ctx->request.method, ctx->request.path);
  if (!match.route) {
    if (match.path_matched) {
      HttpResponse r = api::Problem(405, "Method Not Allowed",
                                    fmt::format("{} is not allowed on this path; allowed: {}",
                                                ctx->request.method, match.allowed),
                                    ctx->request_id);
      r.headers.emplace_back("Allow", match.allowed);
      return finish(std::move(r));
    }
    return finish(api::Problem(404, "Not Found", "no such endpoint", ctx->request_id));
  }
  const Route& route = *match.route;
  *route_name = route.pattern;
  ctx->params = std::move(match.params);

  if (!ctx->query.valid()) {
    return finish(api::Problem(400, "Bad Request", "the query string has a bad %-escape or invalid UTF-8",
                               ctx->request_id));
  }
  const std::string& m = ctx->request.method;
  bool has_body_method = m == "POST" || m == "PUT" || m == "PATCH";
  if (route.body == BodyKind::kJson && has_body_method && !ctx->request.body.empty() &&
      !IsJsonContentType(ctx->request.Header("content-type"))) {
    return finish(api::Problem(415, "Unsupported Media Type",
                               "send the body as application/json", ctx->request_id));
  }
  if (route.auth != AuthMode::kNone) {
    ctx->credential = ExtractCredential(*ctx, route.auth);
    bool header_credentials = !ctx->request.Header("authorization").empty() ||
                              !ctx->request.Header("x-api-key").empty();
    if (ctx->credential.empty() && !header_credentials) {
      // The console's HttpOnly cookie, only when no explicit credential was sent.
      ctx->credential = SessionCookie(ctx->request);
      if (!ctx->credential.empty() && IsUnsafeMethod(m)) {
        if (std::string why = CsrfProblem(ctx->request); !why.empty()) {
          return finish(api::Problem(403, "Forbidden", why, ctx->request_id));
        }
      }
    }
    if (ctx->credential.empty()) {
      return finish(api::Problem(401, "Unauthorized",
                                 "credentials required: Authorization: Bearer <token or API key>",
                                 ctx->request_id));
    }
    auto principal = services_.auth.Authenticate(ctx->credential);
    if (!principal.ok()) {
      if (principal.status().code() == StatusCode::kUnauthenticated) {
        return finish(api::Problem(401, "Unauthorized", "invalid, expired or revoked credentials",
                                   ctx->request_id));
      }
      return finish(ProblemFromStatus(principal.status(), ctx->request_id));
    }
    ctx->principal = std::move(*principal);
  }
  try {
    route.handler(ctx, finish);
  } catch (const std::exception& e) {
    finish(ProblemFromStatus(Status::Internal(fmt::format("handler threw: {}", e.what())),
                             ctx->request_id));
  }
}

}  // namespace wf::api
