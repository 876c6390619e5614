#include <algorithm>

#include "api/handlers/handlers.h"
#include "api/handlers/user_json.h"
#include "api/request_context.h"
#include "core/auth_service.h"
#include "core/clock.h"

namespace wf::api {

void WriteUser(JsonBuilder& b, const auth::User& u) {
  b.BeginObject()
      .Key("id").Int(u.id)
      .Key("login").String(u.login)
      .Key("name").String(u.name)
      .Key("role").String(auth::RoleName(u.role))
      .Key("disabled").Bool(u.disabled)
      .Key("created_at").Time(u.created_at)
      .Key("updated_at").Time(u.updated_at)
      .EndObject();
}

void WriteApiKey(JsonBuilder& b, const auth::ApiKey& k) {
  b.BeginObject().Key("id").Int(k.id).Key("name").String(k.name).Key("prefix").String(k.prefix);
  b.Key("scopes").BeginArray();
  for (auth::Scope s : k.scopes) b.String(auth::ScopeName(s));
  b.EndArray();
  b.Key("created_at").Time(k.created_at).Key("revoked_at").OptTime(k.revoked_at).EndObject();
}

namespace {

// The console's session cookie: HttpOnly (script cannot read the token),
// SameSite=Strict (not sent on cross-site requests), Secure under TLS.
std::string SessionCookieHeader(const RequestContext& ctx, const std::string& token, int64_t max_age) {
  std::string c = "wf_session=" + token + "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" +
                  std::to_string(max_age);
  if (!ctx.services.config.tls_cert.empty()) c += "; Secure";
  return c;
}

void Login(ContextPtr ctx, Respond respond) {
  auto body = JsonBody::Parse(ctx->request.body);
  if (!body.ok()) return RespondError(*ctx, respond, body.status());
  auto login = RequiredString(*body, "login");
  if (!login.ok()) return RespondError(*ctx, respond, login.status());
  auto password = RequiredString(*body, "password");
  if (!password.ok()) return RespondError(*ctx, respond, password.status());
  WF_TRY(std::optional<bool> cookie, body->Bool("cookie"));
  bool set_cookie = cookie.value_or(false);
  ctx->services.auth.Login(
      *login, *password, ctx->Audit(), [ctx, respond, set_cookie](Result<auth::LoginResult> r) {
        if (!r.ok()) return RespondError(*ctx, respond, r.status());
        JsonBuilder b;
        b.BeginObject().Key("token").String(r->token);
        b.Key("expires_at").Time(r->expires_at).Key("user");
        WriteUser(b, r->user);
        b.EndObject();
        HttpResponse resp;
        resp.body = b.Take();
        if (set_cookie) {
          int64_t max_age = std::max<int64_t>(0, (r->expires_at - ctx->services.clock.NowMs()) / 1000);
          resp.headers.emplace_back("Set-Cookie", SessionCookieHeader(*ctx, r->token, max_age));
        }
        respond(std::move(resp));
      });
}

void Logout(ContextPtr ctx, Respond respond) {
  if (ctx->principal->kind != auth::Principal::Kind::kUser) {
    return RespondError(*ctx, respond, Status::FailedPrecondition("API keys have no session to end"));
  }
  ctx->services.auth.Logout(ctx->credential, ctx->Audit(), [ctx, respond](Status st) {
    if (!st.ok()) return RespondError(*ctx, respond, st);
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    // Clears the console's cookie too (harmless for a bearer client).
    r.headers.emplace_back("Set-Cookie", SessionCookieHeader(*ctx, "", 0));
    respond(std::move(r));
  });
}

void Me(ContextPtr ctx, Respond respond) {
  const auth::Principal& p = *ctx->principal;
  JsonBuilder b;
  if (p.kind == auth::Principal::Kind::kUser) {
    auto user = ctx->services.auth.GetUser(p.id);
    if (!user.ok()) return RespondError(*ctx, respond, user.status());
    b.BeginObject().Key("kind").String("user").Key("user");
    WriteUser(b, *user);
    b.Key("tier").Int(auth::MaxWorkTier(user->role));
    b.EndObject();
  } else {
    b.BeginObject().Key("kind").String("api_key").Key("id").Int(p.id).Key("name").String(p.name);
    b.Key("scopes").BeginArray();
    for (auth::Scope s : p.scopes) b.String(auth::ScopeName(s));
    b.EndArray().EndObject();
  }
  RespondJson(respond, b.Take());
}

}  // namespace

void RegisterAuthRoutes(Router& r) {
  r.Add("POST", "/api/v1/auth/login", Login, AuthMode::kNone, BodyKind::kJson);
  r.Add("POST", "/api/v1/auth/logout", Logout, AuthMode::kUser, BodyKind::kNone);
  r.Add("GET", "/api/v1/me", Me, AuthMode::kUser, BodyKind::kNone);
}

}  // namespace wf::api
