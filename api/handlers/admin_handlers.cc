#include <fmt/format.h>

#include "api/handlers/handlers.h"
#include "api/handlers/user_json.h"
#include "api/request_context.h"
#include "core/auth_service.h"
#include "core/clock.h"
#include "core/read_pool.h"

namespace wf::api {

namespace {

using auth::Permission;

Result<auth::Role> RoleField(const std::string& name) {
  auto role = auth::ParseRole(name);
  if (!role) {
    return Status::Unprocessable(
        fmt::format("role '{}' is not one of l1, l2, l3, manager, admin, auditor", name));
  }
  return *role;
}

std::string UserJson(const auth::User& u) {
  JsonBuilder b;
  WriteUser(b, u);
  return b.Take();
}

void ListUsers(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(Permission::kManageUsers); !st.ok()) return RespondError(*ctx, respond, st);
  auto users = ctx->services.auth.ListUsers();
  if (!users.ok()) return RespondError(*ctx, respond, users.status());
  JsonBuilder b;
  b.BeginObject().Key("users").BeginArray();
  for (const auto& u : *users) WriteUser(b, u);
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

void GetUser(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(Permission::kManageUsers); !st.ok()) return RespondError(*ctx, respond, st);
  auto id = ctx->IdParam("id");
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  auto user = ctx->services.auth.GetUser(*id);
  if (!user.ok()) return RespondError(*ctx, respond, user.status());
  RespondJson(respond, UserJson(*user));
}

void CreateUser(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(Permission::kManageUsers); !st.ok()) return RespondError(*ctx, respond, st);
  auto body = JsonBody::Parse(ctx->request.body);
  if (!body.ok()) return RespondError(*ctx, respond, body.status());
  auth::NewUser nu;
  auto login = body->String("login");
  auto name = body->String("name");
  auto role = body->String("role");
  auto password = body->String("password");
  for (const auto* r : {&login, &name, &role, &password}) {
    if (!r->ok()) return RespondError(*ctx, respond, r->status());
  }
  if (Status st = body->OnlyKnownKeys({"login", "name", "role", "password"}); !st.ok()) {
    return RespondError(*ctx, respond, st);
  }
  for (auto [field, value] : {std::pair{"login", &login}, {"role", &role}, {"password", &password}}) {
    if (!value->value() || value->value()->empty()) {
      return RespondError(*ctx, respond, Status::Unprocessable(fmt::format("{} is required", field)));
    }
  }
  auto parsed_role = RoleField(**role);
  if (!parsed_role.ok()) return RespondError(*ctx, respond, parsed_role.status());
  nu.login = **login;
  nu.name = name->value_or(nu.login);
  if (nu.name.empty()) nu.name = nu.login;
  nu.role = *parsed_role;
  nu.password = **password;
  ctx->services.auth.CreateUser(std::move(nu), ctx->Audit(), [ctx, respond](Result<auth::User> u) {
    if (!u.ok()) return RespondError(*ctx, respond, u.status());
    RespondJson(respond, UserJson(*u), 201);
  });
}

void PatchUser(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(Permission::kManageUsers); !st.ok()) return RespondError(*ctx, respond, st);
  auto id = ctx->IdParam("id");
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  auto body = JsonBody::Parse(ctx->request.body);
  if (!body.ok()) return RespondError(*ctx, respond, body.status());
  if (Status st = body->OnlyKnownKeys({"name", "role", "password", "disabled"}); !st.ok()) {
    return RespondError(*ctx, respond, st);
  }
  auth::UserPatch patch;
  auto name = body->String("name");
  auto role = body->String("role");
  auto password = body->String("password");
  auto disabled = body->Bool("disabled");
  for (const auto* r : {&name, &role, &password}) {
    if (!r->ok()) return RespondError(*ctx, respond, r->status());
  }
  if (!disabled.ok()) return RespondError(*ctx, respond, disabled.status());
  patch.name = *name;
  patch.password = *password;
  patch.disabled = *disabled;
  if (*role) {
    auto parsed = RoleField(**role);
    if (!parsed.ok()) return RespondError(*ctx, respond, parsed.status());
    patch.role = *parsed;
  }
  // An admin must not lock themselves out by accident.
  if (*id == ctx->principal->id && ((patch.disabled && *patch.disabled) ||
                                    (patch.role && *patch.role != auth::Role::kAdmin))) {
    return RespondError(*ctx, respond,
                        Status::FailedPrecondition("you cannot disable yourself or drop your own admin role"));
  }
  ctx->services.auth.UpdateUser(*id, std::move(patch), ctx->Audit(),
                                [ctx, respond](Result<auth::User> u) {
                                  if (!u.ok()) return RespondError(*ctx, respond, u.status());
                                  RespondJson(respond, UserJson(*u));
                                });
}

void ListApiKeys(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(Permission::kManageUsers); !st.ok()) return RespondError(*ctx, respond, st);
  auto keys = ctx->services.auth.ListApiKeys();
  if (!keys.ok()) return RespondError(*ctx, respond, keys.status());
  JsonBuilder b;
  b.BeginObject().Key("api_keys").BeginArray();
  for (const auto& k : *keys) WriteApiKey(b, k);
  b.EndArray().EndObject();
  RespondJson(respond, b.Take());
}

void CreateApiKey(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(Permission::kManageUsers); !st.ok()) return RespondError(*ctx, respond, st);
  auto body = JsonBody::Parse(ctx->request.body);
  if (!body.ok()) return RespondError(*ctx, respond, body.status());
  if (Status st = body->OnlyKnownKeys({"name", "scopes"}); !st.ok()) return RespondError(*ctx, respond, st);
  auto name = RequiredString(*body, "name");
  if (!name.ok()) return RespondError(*ctx, respond, name.status());
  auto scopes = body->StringArray("scopes");
  if (!scopes.ok()) return RespondError(*ctx, respond, scopes.status());
  if (!*scopes || (*scopes)->empty()) {
    return RespondError(*ctx, respond, Status::Unprocessable("scopes is required: [\"ingest\"] or [\"read\"]"));
  }
  std::vector<auth::Scope> parsed;
  for (const auto& s : **scopes) {
    auto scope = auth::ParseScope(s);
    if (!scope) {
      return RespondError(*ctx, respond,
                          Status::Unprocessable(fmt::format("scope '{}' is not one of ingest, read", s)));
    }
    parsed.push_back(*scope);
  }
  std::optional<int64_t> creator;
  if (ctx->principal->kind == auth::Principal::Kind::kUser) creator = ctx->principal->id;
  ctx->services.auth.CreateApiKey(
      std::move(*name), std::move(parsed), creator, ctx->Audit(),
      [ctx, respond](Result<auth::CreatedApiKey> k) {
        if (!k.ok()) return RespondError(*ctx, respond, k.status());
        JsonBuilder b;
        b.BeginObject().Key("id").Int(k->key.id).Key("key").String(k->secret).Key("api_key");
        WriteApiKey(b, k->key);
        b.Key("note").String("store the key now: it is shown only once").EndObject();
        RespondJson(respond, b.Take(), 201);
      });
}

void RevokeApiKey(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(Permission::kManageUsers); !st.ok()) return RespondError(*ctx, respond, st);
  auto id = ctx->IdParam("id");
  if (!id.ok()) return RespondError(*ctx, respond, id.status());
  ctx->services.auth.RevokeApiKey(*id, ctx->Audit(), [ctx, respond](Status st) {
    if (!st.ok()) return RespondError(*ctx, respond, st);
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    respond(std::move(r));
  });
}

void ListAudit(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(Permission::kReadAudit); !st.ok()) return RespondError(*ctx, respond, st);
  audit::Query q;
  q.actor = ctx->query.Get("actor");
  q.action = ctx->query.Get("action");
  q.object_type = ctx->query.Get("object_type");
  q.object_id = ctx->query.Get("object_id");
  auto since = ctx->TimeQuery("since");
  auto until = ctx->TimeQuery("until");
  auto limit = ctx->LimitQuery(100, 1000);
  auto cursor = ctx->CursorQuery();
  if (!since.ok()) return RespondError(*ctx, respond, since.status());
  if (!until.ok()) return RespondError(*ctx, respond, until.status());
  if (!limit.ok()) return RespondError(*ctx, respond, limit.status());
  if (!cursor.ok()) return RespondError(*ctx, respond, cursor.status());
  q.since = *since;
  q.until = *until;
  q.limit = *limit + 1;
  q.before_seq = *cursor;
  auto lease = ctx->services.reads.Acquire();
  if (!lease.ok()) return RespondError(*ctx, respond, lease.status());
  auto records = audit::List(lease->db(), q);
  if (!records.ok()) return RespondError(*ctx, respond, records.status());
  std::optional<int64_t> next;
  if (static_cast<int>(records->size()) > *limit) {
    records->resize(static_cast<size_t>(*limit));
    next = records->back().seq;
  }
  JsonBuilder b;
  b.BeginObject().Key("records").BeginArray();
  for (const auto& r : *records) {
    b.BeginObject()
        .Key("seq").Int(r.seq)
        .Key("time").Time(r.time)
        .Key("actor").String(r.actor)
        .Key("action").String(r.action)
        .Key("object_type").String(r.object_type)
        .Key("object_id").String(r.object_id)
        .Key("request_id").String(r.request_id)
        .Key("remote_addr").String(r.remote_addr)
        .Key("details").RawValue(r.details_json)
        .Key("prev_hash").String(r.prev_hash)
        .Key("hash").String(r.hash)
        .EndObject();
  }
  b.EndArray().Key("next_cursor").OptString(next ? std::optional(std::to_string(*next)) : std::nullopt);
  b.EndObject();
  RespondJson(respond, b.Take());
}

void VerifyAudit(ContextPtr ctx, Respond respond) {
  if (Status st = ctx->Require(Permission::kReadAudit); !st.ok()) return RespondError(*ctx, respond, st);
  auto lease = ctx->services.reads.Acquire();
  if (!lease.ok()) return RespondError(*ctx, respond, lease.status());
  auto v = audit::Verify(lease->db());
  if (!v.ok()) return RespondError(*ctx, respond, v.status());
  JsonBuilder b;
  b.BeginObject().Key("ok").Bool(v->ok).Key("checked").Int(v->checked);
  b.Key("first_broken_seq");
  if (v->first_broken_seq) {
    b.Int(*v->first_broken_seq);
  } else {
    b.Null();
  }
  b.Key("reason").OptString(v->ok ? std::nullopt : std::optional<std::string>(v->reason));
  b.Key("head_hash").String(v->head_hash).EndObject();
  RespondJson(respond, b.Take());
}

}  // namespace

void RegisterAdminRoutes(Router& r) {
  r.Add("GET", "/api/v1/users", ListUsers, AuthMode::kUser, BodyKind::kNone);
  r.Add("POST", "/api/v1/users", CreateUser, AuthMode::kUser, BodyKind::kJson);
  r.Add("GET", "/api/v1/users/{id}", GetUser, AuthMode::kUser, BodyKind::kNone);
  r.Add("PATCH", "/api/v1/users/{id}", PatchUser, AuthMode::kUser, BodyKind::kJson);
  r.Add("GET", "/api/v1/api-keys", ListApiKeys, AuthMode::kUser, BodyKind::kNone);
  r.Add("POST", "/api/v1/api-keys", CreateApiKey, AuthMode::kUser, BodyKind::kJson);
  r.Add("DELETE", "/api/v1/api-keys/{id}", RevokeApiKey, AuthMode::kUser, BodyKind::kNone);
  r.Add("GET", "/api/v1/audit", ListAudit, AuthMode::kUser, BodyKind::kNone);
  r.Add("GET", "/api/v1/audit/verify", VerifyAudit, AuthMode::kUser, BodyKind::kNone);
}

}  // namespace wf::api
